-- All-time roll-ups, so that the statistics page reads a row a key instead of
-- summing a row a month for every key (rows that grow with time): slice
-- 'region_all' (key 0), 'category_all', 'territory_all', 'organisation_all',
-- all with period 1970-01-01, which stands for "all time"; and the region's
-- months ('region_month', key 0), a dozen rows for the year's chart instead of
-- 365 days. counters::add moves them in the same statement as the others.

INSERT INTO counter_rollups (slice, period, key_id, received, answered, answered_on_time, overdue,
    disputed, rating_sum, rating_count)
SELECT CASE slice WHEN 'day' THEN 'region_all' ELSE slice || '_all' END, '1970-01-01',
    key_id, SUM(received), SUM(answered), SUM(answered_on_time), SUM(overdue), SUM(disputed),
    SUM(rating_sum), SUM(rating_count)
FROM counter_rollups WHERE slice IN ('day', 'category', 'territory', 'organisation')
GROUP BY slice, key_id;

-- The region's months, from its days.
INSERT INTO counter_rollups (slice, period, key_id, received, answered, answered_on_time, overdue,
    disputed, rating_sum, rating_count)
SELECT 'region_month', date(period, 'start of month'), 0, SUM(received), SUM(answered), SUM(answered_on_time),
    SUM(overdue), SUM(disputed), SUM(rating_sum), SUM(rating_count)
FROM counter_rollups WHERE slice = 'day' GROUP BY 2;
