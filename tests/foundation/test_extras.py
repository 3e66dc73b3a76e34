"""The SQLite default needs neither PostgreSQL's nor Supabase's client: they are extras
(`[postgres]`, `[supabase]`, both in `dev`), imported only when the store names that backend."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BACKEND_PACKAGES = ("psycopg", "psycopg_pool", "psycopg_binary", "supabase", "postgrest", "supabase_auth",
                    "gotrue", "realtime", "storage3", "supabase_functions")

RUN_A_SQLITE_STORE = """
import asyncio, json, sys
import sidecar.app, sidecar.cli
from sidecar.config import StoreConfig
from sidecar.store.open import open_store

async def main(tmp):
    store = await open_store(StoreConfig(path=tmp + "/sidecar.db"))
    try:
        assert type(store.db).__module__ == "sidecar.store.sqlite", type(store.db)
        await store.groups.list(limit=1)
    finally:
        await store.close()

asyncio.run(main(sys.argv[1]))
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in sys.argv[2].split(","))))
"""


def test_the_app_and_a_sqlite_store_import_no_backend_client(tmp_path) -> None:
    """(The diagnosis stage imports installed libraries whose exception classes the gateway's logs
    name, postgrest among them, when its rules load: that is about the gateway's errors, not the
    store, and without the extras installed it simply skips them; sidecar/diagnose/classes.py.)"""
    r = subprocess.run([sys.executable, "-c", RUN_A_SQLITE_STORE, str(tmp_path), ",".join(BACKEND_PACKAGES)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    assert json.loads(r.stdout.strip().splitlines()[-1]) == []


def test_the_backends_are_extras_and_dev_installs_them_all() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = " ".join(project["dependencies"]).lower()
    assert "psycopg" not in runtime and "supabase" not in runtime
    extras = project["optional-dependencies"]
    assert any(d.startswith("psycopg[binary]") for d in extras["postgres"])
    assert any(d.startswith("psycopg-pool") for d in extras["postgres"])
    assert any(d.startswith("supabase") for d in extras["supabase"])
    assert f"{project['name']}[postgres,supabase]" in extras["dev"]
    install = (ROOT / "scripts" / "install.sh").read_text()
    assert "'.[postgres,supabase]'" in install and "'.[dev]'" in install  # the image and CI get every backend


def test_a_backend_without_its_client_says_which_extra_to_install(tmp_path) -> None:
    script = ("import asyncio, sys\n"
              "sys.modules['psycopg'] = None  # as if the [postgres] extra were not installed\n"
              "from sidecar.config import StoreConfig\n"
              "from sidecar.store.base import StoreError\n"
              "from sidecar.store.open import open_store\n"
              "try:\n"
              "    asyncio.run(open_store(StoreConfig(backend='postgres', dsn='postgresql://x@127.0.0.1:9/x')))\n"
              "except StoreError as exc:\n"
              "    print(exc)\n")
    r = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "pip install 'gateway-sidecar[postgres]'" in r.stdout
