//! A small region written for the tests: a town inside a district, two
//! topics, three organisations and the rules between them.

use vmeste_db::routing_rules::{self, Target};
use vmeste_db::{Db, catalogue, organisations, regions, territories};
use vmeste_domain::deadline::{DeadlineKind, DeadlineRule};
use vmeste_domain::organisation::OrganisationKind;

pub struct Fixture {
    pub district: i64,
    pub town: i64,
    pub roads_topic: i64,
    pub lighting_topic: i64,
    pub retired_topic: i64,
    pub district_admin: i64,
    pub town_roads: i64,
    pub grid: i64,
}

/// A point in the town (and so in the district too).
pub const IN_TOWN: (f64, f64) = (56.05, 43.05);
/// A point in the district outside the town.
pub const IN_DISTRICT: (f64, f64) = (56.5, 43.5);
/// A point outside the region.
pub const OUTSIDE: (f64, f64) = (10.0, 10.0);

const DISTRICT: &str = r#"{"type":"Polygon","coordinates":[[[42.5,55.5],[44.0,55.5],[44.0,57.0],[42.5,57.0],[42.5,55.5]]]}"#;
const TOWN: &str = r#"{"type":"Polygon","coordinates":[[[43.0,56.0],[43.1,56.0],[43.1,56.1],[43.0,56.1],[43.0,56.0]]]}"#;

pub async fn small_region(db: &Db) -> Fixture {
    let now = crate::start_time();
    let mut tx = db.write().await.expect("write");
    let mut c = tx.conn();
    let region = regions::insert(
        &mut c,
        &regions::NewRegion {
            slug: "test",
            name_ru: "Тестовая область",
            name_en: "Test Oblast",
            time_zone: chrono_tz::Europe::Moscow,
            centre_lat: 56.05,
            centre_lon: 43.05,
            zoom: 9,
        },
    )
    .await
    .expect("region");
    let mut territory = async |slug: &str, parent: Option<i64>, geometry: &str, bounds| {
        territories::insert(
            &mut c,
            &territories::NewTerritory {
                region_id: region,
                parent_id: parent,
                slug,
                kind: if parent.is_some() { "city" } else { "district" },
                name_ru: slug,
                name_en: slug,
                geometry,
                bounds,
            },
        )
        .await
        .expect("territory")
    };
    let district = territory("district", None, DISTRICT, (55.5, 42.5, 57.0, 44.0)).await;
    let town = territory("town", Some(district), TOWN, (56.0, 43.0, 56.1, 43.1)).await;
    let category = catalogue::insert_category(
        &mut c,
        &catalogue::NewCategory {
            slug: "roads",
            position: 1,
            name_ru: "Дороги",
            name_en: "Roads",
            icon: "road",
        },
    )
    .await
    .expect("category");
    let mut topic =
        async |slug: &str, name: &str, responsible: &str, rule: DeadlineRule, active: bool| {
            catalogue::insert_topic(
                &mut c,
                &catalogue::NewTopic {
                    category_id: category,
                    slug,
                    position: 1,
                    name_ru: name,
                    name_en: slug,
                    guidance_ru: "",
                    guidance_en: "",
                    responsible,
                    deadline: rule,
                    dispute_window_days: 5,
                    extension_days: 30,
                    priority: false,
                    public: true,
                    active,
                },
            )
            .await
            .expect("topic")
        };
    let roads_topic = topic(
        "potholes",
        "Ямы на дороге",
        "roads",
        DeadlineRule {
            days: 10,
            kind: DeadlineKind::WorkingDays,
        },
        true,
    )
    .await;
    let lighting_topic = topic(
        "lighting",
        "Не горит фонарь",
        "lighting",
        DeadlineRule {
            days: 30,
            kind: DeadlineKind::CalendarDays,
        },
        true,
    )
    .await;
    let retired_topic = topic(
        "retired",
        "Старая тема",
        "roads",
        DeadlineRule {
            days: 30,
            kind: DeadlineKind::CalendarDays,
        },
        false,
    )
    .await;
    let mut org = async |slug: &str, kind: OrganisationKind| {
        organisations::insert(
            &mut c,
            &organisations::NewOrganisation {
                region_id: region,
                parent_id: None,
                slug,
                kind,
                name_ru: slug,
                short_name_ru: slug,
                name_en: slug,
                email: None,
                phone: None,
                address: None,
                website: None,
                requires_answer_approval: false,
                created_at: now,
            },
        )
        .await
        .expect("organisation")
    };
    let district_admin = org("district-admin", OrganisationKind::Municipality).await;
    let town_roads = org("town-roads", OrganisationKind::Department).await;
    let grid = org("grid", OrganisationKind::Utility).await;
    for (target, territory, organisation) in [
        (Target::Responsible("roads"), None, district_admin),
        (Target::Responsible("roads"), Some(town), town_roads),
        (Target::Responsible("lighting"), None, grid),
    ] {
        routing_rules::insert(&mut c, target, territory, organisation)
            .await
            .expect("rule");
    }
    tx.commit().await.expect("commit");
    Fixture {
        district,
        town,
        roads_topic,
        lighting_topic,
        retired_topic,
        district_admin,
        town_roads,
        grid,
    }
}
