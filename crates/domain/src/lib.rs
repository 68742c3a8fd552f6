//! Vmeste's domain rules: statuses and transitions, the production calendar and
//! deadlines, validation of what residents send, the injected clock. No IO.

pub mod access;
pub mod address;
pub mod calendar;
pub mod case;
pub mod clock;
pub mod deadline;
pub mod incident;
pub mod organisation;
pub mod privacy;
pub mod status;
pub mod validation;
pub mod webhook;
