//! Static files embedded in the binary, served under content-hashed names so
//! browsers may cache them forever.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static str,
}

const ASSETS: [Asset; 9] = [
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../assets/app.css"),
    },
    // htmx, pinned in assets/vendor/package.json (checked by .ci/run).
    Asset {
        name: "htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../assets/vendor/htmx.min.js"),
    },
    // Leaflet, pinned likewise; its images are unused (markers are drawn in CSS).
    Asset {
        name: "leaflet.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../assets/vendor/leaflet.js"),
    },
    Asset {
        name: "leaflet.css",
        content_type: "text/css; charset=utf-8",
        body: include_str!("../assets/vendor/leaflet.css"),
    },
    Asset {
        name: "map.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../assets/map.js"),
    },
    Asset {
        name: "place.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../assets/place.js"),
    },
    Asset {
        name: "steps.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../assets/steps.js"),
    },
    Asset {
        name: "staff.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../assets/staff.js"),
    },
    Asset {
        name: "widget-frame.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../assets/widget-frame.js"),
    },
];

/// The widget's script for other sites, under the one address their
/// snippets name (so not content-hashed): cached for an hour, so a new
/// version reaches every site soon.
const WIDGET_JS: &str = include_str!("../assets/widget.js");

/// `app.css` → `app.1a2b3c4d.css`: the hash changes whenever the content does.
fn hashed_name(asset: &Asset) -> String {
    let mut hasher = DefaultHasher::new();
    asset.body.hash(&mut hasher);
    let hash = hasher.finish() & 0xffff_ffff;
    match asset.name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash:08x}.{ext}"),
        None => format!("{}.{hash:08x}", asset.name),
    }
}

static HASHED: LazyLock<Vec<String>> = LazyLock::new(|| ASSETS.iter().map(hashed_name).collect());

/// The URL of an embedded asset by its plain name.
pub fn url(name: &str) -> String {
    ASSETS
        .iter()
        .zip(HASHED.iter())
        .find(|(a, _)| a.name == name)
        .map_or_else(
            || format!("/static/{name}"),
            |(_, hashed)| format!("/static/{hashed}"),
        )
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/{file}", get(serve))
        .route("/widget.js", get(widget_js))
}

async fn widget_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        WIDGET_JS,
    )
        .into_response()
}

async fn serve(Path(file): Path<String>) -> Response {
    match ASSETS
        .iter()
        .zip(HASHED.iter())
        .find(|(_, hashed)| **hashed == file)
    {
        Some((asset, _)) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
            ],
            asset.body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
