//! What pages show of a message, prepared in Rust so templates stay simple.

use chrono::{DateTime, Utc};
use vmeste_db::messages::MessageView;
use vmeste_db::organisations::Organisation;
use vmeste_domain::organisation::OrganisationKind;
use vmeste_domain::privacy::{public_address, public_text};
use vmeste_domain::status::MessageStatus;

/// Local date and time as Russians write it.
pub fn local_time(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    at.with_timezone(&tz).format("%d.%m.%Y %H:%M").to_string()
}

/// A status in the request's language.
pub fn status_label(status: &str) -> &'static str {
    MessageStatus::parse(status).map_or("", |s| match crate::i18n::current() {
        crate::i18n::Lang::Ru => s.label_ru(),
        crate::i18n::Lang::En => s.label_en(),
    })
}

/// A role's name in the request's language.
pub fn role_label(role: vmeste_domain::organisation::Role) -> &'static str {
    crate::i18n::current().pick(role.label_ru(), role.label_en())
}

/// An organisation's name in the request's language.
pub fn organisation_name(o: &Organisation) -> &str {
    crate::i18n::current().pick(&o.name_ru, &o.name_en)
}

/// A message in a list.
pub struct Card {
    pub id: i64,
    pub number: String,
    pub topic: String,
    pub status: &'static str,
    pub status_class: String,
    pub created: String,
    pub created_iso: String,
    pub excerpt: String,
    pub address: String,
    pub organisation: String,
}

const EXCERPT_CHARS: usize = 180;

impl Card {
    pub fn new(m: MessageView, tz: chrono_tz::Tz) -> Self {
        let text = public_text(&m.text);
        let mut excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
        if text.chars().count() > EXCERPT_CHARS {
            excerpt.push('…');
        }
        Self {
            id: m.id,
            status: status_label(&m.status),
            status_class: m.status,
            number: m.number,
            topic: crate::i18n::current()
                .pick(&m.topic_name_ru, &m.topic_name_en)
                .to_owned(),
            created: local_time(m.created_at, tz),
            created_iso: m.created_at.to_rfc3339(),
            excerpt,
            address: m.address.as_deref().map(public_address).unwrap_or_default(),
            organisation: m.organisation_name_ru.unwrap_or_default(),
        }
    }
}

/// An `<option>` of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(
        value: impl std::fmt::Display,
        label: impl Into<String>,
        current: Option<&str>,
    ) -> Self {
        let value = value.to_string();
        Self {
            selected: current == Some(value.as_str()),
            value,
            label: label.into(),
        }
    }
}

/// Topics by category, and territories, as staff forms offer them.
/// The region's districts (its top territory left out: it is «anywhere»),
/// named in the page's language, `current` selected.
pub fn territory_choices(
    territories: &[vmeste_db::territories::Territory],
    current: Option<&str>,
) -> Vec<Choice> {
    let lang = crate::i18n::current();
    territories
        .iter()
        .filter(|t| t.parent_id.is_some())
        .map(|t| Choice::new(t.id, lang.pick(&t.name_ru, &t.name_en), current))
        .collect()
}

/// Choices under a heading: an `<optgroup>`.
pub struct ChoiceGroup {
    pub label: String,
    pub options: Vec<Choice>,
}

impl ChoiceGroup {
    /// The catalogue's topics by category, `current` selected.
    pub fn topics(
        tree: &[vmeste_db::catalogue::CategoryWithTopics],
        current: Option<&str>,
    ) -> Vec<Self> {
        let lang = crate::i18n::current();
        tree.iter()
            .map(|c| ChoiceGroup {
                label: lang
                    .pick(&c.category.name_ru, &c.category.name_en)
                    .to_owned(),
                options: c
                    .topics
                    .iter()
                    .map(|t| Choice::new(t.id, lang.pick(&t.name_ru, &t.name_en), current))
                    .collect(),
            })
            .collect()
    }

    /// The active organisations by kind (authorities first, as
    /// [`OrganisationKind::ALL`] orders them), each kind's by name: a
    /// region has hundreds, and a moderator looks for a housing company
    /// among housing companies. `name` picks the name shown.
    pub fn organisations(
        organisations: &[Organisation],
        name: impl Fn(&Organisation) -> &str,
        current: Option<&str>,
    ) -> Vec<Self> {
        let lang = crate::i18n::current();
        OrganisationKind::ALL
            .into_iter()
            .filter_map(|kind| {
                let mut options: Vec<Choice> = organisations
                    .iter()
                    .filter(|o| o.active && o.kind() == kind)
                    .map(|o| Choice::new(o.id, name(o), current))
                    .collect();
                options.sort_by(|a, b| a.label.cmp(&b.label));
                (!options.is_empty()).then(|| ChoiceGroup {
                    label: lang.pick(kind.label_ru(), kind.label_en()).to_owned(),
                    options,
                })
            })
            .collect()
    }
}

pub type Catalogue = Vec<(String, Vec<(i64, String)>)>;

/// The active catalogue and every territory, for topic and place selects,
/// named in the page's language.
pub async fn topic_and_place_choices(
    conn: &mut vmeste_db::Conn<'_>,
) -> Result<(Catalogue, Vec<(i64, String)>), vmeste_db::DbError> {
    let lang = crate::i18n::current();
    let name = |ru: &str, en: &str| lang.pick(ru, en).to_owned();
    let catalogue = vmeste_db::catalogue::active_tree(conn)
        .await?
        .into_iter()
        .map(|c| {
            let topics = c
                .topics
                .iter()
                .map(|t| (t.id, name(&t.name_ru, &t.name_en)))
                .collect();
            (name(&c.category.name_ru, &c.category.name_en), topics)
        })
        .collect();
    let territories = vmeste_db::territories::list(conn)
        .await?
        .into_iter()
        .map(|t| (t.id, name(&t.name_ru, &t.name_en)))
        .collect();
    Ok((catalogue, territories))
}
