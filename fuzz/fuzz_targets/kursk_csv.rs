//! A Kursk-format training file (`vmeste routing train|eval|cv --data`):
//! the CSV reader, then the classifier's text normalisation on every text it
//! yields and on the raw bytes as text (a resident's message goes through
//! the same `tokens` when routing suggests a topic). The input is read as it
//! is and behind the format's header, so the fuzzer spends its time on rows
//! rather than on finding the column names (the seeds are rows only).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vmeste_routing::{classifier, kursk};

const HEADER: &str = "id,Текст Сообщения,Тематика,Ответственное лицо,Категория\n";

fuzz_target!(|data: &[u8]| {
    let with_header = [HEADER.as_bytes(), data].concat();
    for file in [data, with_header.as_slice()] {
        if let Ok(examples) = kursk::parse(file) {
            for example in &examples {
                classifier::tokens(&example.text);
            }
        }
    }
    classifier::tokens(&String::from_utf8_lossy(data));
});
