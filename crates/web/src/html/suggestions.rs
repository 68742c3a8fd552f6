//! The routing classifier's suggestions for a message in moderation: the
//! likeliest topics and organisations with their confidence and the words
//! that pushed them. Where the routing rules already decide the organisation
//! for the message's place, that organisation is shown instead of guesses.

use std::collections::HashMap;

use vmeste_db::{Conn, DbError, catalogue, organisations};
use vmeste_routing::classifier::{Model, ReasonKind, Suggestion};

use crate::i18n::Lang;

/// How many topics and organisations are suggested.
const TOP: usize = 3;

pub struct Suggested {
    pub id: i64,
    pub name: String,
    /// Confidence as a whole percentage.
    pub percent: String,
    /// The words that pushed it, for people.
    pub because: String,
}

/// What the page shows for one message.
pub struct Panel {
    pub message_id: i64,
    pub topics: Vec<Suggested>,
    pub organisations: Vec<Suggested>,
    /// The organisation the routing rules chose for the place, in words.
    pub rules_decide: Option<String>,
}

/// Topic and organisation names in the page's language.
pub struct Names {
    lang: Lang,
    topics: HashMap<i64, String>,
    organisations: HashMap<i64, String>,
}

impl Names {
    pub async fn load(conn: &mut Conn<'_>, lang: Lang) -> Result<Self, DbError> {
        let topics = catalogue::topics(conn)
            .await?
            .into_iter()
            .filter(|t| t.active)
            .map(|t| (t.id, lang.pick(&t.name_ru, &t.name_en).to_owned()))
            .collect();
        let organisations = organisations::list(conn)
            .await?
            .into_iter()
            .filter(|o| o.active)
            .map(|o| (o.id, lang.pick(&o.name_ru, &o.name_en).to_owned()))
            .collect();
        Ok(Self {
            lang,
            topics,
            organisations,
        })
    }

    /// The suggestions for a message's text; `rules_organisation` is the
    /// organisation intake's routing rules chose for it, if any.
    pub fn panel(
        &self,
        model: &Model,
        message_id: i64,
        text: &str,
        rules_organisation: Option<i64>,
        now: i64,
    ) -> Panel {
        let suggestions = model.suggest_at(text, Some(now), TOP);
        let rules_decide = rules_organisation.map(|id| {
            let name = self.organisations.get(&id).cloned().unwrap_or_default();
            self.lang
                .t_with("suggest-rules-decide", &[("name", name.into())])
        });
        Panel {
            message_id,
            topics: self.named(
                &suggestions.topics,
                &self.topics,
                (&self.organisations, "suggest-related-organisation"),
            ),
            organisations: if rules_decide.is_some() {
                Vec::new()
            } else {
                self.named(
                    &suggestions.organisations,
                    &self.organisations,
                    (&self.topics, "suggest-related-topic"),
                )
            },
            rules_decide,
        }
    }

    /// Suggestions whose labels name a known, active topic or organisation;
    /// `related` names the other prediction's labels and says how they relate.
    fn named(
        &self,
        found: &[Suggestion],
        names: &HashMap<i64, String>,
        (related, relation): (&HashMap<i64, String>, &str),
    ) -> Vec<Suggested> {
        found
            .iter()
            .filter_map(|s| {
                let id = s.label.parse::<i64>().ok()?;
                let name = names.get(&id)?.clone();
                let words = s
                    .because
                    .iter()
                    .filter(|r| r.kind == ReasonKind::Words)
                    .map(|r| r.words.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut because: Vec<String> = Vec::new();
                if !words.is_empty() {
                    because.push(
                        self.lang
                            .t_with("suggest-because", &[("words", words.into())]),
                    );
                }
                because.extend(s.because.iter().filter_map(|r| {
                    let percent = ("percent", percent(r.weight).into());
                    match r.kind {
                        ReasonKind::Words => None,
                        ReasonKind::Precedent => {
                            Some(self.lang.t_with("suggest-precedent", &[percent]))
                        }
                        ReasonKind::Similar => {
                            Some(self.lang.t_with("suggest-similar", &[percent]))
                        }
                        ReasonKind::Related => {
                            let name = related.get(&r.words.parse::<i64>().ok()?)?;
                            Some(
                                self.lang
                                    .t_with(relation, &[percent, ("name", name.clone().into())]),
                            )
                        }
                    }
                }));
                Some(Suggested {
                    id,
                    name,
                    percent: percent(s.confidence),
                    because: because.join("; "),
                })
            })
            .collect()
    }
}

/// A share (0–1) as a whole percentage.
fn percent(share: f64) -> String {
    format!("{:.0}", (share * 100.0).clamp(0.0, 100.0))
}
