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
    /// Sign-in attempts one client address may make per minute.
    pub rate_limit_login_per_minute: u32,
    /// A `tracing` filter, e.g. `info` or `vmeste=debug,sqlx=warn`.
    pub log_level: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            database_url: String::new(),
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
            rate_limit_login_per_minute: 10,
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
        if self.rate_limit_intake_per_minute == 0 || self.rate_limit_login_per_minute == 0 {
            return Err(ConfigError(
                "rate_limit_intake_per_minute and rate_limit_login_per_minute: must be at least 1"
                    .into(),
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

    pub fn web_settings(&self) -> vmeste_web::WebSettings {
        vmeste_web::WebSettings {
            sessions: vmeste_db::sessions::Lifetime {
                idle: chrono::Duration::minutes(i64::from(self.session_idle_minutes)),
                absolute: chrono::Duration::hours(i64::from(self.session_absolute_hours)),
            },
            secure_cookies: self.secure_cookies,
            rate_limits: vmeste_web::RateLimits {
                intake_per_minute: self.rate_limit_intake_per_minute,
                login_per_minute: self.rate_limit_login_per_minute,
            },
        }
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
