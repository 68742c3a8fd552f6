//! A Kursk-format training file (`vmeste routing train|eval|cv --data`):
//! the CSV reader, then the classifier's text normalisation on every text it
//! yields and on the raw bytes as text (a resident's message goes through
//! the same `tokens` when routing suggests a topic).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vmeste_routing::{classifier, kursk};

fuzz_target!(|data: &[u8]| {
    if let Ok(examples) = kursk::parse(data) {
        for example in &examples {
            classifier::tokens(&example.text);
        }
    }
    classifier::tokens(&String::from_utf8_lossy(data));
});
