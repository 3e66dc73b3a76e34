-- Search in the group list (?q= on /errors and /api/groups) without scanning every group: the
-- query is a case-insensitive substring of the title, message, exception type or logger.
-- SQLite: an FTS5 index with the trigram tokenizer (substring match of 3+ characters, the same
-- meaning as LIKE '%q%'), kept in step with error_investigations by triggers. The upsert of a
-- batch never sets these four columns on an existing row, so counting occurrences does not
-- touch the index; only a new group (or a changed title) does.
@SQLITE@ CREATE VIRTUAL TABLE IF NOT EXISTS error_search USING fts5(title, error_message, error_type, logger, content='error_investigations', content_rowid='rowid', tokenize='trigram');
@SQLITE@ CREATE TRIGGER IF NOT EXISTS error_search_ai AFTER INSERT ON error_investigations BEGIN INSERT INTO error_search (rowid, title, error_message, error_type, logger) VALUES (new.rowid, new.title, new.error_message, new.error_type, new.logger); END;
@SQLITE@ CREATE TRIGGER IF NOT EXISTS error_search_ad AFTER DELETE ON error_investigations BEGIN INSERT INTO error_search (error_search, rowid, title, error_message, error_type, logger) VALUES ('delete', old.rowid, old.title, old.error_message, old.error_type, old.logger); END;
@SQLITE@ CREATE TRIGGER IF NOT EXISTS error_search_au AFTER UPDATE OF title, error_message, error_type, logger ON error_investigations BEGIN INSERT INTO error_search (error_search, rowid, title, error_message, error_type, logger) VALUES ('delete', old.rowid, old.title, old.error_message, old.error_type, old.logger); INSERT INTO error_search (rowid, title, error_message, error_type, logger) VALUES (new.rowid, new.title, new.error_message, new.error_type, new.logger); END;
@SQLITE@ INSERT INTO error_search (error_search) VALUES ('rebuild');
-- PostgreSQL: trigram GIN indexes (pg_trgm) serve ILIKE '%q%' on each column; the planner ORs them.
-- Where the role may not create the extension (a Supabase service role), the search still works,
-- as a scan: enable pg_trgm in the project and apply the Supabase migration file to get the indexes.
@POSTGRES@ DO $trgm$ BEGIN BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; EXCEPTION WHEN insufficient_privilege OR undefined_file OR feature_not_supported THEN RAISE NOTICE 'pg_trgm not available: group search scans'; END; IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN EXECUTE 'CREATE INDEX IF NOT EXISTS idx_ei_title_trgm ON error_investigations USING gin (title gin_trgm_ops)'; EXECUTE 'CREATE INDEX IF NOT EXISTS idx_ei_message_trgm ON error_investigations USING gin (error_message gin_trgm_ops)'; EXECUTE 'CREATE INDEX IF NOT EXISTS idx_ei_type_trgm ON error_investigations USING gin (error_type gin_trgm_ops)'; EXECUTE 'CREATE INDEX IF NOT EXISTS idx_ei_logger_trgm ON error_investigations USING gin (logger gin_trgm_ops)'; END IF; END $trgm$;
