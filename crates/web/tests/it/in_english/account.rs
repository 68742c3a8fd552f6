//! account pages in English.
