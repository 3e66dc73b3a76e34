"""The HTTP endpoints over real HTTP on a free port, served by an in-process Sidecar."""

from __future__ import annotations

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from sidecar.app import Sidecar
from sidecar.config import Config


def make_config(tmp_path, port: int, **server) -> Config:
    return Config.model_validate({
        "server": {"host": "127.0.0.1", "port": port, **server},
        "store": {"path": str(tmp_path / "data" / "sidecar.db")},
        "rollouts_file": None,
        "diagnosis": {"rules_file": "rules/diagnoses.yaml"},
        "alerts": {"rules_file": None},
        "ingest": {"checkpoint_dir": str(tmp_path / "data" / "checkpoints")},
    })


async def test_health_ready_metrics(tmp_path, free_port):
    sidecar = Sidecar(make_config(tmp_path, free_port))
    await sidecar.start()
    try:
        async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{free_port}") as http:
            async with http.get("/healthz") as r:
                assert r.status == 200 and (await r.json())["status"] == "ok"
            async with http.get("/readyz") as r:
                body = await r.json()
                assert r.status == 200, body
                assert body == {"status": "ready", "problems": []}
            async with http.get("/metrics") as r:
                assert r.status == 200
                assert r.headers["Content-Type"].startswith("text/plain")
                families = {f.name for f in text_string_to_metric_families(await r.text())}
                assert {"sidecar_up", "sidecar_error_events", "sidecar_lines_read"} <= families
            async with http.get("/") as r:
                assert r.status == 200 and "text/html" in r.headers["Content-Type"]
                assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    finally:
        await sidecar.stop()


async def test_readyz_is_503_with_the_reason_when_the_store_is_gone(tmp_path, free_port):
    sidecar = Sidecar(make_config(tmp_path, free_port))
    await sidecar.start()
    try:
        await sidecar.store.db.close()  # the database went away under a running sidecar
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{free_port}/readyz") as r:
                body = await r.json()
                assert r.status == 503
                assert body["status"] == "unready"
                assert any(p.startswith("store: ") for p in body["problems"])
            async with http.get(f"http://127.0.0.1:{free_port}/healthz") as r:
                assert r.status == 200  # alive, just not ready
    finally:
        await sidecar.stop()
