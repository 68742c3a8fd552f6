//! casework pages in English.
