// Tests fail loudly on broken setup.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod calendar;
mod case;
mod deadline;
mod status;
