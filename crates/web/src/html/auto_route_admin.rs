//! Auto-route on the administrators' routing page: per-topic confidence
//! thresholds above which the classifier routes a message without
//! moderation (off by default), the models with their held-out figures, and
//! rolling back to the previous model. Every change is audited.

use axum::extract::{Form, State};
use axum::response::Response;
use serde::Deserialize;
use vmeste_db::{Conn, DbError, audit, catalogue, routing_models};

use super::admin::require_platform;
use super::error_page;
use super::form::{self, Errors};
use super::routing_editor;
use super::staff::CsrfForm;
use super::view::local_time;
use crate::AppState;
use crate::csrf::Csrf;
use crate::error::{OrPage, PageError};
use crate::i18n::Lang;
use crate::principal::Principal;
use crate::rate_limit::ClientIp;

/// The lowest threshold an administrator may set: below it the model would
/// route more guesses than it gets right.
const LOWEST_PERCENT: u8 = 50;

pub struct Threshold {
    pub topic_id: i64,
    pub name: String,
    /// Whole percent, or empty: off.
    pub percent: String,
}

pub struct ModelLine {
    pub status: String,
    pub trained_on: i64,
    pub topic: String,
    pub organisation: String,
    pub rival: String,
    pub created: String,
}

/// The auto-route part of the routing page.
pub struct AutoRoute {
    pub thresholds: Vec<Threshold>,
    pub models: Vec<ModelLine>,
    pub can_roll_back: bool,
}

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".to_owned(), |s| format!("{:.0} %", s * 100.0))
}

pub async fn load(
    conn: &mut Conn<'_>,
    lang: Lang,
    tz: chrono_tz::Tz,
) -> Result<AutoRoute, DbError> {
    let set: std::collections::HashMap<i64, f64> = routing_models::thresholds(conn)
        .await?
        .into_iter()
        .collect();
    let thresholds = catalogue::active_tree(conn)
        .await?
        .into_iter()
        .flat_map(|c| c.topics)
        .map(|t| Threshold {
            topic_id: t.id,
            percent: set
                .get(&t.id)
                .map(|v| format!("{:.0}", v * 100.0))
                .unwrap_or_default(),
            name: lang.pick(&t.name_ru, &t.name_en).to_owned(),
        })
        .collect();
    let stored = routing_models::recent(conn, 10).await?;
    let can_roll_back = stored.iter().any(|m| m.status == routing_models::PREVIOUS);
    let models = stored
        .into_iter()
        .map(|m| ModelLine {
            status: lang.t(&format!("model-status-{}", m.status)),
            trained_on: m.trained_on,
            topic: format!("{} / {}", percent(m.topic_top1), percent(m.topic_top3)),
            organisation: format!(
                "{} / {}",
                percent(m.organisation_top1),
                percent(m.organisation_top3)
            ),
            rival: percent(m.rival_topic_top1),
            created: local_time(m.created_at, tz),
        })
        .collect();
    Ok(AutoRoute {
        thresholds,
        models,
        can_roll_back,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ThresholdForm {
    csrf: Option<String>,
    topic_id: Option<String>,
    percent: Option<String>,
}

/// A threshold as typed: empty is off; else a whole percent from the lowest allowed to 100.
fn parse_percent(typed: Option<&str>) -> Result<Option<f64>, ()> {
    match typed.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(p) => match p.trim_end_matches('%').trim().parse::<u8>() {
            Ok(n) if (LOWEST_PERCENT..=100).contains(&n) => Ok(Some(f64::from(n) / 100.0)),
            _ => Err(()),
        },
    }
}

pub async fn set_threshold(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Form(form): Form<ThresholdForm>,
) -> Response {
    let result = async {
        require_platform(&state, &who)?;
        if !csrf.accepts(form.csrf.as_deref().unwrap_or("")) {
            return routing_editor::page(
                &state,
                &who,
                &csrf,
                &routing_editor::RuleForm::default(),
                Errors::stale_form(),
            )
            .await;
        }
        let topic = form.topic_id.as_deref().and_then(|t| t.trim().parse().ok());
        let (Some(topic), Ok(threshold)) = (topic, parse_percent(form.percent.as_deref())) else {
            let mut errors = Errors::default();
            errors.add(
                "threshold",
                crate::i18n::current().t("auto-route-threshold-invalid"),
            );
            return routing_editor::page(
                &state,
                &who,
                &csrf,
                &routing_editor::RuleForm::default(),
                errors,
            )
            .await;
        };
        let mut tx = state.db().write().await.or_page()?;
        if !routing_models::set_threshold(&mut tx.conn(), topic, threshold)
            .await
            .or_page()?
        {
            return Err(PageError::NotFound);
        }
        let detail = threshold.map_or_else(|| "off".to_owned(), |t| format!("{t:.2}"));
        let entry = audit::Entry {
            action: "routing.set_auto_route_threshold",
            object_kind: "topic",
            object_id: Some(topic),
            detail: Some(&detail),
            ..audit::Entry::default()
        };
        form::audited_redirect(
            &who,
            &state,
            tx,
            &client,
            entry,
            "/admin/routing#auto-route",
        )
        .await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

pub async fn rollback(
    State(state): State<AppState>,
    who: Principal,
    csrf: Csrf,
    client: ClientIp,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        require_platform(&state, &who)?;
        if !csrf.accepts(form.token()) {
            return Ok(form::see_other("/admin/routing#models"));
        }
        let mut tx = state.db().write().await.or_page()?;
        let Some(id) = routing_models::rollback(&mut tx.conn(), state.clock().now())
            .await
            .or_page()?
        else {
            return Err(PageError::NotFound);
        };
        let entry = audit::Entry {
            action: "routing.rollback_model",
            object_kind: "routing_model",
            object_id: Some(id),
            ..audit::Entry::default()
        };
        form::audited_redirect(&who, &state, tx, &client, entry, "/admin/routing#models").await
    }
    .await;
    result.unwrap_or_else(|e| error_page(&state, &e))
}

#[cfg(test)]
mod tests {
    use super::parse_percent;

    #[test]
    fn thresholds_are_whole_percents_from_fifty_or_off() {
        assert_eq!(parse_percent(None), Ok(None));
        assert_eq!(parse_percent(Some("  ")), Ok(None));
        assert_eq!(parse_percent(Some("90")), Ok(Some(0.9)));
        assert_eq!(parse_percent(Some("95 %")), Ok(Some(0.95)));
        assert_eq!(parse_percent(Some("100")), Ok(Some(1.0)));
        for bad in ["49", "101", "0.9", "abc", "-5"] {
            assert_eq!(parse_percent(Some(bad)), Err(()), "{bad}");
        }
    }
}
