//! Routing helpers that need no database: which territory a point lies in,
//! and which topic and organisation a message's text suggests.

pub mod classifier;
pub mod kursk;
pub mod territory;
pub mod text;
