CREATE TABLE IF NOT EXISTS rollout_state (
    name TEXT PRIMARY KEY,
    state TEXT NOT NULL,                        -- idle | running | waiting_approval | paused | complete | rolling_back | rolled_back
    stage_index INTEGER NOT NULL DEFAULT 0,
    percent DOUBLE PRECISION NOT NULL DEFAULT 0,
    stage_started_at TIMESTAMPTZ,
    stage_elapsed DOUBLE PRECISION NOT NULL DEFAULT 0,   -- seconds run in the stage before a pause/restart
    incident @BIGINT@ NOT NULL DEFAULT 0,       -- increments per started run; a decision is unique per incident
    data JSONB,                                 -- gate counters, last verdicts
    version @BIGINT@ NOT NULL DEFAULT 0,        -- optimistic concurrency between replicas
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS rollout_events (
    id @SERIAL_PK@,
    rollout TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    action TEXT NOT NULL,                       -- start | promote | pause | resume | rollback | approve | complete | gate
    from_state TEXT,
    to_state TEXT,
    from_percent DOUBLE PRECISION,
    to_percent DOUBLE PRECISION,
    actor TEXT,                                 -- controller | api | replica id
    reasons JSONB
);
CREATE INDEX IF NOT EXISTS idx_rollout_events ON rollout_events (rollout, id DESC);

-- Exactly one rollback (or promote) decision per rollout incident, across replicas.
CREATE TABLE IF NOT EXISTS rollout_decisions (
    rollout TEXT NOT NULL,
    incident @BIGINT@ NOT NULL,
    action TEXT NOT NULL,
    decided_at TIMESTAMPTZ NOT NULL,
    decided_by TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    reasons JSONB,
    PRIMARY KEY (rollout, incident, action)
);

-- Hook deliveries: at-least-once with the decision's idempotency key, retried from here.
CREATE TABLE IF NOT EXISTS hook_calls (
    id @SERIAL_PK@,
    rollout TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    hook TEXT NOT NULL,                         -- url or command, as configured
    kind TEXT NOT NULL,                         -- rollback | promote | stage-change
    status TEXT NOT NULL,                       -- pending | done | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    payload JSONB NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (idempotency_key, hook)
);
CREATE INDEX IF NOT EXISTS idx_hook_calls_pending ON hook_calls (status, next_attempt_at);
