"""The Supabase migration (supabase/migrations/*_sidecar.sql), generated from the sidecar's migrations.

Generated, not hand-written, so the Supabase schema cannot drift from the one SQLite and
PostgreSQL get: a test compares the committed file with `render_supabase_migration()`.
Regenerate after changing a migration: `python -m sidecar.store.supabase_schema --write`.

Nothing is deployed yet, so this is one file. Once a release has been applied to projects, the
Supabase CLI will not re-run an edited file (it tracks migrations by file name): from then on,
new sidecar migrations need a new file here, and a project that lags behind is brought up to
date by the sidecar itself at start (`SupabaseDatabase.migrate`, when the service role may run
the DDL) or says which file to apply.

What the file adds beyond the tables (see sidecar/store/supabase.py for the design):
- `sidecar_exec(statements, mode, pinned, expect)`: runs the adapter's parameterised
  statements. SECURITY INVOKER, so it runs with the caller's rights: it gives the service role
  nothing it could not already do through PostgREST, and nobody else may execute it.
- `sidecar_next_id(seq)`: the default of every serial id column, so an id generated while a
  transaction was previewed is reused when it commits (replays stay deterministic).
- Row-level security on every sidecar table with a policy for `service_role` only; `anon` and
  `authenticated` lose every privilege on these tables and functions.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .base import migration_files, render_migration

MIGRATION_NAME = "20261123000000_sidecar.sql"

FUNCTIONS_SQL = r"""
-- Serial ids that survive a transaction preview: `pinned` holds [sequence, value] pairs
-- handed out earlier in the same logical transaction; they are reused in order.
CREATE OR REPLACE FUNCTION public.sidecar_next_id(seq regclass) RETURNS bigint
LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $fn$
DECLARE
  pinned jsonb := coalesce(nullif(current_setting('sidecar.pinned_ids', true), ''), '[]')::jsonb;
  used int := coalesce(nullif(current_setting('sidecar.pinned_used', true), ''), '0')::int;
  v bigint;
BEGIN
  IF used < jsonb_array_length(pinned) AND pinned->used->>0 = seq::text THEN
    v := (pinned->used->>1)::bigint;
  ELSE
    v := nextval(seq);
    pinned := (SELECT coalesce(jsonb_agg(e ORDER BY o), '[]'::jsonb)
               FROM jsonb_array_elements(pinned) WITH ORDINALITY AS t(e, o) WHERE o <= used)
              || jsonb_build_array(jsonb_build_array(seq::text, v));
    PERFORM set_config('sidecar.pinned_ids', pinned::text, true);
  END IF;
  PERFORM set_config('sidecar.pinned_used', (used + 1)::text, true);
  RETURN v;
END
$fn$;

-- Run the adapter's statements in order, in the caller's transaction (one HTTP call = one
-- transaction). mode 'run': execute; 'dry': execute, report, roll back (a transaction preview);
-- 'commit': execute and check each statement still gives what the preview showed (`expect`,
-- null entries unchecked), else fail with 40001 like a serialization failure.
CREATE OR REPLACE FUNCTION public.sidecar_exec(
  statements jsonb, mode text DEFAULT 'run', pinned jsonb DEFAULT '[]'::jsonb, expect jsonb DEFAULT NULL
) RETURNS jsonb
LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp AS $fn$
DECLARE
  results jsonb[] := '{}';
  out_pinned jsonb := pinned;
  stmt jsonb;
  i int := 0;
  res jsonb;
  found_rows jsonb[];
  rec record;
  n bigint;
BEGIN
  IF mode NOT IN ('run', 'dry', 'commit') THEN
    RAISE EXCEPTION 'sidecar_exec: unknown mode %', mode USING ERRCODE = '22023';
  END IF;
  PERFORM set_config('sidecar.pinned_ids', pinned::text, true);
  PERFORM set_config('sidecar.pinned_used', '0', true);
  BEGIN
    FOR stmt IN SELECT e FROM jsonb_array_elements(statements) WITH ORDINALITY AS t(e, o) ORDER BY o LOOP
      IF coalesce((stmt->>'rows')::boolean, false) THEN
        found_rows := '{}';
        FOR rec IN EXECUTE stmt->>'sql' USING stmt->'params' LOOP
          found_rows := found_rows || to_jsonb(rec);
        END LOOP;
        res := to_jsonb(found_rows);
      ELSE
        EXECUTE stmt->>'sql' USING stmt->'params';
        GET DIAGNOSTICS n = ROW_COUNT;
        res := to_jsonb(n);
      END IF;
      IF mode = 'commit' AND expect IS NOT NULL AND coalesce(expect->i, 'null'::jsonb) <> 'null'::jsonb
         AND res IS DISTINCT FROM expect->i THEN
        RAISE EXCEPTION 'sidecar_exec: statement % of the transaction saw different data at commit', i + 1
          USING ERRCODE = '40001', HINT = 'another writer changed the rows; retry the transaction';
      END IF;
      results := results || res;
      i := i + 1;
    END LOOP;
    out_pinned := coalesce(nullif(current_setting('sidecar.pinned_ids', true), ''), '[]')::jsonb;
    IF mode = 'dry' THEN
      RAISE EXCEPTION 'sidecar_exec: preview rolled back' USING ERRCODE = 'SCDRY';
    END IF;
  EXCEPTION WHEN SQLSTATE 'SCDRY' THEN
    NULL;  -- the preview's changes are undone; `results` and `out_pinned` (variables) remain
  END;
  RETURN jsonb_build_object('results', to_jsonb(results), 'pinned', out_pinned);
END
$fn$;

