-- Learned message templates (issue 15): the group id (the fingerprint of the first masked form
-- that started it), the bucket it is compared in (level class, logger, token count) and its
-- current text. Shared by all replicas; `id` orders them so a replica reads only what is new.
-- The forms that joined a template are rows of error_merges (from_hash = the form's own
-- fingerprint, into_hash = the template's): first writer wins, never rewritten.
CREATE TABLE IF NOT EXISTS error_templates (
    id @SERIAL_PK@,
    fingerprint TEXT NOT NULL UNIQUE,
    bucket TEXT NOT NULL,
    template TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_error_merges_into ON error_merges (into_hash);
