// Tests fail loudly on broken setup.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod browser;
mod cli;
mod open311_clients;
mod running;
mod schemathesis;
mod server;
mod webhooks;
