//! The schema the code expects, and the schema a database actually has.
//! Migrations are written per backend; a test migrates both and compares them
//! with this declaration, so the two can never drift apart unnoticed.

use crate::{Backend, Conn, DbError, Sql};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColumnType {
    Int,
    Real,
    Text,
    Bool,
    Time,
    Date,
    Bytes,
}

impl ColumnType {
    /// The portable type of a column type name as either backend reports it.
    pub fn from_declared(declared: &str) -> Option<Self> {
        Some(match declared.to_ascii_lowercase().as_str() {
            "integer" | "bigint" => Self::Int,
            "real" | "double precision" => Self::Real,
            "text" => Self::Text,
            "boolean" => Self::Bool,
            "timestamp" | "timestamp with time zone" | "timestamptz" => Self::Time,
            "date" => Self::Date,
            "blob" | "bytea" => Self::Bytes,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Column {
    pub table: String,
    pub name: String,
    pub ty: ColumnType,
    pub nullable: bool,
}

use ColumnType::{Bool, Bytes, Date, Int, Real, Text, Time};

/// (table, [(column, type, nullable)])
type Declared = (&'static str, &'static [(&'static str, ColumnType, bool)]);

#[rustfmt::skip]
pub const TABLES: &[Declared] = &[
    ("regions", &[
        ("id", Int, false), ("slug", Text, false), ("name_ru", Text, false), ("name_en", Text, false),
        ("time_zone", Text, false), ("centre_lat", Real, false), ("centre_lon", Real, false), ("zoom", Int, false),
    ]),
    ("organisations", &[
        ("id", Int, false), ("region_id", Int, false), ("parent_id", Int, true), ("slug", Text, false),
        ("kind", Text, false), ("name_ru", Text, false), ("short_name_ru", Text, false), ("name_en", Text, false),
        ("email", Text, true), ("phone", Text, true), ("address", Text, true), ("website", Text, true),
        ("time_zone", Text, true), ("requires_answer_approval", Bool, false), ("active", Bool, false),
        ("created_at", Time, false),
    ]),
    ("territories", &[
        ("id", Int, false), ("region_id", Int, false), ("parent_id", Int, true), ("slug", Text, false),
        ("kind", Text, false), ("name_ru", Text, false), ("name_en", Text, false), ("geometry", Text, false),
        ("min_lat", Real, false), ("min_lon", Real, false), ("max_lat", Real, false), ("max_lon", Real, false),
    ]),
    ("organisation_territories", &[("organisation_id", Int, false), ("territory_id", Int, false)]),
    ("categories", &[
        ("id", Int, false), ("slug", Text, false), ("position", Int, false), ("name_ru", Text, false),
        ("name_en", Text, false), ("icon", Text, false), ("active", Bool, false),
    ]),
    ("topics", &[
        ("id", Int, false), ("category_id", Int, false), ("slug", Text, false), ("position", Int, false),
        ("name_ru", Text, false), ("name_en", Text, false), ("guidance_ru", Text, false), ("guidance_en", Text, false),
        ("responsible", Text, false), ("deadline_days", Int, false), ("deadline_kind", Text, false),
        ("dispute_window_days", Int, false), ("extension_days", Int, false), ("priority", Bool, false),
        ("public", Bool, false), ("active", Bool, false), ("auto_route_threshold", Real, true),
    ]),
    ("routing_rules", &[
        ("id", Int, false), ("topic_id", Int, true), ("responsible", Text, true), ("territory_id", Int, true),
        ("organisation_id", Int, false),
    ]),
    ("users", &[
        ("id", Int, false), ("email", Text, true), ("password_hash", Text, true), ("name", Text, false),
        ("phone", Text, true), ("locale", Text, false), ("active", Bool, false), ("created_at", Time, false),
        ("failed_logins", Int, false), ("locked_until", Time, true), ("email_confirmed_at", Time, true),
        ("notify_email", Bool, false), ("notify_news", Bool, false), ("totp_secret", Text, true),
        ("totp_enabled_at", Time, true), ("totp_last_step", Int, true), ("deleted_at", Time, true),
        ("staff_mail", Text, false),
    ]),
    ("staff_roles", &[
        ("id", Int, false), ("user_id", Int, false), ("role", Text, false), ("organisation_id", Int, true),
        ("include_subtree", Bool, false),
    ]),
    ("message_numbers", &[("year", Int, false), ("last", Int, false)]),
    ("messages", &[
        ("id", Int, false), ("number", Text, false), ("topic_id", Int, false), ("organisation_id", Int, true),
        ("territory_id", Int, true), ("author_id", Int, true), ("text", Text, false), ("lat", Real, false),
        ("lon", Real, false), ("address", Text, true), ("status", Text, false), ("public", Bool, false),
        ("source", Text, false), ("due_date", Date, true), ("routing_note", Text, true), ("created_at", Time, false),
        ("updated_at", Time, false), ("kind", Text, false), ("assignee_id", Int, true), ("routed_at", Time, true),
        ("answered_at", Time, true), ("extended", Bool, false), ("clarification_until", Date, true),
        ("paused_at", Time, true), ("planned_date", Date, true), ("rating", Int, true), ("resolved", Bool, true),
        ("disputes", Int, false), ("duplicate_of", Int, true), ("reject_reason", Text, true), ("pending_answer", Text, true), ("pending_answer_by", Int, true),
        ("complaint_about", Int, true),
        ("reminded_for", Date, true), ("overdue_for", Date, true), ("house_id", Int, true), ("copy_of", Int, true),
        ("no_merits_ground", Text, true),
    ]),
    ("calendar_days", &[
        ("day", Date, false), ("kind", Text, false), ("note", Text, false), ("updated_by", Int, true),
        ("updated_at", Time, false),
    ]),
    ("houses", &[
        ("id", Int, false), ("region_id", Int, false), ("address", Text, false), ("address_key", Text, false),
        ("lat", Real, false), ("lon", Real, false), ("manager_id", Int, true), ("created_at", Time, false),
    ]),
    ("attachments", &[
        ("id", Int, false), ("message_id", Int, false), ("purpose", Text, false), ("storage_key", Text, false),
        ("filename", Text, false), ("content_type", Text, false), ("size", Int, false), ("uploaded_by", Int, true),
        ("event_id", Int, true), ("created_at", Time, false),
    ]),
    ("message_followers", &[("message_id", Int, false), ("user_id", Int, false), ("created_at", Time, false)]),
    ("message_comments", &[
        ("id", Int, false), ("message_id", Int, false), ("author_id", Int, false), ("at", Time, false),
        ("text", Text, false),
    ]),
    ("notifications", &[
        ("id", Int, false), ("user_id", Int, false), ("message_id", Int, true), ("kind", Text, false),
        ("created_at", Time, false), ("read_at", Time, true),
    ]),
    ("answer_templates", &[
        ("id", Int, false), ("organisation_id", Int, false), ("topic_id", Int, true), ("title", Text, false),
        ("text", Text, false), ("created_by", Int, false), ("created_at", Time, false),
    ]),
    ("job_schedule", &[("key", Text, false), ("scheduled_at", Time, false)]),
    ("daily_counters", &[
        ("day", Date, false), ("organisation_id", Int, false), ("topic_id", Int, false), ("territory_id", Int, false),
        ("received", Int, false), ("answered", Int, false), ("answered_on_time", Int, false), ("overdue", Int, false),
        ("disputed", Int, false), ("rating_sum", Int, false), ("rating_count", Int, false),
    ]),
    ("counter_rollups", &[
        ("slice", Text, false), ("period", Date, false), ("key_id", Int, false),
        ("received", Int, false), ("answered", Int, false), ("answered_on_time", Int, false), ("overdue", Int, false),
        ("disputed", Int, false), ("rating_sum", Int, false), ("rating_count", Int, false),
    ]),
    ("map_cells", &[
        ("level", Int, false), ("cell_row", Int, false), ("cell_col", Int, false), ("count", Int, false),
        ("sum_lat", Real, false), ("sum_lon", Real, false), ("sum_id", Int, false), ("south", Real, false),
        ("west", Real, false), ("north", Real, false), ("east", Real, false),
    ]),
    ("reference_version", &[("id", Int, false), ("version", Int, false)]),
    ("message_events", &[
        ("id", Int, false), ("message_id", Int, false), ("at", Time, false), ("actor_id", Int, true),
        ("action", Text, false), ("from_status", Text, true), ("to_status", Text, false), ("comment", Text, true),
        ("public", Bool, false),
    ]),
    ("sessions", &[
        ("token_hash", Text, false), ("user_id", Int, false), ("created_at", Time, false),
        ("last_seen_at", Time, false), ("expires_at", Time, false), ("second_factor_pending", Bool, false),
    ]),
    ("account_tokens", &[
        ("token_hash", Text, false), ("purpose", Text, false), ("user_id", Int, false), ("created_at", Time, false),
        ("expires_at", Time, false), ("used_at", Time, true),
    ]),
    ("user_identities", &[
        ("provider", Text, false), ("subject", Text, false), ("user_id", Int, false), ("created_at", Time, false),
    ]),
    ("oidc_logins", &[
        ("state_hash", Text, false), ("nonce", Text, false), ("pkce_verifier", Text, false),
        ("created_at", Time, false), ("expires_at", Time, false),
    ]),
    ("invites", &[
        ("id", Int, false), ("token_hash", Text, false), ("email", Text, false), ("role", Text, false),
        ("organisation_id", Int, false), ("include_subtree", Bool, false), ("invited_by", Int, false),
        ("created_at", Time, false), ("expires_at", Time, false), ("accepted_at", Time, true), ("revoked_at", Time, true),
    ]),
    ("api_keys", &[
        ("id", Int, false), ("organisation_id", Int, false), ("name", Text, false), ("prefix", Text, false),
        ("key_hash", Text, false), ("scopes", Text, false), ("created_by", Int, false), ("created_at", Time, false),
        ("last_used_at", Time, true), ("revoked_at", Time, true),
    ]),
    ("audit_log", &[
        ("id", Int, false), ("at", Time, false), ("actor_id", Int, true), ("api_key_id", Int, true),
        ("action", Text, false), ("object_kind", Text, false), ("object_id", Int, true),
        ("organisation_id", Int, true), ("detail", Text, true), ("ip", Text, true),
    ]),
    ("platform_settings", &[("key", Text, false), ("value", Text, false)]),
    ("webhook_subscriptions", &[
        ("id", Int, false), ("organisation_id", Int, false), ("url", Text, false), ("secret", Text, false),
        ("events", Text, false), ("reach", Text, false), ("created_by", Int, false), ("created_at", Time, false),
        ("disabled_at", Time, true), ("disabled_reason", Text, true), ("failures", Int, false),
        ("failing_since", Time, true),
    ]),
    ("webhook_attempts", &[
        ("id", Int, false), ("subscription_id", Int, false), ("delivery_id", Text, false), ("event", Text, false),
        ("attempt", Int, false), ("status_code", Int, true), ("error", Text, true), ("duration_ms", Int, false),
        ("response_body", Text, true), ("at", Time, false),
    ]),
    ("widget_origins", &[
        ("id", Int, false), ("organisation_id", Int, false), ("origin", Text, false), ("created_by", Int, true),
        ("created_at", Time, false),
    ]),
    ("widget_settings", &[
        ("organisation_id", Int, false), ("topic_id", Int, true), ("lang", Text, false), ("background", Text, false),
        ("color", Text, false), ("button_text", Text, false), ("mode", Text, false), ("updated_by", Int, true),
        ("updated_at", Time, false),
    ]),
    ("incidents", &[
        ("id", Int, false), ("source", Text, false), ("url", Text, false), ("author_handle", Text, false),
        ("text", Text, false), ("posted_at", Time, false), ("lat", Real, true), ("lon", Real, true),
        ("photos", Text, false), ("status", Text, false), ("api_key_id", Int, true), ("received_at", Time, false),
        ("message_id", Int, true), ("dismiss_reason", Text, true), ("decided_by", Int, true), ("decided_at", Time, true),
    ]),
    ("jobs", &[
        ("id", Int, false), ("kind", Text, false), ("payload", Text, false), ("dedupe_key", Text, true),
        ("run_at", Time, false), ("attempts", Int, false), ("max_attempts", Int, false), ("locked_until", Time, true),
        ("last_error", Text, true), ("dead", Bool, false), ("created_at", Time, false),
    ]),
    ("idempotency_keys", &[
        ("principal", Text, false), ("idempotency_key", Text, false), ("method", Text, false), ("path", Text, false),
        ("request_hash", Text, false), ("status", Int, true), ("response_headers", Text, true),
        ("response_body", Text, true), ("created_at", Time, false),
    ]),
    ("routing_models", &[
        ("id", Int, false), ("bytes", Bytes, false), ("trained_on", Int, false), ("tested_on", Int, false),
        ("topic_top1", Real, true), ("topic_top3", Real, true), ("organisation_top1", Real, true),
        ("organisation_top3", Real, true), ("rival_topic_top1", Real, true), ("status", Text, false),
        ("created_at", Time, false), ("activated_at", Time, true),
    ]),
    ("routing_examples", &[
        ("id", Int, false), ("message_id", Int, false), ("text", Text, false), ("topic_id", Int, false),
        ("organisation_id", Int, true), ("verdict", Text, false), ("labelled_by", Int, true),
        ("labelled_at", Time, false),
    ]),
    ("routing_suggestions", &[
        ("message_id", Int, false), ("model_id", Int, false), ("topic_id", Int, true),
        ("topic_confidence", Real, false), ("organisation_id", Int, true), ("auto_routed", Bool, false),
        ("created_at", Time, false),
    ]),
];

/// The declared schema as a sorted list of columns.
pub fn declared() -> Vec<Column> {
    let mut columns: Vec<Column> = TABLES
        .iter()
        .flat_map(|(table, cols)| {
            cols.iter().map(|(name, ty, nullable)| Column {
                table: (*table).to_string(),
                name: (*name).to_string(),
                ty: *ty,
                nullable: *nullable,
            })
        })
        .collect();
    columns.sort();
    columns
}

#[derive(sqlx::FromRow)]
struct RawColumn {
    table_name: String,
    column_name: String,
    data_type: String,
    not_null: bool,
}

/// The schema of the connected database, the migrations' bookkeeping and
/// the backend-specific full-text search tables (`search_*`) excluded.
pub async fn actual(conn: &mut Conn<'_>) -> Result<Vec<Column>, DbError> {
    let query = match conn.backend() {
        Backend::Sqlite => {
            "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
             (p.\"notnull\" = 1 OR p.pk > 0) AS not_null \
             FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx_%' \
             AND m.name NOT LIKE 'search%'"
        }
        Backend::Postgres => {
            "SELECT table_name::text AS table_name, column_name::text AS column_name, data_type::text AS data_type, \
             is_nullable = 'NO' AS not_null FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%' \
             AND table_name NOT LIKE 'search%'"
        }
    };
    let raw: Vec<RawColumn> = Sql::new(query).fetch_all(conn).await?;
    let mut columns = raw
        .into_iter()
        .map(|c| {
            let ty = ColumnType::from_declared(&c.data_type).ok_or_else(|| {
                DbError::Corrupt(format!(
                    "column {}.{} has unexpected type {}",
                    c.table_name, c.column_name, c.data_type
                ))
            })?;
            Ok(Column {
                table: c.table_name,
                name: c.column_name,
                ty,
                nullable: !c.not_null,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    columns.sort();
    Ok(columns)
}
