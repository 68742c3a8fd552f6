//! The last step before filing: everything as it will be sent, where it
//! will go, and open messages nearby that may be the same problem.

use askama::Template;
use vmeste_db::{catalogue, organisations, territories};
use vmeste_domain::validation::Place;

use super::{Flow, ReportForm, Valid};
use crate::error::{OrPage, PageError};
use crate::html::Layout;
use crate::html::view::Card;

/// What the preview is made of.
pub(super) struct Shown<'a> {
    pub form: &'a ReportForm,
    pub valid: &'a Valid,
    /// The register's spelling of the typed address that gave the point.
    pub from_address: Option<String>,
    pub similar: Vec<Card>,
}

#[derive(Template)]
#[template(path = "report_preview.html")]
pub(super) struct PreviewPage {
    layout: Layout,
    csrf: String,
    /// Where the form posts.
    action: String,
    topic: String,
    category: String,
    text: String,
    held: Vec<String>,
    address: String,
    found_address: Option<String>,
    from_photo: bool,
    territory: Option<String>,
    point: Option<String>,
    organisation: Option<String>,
    appeal: bool,
    similar: Vec<Card>,
    signed_in: bool,
    /// The form's fields, carried in hidden inputs.
    hidden: Vec<(&'static str, String)>,
}

pub(super) async fn page(flow: &Flow<'_>, shown: Shown<'_>) -> Result<PreviewPage, PageError> {
    let Shown {
        form,
        valid,
        from_address,
        similar,
    } = shown;
    let message = &valid.message;
    let mut handle = flow.state.db().read().await.or_page()?;
    let mut conn = handle.conn();
    let topic = catalogue::topic(&mut conn, message.topic_id)
        .await
        .or_page()?
        .ok_or(PageError::NotFound)?;
    let category = catalogue::categories(&mut conn)
        .await
        .or_page()?
        .into_iter()
        .find(|c| c.id == topic.category_id)
        .map(|c| c.name_ru)
        .unwrap_or_default();
    let organisation = match &valid.route {
        Some(route) => organisations::get(&mut conn, route.organisation_id)
            .await
            .or_page()?
            .map(|o| o.short_name_ru),
        None => None,
    };
    let (territory, point) = match message.place {
        Place::Territory(id) => {
            let name = territories::list(&mut conn)
                .await
                .or_page()?
                .into_iter()
                .find(|t| t.id == id)
                .map(|t| t.name_ru);
            (name, None)
        }
        Place::Point(p) => (None, Some(format!("{:.6}, {:.6}", p.lat, p.lon))),
    };
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut hidden = vec![
        ("topic_id", message.topic_id.to_string()),
        ("text", value(&form.text)),
        ("address", value(&form.address)),
        ("territory_id", value(&form.territory_id)),
        ("lat", value(&form.lat)),
        ("lon", value(&form.lon)),
        ("confirmed", "1".to_owned()),
    ];
    if valid.appeal {
        hidden.push(("appeal", "1".to_owned()));
    }
    let held: Vec<String> = super::held::of(form)
        .iter()
        .map(ToString::to_string)
        .collect();
    hidden.extend(held.iter().map(|h| ("held", h.clone())));
    Ok(PreviewPage {
        layout: flow.layout(),
        csrf: flow.csrf.token.clone(),
        action: flow.action(),
        topic: topic.name_ru,
        category,
        text: message.text.clone(),
        held,
        address: message.address.clone().unwrap_or_default(),
        found_address: from_address,
        from_photo: form.from_photo,
        territory,
        point,
        organisation,
        appeal: valid.appeal,
        similar,
        signed_in: flow.user.is_some(),
        hidden,
    })
}
