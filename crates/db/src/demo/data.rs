//! The demo region's data files, embedded in the binary and parsed on load.

use serde::Deserialize;

use crate::DbError;

#[derive(Debug, Deserialize)]
pub struct CategoryFile {
    pub slug: String,
    pub position: i32,
    pub name_ru: String,
    pub name_en: String,
    pub icon: String,
    pub topics: Vec<TopicEntry>,
}

#[derive(Debug, Deserialize)]
pub struct TopicEntry {
    pub slug: String,
    pub name_ru: String,
    pub name_en: String,
    pub guidance_ru: String,
    pub guidance_en: String,
    pub responsible: String,
    pub deadline_days: u32,
    pub deadline_kind: String,
    pub dispute_window_days: i32,
    pub priority: bool,
    pub public: bool,
    pub active: bool,
    pub samples: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct RegionFile {
    pub region: RegionEntry,
    pub organisations: Vec<OrganisationEntry>,
    pub routing: Vec<RoutingEntry>,
    pub streets: Vec<StreetsEntry>,
    pub staff: Vec<StaffEntry>,
    #[serde(default)]
    pub houses: Vec<HouseEntry>,
}

/// A registered apartment building; its point is placed inside its territory.
#[derive(Debug, Deserialize)]
pub struct HouseEntry {
    pub address: String,
    pub territory: String,
    pub manager: String,
}

#[derive(Debug, Deserialize)]
pub struct RegionEntry {
    pub slug: String,
    pub name_ru: String,
    pub name_en: String,
    pub time_zone: String,
    pub centre: [f64; 2],
    pub zoom: i32,
}

#[derive(Debug, Deserialize)]
pub struct OrganisationEntry {
    pub slug: String,
    pub parent: String,
    pub kind: String,
    pub name_ru: String,
    pub short_name_ru: String,
    pub name_en: String,
    pub email: String,
    pub phone: String,
    pub address: String,
    pub website: String,
    pub territories: Vec<String>,
    pub requires_answer_approval: bool,
}

#[derive(Debug, Deserialize)]
pub struct RoutingEntry {
    pub responsible: String,
    pub territory: String,
    pub organisation: String,
}

#[derive(Debug, Deserialize)]
pub struct StreetsEntry {
    pub territory: String,
    pub names: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct StaffEntry {
    pub email: String,
    pub name: String,
    pub role: String,
    pub organisation: String,
    pub include_subtree: bool,
}

#[derive(Debug, Deserialize)]
pub struct TerritoryProperties {
    pub slug: String,
    pub name_ru: String,
    pub name_en: String,
    pub kind: String,
    pub parent: Option<String>,
}

const CATALOGUE: [&str; 26] = [
    include_str!("../../demo/catalogue/01-roads.toml"),
    include_str!("../../demo/catalogue/02-winter.toml"),
    include_str!("../../demo/catalogue/03-lighting.toml"),
    include_str!("../../demo/catalogue/04-yards.toml"),
    include_str!("../../demo/catalogue/05-parks.toml"),
    include_str!("../../demo/catalogue/06-mkd.toml"),
    include_str!("../../demo/catalogue/07-heating.toml"),
    include_str!("../../demo/catalogue/08-water.toml"),
    include_str!("../../demo/catalogue/09-power.toml"),
    include_str!("../../demo/catalogue/10-gas.toml"),
    include_str!("../../demo/catalogue/11-waste.toml"),
    include_str!("../../demo/catalogue/12-transport.toml"),
    include_str!("../../demo/catalogue/13-health.toml"),
    include_str!("../../demo/catalogue/14-schools.toml"),
    include_str!("../../demo/catalogue/15-kindergartens.toml"),
    include_str!("../../demo/catalogue/16-social.toml"),
    include_str!("../../demo/catalogue/17-ecology.toml"),
    include_str!("../../demo/catalogue/18-animals.toml"),
    include_str!("../../demo/catalogue/19-construction.toml"),
    include_str!("../../demo/catalogue/20-trade.toml"),
    include_str!("../../demo/catalogue/21-safety.toml"),
    include_str!("../../demo/catalogue/22-telecom.toml"),
    include_str!("../../demo/catalogue/23-culture.toml"),
    include_str!("../../demo/catalogue/24-sport.toml"),
    include_str!("../../demo/catalogue/25-public_services.toml"),
    include_str!("../../demo/catalogue/26-land.toml"),
];
const REGION: &str = include_str!("../../demo/region.toml");
pub const TERRITORIES: &str = include_str!("../../demo/territories.geojson");

pub fn catalogue() -> Result<Vec<CategoryFile>, DbError> {
    CATALOGUE
        .iter()
        .map(|text| {
            toml::from_str(text).map_err(|e| DbError::Corrupt(format!("demo catalogue: {e}")))
        })
        .collect()
}

pub fn region() -> Result<RegionFile, DbError> {
    toml::from_str(REGION).map_err(|e| DbError::Corrupt(format!("demo region.toml: {e}")))
}

/// The territory features: properties and the geometry's GeoJSON text.
pub fn territories() -> Result<Vec<(TerritoryProperties, String)>, DbError> {
    #[derive(Deserialize)]
    struct Collection {
        features: Vec<Feature>,
    }
    #[derive(Deserialize)]
    struct Feature {
        properties: TerritoryProperties,
        geometry: serde_json::Value,
    }
    let collection: Collection = serde_json::from_str(TERRITORIES)
        .map_err(|e| DbError::Corrupt(format!("demo territories: {e}")))?;
    Ok(collection
        .features
        .into_iter()
        .map(|f| (f.properties, f.geometry.to_string()))
        .collect())
}
