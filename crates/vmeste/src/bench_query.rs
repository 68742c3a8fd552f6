//! `vmeste bench paths|query`: the public reads a load test asks for, as
//! URL paths for the HTTP load generator and as the same database calls the
//! handlers make, run bare in a concurrent loop. Their ratio shows what the
//! web layer costs over the database's ceiling.

use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use vmeste_db::counters::{self, Slice};
use vmeste_db::messages::{self, BBox, Filter};
use vmeste_db::{Conn, Db, DbError, catalogue, events, map, regions, territories};
use vmeste_domain::status::MessageStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    List,
    Search,
    Map,
    Stats,
    Message,
}

/// One request: its path, and what its handler asks the database.
pub struct Variant {
    pub path: String,
    op: Op,
}

enum Op {
    List(Filter),
    Map(Filter, BBox, u8),
    Stats(NaiveDate),
    Message(i64),
}

/// A page of the public list is this long, as the list page has it.
const PAGE: u32 = 20;
/// The browser's map, in pixels: what a viewport's box spans at a zoom.
const VIEWPORT: (f64, f64) = (1280.0, 800.0);
const ZOOMS: [u8; 5] = [9, 11, 13, 15, 17];
const SEARCHES: [&str; 5] = [
    "яма",
    "освещение",
    "мусор контейнер",
    "подъезд",
    "батареи отопление",
];

pub async fn variants(db: &Db, kind: Kind, now: DateTime<Utc>) -> Result<Vec<Variant>, DbError> {
    let mut handle = db.read().await?;
    let mut conn = handle.conn();
    Ok(match kind {
        Kind::List => list_variants(&mut conn, now).await?,
        Kind::Search => SEARCHES
            .iter()
            .map(|q| Variant {
                path: format!("/messages?q={}", encode(q)),
                op: Op::List(Filter {
                    search: Some((*q).to_string()),
                    ..Filter::default()
                }),
            })
            .collect(),
        Kind::Map => map_variants(&mut conn).await?,
        Kind::Stats => vec![Variant {
            path: "/statistics".to_string(),
            op: Op::Stats(now.date_naive()),
        }],
        Kind::Message => message_variants(&mut conn).await?,
    })
}

async fn list_variants(conn: &mut Conn<'_>, now: DateTime<Utc>) -> Result<Vec<Variant>, DbError> {
    let list = |path: String, filter: Filter| Variant {
        path,
        op: Op::List(filter),
    };
    let mut out = vec![
        list("/messages".into(), Filter::default()),
        list(
            "/messages?status=closed".into(),
            Filter {
                statuses: vec![MessageStatus::Closed],
                ..Filter::default()
            },
        ),
        list(
            "/messages?period=30".into(),
            Filter {
                since: Some(now - chrono::Duration::days(30)),
                ..Filter::default()
            },
        ),
    ];
    let topics: Vec<i64> = catalogue::topics(conn)
        .await?
        .into_iter()
        .filter(|t| t.active && t.public)
        .map(|t| t.id)
        .collect();
    for id in [0, 10, 40].iter().filter_map(|&i| topics.get(i)) {
        out.push(list(
            format!("/messages?topic={id}"),
            Filter {
                topic_id: Some(*id),
                ..Filter::default()
            },
        ));
    }
    for t in territories::list(conn).await?.iter().take(3) {
        out.push(list(
            format!("/messages?territory={}", t.id),
            Filter {
                territory_id: Some(t.id),
                ..Filter::default()
            },
        ));
    }
    // A page deep in the list, as a cursor a reader reaches by paging.
    let newest = messages::list_public(conn, &Filter::default(), 1).await?;
    if let Some(newest) = newest.items.first() {
        let cursor = newest.id / 2;
        out.push(list(
            format!("/messages?cursor={cursor}"),
            Filter {
                before_id: Some(cursor),
                ..Filter::default()
            },
        ));
    }
    Ok(out)
}

