//! Files people send: read from a multipart form, limited in number and
//! size, and accepted only when their content (not their name or declared
//! type) is one the platform takes.

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

/// The most files one form may carry...
pub const MAX_FILES: usize = 5;
/// ...and the largest one, in bytes.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The largest request body with files (the files and the form's fields).
pub const UPLOAD_BODY_LIMIT: usize = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024;

/// A file as it arrived.
#[derive(Debug, Clone)]
pub struct RawFile {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// A file whose content was recognised as one of the accepted kinds.
#[derive(Debug, Clone)]
pub struct Document {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The kinds of document an answer may carry, by what their bytes are.
const DOCUMENT_TYPES: [&str; 6] = [
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
];

/// Checks the files of an answer; the message for the person (in the
/// request's language) when one fails.
pub fn documents(files: Vec<RawFile>) -> Result<Vec<Document>, String> {
    let lang = crate::i18n::current();
    if files.len() > MAX_FILES {
        return Err(lang.t_n("case-files-too-many", MAX_FILES as i64));
    }
    files
        .into_iter()
        .map(|f| {
            if f.bytes.len() > MAX_FILE_BYTES {
                return Err(lang.t_with(
                    "case-file-too-large",
                    &[
                        ("name", f.filename.into()),
                        ("mb", (MAX_FILE_BYTES / (1024 * 1024)).into()),
                    ],
                ));
            }
            let sniffed = infer::get(&f.bytes).map(|t| t.mime_type());
            let Some(content_type) =
                sniffed.and_then(|m| DOCUMENT_TYPES.into_iter().find(|t| *t == m))
            else {
                return Err(lang.t_with("case-file-not-accepted", &[("name", f.filename.into())]));
            };
            Ok(Document {
                filename: clean_name(&f.filename),
                content_type,
                bytes: f.bytes,
            })
        })
        .collect()
}

/// A file name safe to show and to offer back for download.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(120)
        .collect();
    if cleaned.trim().is_empty() {
        "file".to_owned()
    } else {
        cleaned
    }
}

/// A form as browsers send it: URL-encoded, or multipart with files. The
/// fields become `T`; files come apart, empty file inputs dropped.
pub struct FormWithFiles<T> {
    pub form: T,
    pub files: Vec<RawFile>,
}

/// Why a form could not be read at all.
#[derive(Debug)]
pub struct Unreadable;

impl axum::response::IntoResponse for Unreadable {
    fn into_response(self) -> axum::response::Response {
        (
            axum::http::StatusCode::BAD_REQUEST,
            crate::i18n::current().t("case-form-unreadable"),
        )
            .into_response()
    }
}

impl<S, T> FromRequest<S> for FormWithFiles<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Default,
{
    type Rejection = axum::response::Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        if !multipart {
            let axum::Form(form) = axum::Form::<T>::from_request(req, state)
                .await
                .map_err(IntoResponse::into_response)?;
            return Ok(Self {
                form,
                files: Vec::new(),
            });
        }
        let mut parts = Multipart::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let mut fields = Vec::new();
        let mut files = Vec::new();
        let unread = |e: axum::extract::multipart::MultipartError| {
            if exceeds_limit(&e) {
                (axum::http::StatusCode::PAYLOAD_TOO_LARGE, e.body_text()).into_response()
            } else {
                e.into_response()
            }
        };
        while let Some(field) = parts.next_field().await.map_err(unread)? {
            let name = field.name().unwrap_or("").to_owned();
            if let Some(filename) = field.file_name().map(ToOwned::to_owned) {
                let bytes = field.bytes().await.map_err(unread)?;
                if !bytes.is_empty() {
                    files.push(RawFile {
                        filename,
                        bytes: bytes.to_vec(),
                    });
                }
            } else {
                let value = field.text().await.map_err(unread)?;
                fields.push((name, value));
            }
        }
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&fields)
            .finish();
        let form = serde_html_form::from_str(&encoded).map_err(|_| Unreadable.into_response())?;
        Ok(Self { form, files })
    }
}

/// Whether reading failed because the body was longer than its limit (the
/// limit's error may come wrapped in the multipart parser's).
pub(crate) fn exceeds_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<http_body_util::LengthLimitError>() || e.to_string().contains("length limit") {
            return true;
        }
        current = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::{RawFile, documents};

    fn file(name: &str, bytes: &[u8]) -> RawFile {
        RawFile {
            filename: name.into(),
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn content_decides_not_the_name() {
        let pdf = documents(vec![file("../../etc/ответ.pdf", b"%PDF-1.7\n...")]);
        let pdf = pdf
            .as_ref()
            .map(|d| (d[0].content_type, d[0].filename.as_str()));
        assert_eq!(pdf, Ok(("application/pdf", "ответ.pdf")));
        let fake = documents(vec![file("ответ.pdf", b"<script>alert(1)</script>")]);
        assert!(fake.is_err_and(|e| e.contains("ответ.pdf")));
        let many = documents(
            (0..6)
                .map(|i| file(&format!("{i}.pdf"), b"%PDF-1.7"))
                .collect(),
        );
        assert!(many.is_err());
        let big = documents(vec![file(
            "big.pdf",
            &vec![b'%'; super::MAX_FILE_BYTES + 1],
        )]);
        assert!(big.is_err_and(|e| e.contains("10 МБ")));
    }
}
