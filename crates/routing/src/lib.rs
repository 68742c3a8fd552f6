//! Routing helpers that need no database: which territory a point lies in
//! (and, with the classifier issue, which topic a message's text suggests).

pub mod territory;
pub mod text;
