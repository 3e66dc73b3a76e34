"""The HTTP endpoints over real HTTP on a free port, served by an in-process Sidecar."""

from __future__ import annotations

import asyncio

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from sidecar.app import Sidecar
from sidecar.config import Config


def make_config(tmp_path, port: int, **server) -> Config:
    return Config.model_validate({
        "server": {"read_access": "open", "host": "127.0.0.1", "port": port, **server},
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


async def test_slack_unreachable_degrades_but_the_sidecar_stays_ready(tmp_path, free_port):
    from tests.conftest import find_free_port

    closed = find_free_port()  # nothing listens here: every delivery is refused
    log = tmp_path / "gw.log"
    log.write_text("")
    config = make_config(tmp_path, free_port).model_copy(update={
        "sources": Config.model_validate({"sources": [{"name": "gw", "paths": [str(log)], "start_at": "beginning"}]}).sources,
        "alerts": Config.model_validate({"alerts": {
            "rules_file": None, "backoff_base": 0.01, "backoff_max": 0.02,
            "receivers": [{"name": "ops", "kind": "slack", "url": f"http://127.0.0.1:{closed}/hook"}],
            "routes": [{"receivers": ["ops"], "group_wait": 0, "group_interval": 0.1, "group_by": []}],
        }}).alerts,
    })
    sidecar = Sidecar(config)
    await sidecar.start()
    try:
        with log.open("a") as f:
            for i in range(3):
                f.write(f"2026-12-05 10:00:0{i} ERROR src.providers.kimi: failure number {i} of kind {'xyz'[i]}\n")
        async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{free_port}") as http:
            body: dict = {}
            for _ in range(400):
                async with http.get("/api/status") as r:
                    body = await r.json()
                if body["degraded"].get("alerts"):
                    break
                await asyncio.sleep(0.05)
            assert any("receiver ops" in p for p in body["degraded"].get("alerts", [])), body
            assert body["ready"] is True and body["problems"] == []
            async with http.get("/readyz") as r:
                assert r.status == 200, await r.text()
            async with http.get("/metrics") as r:
                assert 'sidecar_degraded{stage="alerts"} 1.0' in await r.text()
            async with http.get("/") as r:
                assert "Degraded" in await r.text()
    finally:
        await sidecar.stop()


async def test_unknown_api_paths_answer_json_and_pages_stay_html(tmp_path, free_port):
    sidecar = Sidecar(make_config(tmp_path, free_port))
    await sidecar.start()
    try:
        async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{free_port}") as http:
            async with http.get("/api/no-such-thing") as r:
                assert r.status == 404 and r.content_type == "application/json"
                assert await r.json() == {"error": "not found"}
            async with http.delete("/api/status") as r:
                assert r.status == 405 and (await r.json()) == {"error": "method not allowed"}
                assert "GET" in r.headers["Allow"]
            async with http.get("/no-such-page") as r:
                assert r.status == 404 and r.content_type != "application/json"
    finally:
        await sidecar.stop()
