"""Ingest inside a running Sidecar (app.py wiring): events stored, problems on /readyz, counters on /metrics."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from sidecar.app import Sidecar
from sidecar.config import Config
from sidecar.store.groups import RECEIPT_COUNT_SQL

from .conftest import records


def _sidecar(tmp_path: Path, port: int, log: Path, checkpoint_dir: Path) -> Sidecar:
    """A Sidecar tailing one log into SQLite, open reads on loopback, no Kimi, no alerts, no rollouts."""
    return Sidecar(Config.model_validate({
        "server": {"read_access": "open", "host": "127.0.0.1", "port": port},
        "store": {"path": str(tmp_path / "sidecar.db"), "spool_dir": str(tmp_path / "spool")},
        "rollouts_file": None,
        "diagnosis": {"kimi_enabled": False, "rules_file": "rules/diagnoses.yaml"},
        "alerts": {"rules_file": None},
        "ingest": {"checkpoint_dir": str(checkpoint_dir)},
        "sources": [{"paths": [str(log)]}],
    }))


async def test_running_sidecar_stores_events_and_reports_unwritable_checkpoints(tmp_path, free_port):
    log = tmp_path / "ws_daemon.log"
    log.write_text("")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a directory")
    sidecar = _sidecar(tmp_path, free_port, log, blocker / "checkpoints")
    await sidecar.start()
    try:
        body, errs = records(0, 30)
        with log.open("a") as w:
            w.write(body)
        stored = 0
        for _ in range(400):
            row = await sidecar.store.db.fetchone(RECEIPT_COUNT_SQL)
            stored = row["n"]
            if stored >= len(errs):
                break
            await asyncio.sleep(0.025)
        assert stored == len(errs)
        async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{free_port}") as http:
            for _ in range(200):
                async with http.get("/readyz") as r:
                    ready = await r.json()
                if r.status == 503:
                    break
                await asyncio.sleep(0.025)
            assert r.status == 503
            assert any(p.startswith("ingest: checkpoints not saved") for p in ready["problems"]), ready
            async with http.get("/metrics") as r:
                text = await r.text()
        assert f'sidecar_error_events_total{{level="ERROR"}} {float(len(errs))}' in text, [
            ln for ln in text.splitlines() if "error_events_total{" in ln]
        assert "sidecar_checkpoint_errors_total" in text and "sidecar_checkpoint_errors_total 0.0" not in text
        assert f'sidecar_files_tailed{{source="{log}"}} 1.0' in text
        status = sidecar.stages.ingest.status()
        assert status["sources"][0]["files"][0]["path"] == str(log)
    finally:
        await sidecar.stop()


async def test_api_status_offsets_reach_the_file_size_only_once_the_store_has_every_event(tmp_path, free_port):
    """/api/status `ingest`: per tailed file the offset the store accepted next to its size; a user (or
    a test, instead of a sleep) waits for offset == size on disk, and then every event is stored."""
    log = tmp_path / "ws_daemon.log"
    log.write_text("")
    sidecar = _sidecar(tmp_path, free_port, log, tmp_path / "ck")
    await sidecar.start()
    try:
        async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{free_port}") as http:
            async def files() -> list[dict]:
                async with http.get("/api/status") as r:
                    assert r.status == 200
                    body = await r.json()
                return [f for src in body["ingest"]["sources"] for f in src["files"]]

            errs: list[int] = []
            for start in (0, 40, 300):
                body, more = records(start, 40 + start // 10)
                errs += more
                with log.open("a") as w:
                    w.write(body)
                size = log.stat().st_size
                for _ in range(400):
                    seen = await files()
                    if seen and seen[0]["offset"] == size:
                        break
                    await asyncio.sleep(0.025)
                assert [(f["path"], f["offset"], f["undelivered"]) for f in seen] == [(str(log), size, 0)], seen
                row = await sidecar.store.db.fetchone(RECEIPT_COUNT_SQL)
                assert row["n"] == len(errs)  # no wait: the offset moves only past what the store accepted
    finally:
        await sidecar.stop()
