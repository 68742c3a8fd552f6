-- The public map's grid (crates/db/src/map/grid.rs): per kept zoom (8, 10,
-- …, 18) and cell, the shown messages' count, the sums of their positions
-- (for the mean) and ids (a cell of one names its message), and a box that
-- holds them; moved in the same transaction as the change that shows or
-- hides a message. Cells are 90° / 2^level wide, counted from 90° S, 180° W.
CREATE TABLE map_cells (
    level INTEGER NOT NULL,
    cell_row INTEGER NOT NULL,
    cell_col INTEGER NOT NULL,
    count INTEGER NOT NULL,
    sum_lat REAL NOT NULL,
    sum_lon REAL NOT NULL,
    sum_id INTEGER NOT NULL,
    south REAL NOT NULL,
    west REAL NOT NULL,
    north REAL NOT NULL,
    east REAL NOT NULL,
    PRIMARY KEY (level, cell_row, cell_col)
) WITHOUT ROWID;

-- From the messages shown so far: the finest level (2^18 = 262144 cells per
-- 90°) from them, each coarser one from the one below it, as grid::rebuild.
INSERT INTO map_cells (level, cell_row, cell_col, count, sum_lat, sum_lon, sum_id, south, west, north, east)
SELECT 18, CAST((lat + 90) * 262144 / 90 AS INTEGER), CAST((lon + 180) * 262144 / 90 AS INTEGER), COUNT(*), SUM(lat), SUM(lon), SUM(id), MIN(lat), MIN(lon), MAX(lat), MAX(lon)
FROM messages WHERE public = 1 AND status IN ('routed', 'in_progress', 'answered', 'disputed', 'closed')
GROUP BY 2, 3;
INSERT INTO map_cells (level, cell_row, cell_col, count, sum_lat, sum_lon, sum_id, south, west, north, east)
SELECT 16, cell_row / 4, cell_col / 4, SUM(count), SUM(sum_lat), SUM(sum_lon), SUM(sum_id), MIN(south), MIN(west), MAX(north), MAX(east)
FROM map_cells WHERE level = 18 GROUP BY 2, 3;
INSERT INTO map_cells (level, cell_row, cell_col, count, sum_lat, sum_lon, sum_id, south, west, north, east)
SELECT 14, cell_row / 4, cell_col / 4, SUM(count), SUM(sum_lat), SUM(sum_lon), SUM(sum_id), MIN(south), MIN(west), MAX(north), MAX(east)
FROM map_cells WHERE level = 16 GROUP BY 2, 3;
INSERT INTO map_cells (level, cell_row, cell_col, count, sum_lat, sum_lon, sum_id, south, west, north, east)
SELECT 12, cell_row / 4, cell_col / 4, SUM(count), SUM(sum_lat), SUM(sum_lon), SUM(sum_id), MIN(south), MIN(west), MAX(north), MAX(east)
FROM map_cells WHERE level = 14 GROUP BY 2, 3;
INSERT INTO map_cells (level, cell_row, cell_col, count, sum_lat, sum_lon, sum_id, south, west, north, east)
SELECT 10, cell_row / 4, cell_col / 4, SUM(count), SUM(sum_lat), SUM(sum_lon), SUM(sum_id), MIN(south), MIN(west), MAX(north), MAX(east)
FROM map_cells WHERE level = 12 GROUP BY 2, 3;
INSERT INTO map_cells (level, cell_row, cell_col, count, sum_lat, sum_lon, sum_id, south, west, north, east)
SELECT 8, cell_row / 4, cell_col / 4, SUM(count), SUM(sum_lat), SUM(sum_lon), SUM(sum_id), MIN(south), MIN(west), MAX(north), MAX(east)
FROM map_cells WHERE level = 10 GROUP BY 2, 3;
