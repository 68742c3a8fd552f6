//! `vmeste bench …`: what the load-test scripts in `bench/` drive.

use std::time::Instant;

use vmeste_db::bench_seed;
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::clock::Clock;

use crate::bench_query::{self, Kind};
use crate::config::Config;
use crate::serve;

#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// Fill the configured database with N realistic messages on the demo
    /// region (loaded first into an empty database). Stop the server first.
    Seed {
        /// How many messages to add.
        #[arg(long)]
        messages: u64,
        /// The random seed: the same seed gives the same messages.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Print the URL paths of one kind of public read, one a line, for the
    /// HTTP load generator.
    Paths {
        #[arg(long, value_enum)]
        kind: Kind,
    },
    /// Run the database calls behind the same paths directly, concurrently,
    /// and print their rate and latency: the ceiling for the HTTP figures.
    Query {
        #[arg(long, value_enum)]
        kind: Kind,
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Where to write the JSON summary as well.
        #[arg(long)]
        json: Option<std::path::PathBuf>,
    },
    #[command(flatten)]
    Intake(crate::bench_intake::IntakeCommand),
}

pub async fn run(command: BenchCommand, config: &Config, clock: &dyn Clock) -> anyhow::Result<()> {
    match command {
        BenchCommand::Seed { messages, seed } => {
            let db = serve::connect_for_bulk_load(config).await?;
            db.migrate().await?;
            let bar = indicatif::ProgressBar::new(messages).with_style(
                indicatif::ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:40}] {human_pos}/{human_len} messages, {per_sec}, {eta} left",
                )?,
            );
            let started = Instant::now();
            let written = bench_seed::seed(
                &db,
                clock,
                &ProductionCalendar::russian_federal(),
                bench_seed::Options { messages, seed },
                &|done| bar.set_position(done),
            )
            .await?;
            bar.finish();
            let seconds = started.elapsed().as_secs_f64();
            serve::end_bulk_load(db, config).await?;
            println!(
                "seeded {written} messages in {seconds:.1} s ({:.0} messages/s, indexes and counters included)",
                written as f64 / seconds.max(1e-9)
            );
            Ok(())
        }
        BenchCommand::Paths { kind } => {
            let db = serve::connect(config).await?;
            for variant in bench_query::variants(&db, kind, clock.now()).await? {
                println!("{}", variant.path);
            }
            Ok(())
        }
        BenchCommand::Query {
            kind,
            concurrency,
            seconds,
            json,
        } => {
            let db = serve::connect(config).await?;
            let variants = bench_query::variants(&db, kind, clock.now()).await?;
            let name = format!("{kind:?}-sql").to_lowercase();
            let summary = bench_query::query(
                &db,
                &name,
                std::sync::Arc::new(variants),
                concurrency,
                std::time::Duration::from_secs(seconds),
            )
            .await;
            println!(
                "{:<24} {:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {}",
                summary.name, summary.rps, summary.p50_ms, summary.p99_ms, summary.errors
            );
            if let Some(path) = json {
                std::fs::write(path, serde_json::to_string(&summary)? + "\n")?;
            }
            anyhow::ensure!(summary.errors == 0, "{} queries failed", summary.errors);
            Ok(())
        }
        BenchCommand::Intake(command) => crate::bench_intake::run(command, config, clock).await,
    }
}
