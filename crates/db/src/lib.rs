//! Vmeste storage: the only crate that speaks SQL. Every query is written once
//! and runs on SQLite and PostgreSQL (see docs/adr/0001-database.md).

pub mod batch;
mod error;
mod lending;
mod pool;
mod sql;

pub mod account_tokens;
pub mod api_keys;
pub mod attachments;
pub mod audit;
pub mod bench_seed;
pub mod calendar_days;
pub mod cases;
pub mod catalogue;
mod checkpoints;
mod copy_in;
pub mod counters;
pub mod demo;
pub mod escalation;
pub mod events;
pub mod followers;
pub mod houses;
pub mod idempotency;
pub mod identities;
pub mod incidents;
pub mod intake;
pub mod invites;
pub mod jobs;
pub mod load_test;
pub mod maintenance;
mod many_rows;
pub mod map;
pub mod messages;
pub mod notifications;
pub mod organisations;
pub mod reference;
pub mod regions;
pub mod routing_labels;
pub mod routing_models;
pub mod routing_rules;
pub mod routing_training;
pub mod schema;
pub mod search;
pub mod secret;
pub mod sessions;
pub mod settings;
pub mod templates;
pub mod territories;
pub mod users;
pub mod webhooks;
pub mod widgets;

pub use error::DbError;
pub use pool::{Backend, Db, DbOptions, Handle, Tx, redact};
pub use sql::{Arg, Conn, Row, Scalar, Sql};
