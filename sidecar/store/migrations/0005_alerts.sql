CREATE TABLE IF NOT EXISTS alert_deliveries (
    id @SERIAL_PK@,
    receiver TEXT NOT NULL,
    channel TEXT NOT NULL,                      -- slack | discord | teams | webhook | alertmanager
    route TEXT,
    group_key TEXT NOT NULL,
    status TEXT NOT NULL,                       -- pending | sent | failed
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    http_status INTEGER,
    payload JSONB NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS idx_alert_deliveries_pending ON alert_deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS idx_alert_deliveries_created ON alert_deliveries (created_at DESC);

-- When each alert group last notified (group_interval / repeat_interval), across restarts.
CREATE TABLE IF NOT EXISTS alert_groups (
    group_key TEXT PRIMARY KEY,
    receiver TEXT NOT NULL,
    first_at TIMESTAMPTZ NOT NULL,
    last_sent_at TIMESTAMPTZ,
    last_hash TEXT,
    resolved_at TIMESTAMPTZ
);

CREATE TABLE IF NOT EXISTS alert_silences (
    id TEXT PRIMARY KEY,
    matchers JSONB NOT NULL,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    created_by TEXT,
    comment TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
