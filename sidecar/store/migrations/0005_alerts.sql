-- Alert delivery outbox: one row per (notification, receiver). A row is written before any HTTP
-- call, so a crash or restart never loses a notification; `pending` rows are retried until sent,
-- permanently failed (4xx), or out of attempts (then `failed` with retryable = TRUE, which a
-- restart re-queues within alerts.requeue_window).
CREATE TABLE IF NOT EXISTS alert_deliveries (
    id @SERIAL_PK@,
    receiver TEXT NOT NULL,
    channel TEXT NOT NULL,                      -- slack | discord | teams | webhook | alertmanager
    route TEXT,
    group_key TEXT NOT NULL,
    coalesce_key TEXT,                          -- a newer payload replaces a pending one with this key
    summary TEXT,                               -- one line for the dashboard
    alert_count INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,                       -- pending | sent | failed
    retryable BOOLEAN NOT NULL DEFAULT TRUE,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    http_status INTEGER,
    payload JSONB NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS idx_alert_deliveries_pending ON alert_deliveries (status, next_attempt_at);
CREATE INDEX IF NOT EXISTS idx_alert_deliveries_created ON alert_deliveries (created_at DESC);
CREATE INDEX IF NOT EXISTS idx_alert_deliveries_coalesce ON alert_deliveries (coalesce_key, status);

-- Aggregation groups (alerts waiting for group_wait, what was last notified, when): restored at
-- start so group_interval / repeat_interval hold across restarts.
CREATE TABLE IF NOT EXISTS alert_groups (
    group_key TEXT PRIMARY KEY,
    route TEXT NOT NULL,
    state JSONB NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Silences: matchers (Alertmanager style) muting notifications between starts_at and ends_at.
-- Deleting a silence through the API expires it (ends_at = now) so the dashboard keeps history.
CREATE TABLE IF NOT EXISTS alert_silences (
    id TEXT PRIMARY KEY,
    matchers JSONB NOT NULL,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    created_by TEXT,
    comment TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_alert_silences_ends ON alert_silences (ends_at);
