"""`store:` configuration: bad backend settings fail at load time; open_store opens each backend."""

from __future__ import annotations

import pytest

from sidecar.config import ConfigError, load_config
from sidecar.store.open import open_store


@pytest.mark.parametrize(("env", "needle"), [
    ({"SIDECAR_STORE__BACKEND": "postgres"}, "backend 'postgres' needs dsn"),
    ({"SIDECAR_STORE__BACKEND": "supabase", "SIDECAR_STORE__SUPABASE_URL": "https://x.supabase.co"},
     "supabase_key"),
    ({"SIDECAR_STORE__BACKEND": "supabase", "SIDECAR_STORE__SUPABASE_URL": "x.supabase.co",
      "SIDECAR_STORE__SUPABASE_KEY": "k"}, "http(s) URL"),
])
def test_incomplete_backend_settings_fail_at_load(tmp_path, monkeypatch, env, needle):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_config(None, env)
    assert "store" in str(info.value) and needle in str(info.value)


async def test_open_store_postgres_from_environment(tmp_path, monkeypatch, pg_dsn):
    monkeypatch.chdir(tmp_path)
    config = load_config(None, {"SIDECAR_STORE__BACKEND": "postgres", "SIDECAR_STORE__DSN": pg_dsn})
    store = await open_store(config.store)
    try:
        assert store.db.dialect == "postgres"
        await store.ping()
        assert await store.groups.counts_by_status() == {"open": 0, "regressed": 0, "muted": 0, "resolved": 0}
    finally:
        await store.close()
    assert "SIDECAR_STORE__DSN" not in repr(config.store) and pg_dsn not in repr(config.store)
