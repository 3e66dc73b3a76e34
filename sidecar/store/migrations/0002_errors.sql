-- Error groups. The table keeps the column names of the gateway team's planned schema
-- (error_hash ... last_occurrence_at); everything after `status` is what the sidecar adds.
CREATE TABLE IF NOT EXISTS error_investigations (
    id TEXT PRIMARY KEY,                        -- uuid4 as text
    error_hash TEXT NOT NULL UNIQUE,            -- the fingerprint
    error_message TEXT NOT NULL,                -- first message seen for the group
    error_type TEXT,                            -- exception type, or null for a plain log error
    error_context JSONB,                        -- latest sample: traceback, frames, file, line
    investigation_result JSONB,                 -- the current diagnosis (Diagnosis model)
    fix_recommendation JSONB,                   -- the diagnosis' suggested_fix steps
    model_used TEXT,                            -- "rules" or the LLM model name
    investigation_duration_ms INTEGER,
    created_at TIMESTAMPTZ NOT NULL,            -- first seen
    resolved BOOLEAN NOT NULL DEFAULT FALSE,
    resolution_notes TEXT,
    occurrence_count @BIGINT@ NOT NULL DEFAULT 0,
    last_occurrence_at TIMESTAMPTZ NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',        -- open | resolved | muted | regressed
    level TEXT,
    logger TEXT,
    title TEXT,                                 -- the parameterised message / exception summary
    category TEXT,
    severity TEXT,
    diagnosis_source TEXT,                      -- rules | kimi
    diagnosed_at TIMESTAMPTZ,
    resolved_at TIMESTAMPTZ,
    regressed_at TIMESTAMPTZ,
    regression_count INTEGER NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_error_investigations_hash ON error_investigations (error_hash);
CREATE INDEX IF NOT EXISTS idx_error_investigations_resolved ON error_investigations (resolved);
CREATE INDEX IF NOT EXISTS idx_error_investigations_created_at ON error_investigations (created_at DESC);
CREATE INDEX IF NOT EXISTS idx_error_investigations_last ON error_investigations (last_occurrence_at DESC);
CREATE INDEX IF NOT EXISTS idx_error_investigations_status ON error_investigations (status, last_occurrence_at DESC);

-- Per-minute occurrence counts (sparklines, trigger windows); rows older than 24 h are pruned.
CREATE TABLE IF NOT EXISTS error_occurrences (
    error_hash TEXT NOT NULL,
    minute @BIGINT@ NOT NULL,                   -- epoch seconds // 60
    count @BIGINT@ NOT NULL,
    PRIMARY KEY (error_hash, minute)
);

-- The most recent sample events of each group (a bounded ring, default 5 per group).
CREATE TABLE IF NOT EXISTS error_samples (
    id @SERIAL_PK@,
    error_hash TEXT NOT NULL,
    seen_at TIMESTAMPTZ NOT NULL,
    source TEXT,
    file TEXT,
    line @BIGINT@,
    level TEXT,
    logger TEXT,
    message TEXT,
    raw TEXT NOT NULL,
    data JSONB                                  -- exception, frames, context lines
);
CREATE INDEX IF NOT EXISTS idx_error_samples_hash ON error_samples (error_hash, id DESC);

CREATE TABLE IF NOT EXISTS error_loggers (
    error_hash TEXT NOT NULL,
    logger TEXT NOT NULL,
    count @BIGINT@ NOT NULL,
    PRIMARY KEY (error_hash, logger)
);

-- Exactly-once counting: an event re-sent after a crash (stored, checkpoint not yet written)
-- or by a retry carries the same key and is not counted again.
CREATE TABLE IF NOT EXISTS event_receipts (
    event_key TEXT PRIMARY KEY,                 -- file identity + byte offset of the record
    error_hash TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_event_receipts_time ON event_receipts (received_at);

-- Similarity merges: a fingerprint once assigned never changes; a merge maps it to a target.
CREATE TABLE IF NOT EXISTS error_merges (
    from_hash TEXT PRIMARY KEY,
    into_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
