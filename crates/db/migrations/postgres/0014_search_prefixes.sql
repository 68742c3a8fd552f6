-- Nothing to change on PostgreSQL (SQLite's 0014 adds FTS5 prefix indexes):
-- `plainto_tsquery` matches whole stems, and for a frequent word the planner
-- already walks messages and search_messages backwards by id, checking the
-- match row by row and stopping after a page, while a rare word is found
-- through the GIN index and its few rows sorted (docs/PERFORMANCE.md).
SELECT 1;
