-- Which releases an error group occurred in (from SDK events: Sentry `release`, OTLP
-- `service.version`), with the first time each release saw it: the group page says "began in
-- release X" and "new in this release" is a query, not a guess from the latest sample.
CREATE TABLE IF NOT EXISTS error_releases (
    error_hash TEXT NOT NULL,
    release TEXT NOT NULL,
    count @BIGINT@ NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (error_hash, release)
);
CREATE INDEX IF NOT EXISTS idx_error_releases_release ON error_releases (release, first_seen);
