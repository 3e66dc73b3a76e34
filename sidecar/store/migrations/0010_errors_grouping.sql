-- Errors stage, second step: what exactly-once counting across replicas and the group list
-- queries need beyond the first draft (0002).

-- A token written by the batch that created the group or moved it from resolved to regressed:
-- the writer compares the RETURNING value with its own token, so exactly one replica announces
-- a new group or a regression even when several upsert the same fingerprint at once.
ALTER TABLE error_investigations ADD COLUMN transition_token TEXT;

-- The event key (file identity + byte offset) of each sample, for tracing a sample to its line.
ALTER TABLE error_samples ADD COLUMN event_key TEXT;

-- List queries on 10,000+ groups: sort by count, filter by level/logger/category.
CREATE INDEX IF NOT EXISTS idx_error_investigations_count ON error_investigations (occurrence_count DESC);
CREATE INDEX IF NOT EXISTS idx_error_investigations_level ON error_investigations (level);
CREATE INDEX IF NOT EXISTS idx_error_investigations_logger ON error_investigations (logger);
CREATE INDEX IF NOT EXISTS idx_error_investigations_category ON error_investigations (category);

-- Events-per-minute over all groups and the 24 h prune scan by minute.
CREATE INDEX IF NOT EXISTS idx_error_occurrences_minute ON error_occurrences (minute);
