//! Configuration, layered: built-in defaults, then `vmeste.toml`, then
//! `VMESTE_*` environment variables, then command-line flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use vmeste_db::Backend;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(clippy::struct_excessive_bools)] // independent on/off switches, not a state machine
pub struct Config {
    /// Address the web server listens on.
    pub bind: SocketAddr,
    /// Where the embedded database and uploaded files live.
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://...`; empty for SQLite in `data_dir`.
    pub database_url: String,
    /// Apply migrations at start; by default only on SQLite (production
    /// PostgreSQL is migrated by `vmeste migrate`).
    pub auto_migrate: Option<bool>,
    /// Where uploaded files are kept: empty for `files` in `data_dir`; a
    /// directory; or `s3://bucket/prefix` for S3-compatible object storage,
    /// configured by the `AWS_*` environment variables (`AWS_ENDPOINT` for
    /// a store other than Amazon's).
    pub storage_url: String,
    /// Load the demo region into an empty embedded database at start.
    pub demo: bool,
    /// Run the background worker inside `serve`.
    pub worker: bool,
    pub db_max_connections: u32,
    /// SQLite `synchronous=FULL`: durable across power loss, slower.
    pub sqlite_synchronous_full: bool,
    pub log_format: LogFormat,
    /// Sign-in sessions end after this many idle minutes...
    pub session_idle_minutes: u32,
    /// ...and this many hours after sign-in in any case.
    pub session_absolute_hours: u32,
    /// Mark cookies `Secure`; set when the site is served over HTTPS.
    pub secure_cookies: bool,
    /// Messages one client address may submit per minute (web form and API).
    pub rate_limit_intake_per_minute: u32,
    /// Messages one resident or API key may submit per hour.
    pub rate_limit_intake_per_account_per_hour: u32,
    /// Sign-in attempts one client address may make per minute.
    pub rate_limit_login_per_minute: u32,
    /// Sign-in attempts on one e-mail address per minute (any client).
    pub rate_limit_login_per_account_per_minute: u32,
    /// Sign-ups one client address may make per hour.
    pub rate_limit_signup_per_hour: u32,
    /// Password-reset requests per client address per hour...
    pub rate_limit_reset_per_hour: u32,
    /// ...and per e-mail address per hour.
    pub rate_limit_reset_per_account_per_hour: u32,
    /// Reverse proxies (IP addresses) whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The site's address as users reach it; links in e-mails start with it.
    pub public_url: String,
    /// Origins allowed to embed the widget in a frame, e.g. `https://gov.example`.
    pub widget_origins: Vec<String>,
    /// The map's tiles: a URL template with `{z}`, `{x}`, `{y}` (and `{s}`).
    pub map_tile_url: String,
    /// The credit the tile server requires, shown on every map.
    pub map_attribution: String,
    /// Outgoing mail: `smtp://host:port`, `smtps://user:pass@host` (TLS) or
    /// `smtp://host?tls=required` (STARTTLS); empty: mail is not sent, only logged.
    pub smtp_url: String,
    /// The sender of e-mails.
    pub mail_from: String,
    /// Let webhooks go to loopback and private-network addresses; off, only
    /// public internet addresses are reached (see docs/webhooks.md).
    pub webhooks_allow_private_targets: bool,
    /// Retrain the routing classifier once this many messages were labelled
    /// (routed, redirected or corrected by staff) since the last model.
    pub routing_retrain_after: u32,
    /// OpenID Connect sign-in (e.g. ESIA through a gateway); empty issuer: off.
    pub oidc_issuer: String,
    pub oidc_client_id: String,
    pub oidc_client_secret: String,
    /// The provider's name on the sign-in button: «Госуслуги».
    pub oidc_display_name: String,
    pub oidc_scopes: Vec<String>,
    pub oidc_email_claim: String,
    pub oidc_email_verified_claim: String,
    pub oidc_name_claim: String,
    /// A `tracing` filter, e.g. `info` or `vmeste=debug,sqlx=warn`.
    pub log_level: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            database_url: String::new(),
            storage_url: String::new(),
            auto_migrate: None,
            demo: true,
            worker: true,
            db_max_connections: 8,
            sqlite_synchronous_full: false,
            log_format: LogFormat::Text,
            session_idle_minutes: 8 * 60,
            session_absolute_hours: 14 * 24,
            secure_cookies: false,
            rate_limit_intake_per_minute: 20,
            rate_limit_intake_per_account_per_hour: 60,
            rate_limit_login_per_minute: 10,
            rate_limit_login_per_account_per_minute: 5,
            rate_limit_signup_per_hour: 10,
            rate_limit_reset_per_hour: 10,
            rate_limit_reset_per_account_per_hour: 3,
            trusted_proxies: Vec::new(),
            public_url: "http://127.0.0.1:8080".into(),
            widget_origins: Vec::new(),
            map_tile_url: vmeste_web::tiles::Tiles::default().url,
            map_attribution: vmeste_web::tiles::Tiles::default().attribution,
            smtp_url: String::new(),
            mail_from: "Вместе <noreply@vmeste.example>".into(),
            webhooks_allow_private_targets: false,
            routing_retrain_after: crate::worker::RETRAIN_AFTER,
            oidc_issuer: String::new(),
            oidc_client_id: String::new(),
            oidc_client_secret: String::new(),
            oidc_display_name: "Госуслуги".into(),
            oidc_scopes: vec!["email".into(), "profile".into()],
            oidc_email_claim: "email".into(),
            oidc_email_verified_claim: "email_verified".into(),
            oidc_name_claim: "name".into(),
            log_level: "info".into(),
        }
    }
}

