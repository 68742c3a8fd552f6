//! The command line: `vmeste [serve|migrate|worker|demo load|routing …]`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

// ROUTING use crate::routing_cmd::RoutingCommand;

#[derive(Debug, Parser)]
#[command(
    name = "vmeste",
    version,
    about = "Vmeste: an open citizen feedback platform"
)]
pub struct Cli {
    /// Configuration file (default: ./vmeste.toml if present).
    #[arg(long, global = true, env = "VMESTE_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server and the background worker (the default command).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Run only the background worker (for production nodes apart from the web).
    Worker,
    /// Demo region.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Load testing: a large realistic database, and the product's queries run bare.
    #[command(subcommand)]
    Bench(crate::bench::BenchCommand),
    // ROUTING /// The routing classifier: train, evaluate, explain.
    // ROUTING #[command(subcommand)]
    // ROUTING Routing(RoutingCommand),
}

#[derive(Debug, Default, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long)]
    pub bind: Option<SocketAddr>,
    /// Folder for the embedded database and files [default: ./data].
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Do not load the demo region into an empty embedded database.
    #[arg(long)]
    pub no_demo: bool,
    /// Do not run the background worker in this process.
    #[arg(long)]
    pub no_worker: bool,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Load the demo region into an empty database (does nothing if it is there).
    Load,
}
