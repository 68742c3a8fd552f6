//! The «Сообщить о проблеме» widget: the report form in a compact frame that
//! an organisation's own site shows in an overlay (see `assets/widget.js`
//! and docs/widget.md). It is the site's report flow with another layout,
//! anonymous, with signed form tokens instead of the CSRF cookie (which no
//! browser sends into a frame on another site), ending on a confirmation
//! with the message's number.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use vmeste_db::messages::{self, Visibility};

use super::report::{self, Flow, ReportForm};
use super::{Layout, error_page, render};
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::i18n::Lang;
use crate::rate_limit::ClientIp;
use crate::signing::FormKey;
use crate::upload::FormWithFiles;

/// Where the widget lives; only its pages may be framed.
pub const WIDGET_PATH: &str = "/widget";

pub fn is_widget_path(path: &str) -> bool {
    path == WIDGET_PATH
        || path
            .strip_prefix(WIDGET_PATH)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The widget's context, from its address: `/widget?org=5&topic=12&lang=en`.
/// Values that do not parse are ignored: the form still works without them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Embed {
    /// The organisation whose site frames the widget: its sites may.
    pub org: Option<i64>,
    /// The topic the form starts with.
    pub topic: Option<i64>,
    pub lang: Option<Lang>,
    /// Words to find a topic by (the form's topic finder).
    pub find: Option<String>,
    /// The proof that this browser just filed the message shown.
    pub proof: Option<String>,
}

impl Embed {
    pub fn of_query(query: Option<&str>) -> Self {
        let mut embed = Self::default();
        for (name, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match name.as_ref() {
                "org" => embed.org = value.trim().parse().ok(),
                "topic" => embed.topic = value.trim().parse().ok(),
                "lang" => embed.lang = Lang::parse(value.trim()),
                "find" => embed.find = Some(value.into_owned()),
                "proof" => embed.proof = Some(value.into_owned()),
                _ => {}
            }
        }
        embed
    }

    /// The parameters that keep the widget in its context from page to page.
    fn keep(&self) -> Vec<(&'static str, String)> {
        let mut keep = Vec::new();
        if let Some(org) = self.org {
            keep.push(("org", org.to_string()));
        }
        if let Some(lang) = self.lang {
            keep.push(("lang", lang.code().to_owned()));
        }
        keep
    }

    fn query(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.keep())
            .finish()
    }
}

/// The language a widget's address asks for, if it is the widget's.
pub fn lang_of(uri: &Uri) -> Option<Lang> {
    if is_widget_path(uri.path()) {
        Embed::of_query(uri.query()).lang
    } else {
        None
    }
}

/// A widget page being served: its context and the key its forms are
/// signed with.
pub struct Framed {
    embed: Embed,
    key: FormKey,
}

impl Framed {
    async fn new(state: &AppState, uri: &Uri) -> Result<Self, PageError> {
        Ok(Self {
            embed: Embed::of_query(uri.query()),
            key: state.form_key().await.or_page()?,
        })
    }

    /// Where the widget's form posts and its topic finder gets; never
    /// without a `?`, so more parameters may follow.
    pub fn action(&self) -> String {
        format!("{WIDGET_PATH}?{}", self.embed.query())
    }

    /// Hidden fields for the topic finder (a GET form drops the action's query).
    pub fn keep(&self) -> Vec<(&'static str, String)> {
        self.embed.keep()
    }

    /// The confirmation of a message filed here, with the proof that it was.
    pub fn sent(&self, message_id: i64) -> String {
        let proof = self.key.sign(&sent_message(message_id));
        format!(
            "{WIDGET_PATH}/sent/{message_id}?{}&proof={proof}",
            self.embed.query()
        )
    }

    fn csrf(&self, state: &AppState, headers: &HeaderMap) -> Csrf {
        Csrf::signed(
            self.key.clone(),
            state.clock().now(),
            headers,
            &state.settings().public_url,
        )
    }
}

fn sent_message(message_id: i64) -> String {
    format!("widget-sent:{message_id}")
}

/// The report form, its topic preset from the embedding site's snippet.
pub async fn show(State(state): State<AppState>, uri: Uri, headers: HeaderMap) -> Response {
    let framed = match Framed::new(&state, &uri).await {
        Ok(framed) => framed,
        Err(e) => return error_page(&state, &e),
    };
    let csrf = framed.csrf(&state, &headers);
    let flow = Flow {
        state: &state,
        user: None,
        csrf: &csrf,
        widget: Some(&framed),
    };
    let topic = framed.embed.topic.map(|t| t.to_string());
    report::show(&flow, framed.embed.find.as_deref(), topic).await
}

/// A step of the form (edit, preview, send), as on the site.
pub async fn submit(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    client: ClientIp,
    form: Result<FormWithFiles<ReportForm>, Response>,
) -> Response {
    let framed = match Framed::new(&state, &uri).await {
        Ok(framed) => framed,
        Err(e) => return error_page(&state, &e),
    };
    let csrf = framed.csrf(&state, &headers);
    let flow = Flow {
        state: &state,
        user: None,
        csrf: &csrf,
        widget: Some(&framed),
    };
    report::file(&flow, &client, form).await
}

#[derive(Template)]
#[template(path = "widget_sent.html")]
struct SentPage {
    layout: Layout,
    number: String,
    topic: String,
    /// The message's public page, when the public may see it.
    public_url: Option<String>,
    /// The widget's form again.
    again: String,
}

/// The confirmation: the message's number and its page on the platform.
/// Only the browser that filed it holds the proof that opens it.
pub async fn sent(State(state): State<AppState>, uri: Uri, Path(id): Path<String>) -> Response {
    let result = async {
        let framed = Framed::new(&state, &uri).await?;
        let id: i64 = id.parse().map_err(|_| PageError::NotFound)?;
        let proven = framed
            .embed
            .proof
            .as_deref()
            .is_some_and(|proof| framed.key.verify(&sent_message(id), proof));
        if !proven {
            return Err(PageError::NotFound);
        }
        let view = {
            let mut handle = state.db().read().await.or_page()?;
            messages::get(&mut handle.conn(), id)
                .await
                .or_page()?
                .ok_or(PageError::NotFound)?
        };
        let public_url =
            (view.public_visibility() != Visibility::Hidden).then(|| format!("/messages/{id}"));
        Ok(SentPage {
            layout: Layout::embedded(&state),
            topic: crate::i18n::current()
                .pick(&view.topic_name_ru, &view.topic_name_en)
                .to_owned(),
            number: view.number,
            public_url,
            again: framed.action(),
        })
    }
    .await;
    match result {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => error_page(&state, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::{Embed, is_widget_path};
    use crate::i18n::Lang;

    #[test]
    fn the_address_gives_the_context_and_ignores_what_does_not_parse() {
        let embed = Embed::of_query(Some("org=5&topic=x&lang=en&other=1"));
        assert_eq!(embed.org, Some(5));
        assert_eq!(embed.topic, None);
        assert_eq!(embed.lang, Some(Lang::En));
        assert_eq!(embed.query(), "org=5&lang=en");
        assert_eq!(Embed::of_query(None), Embed::default());
        assert!(is_widget_path("/widget/sent/3") && !is_widget_path("/widgets"));
    }
}
