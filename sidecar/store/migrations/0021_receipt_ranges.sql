-- Exactly-once receipts of file events as one row per (file stream, batch) instead of one per event
-- (store/receipt_ranges.py says why and how): `offsets` is the exact set counted, as deltas from `lo`.
-- `event_receipts` keeps the per-event keys of SDK events (Sentry/OTLP ids).
CREATE TABLE IF NOT EXISTS receipt_ranges (
    id @SERIAL_PK@,
    stream_key TEXT NOT NULL,                   -- file identity (device:inode:head-hash, or source:path)
    lo @BIGINT@ NOT NULL,                       -- first and last byte offset counted by the batch
    hi @BIGINT@ NOT NULL,
    n INTEGER NOT NULL,                         -- offsets in the row (the events it counted)
    offsets TEXT NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_receipt_ranges_stream ON receipt_ranges (stream_key, hi);
CREATE INDEX IF NOT EXISTS idx_receipt_ranges_time ON receipt_ranges (received_at);
-- Per-event receipts written before this migration may name file events: a marker row (pruned with
-- the others after receipts_for) makes the batches look those keys up too while it lives.
INSERT INTO receipt_ranges (stream_key, lo, hi, n, offsets, received_at)
SELECT '~legacy', 0, 4611686018427387904, 0, '', MAX(received_at) FROM event_receipts HAVING COUNT(*) > 0;
