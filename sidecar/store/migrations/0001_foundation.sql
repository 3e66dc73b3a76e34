-- Foundation: tail checkpoints mirrored from the checkpoint files (for /readyz and the dashboard).
-- The checkpoint file is the truth for resuming (written atomically after the store accepts);
-- this table is what other replicas and the dashboard can see.
CREATE TABLE IF NOT EXISTS tail_checkpoints (
    file_key TEXT PRIMARY KEY,          -- device:inode:hash-of-first-bytes
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    "offset" @BIGINT@ NOT NULL,
    line @BIGINT@ NOT NULL DEFAULT 0,
    size @BIGINT@,
    updated_at TIMESTAMPTZ NOT NULL
);
