// Tests fail loudly on broken setup.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bench_seed;
mod cases;
mod demo;
mod intake;
mod jobs;
mod listing;
mod map;
mod routing;
mod routing_model;
mod schema;
mod statistics;
