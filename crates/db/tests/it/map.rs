//! The map's kept grid counts what grouping the messages live counts, at
//! every kept zoom and between them.

use vmeste_db::map::{self, Cell, Source};
use vmeste_db::messages::{BBox, Filter};
use vmeste_db::{Db, Sql};

use crate::demo::demo_db;

/// The whole world, so every message is in the box.
pub const EVERYWHERE: BBox = BBox {
    west: -180.0,
    south: -85.0,
    east: 180.0,
    north: 85.0,
};

/// Boxes of the demo region: everything, the city (up to zoom 16 before it
/// holds too many cells), and a few streets of its centre (up to 18).
pub const DEMO_BOXES: [BBox; 3] = [
    EVERYWHERE,
    BBox {
        west: 42.95,
        south: 56.38,
        east: 43.05,
        north: 56.42,
    },
    BBox {
        west: 42.99,
        south: 56.395,
        east: 43.0,
        north: 56.405,
    },
];

/// Fails unless the grid's cells are the live ones in each box at every
/// zoom up to the finest kept: the same cells, counts and (for a cell of
/// one) message, positions summed alike, and boxes that hold the live ones.
pub async fn assert_grid_is_live(db: &Db, boxes: &[BBox]) {
    for &bbox in boxes {
        grid_is_live_in(db, bbox).await;
    }
}

async fn grid_is_live_in(db: &Db, bbox: BBox) {
    let mut handle = db.read().await.unwrap();
    let mut c = handle.conn();
    for zoom in 0..=18 {
        let cells = async |c: &mut vmeste_db::Conn<'_>, source| {
            map::cells(c, &Filter::default(), bbox, zoom, source)
                .await
                .unwrap()
        };
        let grid = cells(&mut c, Source::Grid).await;
        let live = cells(&mut c, Source::Live).await;
        let key = |cells: &[Cell]| -> Vec<(i64, i64, i64)> {
            cells
                .iter()
                .map(|c| (c.cell_row, c.cell_col, c.count))
                .collect()
        };
        assert_eq!(key(&grid), key(&live), "zoom {zoom}");
        for (g, l) in grid.iter().zip(&live) {
            let lone = |c: &Cell| (c.count == 1).then_some(c.sum_id);
            assert_eq!(lone(g), lone(l), "zoom {zoom}");
            assert!((g.sum_lat - l.sum_lat).abs() < 1e-6, "zoom {zoom}");
            assert!((g.sum_lon - l.sum_lon).abs() < 1e-6, "zoom {zoom}");
            assert!(
                g.south <= l.south && g.west <= l.west && g.north >= l.north && g.east >= l.east,
                "zoom {zoom}: {g:?} holds {l:?}"
            );
        }
    }
}

async fn shown(db: &Db) -> i64 {
    let mut handle = db.read().await.unwrap();
    Sql::new(
        "SELECT COUNT(*) FROM messages WHERE public = $1 \
         AND status IN ('routed', 'in_progress', 'answered', 'disputed', 'closed')",
    )
    .bind(true)
    .scalar(&mut handle.conn())
    .await
    .unwrap()
}

#[tokio::test]
async fn the_demos_grid_counts_what_its_messages_say() {
    let test = demo_db().await;
    assert_grid_is_live(&test.db, &DEMO_BOXES).await;

    let mut handle = test.db.read().await.unwrap();
    let mut c = handle.conn();
    for zoom in [0, 9, 13, 17, 20] {
        let clusters = map::clusters(&mut c, &Filter::default(), EVERYWHERE, zoom)
            .await
            .unwrap();
        let total: i64 = clusters.iter().map(|c| c.count).sum();
        assert_eq!(total, shown(&test.db).await, "zoom {zoom}");
        // Only a lone message is named, and it is that cell's.
        for cluster in &clusters {
            match &cluster.lone {
                Some(m) => {
                    assert_eq!(cluster.count, 1);
                    assert_eq!((cluster.lat, cluster.lon), (cluster.south, cluster.west));
                    assert!(!m.topic_name_ru.is_empty() && !m.status.is_empty());
                }
                None => assert!(cluster.count > 1),
            }
        }
    }
}
