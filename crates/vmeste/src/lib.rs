//! The `vmeste` binary's parts, as a library so tests can drive them.

pub mod bench;
pub mod bench_intake;
pub mod bench_query;
pub mod cli;
pub mod config;
pub mod mailer;
pub mod routing_cmd;
pub mod serve;
pub mod telemetry;
pub mod webhooks;
pub mod worker;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use vmeste_db::demo;
use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::clock::{Clock, SystemClock};

use cli::{Cli, Command, DemoCommand, ServeArgs};
use config::{Config, Overrides};

/// Exit code for configuration errors.
const CONFIG_ERROR: u8 = 2;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve(ServeArgs::default()));
    let overrides = match &command {
        Command::Serve(args) => Overrides {
            bind: args.bind,
            data_dir: args.data_dir.clone(),
        },
        _ => Overrides::default(),
    };
    let mut config = match Config::load(cli.config.as_deref(), &overrides) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(CONFIG_ERROR);
        }
    };
    if let Command::Serve(args) = &command {
        config.demo &= !args.no_demo;
        config.worker &= !args.no_worker;
    }
    telemetry::init(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return report(Err(e.into())),
    };
    report(runtime.block_on(run(command, &config)))
}

fn report(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: &Config) -> anyhow::Result<()> {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    match command {
        Command::Serve(_) => {
            let listener = tokio::net::TcpListener::bind(config.bind).await?;
            serve::run(config, listener, clock, serve::shutdown_signal()).await
        }
        Command::Migrate => {
            let db = serve::connect(config).await?;
            db.migrate().await?;
            println!(
                "migrations applied to {}",
                vmeste_db::redact(&config.database_url())
            );
            Ok(())
        }
        Command::Worker => {
            let db = serve::connect(config).await?;
            let mailer = mailer::Mailer::new(&config.smtp_url, &config.mail_from)?;
            let storage = config.storage()?;
            worker::Worker::new(
                db,
                clock,
                std::sync::Arc::new(mailer),
                storage,
                &config.public_url,
            )
            .allow_private_webhook_targets(config.webhooks_allow_private_targets)
            .retrain_after(config.routing_retrain_after)
            .run(serve::shutdown_signal())
            .await;
            Ok(())
        }
        Command::Demo(DemoCommand::Load) => {
            let db = serve::connect(config).await?;
            db.migrate().await?;
            match demo::load(&db, clock.as_ref(), &ProductionCalendar::russian_federal()).await? {
                demo::Outcome::Loaded { messages } => {
                    println!("demo region loaded: {messages} messages");
                }
                demo::Outcome::AlreadyLoaded => println!("the demo region is already loaded"),
            }
            Ok(())
        }
        Command::Routing(cmd) => routing_cmd::run(cmd, config, clock.as_ref()).await,
        Command::Bench(cmd) => bench::run(cmd, config, clock.as_ref()).await,
    }
}
