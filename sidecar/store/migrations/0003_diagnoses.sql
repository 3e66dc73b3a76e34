-- Every diagnosis made (history); error_investigations.investigation_result holds the current one.
CREATE TABLE IF NOT EXISTS diagnoses (
    id @SERIAL_PK@,
    error_hash TEXT NOT NULL,
    cache_key TEXT NOT NULL,                    -- fingerprint + model + prompt version
    source TEXT NOT NULL,                       -- rules | kimi
    model TEXT,
    prompt_version TEXT,
    result JSONB NOT NULL,
    duration_ms INTEGER,
    tokens_in INTEGER,
    tokens_out INTEGER,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_diagnoses_hash ON diagnoses (error_hash, id DESC);
CREATE INDEX IF NOT EXISTS idx_diagnoses_cache ON diagnoses (cache_key);

-- Single-flight across replicas: whoever inserts the claim row diagnoses the group.
CREATE TABLE IF NOT EXISTS diagnosis_claims (
    error_hash TEXT PRIMARY KEY,
    claimed_by TEXT NOT NULL,
    claimed_at TIMESTAMPTZ NOT NULL,
    state TEXT NOT NULL,                        -- pending | running | done | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    reason TEXT,                                -- new | regressed | manual
    updated_at TIMESTAMPTZ NOT NULL
);
