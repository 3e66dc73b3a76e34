-- Rollouts: one state row per rollout (optimistic concurrency between replicas), the history of
-- transitions, exactly-once decisions, and durable hook calls.
CREATE TABLE IF NOT EXISTS rollout_state (
    name TEXT PRIMARY KEY,
    state TEXT NOT NULL,                        -- idle | running | waiting_approval | paused | complete | rolling_back | rolled_back
    stage_index INTEGER NOT NULL DEFAULT 0,
    percent DOUBLE PRECISION NOT NULL DEFAULT 0,
    started_at TIMESTAMPTZ,                     -- when this incident (run) started
    stage_started_at TIMESTAMPTZ,               -- start of the stage's data window
    stage_elapsed DOUBLE PRECISION NOT NULL DEFAULT 0,   -- seconds run in the stage before running_since
    running_since TIMESTAMPTZ,                  -- NULL while paused or not running
    incident @BIGINT@ NOT NULL DEFAULT 0,       -- increments per started run; a decision is unique per incident
    data JSONB,                                 -- gate counters, stage sample totals, last verdicts, baselines
    version @BIGINT@ NOT NULL DEFAULT 0,        -- optimistic concurrency between replicas
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS rollout_events (
    id @SERIAL_PK@,
    rollout TEXT NOT NULL,
    incident @BIGINT@ NOT NULL DEFAULT 0,
    at TIMESTAMPTZ NOT NULL,
    action TEXT NOT NULL,                       -- start | promote | wait | approve | pause | resume | rollback | rolled_back | complete | hook_failed
    from_state TEXT,
    to_state TEXT,
    from_stage INTEGER,
    to_stage INTEGER,
    from_percent DOUBLE PRECISION,
    to_percent DOUBLE PRECISION,
    actor TEXT,                                 -- controller@<replica> | api
    reasons JSONB
);
CREATE INDEX IF NOT EXISTS idx_rollout_events ON rollout_events (rollout, id);

-- Exactly one decision per (rollout, incident, action), across replicas: the first INSERT wins
-- (ON CONFLICT DO NOTHING RETURNING), and only the winner writes hook calls.
CREATE TABLE IF NOT EXISTS rollout_decisions (
    rollout TEXT NOT NULL,
    incident @BIGINT@ NOT NULL,
    action TEXT NOT NULL,                       -- rollback | promote:<stage> | start | complete
    decided_at TIMESTAMPTZ NOT NULL,
    decided_by TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    reasons JSONB,
    PRIMARY KEY (rollout, incident, action)
);

-- Hook deliveries: at-least-once with the decision's idempotency key, retried from here.
-- A replica claims a call (claimed_by, claimed_until) before delivering it, so two replicas
-- never deliver the same attempt; an expired claim (crashed replica) can be taken over.
CREATE TABLE IF NOT EXISTS hook_calls (
    id @SERIAL_PK@,
    rollout TEXT NOT NULL,
    incident @BIGINT@ NOT NULL DEFAULT 0,
    idempotency_key TEXT NOT NULL,
    hook TEXT NOT NULL,                         -- the hook's name in the rollout config
    kind TEXT NOT NULL,                         -- rollback | promote | stage-change
    action TEXT NOT NULL,                       -- the decision's action
    status TEXT NOT NULL,                       -- pending | done | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 1,
    last_error TEXT,
    last_status INTEGER,                        -- HTTP status or exit code of the last attempt
    payload JSONB NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_by TEXT,
    claimed_until TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (idempotency_key, hook)
);
CREATE INDEX IF NOT EXISTS idx_hook_calls_pending ON hook_calls (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS idx_hook_calls_rollout ON hook_calls (rollout, id);
