-- Per-hour occurrence counts per group (issue 21): the errors list's 24 h sparklines read 24 rows
-- per group at most, instead of up to 1,440 per-minute rows (a page of 50 hot groups was 72,000
-- rows; bench/dashboard_scale.py --dense). Maintained on write in the same transaction as
-- error_occurrences (store/groups.py record_batch); pruned with it (25 hours kept).
-- `hour` is epoch seconds // 3600, i.e. the minute // 60 of error_occurrences.
CREATE TABLE IF NOT EXISTS error_hourly (
    error_hash TEXT NOT NULL,
    hour @BIGINT@ NOT NULL,
    count @BIGINT@ NOT NULL,
    PRIMARY KEY (error_hash, hour)
);
CREATE INDEX IF NOT EXISTS idx_error_hourly_hour ON error_hourly (hour);
-- Existing per-minute rows (the last 24 h) become their hours.
INSERT INTO error_hourly (error_hash, hour, count)
SELECT error_hash, minute / 60, SUM(count) FROM error_occurrences GROUP BY error_hash, minute / 60
ON CONFLICT (error_hash, hour) DO NOTHING;
