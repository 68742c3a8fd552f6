//! The demo region: a fictional oblast with its capital, districts,
//! organisations, catalogue, staff and a few hundred messages. Loading is
//! idempotent and happens in one transaction.

pub(crate) mod counters;
pub(crate) mod data;
pub(crate) mod messages;

use std::collections::HashMap;

use vmeste_domain::calendar::ProductionCalendar;
use vmeste_domain::clock::Clock;
use vmeste_domain::deadline::{DeadlineKind, DeadlineRule};
use vmeste_domain::organisation::{OrganisationKind, Role};
use vmeste_routing::territory::{TerritoryIndex, parse_geometry};

use crate::{
    Conn, Db, DbError, Sql, catalogue, houses, organisations, regions, routing_labels,
    routing_rules, routing_training, territories, users,
};

/// The password of every demo account. Demo data only: never load the demo
/// into a production database.
pub const DEMO_PASSWORD: &str = "vmeste-demo";
/// How many messages the demo region gets.
pub const DEMO_MESSAGES: usize = 320;
/// Days an extension may add, where a topic does not say otherwise.
const DEFAULT_EXTENSION_DAYS: i32 = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Loaded { messages: usize },
    AlreadyLoaded,
}

/// Loads the demo region into an empty database; does nothing if it is there
/// already, and refuses a database that holds another region.
pub async fn load(
    db: &Db,
    clock: &dyn Clock,
    calendar: &ProductionCalendar,
) -> Result<Outcome, DbError> {
    let region_file = data::region()?;
    let mut tx = db.write().await?;
    let mut conn = tx.conn();
    if let Some(existing) = regions::current(&mut conn).await? {
        return if existing.slug == region_file.region.slug {
            Ok(Outcome::AlreadyLoaded)
        } else {
            Err(DbError::Config(format!(
                "the database already holds region {:?}; the demo loads only into an empty database",
                existing.slug
            )))
        };
    }
    let now = clock.now();
    let tz: chrono_tz::Tz = region_file.region.time_zone.parse().map_err(|_| {
        DbError::Corrupt(format!("demo time zone {:?}", region_file.region.time_zone))
    })?;
    let region_id = regions::insert(
        &mut conn,
        &regions::NewRegion {
            slug: &region_file.region.slug,
            name_ru: &region_file.region.name_ru,
            name_en: &region_file.region.name_en,
            time_zone: tz,
            centre_lat: region_file.region.centre[0],
            centre_lon: region_file.region.centre[1],
            zoom: region_file.region.zoom,
        },
    )
    .await?;
    let (territory_ids, index) = load_territories(&mut conn, region_id).await?;
    let org_ids =
        load_organisations(&mut conn, region_id, &region_file, &territory_ids, now).await?;
    load_catalogue(&mut conn).await?;
    for rule in &region_file.routing {
        let territory = lookup(&territory_ids, &rule.territory, "territory")?;
        let organisation = lookup(&org_ids, &rule.organisation, "organisation")?;
        let territory = (rule.territory != "region").then_some(territory);
        routing_rules::insert(
            &mut conn,
            routing_rules::Target::Responsible(&rule.responsible),
            territory,
            organisation,
        )
        .await?;
    }
    load_houses(
        &mut conn,
        region_id,
        &region_file,
        (&territory_ids, &index),
        &org_ids,
        now,
    )
    .await?;
    let people = load_people(&mut conn, &region_file, &org_ids, now).await?;
    let generated = messages::generate(
        &mut conn,
        &messages::Context {
            now,
            tz,
            calendar,
            index: &index,
            territory_ids: &territory_ids,
            streets: &region_file.streets,
            people: &people,
        },
        DEMO_MESSAGES,
    )
    .await?;
    case_dates_from_history(&mut conn).await?;
    routing_model(&mut conn, now).await?;
    counters::from_history(&mut conn, tz, now.with_timezone(&tz).date_naive()).await?;
    crate::search::index_missing(&mut conn).await?;
    // Demo people signed up long ago and confirmed their addresses.
    Sql::new("UPDATE users SET email_confirmed_at = created_at WHERE email IS NOT NULL")
        .execute(&mut conn)
        .await?;
    tx.commit().await?;
    Ok(Outcome::Loaded {
        messages: generated,
    })
}

