-- Every diagnosis made (history); error_investigations.investigation_result holds the current one.
CREATE TABLE IF NOT EXISTS diagnoses (
    id @SERIAL_PK@,
    error_hash TEXT NOT NULL,
    cache_key TEXT NOT NULL,                    -- fingerprint + model + prompt version
    source TEXT NOT NULL,                       -- rules | kimi
    model TEXT,
    prompt_version TEXT,
    rule TEXT,                                  -- the rule that matched (or the hint given to the LLM)
    category TEXT,
    severity TEXT,
    confidence DOUBLE PRECISION,
    result JSONB NOT NULL,                      -- the Diagnosis model
    duration_ms INTEGER,
    tokens_in INTEGER,
    tokens_out INTEGER,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_diagnoses_hash ON diagnoses (error_hash, id DESC);
CREATE INDEX IF NOT EXISTS idx_diagnoses_cache ON diagnoses (cache_key, id DESC);

-- Single-flight across replicas and durable retry: whoever inserts (or atomically re-takes) the
-- claim row diagnoses the group; LLM work that failed stays here as pending/failed with the time
-- of its next attempt, so nothing is lost when Kimi is down or the process restarts.
CREATE TABLE IF NOT EXISTS diagnosis_claims (
    error_hash TEXT PRIMARY KEY,
    claimed_by TEXT NOT NULL,
    claimed_at TIMESTAMPTZ NOT NULL,
    state TEXT NOT NULL,                        -- pending | running | done | failed
    attempts INTEGER NOT NULL DEFAULT 0,        -- LLM attempts (also the optimistic version)
    reason TEXT,                                -- new | regressed | manual | retry
    generation INTEGER NOT NULL DEFAULT 0,      -- the group's regression count when claimed
    cache_key TEXT,                             -- what a `done` claim was made with
    outcome TEXT,                               -- kimi | rules | invalid | rejected | unavailable
    last_error TEXT,
    next_attempt_at TIMESTAMPTZ,                -- pending/failed: when to retry (NULL: manual only)
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_diagnosis_claims_due ON diagnosis_claims (state, next_attempt_at);
