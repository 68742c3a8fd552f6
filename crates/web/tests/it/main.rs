// Tests fail loudly on broken setup.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod admin_data;
mod api;
mod api_resources;
mod auth;
mod common;
mod idempotency;
mod in_english;
mod incidents;
mod languages;
mod map;
mod matrix;
mod oidc;
mod open311;
mod open311_requests;
mod openapi;
mod ops;
mod pages;
mod photos;
mod report_steps;
mod webhooks;
mod widget;
mod workspace;
