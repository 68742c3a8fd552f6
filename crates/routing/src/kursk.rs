//! Training files in the format of the Kursk region's published messages:
//! CSV (RFC 4180, texts across lines, often HTML) with the columns
//! `id, Текст Сообщения, Тематика, Ответственное лицо[, Категория]`, found
//! by name in the header.

use crate::classifier::Example;

const ID: &str = "id";
const TEXT: &str = "Текст Сообщения";
const TOPIC: &str = "Тематика";
const ORGANISATION: &str = "Ответственное лицо";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KurskError {
    #[error("the header has no column «{0}»")]
    MissingColumn(&'static str),
    #[error("line {line}: {problem}")]
    Record { line: u64, problem: String },
}

/// A labelled message of the file, with its id (the order in which the
/// messages came, where the file gives it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub id: Option<i64>,
    pub example: Example,
}

/// Every row of a Kursk-format file; rows with an empty text or topic are
/// skipped (they teach nothing).
pub fn parse(bytes: &[u8]) -> Result<Vec<Row>, KurskError> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header = reader.headers().map_err(|e| record_error(&e))?.clone();
    let column = |name: &'static str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or(KurskError::MissingColumn(name))
    };
    let id = column(ID).ok();
    let (text, topic, organisation) = (column(TEXT)?, column(TOPIC)?, column(ORGANISATION)?);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| record_error(&e))?;
        let field = |i: usize| record.get(i).map(str::trim).unwrap_or_default();
        if field(text).is_empty() || field(topic).is_empty() {
            continue;
        }
        rows.push(Row {
            id: id.and_then(|i| field(i).parse().ok()),
            example: Example {
                text: field(text).to_owned(),
                topic: field(topic).to_owned(),
                organisation: Some(field(organisation))
                    .filter(|o| !o.is_empty())
                    .map(str::to_owned),
            },
        });
    }
    Ok(rows)
}

fn record_error(e: &csv::Error) -> KurskError {
    KurskError::Record {
        line: e.position().map_or(0, csv::Position::line),
        problem: match e.kind() {
            csv::ErrorKind::Utf8 { .. } => "the text is not UTF-8".to_owned(),
            _ => e.to_string(),
        },
    }
}
