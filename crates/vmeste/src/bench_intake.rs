//! `vmeste bench …` for the intake scenarios — a key and a session to load
//! with, the bare-insert ceiling, the check after crashes — and the seed's
//! ceiling.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use vmeste_db::load_test::{self, Acknowledged};
use vmeste_domain::clock::Clock;

use crate::config::Config;
use crate::serve;

#[derive(Debug, clap::Subcommand)]
pub enum IntakeCommand {
    /// Print a new API key (every scope) of the first organisation.
    ApiKey,
    /// Print a new session token of a person, for the cookie `vmeste_session`.
    Session {
        #[arg(long, default_value = "admin@demo.vmeste.example")]
        email: String,
    },
    /// The ceiling of a product path, measured bare on the same database.
    #[command(subcommand)]
    Ceiling(CeilingCommand),
    /// Check that every acknowledged message (JSON lines of `id`, `topic_id`,
    /// `text`) is stored as sent, and run the database's integrity check.
    /// Exits with an error when anything is lost or corrupt.
    CheckAcknowledged {
        /// The client's log of acknowledged messages.
        file: PathBuf,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum CeilingCommand {
    /// Insert rows shaped like the newest message, with the same indexes and
    /// the same group commit as intake but nothing else. Stop the server first.
    Intake {
        #[arg(long, default_value_t = 20_000)]
        messages: u64,
        /// Concurrent writers, as many as the load tool's connections.
        #[arg(long, default_value_t = 64)]
        concurrency: u64,
    },
    /// Copy the rows a seed added, with the database alone, into the
    /// configured (empty) database, then build the same indexes, keys,
    /// counters and statistics: the fastest any seed of those rows can be.
    Seed {
        /// The seeded database (seeded today, so that the demos agree): its
        /// file for SQLite, its URL for PostgreSQL.
        #[arg(long)]
        from: String,
    },
}

pub async fn run(command: IntakeCommand, config: &Config, clock: &dyn Clock) -> anyhow::Result<()> {
    let bulk = matches!(command, IntakeCommand::Ceiling(CeilingCommand::Seed { .. }));
    let db = if bulk {
        serve::connect_for_bulk_load(config).await?
    } else {
        serve::connect(config).await?
    };
    match command {
        IntakeCommand::ApiKey => {
            println!("{}", load_test::issue_key(&db, clock.now()).await?);
        }
        IntakeCommand::Session { email } => {
            let mut tx = db.write().await?;
            let user = vmeste_db::users::by_email(&mut tx.conn(), &email)
                .await?
                .with_context(|| format!("no user {email}"))?;
            let token = vmeste_db::sessions::new_token();
            let life = config.web_settings()?.sessions;
            vmeste_db::sessions::create(&mut tx.conn(), &token, user.id, clock.now(), life, false)
                .await?;
            tx.commit().await?;
            println!("{token}");
        }
        IntakeCommand::Ceiling(CeilingCommand::Intake {
            messages,
            concurrency,
        }) => {
            let started = Instant::now();
            load_test::bare_inserts(&db, messages, concurrency, clock.now()).await?;
            let seconds = started.elapsed().as_secs_f64();
            #[allow(clippy::cast_precision_loss)] // counts far below 2^52
            let rate = messages as f64 / seconds.max(1e-9);
            println!(
                "{{\"scenario\":\"ceiling_intake\",\"messages\":{messages},\"concurrency\":{concurrency},\"seconds\":{seconds:.3},\"rows_per_second\":{rate:.1}}}"
            );
        }
        IntakeCommand::Ceiling(CeilingCommand::Seed { from }) => {
            db.migrate().await?;
            let phases = vmeste_db::bench_seed::ceiling::copy(
                &db,
                clock,
                &vmeste_domain::calendar::ProductionCalendar::russian_federal(),
                &from,
            )
            .await?;
            let total = phases.total();
            #[allow(clippy::cast_precision_loss)] // counts far below 2^52
            let rate = phases.messages as f64 / total.max(1e-9);
            println!(
                "{{\"scenario\":\"ceiling_seed\",\"messages\":{},\"demo_seconds\":{:.3},\"rows_seconds\":{:.3},\"indexes_seconds\":{:.3},\"counters_and_grid_seconds\":{:.3},\"counters_beside_indexes\":{},\"statistics_seconds\":{:.3},\"seconds\":{total:.3},\"messages_per_second\":{rate:.1}}}",
                phases.messages,
                phases.demo,
                phases.rows,
                phases.indexes,
                phases.counters_and_grid,
                phases.counters_beside_indexes,
                phases.statistics
            );
            serve::end_bulk_load(db, config).await?;
        }
        IntakeCommand::CheckAcknowledged { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let acknowledged = text
                .lines()
                .filter(|line| !line.trim().is_empty())
                .map(serde_json::from_str::<Acknowledged>)
                .collect::<Result<Vec<_>, _>>()
                .with_context(|| format!("{} is not JSON lines", file.display()))?;
            let lost = load_test::lost(&db, &acknowledged).await?;
            let problems = load_test::integrity_problems(&db).await?;
            println!(
                "{{\"acknowledged\":{},\"lost\":{},\"integrity_problems\":{}}}",
                acknowledged.len(),
                lost.len(),
                problems.len()
            );
            anyhow::ensure!(
                lost.is_empty() && problems.is_empty(),
                "lost or changed ids: {lost:?}; integrity: {problems:?}"
            );
        }
    }
    Ok(())
}
