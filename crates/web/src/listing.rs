//! The public list's parameters, shared by the API and the pages: parsed
//! once, every bad one reported.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use vmeste_db::messages::{BBox, Filter};
use vmeste_domain::status::MessageStatus;
use vmeste_domain::validation::{ErrorCode, FieldError};

pub const DEFAULT_LIMIT: u32 = 20;
pub const MAX_LIMIT: u32 = 100;

/// Query parameters as they arrive; empty values mean "any".
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Statuses, comma-separated (`routed,in_progress`); only published ones match.
    pub status: Option<String>,
    /// A topic's id.
    pub topic: Option<String>,
    /// A category's id.
    pub category: Option<String>,
    /// An organisation's id.
    pub organisation: Option<String>,
    /// A territory's id.
    pub territory: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Items per page, 1 to 100 (20 by default).
    pub limit: Option<String>,
    /// Words to find («яма у школы»), in any of their forms.
    pub q: Option<String>,
    /// Received in the last so many days: 7, 30, 90 or 365.
    pub period: Option<String>,
    /// A map box: `west,south,east,north` in degrees.
    pub bbox: Option<String>,
}

/// The periods offered, in days.
pub const PERIODS: [u32; 4] = [7, 30, 90, 365];

/// `west,south,east,north`, each a coordinate in range and the box not
/// inverted in latitude (it may not cross the antimeridian either).
fn bbox(raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<BBox> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    let numbers: Vec<f64> = raw
        .split(',')
        .filter_map(|n| n.trim().parse::<f64>().ok())
        .filter(|n| n.is_finite())
        .collect();
    if let [west, south, east, north] = numbers[..]
        && (-90.0..=90.0).contains(&south)
        && (-90.0..=90.0).contains(&north)
        && (-180.0..=180.0).contains(&west)
        && (-180.0..=180.0).contains(&east)
        && south <= north
        && west <= east
    {
        Some(BBox {
            west,
            south,
            east,
            north,
        })
    } else {
        errors.push(FieldError::new("bbox", ErrorCode::WrongType));
        None
    }
}

fn id(field: &'static str, raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<i64> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    match raw.parse::<i64>() {
        Ok(v) if v > 0 => Some(v),
        _ => {
            errors.push(FieldError::new(field, ErrorCode::NotANumber));
            None
        }
    }
}

impl ListParams {
    pub fn parse(&self, now: DateTime<Utc>) -> Result<(Filter, u32), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut statuses = Vec::new();
        for raw in self
            .status
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match MessageStatus::parse(raw) {
                Some(s) => statuses.push(s),
                None => errors.push(FieldError::new("status", ErrorCode::UnknownValue)),
            }
        }
        let filter = Filter {
            statuses,
            topic_id: id("topic", self.topic.as_deref(), &mut errors),
            category_id: id("category", self.category.as_deref(), &mut errors),
            organisation_id: id("organisation", self.organisation.as_deref(), &mut errors),
            territory_id: id("territory", self.territory.as_deref(), &mut errors),
            since: self.since(now, &mut errors),
            bbox: bbox(self.bbox.as_deref(), &mut errors),
            before_id: id("cursor", self.cursor.as_deref(), &mut errors),
            topics: Vec::new(),
            until: None,
            search: self
                .q
                .as_deref()
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(|q| q.chars().take(200).collect()),
        };
        let limit = match self
            .limit
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => DEFAULT_LIMIT,
            Some(raw) => match raw.parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                Ok(_) => {
                    errors.push(FieldError::with_limit(
                        "limit",
                        ErrorCode::OutOfRange,
                        i64::from(MAX_LIMIT),
                    ));
                    DEFAULT_LIMIT
                }
                Err(_) => {
                    errors.push(FieldError::new("limit", ErrorCode::NotANumber));
                    DEFAULT_LIMIT
                }
            },
        };
        if errors.is_empty() {
            Ok((filter, limit))
        } else {
            Err(errors)
        }
    }

    fn since(&self, now: DateTime<Utc>, errors: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
        let raw = self
            .period
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())?;
        match raw.parse::<u32>() {
            Ok(days) if PERIODS.contains(&days) => Some(now - chrono::Duration::days(days.into())),
            _ => {
                errors.push(FieldError::new("period", ErrorCode::UnknownValue));
                None
            }
        }
    }

    /// The same parameters with another cursor, as a query string for links.
    pub fn with_cursor(&self, cursor: i64) -> String {
        let pairs = [
            ("status", self.status.as_deref()),
            ("topic", self.topic.as_deref()),
            ("category", self.category.as_deref()),
            ("organisation", self.organisation.as_deref()),
            ("territory", self.territory.as_deref()),
            ("limit", self.limit.as_deref()),
            ("q", self.q.as_deref()),
            ("period", self.period.as_deref()),
            ("bbox", self.bbox.as_deref()),
        ];
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in pairs {
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                query.append_pair(key, value);
            }
        }
        query.append_pair("cursor", &cursor.to_string());
        query.finish()
    }
}
