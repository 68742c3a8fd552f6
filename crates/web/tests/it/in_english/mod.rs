//! Every page speaks English to whoever asks for it (the `lang` cookie):
//! residents' account pages, staff's case work, administrators' pages.

mod account;
mod admin;
mod casework;
