"""A RUNNING replica that never read its original finds a copytruncate copy: one stream with the other's.

The class (ingest/copystreams.py; logrotate(8) copytruncate): replica B tails the live file but has not
read its first bytes when the copy is made - it opened the file while empty and was then paused (a
stopped container, a starved CPU: SIGSTOP here) while replica A read and stored the content. After the
pause B finds the copy (its glob matches the rotated name) and must name it under the live file's
stream, as A did. Round 9 read the store's streams once, at start, when the file had none: B counted
the copy's records a second time. Seeds vary the head (shorter or longer than the 1 KiB that names
streams), wording, loggers, levels, the rotated name and what is written after the truncation.

Near-miss twin: a second capture of the same bytes (`capture.log`, another family) counts on its own.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .conftest import line
from .test_copy_streams import LOGGERS, SUFFIXES
from .test_sigkill import start, wait_ready
from .test_sigkill_replicas import _config, _count

SEEDS = int(os.environ.get("SIDECAR_PAUSED_SEEDS", "2"))  # 3 until round 13 (60-80 s each under load: suite time)
SEED_BASE = int(os.environ.get("SIDECAR_PAUSED_SEED_BASE", "1"))


def _files(port: int) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=5) as r:
        st = json.loads(r.read())
    return [f for src in st["ingest"]["sources"] for f in src["files"]]


def _stored_all(port: int, paths: list[Path]) -> bool:
    """The replica says (on /api/status) that the store has every byte of each of `paths` on disk."""
    stored = {f["path"]: f["offset"] for f in _files(port) if f["path"] is not None}
    return all(stored.get(str(p)) == p.stat().st_size for p in paths if p.exists())


def _wait(cond: Any, what: str, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {within} s: {what}")


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(SEED_BASE, SEED_BASE + SEEDS))
def test_paused_replica_names_the_copy_under_the_stream_the_other_stored(tmp_path: Path, seed: int) -> None:
    rnd = random.Random(f"copy-streams-paused-{seed}")
    logs = tmp_path / "logs"
    logs.mkdir()
    live, capture = logs / "app.log", logs / "capture.log"
    copy = logs / ("app.log" + rnd.choice(SUFFIXES))
    store = {"backend": "sqlite", "path": str(tmp_path / "shared.db")}
    seq = {"n": 0}

    def write(path: Path, n: int) -> int:
        errors = 0
        with path.open("a") as w:
            for _ in range(n):
                level = rnd.choice(("ERROR", "ERROR", "INFO", "WARNING", "CRITICAL"))
                errors += level in ("ERROR", "CRITICAL")
                extra = rnd.choice(("", f" user=u-{rnd.randint(1, 99)}", " after retry", " (upstream 502)"))
                w.write(line(seq["n"], level, rnd.choice(LOGGERS), extra))
                seq["n"] += 1
            w.write(line(seq["n"], "INFO", "app.mod", " flushed"))  # closes the last error record
            seq["n"] += 1
        return errors

    live.touch()
    capture.touch()
    replicas = []
    for name in ("a", "b"):
        cfg, port = _config(tmp_path, name, store, live)
        data = yaml_paths(cfg, [str(logs / "*.log*")])
        replicas.append((data, port))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for cfg, port in replicas:
            procs.append(start(cfg, cfg.parent))
            wait_ready(port, procs[-1])
        (_, pa), (_, pb) = replicas
        _wait(lambda: _stored_all(pa, [live]) and _stored_all(pb, [live]), "both hold the empty live file")
        procs[1].send_signal(signal.SIGSTOP)  # B: opened the live file while empty, now paused
        errors = write(live, rnd.randint(1, 40))  # 1 KiB is ~13-20 lines: heads shorter and longer than it
        _wait(lambda: _stored_all(pa, [live]), "A stored the original")
        shutil.copyfile(live, copy)  # copytruncate
        with live.open("r+b") as f:
            f.truncate(0)
        capture.write_bytes(copy.read_bytes())  # the twin: the same bytes, another file
        twin = errors
        errors += write(live, rnd.randint(0, 10))
        procs[1].send_signal(signal.SIGCONT)
        on_disk = [live, copy, capture]
        _wait(lambda: _stored_all(pa, on_disk) and _stored_all(pb, on_disk), "both stored every file")
        got = _count_sync(store)
    finally:
        for p in procs:
            p.send_signal(signal.SIGCONT)
            p.send_signal(signal.SIGTERM)
            p.wait(15)
    assert got == errors + twin, (f"{got} stored, {errors + twin} written ({twin} in the twin capture); "
                                  f"copy {copy.name}")


def yaml_paths(cfg: Path, paths: list[str]) -> Path:
    """The replica's config with the source's paths replaced (a glob over the live name and its copies)."""
    import yaml

    data = yaml.safe_load(cfg.read_text())
    data["sources"][0]["paths"] = paths
    cfg.write_text(yaml.safe_dump(data))
    return cfg


def _count_sync(store: dict[str, Any]) -> int:
    import asyncio

    return asyncio.run(_count(store))