CREATE OR REPLACE FUNCTION public.sidecar_pin_defaults(tables text[]) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
DECLARE c record;
BEGIN
  FOR c IN SELECT table_name, column_name, column_default FROM information_schema.columns
           WHERE table_schema = 'public' AND table_name = ANY (tables) AND column_default LIKE 'nextval(%' LOOP
    EXECUTE format('ALTER TABLE public.%I ALTER COLUMN %I SET DEFAULT public.sidecar_next_id(%s)',
                   c.table_name, c.column_name, substring(c.column_default FROM '^nextval\((.*)\)$'));
  END LOOP;
END
$fn$;
"""

_TABLE = re.compile(r"CREATE TABLE IF NOT EXISTS\s+(\w+)", re.IGNORECASE)


def sidecar_tables() -> list[str]:
    tables = ["schema_migrations"]
    for _, sql in migration_files():
        for name in _TABLE.findall(sql):
            if name not in tables:
                tables.append(name)
    return tables


def tables_array(tables: list[str] | None = None) -> str:
    """The sidecar's tables (default: all of them) as an SQL literal `ARRAY['a', 'b']`."""
    return "ARRAY[" + ", ".join(f"'{t}'" for t in (sidecar_tables() if tables is None else tables)) + "]"


def render_supabase_migration() -> str:
    out = [
        "-- gateway-sidecar schema for Supabase. GENERATED by `python -m sidecar.store.supabase_schema --write`",
        "-- from sidecar/store/migrations/*.sql: edit those, then regenerate (a test checks this file).",
        "-- Apply with `supabase db push` (or psql). Only the service role can read or write these tables.",
        "",
        "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL);",
    ]
    for version, sql in migration_files():
        out.append("")
        out.append(f"-- {version}")
        out.extend(statement + ";" for statement in render_migration(sql, "postgres"))
        out.append(
            f"INSERT INTO schema_migrations (version, applied_at) VALUES ('{version}', CURRENT_TIMESTAMP) "
            "ON CONFLICT (version) DO NOTHING;"
        )
    tables = sidecar_tables()
    array = tables_array(tables)
    out.append(FUNCTIONS_SQL)
    out.append(f"SELECT public.sidecar_pin_defaults({array});")
    out.append("")
    out.append("-- Access: the service role only (RLS on, a service_role policy, nothing for anon/authenticated).")
    out.append("DO $roles$ BEGIN")
    out.append("  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN")
    out.append("    RAISE EXCEPTION 'role service_role does not exist: apply this to a Supabase database';")
    out.append("  END IF;")
    out.append("END $roles$;")
    for table in tables:
        out.append(f"ALTER TABLE public.{table} ENABLE ROW LEVEL SECURITY;")
        out.append(f"DROP POLICY IF EXISTS sidecar_service_role ON public.{table};")
        out.append(f"CREATE POLICY sidecar_service_role ON public.{table} FOR ALL TO service_role "
                   "USING (true) WITH CHECK (true);")
        out.append(f"REVOKE ALL ON public.{table} FROM PUBLIC;")
        out.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON public.{table} TO service_role;")
    out.append("DO $revoke$ BEGIN")
    out.append("  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN")
    out.append(f"    EXECUTE 'REVOKE ALL ON ' || array_to_string(ARRAY(SELECT 'public.' || t FROM unnest({array}) t), ', ')"
               " || ' FROM anon';")
    out.append("  END IF;")
    out.append("  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN")
    out.append(f"    EXECUTE 'REVOKE ALL ON ' || array_to_string(ARRAY(SELECT 'public.' || t FROM unnest({array}) t), ', ')"
               " || ' FROM authenticated';")
    out.append("  END IF;")
    out.append("END $revoke$;")
    out.append("DO $seq$ DECLARE s record; BEGIN")
    out.append("  FOR s IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace")
    out.append(f"           WHERE c.relkind = 'S' AND n.nspname = 'public' AND c.relname LIKE ANY "
               f"(ARRAY(SELECT t || '\\_%' FROM unnest({array}) t)) LOOP")
    out.append("    EXECUTE format('REVOKE ALL ON SEQUENCE public.%I FROM PUBLIC', s.relname);")
    out.append("    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE public.%I TO service_role', s.relname);")
    out.append("  END LOOP;")
    out.append("END $seq$;")
    for fn in ("sidecar_exec(jsonb, text, jsonb, jsonb)", "sidecar_next_id(regclass)", "sidecar_pin_defaults(text[])"):
        out.append(f"REVOKE ALL ON FUNCTION public.{fn} FROM PUBLIC;")
    out.append("DO $fns$ BEGIN")
    out.append("  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN")
    out.append("    REVOKE ALL ON FUNCTION public.sidecar_exec(jsonb, text, jsonb, jsonb), "
               "public.sidecar_next_id(regclass) FROM anon;")
    out.append("  END IF;")
    out.append("  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN")
    out.append("    REVOKE ALL ON FUNCTION public.sidecar_exec(jsonb, text, jsonb, jsonb), "
               "public.sidecar_next_id(regclass) FROM authenticated;")
    out.append("  END IF;")
    out.append("END $fns$;")
    out.append("GRANT EXECUTE ON FUNCTION public.sidecar_exec(jsonb, text, jsonb, jsonb), "
               "public.sidecar_next_id(regclass), public.sidecar_pin_defaults(text[]) TO service_role;")
    out.append("NOTIFY pgrst, 'reload schema';")
    return "\n".join(out) + "\n"


def migration_path(root: Path | None = None) -> Path:
    root = root or Path(__file__).resolve().parents[2]
    return root / "supabase" / "migrations" / MIGRATION_NAME


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render_supabase_migration()
    if "--write" in args:
        path = migration_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
