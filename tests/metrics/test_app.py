"""The metrics stage inside a running Sidecar: built by app.py, scraping, counted on /metrics,
stale targets on /api/status (never /readyz)."""

from __future__ import annotations

import asyncio

import aiohttp

from sidecar.app import Sidecar
from sidecar.config import Config
from sidecar.metrics.hub import MetricsHub
from sidecar.metrics.model import MetricSpec

from .conftest import Served


def make_config(tmp_path, port: int, gateway_url: str) -> Config:
    return Config.model_validate({
        "server": {"read_access": "open", "host": "127.0.0.1", "port": port},
        "store": {"path": str(tmp_path / "data" / "sidecar.db")},
        "rollouts_file": None,
        "diagnosis": {"rules_file": "rules/diagnoses.yaml"},
        "alerts": {"rules_file": None},
        "ingest": {"checkpoint_dir": str(tmp_path / "data" / "checkpoints")},
        "metrics": {
            "targets": [{"name": "gw", "url": f"{gateway_url}/metrics", "interval": 0.1, "timeout": 0.5,
                         "families": ["mcp_api_calls_total"]}],
            "jsonl": [{"name": "rollout", "paths": [str(tmp_path / "metrics.jsonl")], "poll_interval": 0.1}],
        },
    })


async def test_sidecar_runs_the_metrics_stage(tmp_path, free_port, gateway: Served) -> None:
    (tmp_path / "metrics.jsonl").write_text("")
    sidecar = Sidecar(make_config(tmp_path, free_port, gateway.url))
    await sidecar.start()
    try:
        hub = sidecar.stages.metrics
        assert isinstance(hub, MetricsHub)
        for _ in range(100):
            gateway.gateway.call(ok=True)
            if hub.scrapers["gw"].state.successes >= 3:
                break
            await asyncio.sleep(0.05)
        with open(tmp_path / "metrics.jsonl", "a") as f:  # noqa: ASYNC230 - a tiny test write
            f.write('{"execution_type": "async", "success": true, "duration_ms": 5}\n')
        for _ in range(100):
            m = await hub.measure(MetricSpec(function="count", stream="rollout"), 60)
            if m.value:
                break
            await asyncio.sleep(0.05)
        assert m.value == 1
        async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{free_port}") as http:
            async with http.get("/metrics") as r:
                text = await r.text()
            assert 'sidecar_scrapes_total{outcome="success",target="gw"}' in text
            assert 'sidecar_lines_read_total{source="metrics:rollout"} 1.0' in text
            gateway.gateway.mode = "error500"
            for _ in range(100):
                async with http.get("/api/status") as r:
                    body = await r.json()
                if body["degraded"].get("metrics"):
                    break
                await asyncio.sleep(0.05)
            assert any(p.startswith("target gw stale") for p in body["degraded"]["metrics"]), body
            async with http.get("/readyz") as r:
                assert r.status == 200, await r.text()  # a stale scrape is the gateway's state, not ours
    finally:
        await sidecar.stop()