async fn map_variants(conn: &mut Conn<'_>) -> Result<Vec<Variant>, DbError> {
    let region = regions::current(conn).await?.ok_or(DbError::NotFound)?;
    Ok(ZOOMS
        .iter()
        .map(|&zoom| {
            let degrees_per_pixel = 360.0 / f64::from(1_u32 << zoom) / 256.0;
            let half_w = VIEWPORT.0 / 2.0 * degrees_per_pixel;
            let half_h =
                VIEWPORT.1 / 2.0 * degrees_per_pixel * region.centre_lat.to_radians().cos();
            let bbox = BBox {
                west: region.centre_lon - half_w,
                south: region.centre_lat - half_h,
                east: region.centre_lon + half_w,
                north: region.centre_lat + half_h,
            };
            Variant {
                path: format!(
                    "/map/clusters?zoom={zoom}&bbox={:.5},{:.5},{:.5},{:.5}",
                    bbox.west, bbox.south, bbox.east, bbox.north
                ),
                op: Op::Map(
                    Filter {
                        bbox: Some(bbox),
                        ..Filter::default()
                    },
                    bbox,
                    zoom,
                ),
            }
        })
        .collect())
}

/// Published messages spread over the whole id range.
async fn message_variants(conn: &mut Conn<'_>) -> Result<Vec<Variant>, DbError> {
    let newest = messages::list_public(conn, &Filter::default(), 1).await?;
    let Some(top) = newest.items.first().map(|m| m.id + 1) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for k in 1..=20 {
        let filter = Filter {
            before_id: Some(top * k / 20 + 1),
            ..Filter::default()
        };
        if let Some(m) = messages::list_public(conn, &filter, 1).await?.items.first() {
            out.push(Variant {
                path: format!("/messages/{}", m.id),
                op: Op::Message(m.id),
            });
        }
    }
    out.dedup_by_key(|v| v.path.clone());
    Ok(out)
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs one variant's database calls, as its handler does.
async fn run_once(db: &Db, op: &Op) -> Result<(), DbError> {
    let mut handle = db.read().await?;
    let mut conn = handle.conn();
    match op {
        Op::List(filter) => {
            messages::list_public(&mut conn, filter, PAGE).await?;
        }
        Op::Map(filter, bbox, zoom) => {
            map::clusters(&mut conn, filter, *bbox, *zoom).await?;
        }
        Op::Stats(today) => {
            // The statistics page's cuts: months of the last year, and all time.
            let year_ago = today
                .with_day(1)
                .and_then(|d| d.checked_sub_months(chrono::Months::new(11)))
                .unwrap_or(*today);
            counters::by(&mut conn, Slice::Month, year_ago).await?;
            counters::all_time(&mut conn).await?;
        }
        Op::Message(id) => {
            messages::get(&mut conn, *id).await?;
            events::for_message(&mut conn, *id, true).await?;
        }
    }
    Ok(())
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub name: String,
    pub requests: usize,
    pub seconds: f64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: usize,
}

/// Runs the variants in turn from `concurrency` tasks for `duration`.
pub async fn query(
    db: &Db,
    name: &str,
    variants: std::sync::Arc<Vec<Variant>>,
    concurrency: usize,
    duration: Duration,
) -> Summary {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for task in 0..concurrency {
        let db = db.clone();
        let variants = variants.clone();
        tasks.push(tokio::spawn(async move {
            let (mut times, mut errors) = (Vec::new(), 0);
            let mut i = task;
            while started.elapsed() < duration && !variants.is_empty() {
                let at = Instant::now();
                if run_once(&db, &variants[i % variants.len()].op)
                    .await
                    .is_err()
                {
                    errors += 1;
                }
                times.push(at.elapsed());
                i += 1;
            }
            (times, errors)
        }));
    }
    let (mut times, mut errors) = (Vec::new(), 0);
    for task in tasks {
        match task.await {
            Ok((t, e)) => {
                times.extend(t);
                errors += e;
            }
            Err(_) => errors += 1,
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    times.sort_unstable();
    let pick = |q: f64| {
        times
            .get(((times.len() as f64 * q) as usize).min(times.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Summary {
        name: name.to_string(),
        requests: times.len(),
        seconds,
        rps: times.len() as f64 / seconds.max(1e-9),
        p50_ms: pick(0.5),
        p99_ms: pick(0.99),
        max_ms: pick(1.0),
        errors,
    }
}
