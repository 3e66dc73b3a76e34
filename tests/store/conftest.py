"""Store-suite fixtures: the Supabase backend against a local PostgREST stand-in on the test cluster."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web

from .fake_postgrest import CALLS_KEY, create_project_database, serving

SERVICE_KEY = "service-role-key-for-tests"
ANON_KEY = "anon-key-for-tests"


@dataclass
class SupabaseProject:
    url: str
    service_key: str
    anon_key: str
    dsn: str
    app: web.Application

    @property
    def calls(self) -> list[dict]:
        return self.app[CALLS_KEY]


@pytest.fixture(scope="session")
def supabase_template(pg_cluster) -> str:
    """A database with Supabase's roles and grants and the sidecar's Supabase migration, made once."""
    return create_project_database(pg_cluster)


@pytest.fixture
async def supabase_project(pg_cluster, supabase_template, free_port) -> AsyncIterator[SupabaseProject]:
    """A copy of the Supabase template database, served by the PostgREST stand-in."""
    dbname = pg_cluster.create_database(template=supabase_template)
    pg_dsn = pg_cluster.dsn(dbname)
    try:
        async with serving(pg_dsn, {SERVICE_KEY: "service_role", ANON_KEY: "anon"}, free_port) as app:
            yield SupabaseProject(f"http://127.0.0.1:{free_port}", SERVICE_KEY, ANON_KEY, pg_dsn, app)
    finally:
        if not pg_cluster.running:
            pg_cluster.start()
        pg_cluster.drop_database(dbname)


@pytest.fixture
def pgbouncer_dsn(pg_cluster, pg_dsn, free_port):
    """The test database through pgbouncer in transaction mode (Supabase's pooled connection string)."""
    import os
    import shutil

    from .pgcluster import PgBouncer

    if shutil.which("pgbouncer") is None and not os.path.exists("/usr/sbin/pgbouncer"):
        pytest.fail("pgbouncer is not installed: run scripts/system-deps.sh (make test does)")
    bouncer = PgBouncer(pg_cluster, free_port)
    bouncer.start()
    try:
        yield bouncer.dsn(pg_dsn.split("dbname=")[1].split()[0])
    finally:
        bouncer.stop()
