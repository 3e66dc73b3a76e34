"""Rotation stress against the real `sidecar run` (issue 16).

Two separate writer processes rotate their logs hundreds of times while the sidecar tails them:
one through logging's own RotatingFileHandler (small maxBytes, backupCount 3: rename cascade,
oldest deleted), one with TimedRotatingFileHandler-style renames (`name.<time suffix>`, oldest
deleted). Every record is numbered. Checked: each error record stored exactly once, nothing at
ERROR in the sidecar's own log, the sidecar's descriptors after the drain the same as before
(one per live log), and /healthz answering throughout.

Exact unless the rotation outran the sidecar: with the CPU starved (a loaded CI machine; reproduced
with the sidecar at nice 19 against two busy loops at nice 10: 4,402 of 6,000 stored) generations
are renamed AND deleted before the sidecar opened them. lines_read was then exactly twice the stored
errors: nothing is lost between reading and storing (bounded queue, checkpoints after the store
accepted); what is lost was never read, and no tailer could read it once deleted. That loss must
be said: sidecar_rotations_total{kind="overrun"} on /metrics and a degraded entry on /api/status.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from sidecar.store.groups import RECEIPT_COUNT_SQL

from ..conftest import find_free_port
from .test_sigkill import REPO, start, wait_ready

ROTATIONS = 150  # per writer
LINES_PER_FILE = 40

WRITER = textwrap.dedent('''
    import logging, logging.handlers, os, sys, time
    kind, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])

    class TimedStyle(logging.FileHandler):
        """TimedRotatingFileHandler's naming (base.<strftime suffix>) and deletion, rotating every K records."""
        def __init__(self, filename, every, keep):
            super().__init__(filename)
            self.every, self.keep, self.count, self.gen = every, keep, 0, 0
        def emit(self, record):
            self.count += 1
            if self.count > self.every:
                self.count = 1
                self.rollover()
            super().emit(record)
        def rollover(self):
            self.stream.close()
            self.stream = None
            self.gen += 1
            suffix = time.strftime("%Y-%m-%d_%H-%M-%S", time.localtime()) + f".{self.gen:06d}"
            os.rename(self.baseFilename, self.baseFilename + "." + suffix)
            d, base = os.path.split(self.baseFilename)
            old = sorted(f for f in os.listdir(d) if f.startswith(base + "."))
            for f in old[:-self.keep]:
                os.remove(os.path.join(d, f))
            self.stream = self._open()

    if kind == "rotating":
        h = logging.handlers.RotatingFileHandler(path, maxBytes=LINE * EVERY, backupCount=3)
    else:
        h = TimedStyle(path, EVERY, 3)
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"))
    lg = logging.getLogger("gw." + kind)
    lg.addHandler(h)
    lg.setLevel(logging.INFO)
    lg.propagate = False
    errors = 0
    for seq in range(n):
        if seq % 2 == 0:
            lg.error("event %s seq=%07d", kind, seq)
            errors += 1
        else:
            lg.info("event %s seq=%07d", kind, seq)
        if seq % 4 == 3:
            time.sleep(0.004)
    h.close()
    print(errors)
''').replace("LINE", "60").replace("EVERY", str(LINES_PER_FILE))


def _fds(pid: int, logs: Path) -> tuple[int, list[str]]:
    """(descriptors not on a log file, the log files held open)."""
    other, on_logs = 0, []
    for n in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{n}")
        except OSError:
            continue
        if target.startswith(str(logs)):
            on_logs.append(target)
        else:
            other += 1
    return other, sorted(on_logs)


def _stored(db: Path) -> dict[str, int]:
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT message, COUNT(*) FROM error_samples GROUP BY 1").fetchall()
        receipts = con.execute(RECEIPT_COUNT_SQL).fetchone()[0]
        occ = con.execute("SELECT COALESCE(SUM(occurrence_count), 0) FROM error_investigations").fetchone()[0]
    finally:
        con.close()
    return {"receipts": receipts, "occurrences": occ, "sample_rows": len(rows)}


@pytest.mark.slow
def test_hundreds_of_rotations_while_sidecar_runs(tmp_path: Path) -> None:
    port = find_free_port()
    logs = tmp_path / "logs"
    logs.mkdir()
    db = tmp_path / "sidecar.db"
    cfg = tmp_path / "sidecar.yaml"
    cfg.write_text(yaml.safe_dump({
        "server": {"read_access": "open", "host": "127.0.0.1", "port": port},
        "store": {"path": str(db), "spool_dir": str(tmp_path / "spool")},
        "ingest": {"checkpoint_dir": str(tmp_path / "ck")},
        "sources": [{"paths": [str(logs / "*.log")], "start_at": "beginning"}],
        "diagnosis": {"kimi_enabled": False, "rules_file": str(REPO / "rules" / "diagnoses.yaml")},
        "alerts": {"rules_file": None},
        "rollouts_file": None,
    }))
    (logs / "ws_daemon.log").write_text("")
    (logs / "timed.log").write_text("")
    writer = tmp_path / "writer.py"
    writer.write_text(WRITER)
    proc = start(cfg, tmp_path)
    failures: list[str] = []
    answered = [0]
    stop = threading.Event()

    def probe() -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status != 200:
                        failures.append(f"status {r.status}")
                    answered[0] += 1
            except OSError as exc:
                failures.append(repr(exc))
            stop.wait(0.05)

    prober = threading.Thread(target=probe, daemon=True)
    try:
        wait_ready(port, proc)
        time.sleep(1.0)  # the directory watcher is up
        before = _fds(proc.pid, logs)
        prober.start()
        n = ROTATIONS * LINES_PER_FILE
        writers = [subprocess.Popen([sys.executable, str(writer), kind, str(logs / name), str(n)],
                                    stdout=subprocess.PIPE, text=True)
                   for kind, name in (("rotating", "ws_daemon.log"), ("timed", "timed.log"))]
        expected = sum(int(w.communicate(timeout=120)[0]) for w in writers)
        assert all(w.returncode == 0 for w in writers)
        rotated = [f for f in os.listdir(logs) if not f.endswith(".log")]
        assert len(rotated) == 6  # backupCount 3 each: the rest were deleted
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _stored(db)["receipts"] < expected:
            time.sleep(0.2)
        # Drained files are closed ROTATE_WAIT (5 s) after their last growth.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _fds(proc.pid, logs) != before:
            time.sleep(0.2)
        after = _fds(proc.pid, logs)
        got = _stored(db)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
            overruns = sum(float(ln.rsplit(" ", 1)[1]) for ln in r.read().decode().splitlines()
                           if ln.startswith("sidecar_rotations_total{") and 'kind="overrun"' in ln)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=5) as r:
            degraded = json.loads(r.read()).get("degraded", {}).get("ingest", [])
        stop.set()
        prober.join(5)
    finally:
        stop.set()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    assert got["occurrences"] == got["receipts"] <= expected, (got, expected)
    if got["receipts"] < expected:  # only a loss the sidecar says (see the module docstring)
        assert overruns > 0 and any("outran" in d for d in degraded), (got, expected, overruns, degraded)
    else:
        assert overruns == 0 or any("outran" in d for d in degraded), (overruns, degraded)
    assert after == before, (before, after)
    assert not failures and answered[0] > 20, failures[:5]
    err = (tmp_path / "sidecar.err").read_text(errors="replace")
    bad = [ln for ln in err.splitlines() if re.search(r"\b(ERROR|CRITICAL)\b|Traceback|unexpected error", ln)]
    assert not bad, bad[:5]
