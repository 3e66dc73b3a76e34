"""SIGKILL of a real `sidecar run` at random points, then restart: every error stored exactly once.

The process is the real CLI with a temp config, tailing a real file that a writer keeps appending
to between and during runs. Exactly-once holds end to end because the tailer's checkpoint only
moves past accepted events, and a batch re-delivered after a kill (accepted, checkpoint not yet
written) is recognised by the errors stage by file identity + offset.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sidecar.store.groups import RECEIPT_COUNT_SQL

from ..conftest import find_free_port
from ..helpers import wait_serving
from .conftest import line

REPO = Path(__file__).resolve().parents[2]


def start(cfg: Path, workdir: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sidecar", "run", "--config", str(cfg)], cwd=workdir,
                            stdout=subprocess.DEVNULL, stderr=open(workdir / "sidecar.err", "ab"))  # noqa: SIM115


def wait_ready(port: int, proc: subprocess.Popen) -> None:
    """Poll /healthz until the process answers (tests.helpers.wait_serving: fails at once with its stderr if it
    exits; if it is stuck or past the start-up bound, with its stderr and its threads' stacks)."""
    wait_serving(f"http://127.0.0.1:{port}/healthz", proc, f"sidecar run ({proc.args[-1]})",
                 Path(proc.args[-1]).parent / "sidecar.err")


def stored(db: Path) -> tuple[int, int]:
    con = sqlite3.connect(db)
    try:
        receipts = con.execute(RECEIPT_COUNT_SQL).fetchone()[0]
        occurrences = con.execute("SELECT COALESCE(SUM(occurrence_count), 0) FROM error_investigations").fetchone()[0]
        return receipts, occurrences
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_at_random_points_then_restart(tmp_path):
    port = find_free_port()
    log = tmp_path / "ws_daemon.log"
    db = tmp_path / "sidecar.db"
    cfg = tmp_path / "sidecar.yaml"
    cfg.write_text(yaml.safe_dump({
        "server": {"read_access": "open", "host": "127.0.0.1", "port": port},
        "store": {"path": str(db), "spool_dir": str(tmp_path / "spool")},
        "ingest": {"checkpoint_dir": str(tmp_path / "ck")},
        "sources": [{"paths": [str(log)], "start_at": "beginning"}],
        "diagnosis": {"kimi_enabled": False, "rules_file": str(REPO / "rules" / "diagnoses.yaml")},
        "alerts": {"rules_file": None},
        "rollouts_file": None,
    }))
    rnd = random.Random(20261123)
    seq = 0
    errors = 0

    def append(n: int) -> None:
        nonlocal seq, errors
        with log.open("a") as w:
            for _ in range(n):
                if seq % 2 == 0:
                    w.write(line(seq))
                    errors += 1
                else:
                    w.write(line(seq, "INFO"))
                seq += 1

    append(200)
    for _ in range(2):  # each start of the real CLI costs seconds of imports on this box
        proc = start(cfg, tmp_path)
        try:
            wait_ready(port, proc)
            for _ in range(rnd.randint(1, 6)):
                append(rnd.randint(10, 200))
                time.sleep(rnd.uniform(0.0, 0.3))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        append(rnd.randint(10, 100))  # written while the sidecar is down
    append(50)
    proc = start(cfg, tmp_path)
    try:
        wait_ready(port, proc)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and stored(db)[0] < errors:
            time.sleep(0.1)
        time.sleep(1.5)  # a duplicate would land within the checkpoint interval
        receipts, occurrences = stored(db)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    assert receipts == errors and occurrences == errors, (receipts, occurrences, errors)
    assert os.path.exists(tmp_path / "ck" / "checkpoints.json")
