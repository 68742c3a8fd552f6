//! A page that says one thing: «check your mail», «the link has expired».

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::{Layout, render};

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage<'a> {
    layout: Layout,
    title: &'a str,
    paragraphs: &'a [&'a str],
    link: Option<(&'a str, &'a str)>,
}

pub fn notice(
    layout: Layout,
    status: StatusCode,
    title: &str,
    paragraphs: &[&str],
    link: Option<(&str, &str)>,
) -> Response {
    super::form::with_headers(
        render(
            status,
            &NoticePage {
                layout,
                title,
                paragraphs,
                link,
            },
        ),
        [],
    )
}
