use vmeste_routing::territory::{TerritoryError, TerritoryIndex, parse_geometry};

const SQUARE: &str =
    r#"{"type":"Polygon","coordinates":[[[40,55],[42,55],[42,57],[40,57],[40,55]]]}"#;
const SMALL: &str = r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[40.5,55.5],[41,55.5],[41,56],[40.5,56],[40.5,55.5]]]}}"#;
const WITH_HOLE: &str = r#"{"type":"MultiPolygon","coordinates":[[[[43,55],[45,55],[45,57],[43,57],[43,55]],[[43.5,55.5],[44.5,55.5],[44.5,56.5],[43.5,56.5],[43.5,55.5]]]]}"#;

fn index() -> TerritoryIndex {
    TerritoryIndex::new([
        (1, parse_geometry(SQUARE).unwrap()),
        (2, parse_geometry(SMALL).unwrap()),
        (3, parse_geometry(WITH_HOLE).unwrap()),
    ])
}

#[test]
fn the_smallest_containing_territory_is_the_most_specific() {
    let index = index();
    assert_eq!(index.containing(55.75, 40.75), vec![2, 1]);
    assert_eq!(index.most_specific(55.75, 40.75), Some(2));
    assert_eq!(index.most_specific(56.5, 41.5), Some(1));
}

#[test]
fn a_point_in_a_hole_or_outside_is_in_no_territory() {
    let index = index();
    assert_eq!(index.most_specific(56.0, 44.0), None);
    assert_eq!(index.most_specific(55.2, 43.2), Some(3));
    assert_eq!(index.most_specific(10.0, 10.0), None);
}

#[test]
fn the_interior_point_lies_inside() {
    let index = index();
    for id in [1, 2, 3] {
        let (lat, lon) = index.interior_point(id).unwrap();
        assert!(index.containing(lat, lon).contains(&id), "territory {id}");
    }
    assert_eq!(index.interior_point(99), None);
    assert_eq!(index.bounds(2), Some((55.5, 40.5, 56.0, 41.0)));
}

/// Found by fuzzing: geo's own `InteriorPoint` panicked in its sweep line
/// («line_intersection returned `None` disagreeing with `CrossingsIter`»,
/// «segment not found in active-vec-set») on rings that cross themselves.
#[test]
fn a_ring_crossing_itself_still_has_an_interior_point() {
    let crossed =
        r#"{"type":"Polygon","coordinates":[[[-7.3,-5.5],[1.5,2],[7,0],[0.5,-5.2],[20,5]]]}"#;
    let index = TerritoryIndex::new([(1, parse_geometry(crossed).unwrap())]);
    let (lat, lon) = index.interior_point(1).unwrap();
    assert_eq!(index.containing(lat, lon), vec![1]);
}

#[test]
fn bad_geometries_are_refused_with_reasons() {
    assert!(matches!(parse_geometry("{"), Err(TerritoryError::Json(_))));
    assert_eq!(
        parse_geometry(r#"{"type":"Point","coordinates":[40,55]}"#),
        Err(TerritoryError::NotAPolygon("Point".into()))
    );
    assert_eq!(
        parse_geometry(r#"{"type":"Polygon","coordinates":[[[40,55],[41,55],[40,55]]]}"#),
        Err(TerritoryError::Empty)
    );
    assert_eq!(
        parse_geometry(
            r#"{"type":"Polygon","coordinates":[[[200,55],[201,55],[201,56],[200,55]]]}"#
        ),
        Err(TerritoryError::OutOfRange)
    );
    // A hole's coordinates too (found by fuzzing): the bounding box covers the outer ring only.
    assert_eq!(
        parse_geometry(
            r#"{"type":"Polygon","coordinates":[[[40,55],[42,55],[42,57],[40,55]],[[40.5,544],[41,56],[40.5,56]]]}"#
        ),
        Err(TerritoryError::OutOfRange)
    );
}
