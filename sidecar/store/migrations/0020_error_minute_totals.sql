-- Occurrences per minute over all groups (issue 21): the overview's "error events per minute"
-- panel reads 60 rows instead of summing every group's minute rows (with hot groups erring every
-- minute that was ~32,000 rows and 171 ms p50 at 100,000 groups; bench/dashboard_scale.py --dense).
-- Maintained by record_batch in the same transaction as error_occurrences; pruned with it (24 h).
CREATE TABLE IF NOT EXISTS error_minute_totals (
    minute @BIGINT@ PRIMARY KEY,
    count @BIGINT@ NOT NULL
);
INSERT INTO error_minute_totals (minute, count)
SELECT minute, SUM(count) FROM error_occurrences GROUP BY minute
ON CONFLICT (minute) DO NOTHING;
