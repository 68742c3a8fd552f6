//! `vmeste serve`: the web server with the worker beside it.

use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;
use vmeste_db::{Backend, Db, DbOptions, demo};
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::clock::Clock;
use vmeste_web::AppState;

use crate::config::Config;
use crate::mailer::Mailer;
use crate::worker::Worker;

pub async fn connect(config: &Config) -> anyhow::Result<Db> {
    connect_with(config, false).await
}

/// Opens the database for a bulk load with the server stopped (see
/// [`DbOptions::sqlite_bulk_load`]).
pub async fn connect_for_bulk_load(config: &Config) -> anyhow::Result<Db> {
    connect_with(config, true)
        .await
        .context("opening the database for a bulk load (stop the server first: it needs the database to itself)")
}

/// Closes a database opened by [`connect_for_bulk_load`] and opens it once
/// the ordinary way, which on SQLite turns the write-ahead log back on.
pub async fn end_bulk_load(db: Db, config: &Config) -> anyhow::Result<()> {
    db.close().await;
    connect(config).await?.close().await;
    Ok(())
}

async fn connect_with(config: &Config, sqlite_bulk_load: bool) -> anyhow::Result<Db> {
    let url = config.database_url();
    let options = DbOptions {
        max_connections: config.db_max_connections,
        sqlite_synchronous_full: config.sqlite_synchronous_full,
        sqlite_bulk_load,
        ..DbOptions::default()
    };
    Db::connect(&url, &options)
        .await
        .with_context(|| format!("cannot open the database {}", vmeste_db::redact(&url)))
}

/// Opens the database, migrating it and loading the demo where configured.
pub async fn prepare(
    config: &Config,
    clock: &dyn Clock,
    calendar: &ProductionCalendar,
) -> anyhow::Result<Db> {
    let db = connect(config).await?;
    if config.auto_migrate() {
        db.migrate().await.context("migrating the database")?;
    } else if !db.is_migrated().await? {
        anyhow::bail!(
            "the database is not migrated: run `vmeste migrate` first (or set auto_migrate = true)"
        );
    }
    // Demo data only ever goes into the embedded database by itself.
    if config.demo
        && db.backend() == Backend::Sqlite
        && let demo::Outcome::Loaded { messages } = demo::load(&db, clock, calendar).await?
    {
        tracing::info!(messages, "demo region loaded");
    }
    Ok(db)
}

/// Serves on `listener` until `shutdown` turns true.
pub async fn run(
    config: &Config,
    listener: TcpListener,
    clock: Arc<dyn Clock>,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let calendar = ProductionCalendar::russian_federal();
    let db = prepare(config, clock.as_ref(), &calendar).await?;
    let settings = config.web_settings()?;
    let storage = settings.storage.clone();
    let state = AppState::load(db.clone(), clock.clone(), calendar, settings).await?;
    let mailer = Arc::new(Mailer::new(&config.smtp_url, &config.mail_from)?);
    let worker = config.worker.then(|| {
        tokio::spawn(
            Worker::new(db.clone(), clock, mailer, storage, &config.public_url)
                .allow_private_webhook_targets(config.webhooks_allow_private_targets)
                .retrain_after(config.routing_retrain_after)
                .run(shutdown.clone()),
        )
    });
    tracing::info!(address = %listener.local_addr()?, "serving");
    axum::serve(
        listener,
        vmeste_web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
    })
    .await?;
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    db.close().await;
    Ok(())
}

/// A channel that turns true on Ctrl-C or SIGTERM.
pub fn shutdown_signal() -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let Ok(mut term) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            else {
                let _ = ctrl_c.await;
                let _ = tx.send(true);
                return;
            };
            tokio::select! {
                _ = ctrl_c => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = ctrl_c.await;
        tracing::info!("shutting down");
        let _ = tx.send(true);
    });
    rx
}
