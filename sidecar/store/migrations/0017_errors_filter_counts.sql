-- Counts for the list's filters without visiting rows: each offered filter column paired with
-- status (the filter every view sets: open, open + regressed, ...) in one covering index, so
-- `COUNT(*) ... WHERE status IN (...) AND level = ?` reads only index entries. Without them the
-- planner walked the status index and looked up each row for its level: 258 ms at 100,000 groups
-- (bench/dashboard_scale.py), 2 ms with them.
CREATE INDEX IF NOT EXISTS idx_ei_level_status ON error_investigations (level, status);
CREATE INDEX IF NOT EXISTS idx_ei_logger_status ON error_investigations (logger, status);
CREATE INDEX IF NOT EXISTS idx_ei_category_status ON error_investigations (category, status);
