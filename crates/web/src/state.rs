//! What every handler shares: the database, the clock, the calendar, the
//! region and its territories.

use std::sync::Arc;

use vmeste_db::intake::Intake;
use vmeste_db::regions::Region;
use vmeste_db::sessions::Lifetime;
use vmeste_db::{Conn, Db, DbError, territories};
use vmeste_domain::access::OrgTree;
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::clock::Clock;
use vmeste_routing::territory::{TerritoryIndex, parse_geometry};

use crate::metrics::Metrics;
use crate::rate_limit::{Limiters, RateLimits};

#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    region: Option<Region>,
    /// The clock, the shipped calendar, the time zone and the territories.
    intake: Intake,
    metrics: Metrics,
    settings: WebSettings,
    limiters: Limiters,
    /// The organisations' tree; reloaded when administrators change it.
    org_tree: std::sync::RwLock<Arc<OrgTree>>,
    oidc: crate::oidc::Client,
    /// Signs the widget's forms; read from the settings on first use.
    form_key: tokio::sync::OnceCell<crate::signing::FormKey>,
    /// The active routing model, as this node last loaded it.
    routing_model: Arc<vmeste_db::routing_models::Live>,
    /// What forms and filters offer, kept by reference version.
    choices: vmeste_db::reference::Kept<crate::choices::Choices>,
    /// API keys checked lately.
    live_keys: crate::live_keys::LiveKeys,
}

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebSettings {
    pub sessions: Lifetime,
    /// Served over HTTPS: cookies are `Secure` and HSTS is sent.
    pub secure_cookies: bool,
    pub rate_limits: RateLimits,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The site's address as residents reach it, for links in e-mails.
    pub public_url: String,
    /// Origins allowed to frame the widget (CSP `frame-ancestors`).
    pub widget_origins: Vec<String>,
    /// Sign-in through an OpenID Connect provider, when configured.
    pub oidc: Option<crate::oidc::OidcSettings>,
    /// Where uploaded files are kept.
    pub storage: crate::storage::Storage,
    /// The map's tile server.
    pub tiles: crate::tiles::Tiles,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            sessions: Lifetime {
                idle: chrono::Duration::hours(8),
                absolute: chrono::Duration::days(14),
            },
            secure_cookies: false,
            rate_limits: RateLimits::default(),
            trusted_proxies: Vec::new(),
            public_url: "http://127.0.0.1:8080".into(),
            widget_origins: Vec::new(),
            oidc: None,
            storage: crate::storage::Storage::default(),
            tiles: crate::tiles::Tiles::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("metrics: {0}")]
    Metrics(#[from] prometheus::Error),
    #[error("territory {id} has an invalid geometry: {reason}")]
    Territory { id: i64, reason: String },
}

/// Where no region is configured yet (a fresh production database).
const DEFAULT_TIME_ZONE: chrono_tz::Tz = chrono_tz::Europe::Moscow;

impl AppState {
    /// Reads the region and its territories once; they change only through
    /// administration, which restarts or reloads the state.
    pub async fn load(
        db: Db,
        clock: Arc<dyn Clock>,
        calendar: ProductionCalendar,
        settings: WebSettings,
    ) -> Result<Self, StateError> {
        let mut handle = db.read().await?;
        let mut conn = handle.conn();
        let region = vmeste_db::regions::current(&mut conn).await?;
        let time_zone = match &region {
            Some(r) => r.tz()?,
            None => DEFAULT_TIME_ZONE,
        };
        let shapes = territories::geometries(&mut conn)
            .await?
            .into_iter()
            .map(|g| {
                parse_geometry(&g.geometry)
                    .map(|shape| (g.id, shape))
                    .map_err(|e| StateError::Territory {
                        id: g.id,
                        reason: e.to_string(),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let org_tree = vmeste_db::organisations::tree(&mut conn).await?;
        drop(handle);
        let routing_model = Arc::new(vmeste_db::routing_models::Live::new());
        Ok(Self {
            inner: Arc::new(Inner {
                db,
                region,
                intake: Intake {
                    clock,
                    calendar: Arc::new(calendar),
                    territories: Arc::new(TerritoryIndex::new(shapes)),
                    time_zone,
                    model: Some(routing_model.clone()),
                    reference: Arc::default(),
                },
                metrics: Metrics::new()?,
                limiters: Limiters::new(settings.rate_limits),
                org_tree: std::sync::RwLock::new(Arc::new(org_tree)),
                oidc: crate::oidc::Client::new(settings.oidc.clone()),
                form_key: tokio::sync::OnceCell::new(),
                routing_model,
                choices: vmeste_db::reference::Kept::default(),
                live_keys: crate::live_keys::LiveKeys::default(),
                settings,
            }),
        })
    }

    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    pub fn live_keys(&self) -> &crate::live_keys::LiveKeys {
        &self.inner.live_keys
    }

    pub fn clock(&self) -> &dyn Clock {
        self.inner.intake.clock.as_ref()
    }

    /// The calendar shipped with the binary; see [`Self::calendar`].
    pub fn shipped_calendar(&self) -> &ProductionCalendar {
        &self.inner.intake.calendar
    }

    /// The calendar deadlines are counted on: the shipped one with the
    /// administrators' corrections.
    pub async fn calendar(&self, conn: &mut Conn<'_>) -> Result<ProductionCalendar, DbError> {
        vmeste_db::calendar_days::effective(conn, &self.inner.intake.calendar).await
    }

    pub fn region(&self) -> Option<&Region> {
        self.inner.region.as_ref()
    }

    pub fn time_zone(&self) -> chrono_tz::Tz {
        self.inner.intake.time_zone
    }

    pub fn settings(&self) -> &WebSettings {
        &self.inner.settings
    }

    /// The organisations' tree as last loaded.
    pub fn org_tree(&self) -> Arc<OrgTree> {
        match self.inner.org_tree.read() {
            Ok(tree) => Arc::clone(&tree),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Reads the organisations' tree again after an administrator changed it.
    pub async fn reload_org_tree(&self) -> Result<(), DbError> {
        let tree = {
            let mut handle = self.db().read().await?;
            vmeste_db::organisations::tree(&mut handle.conn()).await?
        };
        match self.inner.org_tree.write() {
            Ok(mut slot) => *slot = Arc::new(tree),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(tree),
        }
        Ok(())
    }

    /// The key the widget's forms are signed with, read (or made) once.
    pub(crate) async fn form_key(&self) -> Result<crate::signing::FormKey, DbError> {
        use crate::signing::FormKey;
        self.inner
            .form_key
            .get_or_try_init(|| async {
                let mut tx = self.db().write().await?;
                let secret = vmeste_db::settings::secret(&mut tx.conn(), FormKey::SETTING).await?;
                tx.commit().await?;
                Ok::<_, DbError>(FormKey::new(&secret))
            })
            .await
            .cloned()
    }

    pub fn storage(&self) -> &crate::storage::Storage {
        &self.inner.settings.storage
    }

    pub(crate) fn oidc(&self) -> &crate::oidc::Client {
        &self.inner.oidc
    }

    pub(crate) fn limiters(&self) -> &Limiters {
        &self.inner.limiters
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    pub fn choices(&self) -> &vmeste_db::reference::Kept<crate::choices::Choices> {
        &self.inner.choices
    }

    pub fn intake(&self) -> &Intake {
        &self.inner.intake
    }

    /// The active routing model (reloaded when another one was activated).
    pub async fn routing_model(
        &self,
        conn: &mut Conn<'_>,
    ) -> Result<Option<Arc<vmeste_db::routing_models::Loaded>>, DbError> {
        self.inner.routing_model.current(conn).await
    }
}
