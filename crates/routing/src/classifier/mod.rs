//! Placeholder: the classifier is being written.