/// A configuration problem, in one line that names the key.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {0}")]
pub struct ConfigError(pub String);

/// Read from the working folder when no file is named.
const DEFAULT_FILE: &str = "vmeste.toml";

/// Environment variables with the prefix that are not configuration keys.
const NOT_KEYS: [&str; 2] = ["config", "test_database_url"];

impl Config {
    /// Reads the layers. `file` is the explicit `--config`/`VMESTE_CONFIG`
    /// path (which must exist); otherwise `./vmeste.toml` is read if present.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) if !path.exists() => {
                return Err(ConfigError(format!(
                    "the configuration file {} does not exist",
                    path.display()
                )));
            }
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None if Path::new(DEFAULT_FILE).exists() => {
                figment = figment.merge(Toml::file_exact(DEFAULT_FILE));
            }
            None => {}
        }
        figment = figment.merge(Env::prefixed("VMESTE_").ignore(&NOT_KEYS));
        if let Some(bind) = overrides.bind {
            figment = figment.merge(Serialized::default("bind", bind));
        }
        if let Some(dir) = &overrides.data_dir {
            figment = figment.merge(Serialized::default("data_dir", dir));
        }
        let config: Config = figment.extract().map_err(|e| ConfigError(one_line(&e)))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        Backend::of_url(&self.database_url())
            .map_err(|e| ConfigError(format!("database_url: {e}")))?;
        if self.session_idle_minutes == 0 || self.session_absolute_hours == 0 {
            return Err(ConfigError(
                "session_idle_minutes and session_absolute_hours: must be at least 1".into(),
            ));
        }
        let limits = [
            (
                "rate_limit_intake_per_minute",
                self.rate_limit_intake_per_minute,
            ),
            (
                "rate_limit_intake_per_account_per_hour",
                self.rate_limit_intake_per_account_per_hour,
            ),
            (
                "rate_limit_login_per_minute",
                self.rate_limit_login_per_minute,
            ),
            (
                "rate_limit_login_per_account_per_minute",
                self.rate_limit_login_per_account_per_minute,
            ),
            (
                "rate_limit_signup_per_hour",
                self.rate_limit_signup_per_hour,
            ),
            ("rate_limit_reset_per_hour", self.rate_limit_reset_per_hour),
            (
                "rate_limit_reset_per_account_per_hour",
                self.rate_limit_reset_per_account_per_hour,
            ),
        ];
        if let Some((key, _)) = limits.iter().find(|(_, v)| *v == 0) {
            return Err(ConfigError(format!("{key}: must be at least 1")));
        }
        url::Url::parse(&self.public_url).map_err(|e| ConfigError(format!("public_url: {e}")))?;
        if let Some(bad) = self.widget_origins.iter().find(|o| {
            url::Url::parse(o).map_or(true, |u| {
                u.origin().ascii_serialization() != o.trim_end_matches('/')
            })
        }) {
            return Err(ConfigError(format!(
                "widget_origins: {bad:?} is not an origin such as https://gov.example"
            )));
        }
        vmeste_web::tiles::Tiles::new(&self.map_tile_url, &self.map_attribution)
            .map_err(|e| ConfigError(format!("map_tile_url: {e}")))?;
        if !self.smtp_url.is_empty() {
            lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(&self.smtp_url)
                .map_err(|e| ConfigError(format!("smtp_url: {e}")))?;
        }
        self.mail_from
            .parse::<lettre::message::Mailbox>()
            .map_err(|e| ConfigError(format!("mail_from: {e}")))?;
        if !self.oidc_issuer.is_empty() && self.oidc_client_id.is_empty() {
            return Err(ConfigError(
                "oidc_client_id: required when oidc_issuer is set".into(),
            ));
        }
        if self.db_max_connections == 0 {
            return Err(ConfigError("db_max_connections: must be at least 1".into()));
        }
        tracing_subscriber::EnvFilter::try_new(&self.log_level)
            .map_err(|e| ConfigError(format!("log_level: {e}")))?;
        Ok(())
    }

    /// The database URL, defaulting to SQLite in the data folder.
    pub fn database_url(&self) -> String {
        if self.database_url.trim().is_empty() {
            format!("sqlite://{}", self.data_dir.join("vmeste.db").display())
        } else {
            self.database_url.trim().to_string()
        }
    }

    pub fn backend(&self) -> Backend {
        Backend::of_url(&self.database_url()).unwrap_or(Backend::Sqlite)
    }

    /// The file store the configuration names (a directory is created).
    pub fn storage(&self) -> Result<vmeste_web::Storage, ConfigError> {
        let url = self.storage_url.trim();
        let made = if url.is_empty() {
            vmeste_web::Storage::local(&self.data_dir.join("files"))
        } else if url.starts_with("s3://") {
            vmeste_web::Storage::s3(url)
        } else {
            vmeste_web::Storage::local(std::path::Path::new(
                url.strip_prefix("file://").unwrap_or(url),
            ))
        };
        made.map_err(|e| ConfigError(format!("storage_url: {e}")))
    }

    pub fn web_settings(&self) -> Result<vmeste_web::WebSettings, ConfigError> {
        Ok(vmeste_web::WebSettings {
            sessions: vmeste_db::sessions::Lifetime {
                idle: chrono::Duration::minutes(i64::from(self.session_idle_minutes)),
                absolute: chrono::Duration::hours(i64::from(self.session_absolute_hours)),
            },
            secure_cookies: self.secure_cookies,
            rate_limits: vmeste_web::RateLimits {
                intake_per_minute: self.rate_limit_intake_per_minute,
                intake_per_account_per_hour: self.rate_limit_intake_per_account_per_hour,
                login_per_minute: self.rate_limit_login_per_minute,
                login_per_account_per_minute: self.rate_limit_login_per_account_per_minute,
                signup_per_hour: self.rate_limit_signup_per_hour,
                reset_per_hour: self.rate_limit_reset_per_hour,
                reset_per_account_per_hour: self.rate_limit_reset_per_account_per_hour,
            },
            trusted_proxies: self.trusted_proxies.clone(),
            public_url: self.public_url.trim_end_matches('/').to_owned(),
            widget_origins: self.widget_origins.clone(),
            tiles: vmeste_web::tiles::Tiles::new(&self.map_tile_url, &self.map_attribution)
                .map_err(|e| ConfigError(format!("map_tile_url: {e}")))?,
            oidc: (!self.oidc_issuer.is_empty()).then(|| vmeste_web::oidc::OidcSettings {
                display_name: self.oidc_display_name.clone(),
                issuer: self.oidc_issuer.clone(),
                client_id: self.oidc_client_id.clone(),
                client_secret: self.oidc_client_secret.clone(),
                scopes: self.oidc_scopes.clone(),
                email_claim: self.oidc_email_claim.clone(),
                email_verified_claim: self.oidc_email_verified_claim.clone(),
                name_claim: self.oidc_name_claim.clone(),
                redirect_url: format!(
                    "{}/login/oidc/callback",
                    self.public_url.trim_end_matches('/')
                ),
            }),
            storage: self.storage()?,
        })
    }

    pub fn auto_migrate(&self) -> bool {
        self.auto_migrate
            .unwrap_or(self.backend() == Backend::Sqlite)
    }
}

/// Figment's error names the key and the source; keep it on one line.
fn one_line(error: &figment::Error) -> String {
    error
        .clone()
        .into_iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Values given on the command line, which win over every other layer.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub bind: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
}
