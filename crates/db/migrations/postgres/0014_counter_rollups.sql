-- What the statistics read, moved by counters::add in the same transaction
-- as daily_counters: the region's totals per day (slice 'day', key 0), and
-- per month (period: its first day) those of each category, territory and
-- organisation (slice 'category', 'territory', 'organisation'; key 0: none
-- yet). Thousands of rows at any number of messages, where daily_counters
-- holds one per day, organisation, topic and territory.
CREATE TABLE counter_rollups (
    slice TEXT NOT NULL,
    period DATE NOT NULL,
    key_id BIGINT NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    answered INTEGER NOT NULL DEFAULT 0,
    answered_on_time INTEGER NOT NULL DEFAULT 0,
    overdue INTEGER NOT NULL DEFAULT 0,
    disputed INTEGER NOT NULL DEFAULT 0,
    rating_sum INTEGER NOT NULL DEFAULT 0,
    rating_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (slice, period, key_id)
);

-- From the counters counted so far.
INSERT INTO counter_rollups (slice, period, key_id, received, answered, answered_on_time, overdue,
    disputed, rating_sum, rating_count)
SELECT 'day', day, 0, SUM(received), SUM(answered), SUM(answered_on_time), SUM(overdue),
    SUM(disputed), SUM(rating_sum), SUM(rating_count)
FROM daily_counters GROUP BY day;
INSERT INTO counter_rollups (slice, period, key_id, received, answered, answered_on_time, overdue,
    disputed, rating_sum, rating_count)
SELECT 'category', CAST(date_trunc('month', day) AS DATE), t.category_id, SUM(received), SUM(answered), SUM(answered_on_time),
    SUM(overdue), SUM(disputed), SUM(rating_sum), SUM(rating_count)
FROM daily_counters d JOIN topics t ON t.id = d.topic_id GROUP BY 2, 3;
INSERT INTO counter_rollups (slice, period, key_id, received, answered, answered_on_time, overdue,
    disputed, rating_sum, rating_count)
SELECT 'territory', CAST(date_trunc('month', day) AS DATE), territory_id, SUM(received), SUM(answered), SUM(answered_on_time),
    SUM(overdue), SUM(disputed), SUM(rating_sum), SUM(rating_count)
FROM daily_counters GROUP BY 2, 3;
INSERT INTO counter_rollups (slice, period, key_id, received, answered, answered_on_time, overdue,
    disputed, rating_sum, rating_count)
SELECT 'organisation', CAST(date_trunc('month', day) AS DATE), organisation_id, SUM(received), SUM(answered), SUM(answered_on_time),
    SUM(overdue), SUM(disputed), SUM(rating_sum), SUM(rating_count)
FROM daily_counters GROUP BY 2, 3;