/// Registers the demo houses, each a few dozen metres apart on a line through
/// its territory's interior point (checked to stay inside the territory).
async fn load_houses(
    conn: &mut Conn<'_>,
    region_id: i64,
    region_file: &data::RegionFile,
    (territory_ids, index): (&HashMap<String, i64>, &TerritoryIndex),
    org_ids: &HashMap<String, i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbError> {
    let mut placed: HashMap<i64, u32> = HashMap::new();
    for entry in &region_file.houses {
        let territory = lookup(territory_ids, &entry.territory, "territory")?;
        let manager = lookup(org_ids, &entry.manager, "organisation")?;
        let (lat, lon) = index.interior_point(territory).ok_or_else(|| {
            DbError::Corrupt(format!("territory {} has no interior", entry.territory))
        })?;
        let n = placed.entry(territory).or_default();
        *n += 1;
        let point = (lat + f64::from(*n) * 0.0006, lon);
        if !index.containing(point.0, point.1).contains(&territory) {
            return Err(DbError::Corrupt(format!(
                "demo house {} falls outside {}",
                entry.address, entry.territory
            )));
        }
        houses::insert(
            conn,
            &houses::NewHouse {
                region_id,
                address: &entry.address,
                lat: point.0,
                lon: point.1,
                manager_id: Some(manager),
            },
            now,
        )
        .await?;
    }
    Ok(())
}

fn lookup(ids: &HashMap<String, i64>, slug: &str, what: &str) -> Result<i64, DbError> {
    ids.get(slug)
        .copied()
        .ok_or_else(|| DbError::Corrupt(format!("demo data names an unknown {what} {slug:?}")))
}

async fn load_territories(
    conn: &mut Conn<'_>,
    region_id: i64,
) -> Result<(HashMap<String, i64>, TerritoryIndex), DbError> {
    let mut ids = HashMap::new();
    let mut shapes = Vec::new();
    for (props, geometry) in data::territories()? {
        let shape = parse_geometry(&geometry)
            .map_err(|e| DbError::Corrupt(format!("territory {}: {e}", props.slug)))?;
        let parent_id = match &props.parent {
            Some(parent) => Some(lookup(&ids, parent, "parent territory")?),
            None => None,
        };
        let probe = TerritoryIndex::new([(0, shape.clone())]);
        let bounds = probe
            .bounds(0)
            .ok_or_else(|| DbError::Corrupt(format!("territory {} is empty", props.slug)))?;
        let id = territories::insert(
            conn,
            &territories::NewTerritory {
                region_id,
                parent_id,
                slug: &props.slug,
                kind: &props.kind,
                name_ru: &props.name_ru,
                name_en: &props.name_en,
                geometry: &geometry,
                bounds,
            },
        )
        .await?;
        ids.insert(props.slug, id);
        shapes.push((id, shape));
    }
    Ok((ids, TerritoryIndex::new(shapes)))
}

async fn load_organisations(
    conn: &mut Conn<'_>,
    region_id: i64,
    file: &data::RegionFile,
    territory_ids: &HashMap<String, i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<HashMap<String, i64>, DbError> {
    let mut ids = HashMap::new();
    // Parents may come after their children in the file: link them in a second pass.
    for org in &file.organisations {
        let kind = OrganisationKind::parse(&org.kind).ok_or_else(|| {
            DbError::Corrupt(format!("organisation {} has kind {:?}", org.slug, org.kind))
        })?;
        let id = organisations::insert(
            conn,
            &organisations::NewOrganisation {
                region_id,
                parent_id: None,
                slug: &org.slug,
                kind,
                name_ru: &org.name_ru,
                short_name_ru: &org.short_name_ru,
                name_en: &org.name_en,
                email: Some(&org.email),
                phone: Some(&org.phone),
                address: Some(&org.address),
                website: Some(&org.website),
                requires_answer_approval: org.requires_answer_approval,
                created_at: now,
            },
        )
        .await?;
        for territory in &org.territories {
            organisations::add_territory(conn, id, lookup(territory_ids, territory, "territory")?)
                .await?;
        }
        ids.insert(org.slug.clone(), id);
    }
    for org in file.organisations.iter().filter(|o| !o.parent.is_empty()) {
        Sql::new("UPDATE organisations SET parent_id = $1 WHERE id = $2")
            .bind(lookup(&ids, &org.parent, "parent organisation")?)
            .bind(ids[&org.slug])
            .execute(conn)
            .await?;
    }
    Ok(ids)
}

async fn load_catalogue(conn: &mut Conn<'_>) -> Result<(), DbError> {
    for category in data::catalogue()? {
        let category_id = catalogue::insert_category(
            conn,
            &catalogue::NewCategory {
                slug: &category.slug,
                position: category.position,
                name_ru: &category.name_ru,
                name_en: &category.name_en,
                icon: &category.icon,
            },
        )
        .await?;
        for (position, topic) in category.topics.iter().enumerate() {
            let kind = DeadlineKind::parse(&topic.deadline_kind).ok_or_else(|| {
                DbError::Corrupt(format!(
                    "topic {} deadline kind {:?}",
                    topic.slug, topic.deadline_kind
                ))
            })?;
            catalogue::insert_topic(
                conn,
                &catalogue::NewTopic {
                    category_id,
                    slug: &topic.slug,
                    position: position as i32 + 1,
                    name_ru: &topic.name_ru,
                    name_en: &topic.name_en,
                    guidance_ru: &topic.guidance_ru,
                    guidance_en: &topic.guidance_en,
                    responsible: &topic.responsible,
                    deadline: DeadlineRule {
                        days: topic.deadline_days,
                        kind,
                    },
                    dispute_window_days: topic.dispute_window_days,
                    extension_days: DEFAULT_EXTENSION_DAYS,
                    priority: topic.priority,
                    public: topic.public,
                    active: topic.active,
                },
            )
            .await?;
        }
    }
    Ok(())
}

/// Demo staff by role, and residents who author the demo messages.
pub(crate) struct People {
    pub moderator: i64,
    pub executors: Vec<i64>,
    pub residents: Vec<i64>,
}

async fn load_people(
    conn: &mut Conn<'_>,
    file: &data::RegionFile,
    org_ids: &HashMap<String, i64>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<People, DbError> {
    let mut people = People {
        moderator: 0,
        executors: Vec::new(),
        residents: Vec::new(),
    };
    for staff in &file.staff {
        let role = Role::parse(&staff.role).ok_or_else(|| {
            DbError::Corrupt(format!(
                "demo account {} has role {:?}",
                staff.email, staff.role
            ))
        })?;
        let hash = users::hash_password(DEMO_PASSWORD)?;
        let id = users::insert(
            conn,
            &users::NewUser {
                email: Some(&staff.email),
                password_hash: Some(&hash),
                name: &staff.name,
                phone: None,
                locale: "ru",
                created_at: now,
            },
        )
        .await?;
        let organisation = if staff.organisation.is_empty() {
            None
        } else {
            Some(lookup(org_ids, &staff.organisation, "organisation")?)
        };
        if role != Role::Resident {
            users::grant(conn, id, role, organisation, staff.include_subtree).await?;
        }
        match role {
            Role::Moderator => people.moderator = id,
            Role::Executor => people.executors.push(id),
            Role::Resident => people.residents.push(id),
            _ => {}
        }
    }
    people
        .residents
        .extend(messages::residents(conn, now).await?);
    Ok(people)
}

/// The generated histories say when each case was routed and last answered;
/// the case columns that windows are counted from follow them.
async fn case_dates_from_history(conn: &mut Conn<'_>) -> Result<(), DbError> {
    for (column, action, pick) in [
        ("routed_at", "route", "MIN"),
        ("answered_at", "answer", "MAX"),
    ] {
        Sql::new(format!(
            "UPDATE messages SET {column} = (SELECT {pick}(e.at) FROM message_events e \
             WHERE e.message_id = messages.id AND e.action = $1)"
        ))
        .bind(action)
        .execute(conn)
        .await?;
    }
    // An answer that was disputed afterwards is no longer the standing one.
    Sql::new(
        "UPDATE messages SET answered_at = NULL WHERE status <> 'answered' AND status <> 'closed'",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The demo's routing model: the demo messages' own topics and organisations
/// are its labelled examples, and the model trained on them (never on any
/// outside data) is active from the start.
async fn routing_model(
    conn: &mut Conn<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbError> {
    Sql::new(
        "INSERT INTO routing_examples (message_id, text, topic_id, organisation_id, verdict, \
         labelled_by, labelled_at) SELECT id, text, topic_id, organisation_id, $1, NULL, \
         COALESCE(routed_at, created_at) FROM messages WHERE organisation_id IS NOT NULL ORDER BY id",
    )
    .bind(routing_labels::DEMO)
    .execute(conn)
    .await?;
    let labels = routing_labels::history(conn).await?;
    let fitted = routing_training::fit(routing_training::examples(&labels))
        .await
        .map_err(|e| DbError::Corrupt(format!("demo routing model: {e}")))?;
    routing_training::store(conn, &fitted, None, true, now).await?;
    Ok(())
}
