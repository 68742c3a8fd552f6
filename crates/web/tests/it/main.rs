// Tests fail loudly on broken setup.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod admin_data;
mod api;
mod auth;
mod common;
mod incidents;
mod languages;
mod map;
mod matrix;
mod oidc;
mod open311;
mod ops;
mod pages;
mod photos;
mod report_steps;
mod widget;
mod workspace;
