//! A territory's GeoJSON geometry, as the web state reads each stored one at
//! start: parsed, indexed, then asked what intake and the demo ask of it (its
//! bounds, an interior point, which territories contain a point).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vmeste_routing::territory::{TerritoryIndex, parse_geometry};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(shape) = parse_geometry(text) else {
        return;
    };
    let index = TerritoryIndex::new([(1, shape)]);
    if let Some((min_lat, min_lon, max_lat, max_lon)) = index.bounds(1) {
        index.containing(min_lat, min_lon);
        index.most_specific(
            f64::midpoint(min_lat, max_lat),
            f64::midpoint(min_lon, max_lon),
        );
    }
    if let Some((lat, lon)) = index.interior_point(1) {
        index.containing(lat, lon);
    }
});
