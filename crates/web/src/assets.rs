//! Static files embedded in the binary, served under content-hashed names so
//! browsers may cache them forever, each compressed once at the best level.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::content_coding::{Coding, Precompressed};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: Precompressed,
}

static ASSETS: [Asset; 9] = [
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        body: Precompressed::new(include_str!("../assets/app.css")),
    },
    // htmx, pinned in assets/vendor/package.json (checked by .ci/run).
    Asset {
        name: "htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        body: Precompressed::new(include_str!("../assets/vendor/htmx.min.js")),
    },
    // Leaflet, pinned likewise; its images are unused (markers are drawn in CSS).
    Asset {
        name: "leaflet.js",
        content_type: "text/javascript; charset=utf-8",
        body: Precompressed::new(include_str!("../assets/vendor/leaflet.js")),
    },
    Asset {
        name: "leaflet.css",
        content_type: "text/css; charset=utf-8",
        body: Precompressed::new(include_str!("../assets/vendor/leaflet.css")),
    },
    Asset {
        name: "map.js",
        content_type: "text/javascript; charset=utf-8",
        body: Precompressed::new(include_str!("../assets/map.js")),
    },
    Asset {
        name: "place.js",
        content_type: "text/javascript; charset=utf-8",
        body: Precompressed::new(include_str!("../assets/place.js")),
    },
    Asset {
        name: "steps.js",
        content_type: "text/javascript; charset=utf-8",
        body: Precompressed::new(include_str!("../assets/steps.js")),
    },
    Asset {
        name: "staff.js",
        content_type: "text/javascript; charset=utf-8",
        body: Precompressed::new(include_str!("../assets/staff.js")),
    },
    Asset {
        name: "widget-frame.js",
        content_type: "text/javascript; charset=utf-8",
        body: Precompressed::new(include_str!("../assets/widget-frame.js")),
    },
];

/// The widget's script for other sites, under the one address their
/// snippets name (so not content-hashed): cached for an hour, so a new
/// version reaches every site soon.
static WIDGET_JS: Asset = Asset {
    name: "widget.js",
    content_type: "text/javascript; charset=utf-8",
    body: Precompressed::new(include_str!("../assets/widget.js")),
};

/// `app.css` → `app.1a2b3c4d.css`: the hash changes whenever the content does.
fn hashed_name(asset: &Asset) -> String {
    let mut hasher = DefaultHasher::new();
    asset.body.body().hash(&mut hasher);
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

async fn widget_js(headers: HeaderMap) -> Response {
    send(&WIDGET_JS, "public, max-age=3600", &headers).await
}

async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Response {
    match ASSETS
        .iter()
        .zip(HASHED.iter())
        .find(|(_, hashed)| **hashed == file)
    {
        Some((asset, _)) => send(asset, "public, max-age=31536000, immutable", &headers).await,
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The asset in the best coding the client accepts. The first request for
/// a file compresses it, off the async threads (0.2 s of a core for
/// Leaflet, the largest): not when the server starts, where it would
/// compete with the first requests, most of which never ask for a file.
async fn send(asset: &'static Asset, cache: &'static str, headers: &HeaderMap) -> Response {
    let asked = Coding::preferred(headers);
    let (coding, body) = if asset.body.is_ready() || asked == Coding::Identity {
        asset.body.get(asked)
    } else {
        match tokio::task::spawn_blocking(move || asset.body.get(asked)).await {
            Ok(sent) => sent,
            Err(_) => asset.body.get(Coding::Identity),
        }
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, cache),
            (header::VARY, "accept-encoding"),
        ],
        body,
    )
        .into_response();
    if let Some(encoding) = coding.header() {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, encoding);
    }
    response
}
