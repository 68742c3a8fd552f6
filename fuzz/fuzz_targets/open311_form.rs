//! An Open311 service request (`POST /open311/v2/requests.{json,xml}`): the
//! input's first line is the Content-Type, the rest the body. The body goes
//! through the web crate's own extractor (URL-encoded, or multipart with
//! files), then the form becomes a message and is validated, as the handler
//! does once the service code names a topic. The files are the photo
//! target's subject.
#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::extract::FromRequest;
use axum::http::{Request, header};
use libfuzzer_sys::fuzz_target;
use tokio::runtime::Runtime;
use vmeste_domain::validation::validate_message;
use vmeste_web::open311::{SubmitForm, message_input};
use vmeste_web::upload::FormWithFiles;

/// Reading a body in memory never waits: one runtime serves every input.
fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime")
    })
}

fuzz_target!(|data: &[u8]| {
    let (content_type, body) = match data.iter().position(|&b| b == b'\n') {
        Some(end) => (&data[..end], &data[end + 1..]),
        None => (data, &[][..]),
    };
    // A header value HTTP cannot carry never reaches the extractor.
    let Ok(request) = Request::post("/open311/v2/requests.json")
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body.to_vec()))
    else {
        return;
    };
    let extracted = FormWithFiles::<SubmitForm>::from_request(request, &());
    let Ok(FormWithFiles { form, .. }) = runtime().block_on(extracted) else {
        return;
    };
    let _ = validate_message(&message_input(&form, 1));
});
