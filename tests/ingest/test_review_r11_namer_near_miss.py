"""Round-11 review: recovery.family() now strips an index/date token before the extension (`app-2.log` -> `app.log`),
so a live log of ANOTHER writer named that way beside the configured one is taken for a generation of it.

The source names one file exactly (`logs/app.log`). Beside it, an unconfigured live log whose name has a generation's
shape - a second instance's `app-2.log`, `app_1.log`, a per-port `app.8443.log` - is written while the sidecar is
down, and app.log is rotated by a plain rename (`app.log.1`). At restart the recovery reads the family's "unseen
generations" (recovery._read_unseen over siblings()): the other writer's file is read as one. Expected: only what the
configured file and its real generation hold is stored. Fixed: an infix-shaped name is a generation only once a file we read was found under that shape (recovery.infix_shape).
What varies by seed: the neighbour's separator and token, the records per step, levels and loggers.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest

from sidecar.clock import ManualClock

from .test_copy_streams import LOGGERS, _config, _run_until_read
from .test_sigkill_replicas import _count


def _write(path: Path, rnd: random.Random, n: int, seq: list[int]) -> int:
    errors = 0
    with path.open("a") as f:
        for _ in range(n):
            level = rnd.choice(("ERROR", "INFO", "CRITICAL", "WARNING"))
            errors += level in ("ERROR", "CRITICAL")
            f.write(f"2026-12-06 10:00:{seq[0] % 60:02d},{seq[0] % 1000:03d} {level} {rnd.choice(LOGGERS)}: "
                    f"event seq={seq[0]} of {path.name}\n")
            seq[0] += 1
    return errors


@pytest.mark.timeout(300)
@pytest.mark.parametrize("seed", range(3))
async def test_a_neighbour_log_named_like_a_generation_is_not_read(tmp_path: Path, seed: int) -> None:
    rnd = random.Random(f"namer-neighbour-{seed}")
    logs = tmp_path / "logs"
    logs.mkdir()
    live = logs / "app.log"
    neighbour = logs / rnd.choice(("app-2.log", "app_1.log", "app.8443.log", "app-3.log"))
    store: dict[str, Any] = {"backend": "sqlite", "path": str(tmp_path / "db.sqlite")}
    cfg = _config(tmp_path, "s", store, [str(live)])
    clock = ManualClock(1_800_000_000.0)
    seq = [rnd.randrange(10_000)]
    expected = _write(live, rnd, rnd.randint(3, 20), seq)
    _write(neighbour, rnd, rnd.randint(1, 10), seq)
    await _run_until_read(cfg, clock)
    expected += _write(live, rnd, rnd.randint(1, 10), seq)  # after the checkpoint
    os.rename(live, logs / "app.log.1")  # rotated while down
    expected += _write(live, rnd, rnd.randint(1, 10), seq)
    _write(neighbour, rnd, rnd.randint(3, 10), seq)  # the other writer, never configured
    await _run_until_read(cfg, clock)
    got = await _count(store)
    assert got == expected, f"{got} stored, {expected} written to app.log; neighbour {neighbour.name}"
