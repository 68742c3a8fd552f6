//! The demo region's routing, checked against intentions written here by
//! hand: for every active topic and every leaf territory (the city's
//! micro-districts and the rural districts), the message goes to the
//! organisation a resident of that place would expect.

use std::collections::HashMap;

use vmeste_db::{Sql, intake};

use crate::demo::demo_db;

/// Leaf territories with their ancestors, most specific first.
const LEAVES: [(&str, &[&str]); 8] = [
    ("city-centre", &["city-centre", "city", "region"]),
    ("city-north", &["city-north", "city", "region"]),
    ("city-south", &["city-south", "city", "region"]),
    ("city-zavod", &["city-zavod", "city", "region"]),
    ("zarechny", &["zarechny", "region"]),
    ("lesnoy", &["lesnoy", "region"]),
    ("ozerny", &["ozerny", "region"]),
    ("stepnoy", &["stepnoy", "region"]),
];

/// Who answers for a responsibility in a place: in the city, the city's
/// committees (or the block's management company); in a district, its
/// administration; regional matters, the regional body.
fn intended(key: &str, leaf: &str) -> Option<&'static str> {
    let city = leaf.starts_with("city-");
    let district_admin = || match leaf {
        "zarechny" => "zarechny-admin",
        "lesnoy" => "lesnoy-admin",
        "ozerny" => "ozerny-admin",
        _ => "stepnoy-admin",
    };
    Some(match key {
        "roads" if city => "city-roads",
        "improvement" | "lighting" if city => "city-improvement",
        "municipal_housing" if city => "city-housing",
        "education" if city => "city-education",
        "municipality" if city => "city-admin",
        "heat_supply" if city => "teploset",
        "water_supply" if city => "vodokanal",
        // Outside the city, the district administration runs all of these.
        "roads" | "improvement" | "lighting" | "municipal_housing" | "education"
        | "municipality" | "heat_supply" | "water_supply" => district_admin(),
        "management_company" => match leaf {
            "city-centre" => "uk-centre",
            "city-north" => "uk-north",
            "city-south" => "uk-south",
            "city-zavod" => "uk-zavod",
            "zarechny" => "uk-zarechny",
            "ozerny" => "uk-ozerny",
            // No company registered there: the housing inspectorate takes it.
            _ => "housing-inspection",
        },
        "housing_inspection" => "housing-inspection",
        "power_grid" => "electroseti",
        "gas_supply" => "gaz",
        "waste_operator" => "regoperator",
        "transport" if city => "city-transport",
        "transport" => "min-transport",
        "health" => "min-health",
        "clinic" if city => "clinic-city",
        "clinic" => match leaf {
            "zarechny" | "lesnoy" => "clinic-north",
            _ => "clinic-south",
        },
        "school" if city => "school-5",
        "school" => match leaf {
            "zarechny" => "school-zarechny",
            "lesnoy" => "school-lesnoy",
            _ => "min-education",
        },
        "social" => "min-social",
        "ecology" => "min-ecology",
        "veterinary" => "veterinary",
        "construction" => "min-construction",
        "trade" => "min-trade",
        "safety" => "civil-defence",
        "telecom" => "min-digital",
        "culture" => "min-culture",
        "sport" => "min-sport",
        "mfc" => "mfc",
        "property" => "min-property",
        "agriculture" => "min-agriculture",
        _ => return None,
    })
}

#[derive(sqlx::FromRow)]
struct Topic {
    id: i64,
    slug: String,
    responsible: String,
}

#[tokio::test]
async fn every_topic_in_every_place_goes_where_intended() {
    let test = demo_db().await;
    let mut handle = test.db.read().await.unwrap();
    let mut conn = handle.conn();
    let territory: HashMap<String, i64> = {
        #[derive(sqlx::FromRow)]
        struct T {
            id: i64,
            slug: String,
        }
        let all: Vec<T> = Sql::new("SELECT id, slug FROM territories")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        all.into_iter().map(|t| (t.slug, t.id)).collect()
    };
    let organisation: HashMap<i64, String> = {
        #[derive(sqlx::FromRow)]
        struct O {
            id: i64,
            slug: String,
        }
        let all: Vec<O> = Sql::new("SELECT id, slug FROM organisations")
            .fetch_all(&mut conn)
            .await
            .unwrap();
        all.into_iter().map(|o| (o.id, o.slug)).collect()
    };
    let topics: Vec<Topic> = Sql::new("SELECT id, slug, responsible FROM topics WHERE active = $1")
        .bind(true)
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert!(topics.len() > 200);
    let mut wrong = Vec::new();
    for topic in &topics {
        for (leaf, chain) in LEAVES {
            let containing: Vec<i64> = chain.iter().map(|s| territory[*s]).collect();
            let routed = intake::route(&mut conn, topic.id, &topic.responsible, &containing, None)
                .await
                .unwrap();
            let got = routed.map(|r| organisation[&r.organisation_id].clone());
            let want = intended(&topic.responsible, leaf);
            if got.as_deref() != want {
                wrong.push(format!(
                    "{} ({}) in {leaf}: got {got:?}, intended {want:?}",
                    topic.slug, topic.responsible
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} misroutes:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
