//! admin pages in English.
