"""A sidecar started between logrotate's copy and its truncation reads each record once, olddir or not.

The class, logrotate(8) `copytruncate`: "Truncate the original log file to zero size in place after
creating a copy ... Note that there is a very small time slice between copying the file and
truncating it"; `olddir directory`: the copy goes there (relative to the log's directory unless
absolute). A sidecar (re)started inside that slice, whose last checkpoint knows neither the live
file's current content nor the copy (both written since: the live file was truncated and rewritten
while it was down), found the copy as a generation nobody read and read it from 0 - and the scan read
the live file from 0 too: every record of it twice (review of round 10, dev seed logrotate-326,
tests/ingest/test_olddir_copy_unsynced.py). Decided by livecopy.copy_of_live: another inode, no longer
than the live file, the same first bytes and the same bytes at its end.

Varied per seed: where the copy goes (the log directory, a configured olddir relative or absolute,
nested), the glob (the live name, or `app.log*` when the copy is beside it), the records before,
between and after, whether the first rotation (the one that made the checkpoint stale) is a
copytruncate or a rename, and whether records are appended after the copy before the truncation
(logrotate's loss window: the live file then holds more than the copy). Near-miss twin that must NOT
change: a real generation in the olddir that starts with the same first 1 KiB as the live file (a
long start-up banner every file begins with) but is not a copy: still read, once.
"""

from __future__ import annotations

import random
import shutil
from collections import Counter
from pathlib import Path

import pytest

from .conftest import SEQ, Harness, Recorder, line, make_config, wait_for

BANNER = "".join(f"{'2026-11-23 10:00:00'} INFO app.boot: banner {i:03d} {'=' * 40}\n" for i in range(20))  # > 1 KiB


class Gen:
    """Writes records (errors counted in `errs`) with seq numbers from `seq`."""

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.seq, self.errs = rng, 0, []  # type: ignore[var-annotated]
        self.errs: list[int] = []

    def text(self, lo: int, hi: int) -> str:
        out = []
        for _ in range(self.rng.randint(lo, hi)):
            error = self.rng.random() < 0.6
            out.append(line(self.seq, "ERROR" if error else "INFO"))
            if error:
                self.errs.append(self.seq)
            self.seq += 1
        return "".join(out)


def stored(sink: Recorder) -> Counter[int]:
    """Errors as the store counts them: one receipt per (stream, offset) (ingest/receiptstream.py), so
    a copy read under its original's stream (copystreams.py) re-sends offsets the store drops."""
    by_key = {(e.stream or e.file_key, e.offset): e for e in sink.events}
    return Counter(int(m.group(1)) for e in by_key.values() if (m := SEQ.search(e.message) or SEQ.search(e.raw)))


async def settle(harness: Harness, errs: list[int]) -> None:
    """Until every error written is stored, then long enough (drained files close after ROTATE_WAIT)
    for anything read twice to show."""
    await wait_for(lambda: set(stored(harness.sink)) >= set(errs), clock=harness.clock)
    await harness.idle(40)


def assert_stored_once(sink: Recorder, errs: list[int]) -> None:
    counts = stored(sink)
    assert counts == Counter(errs), ({s: c for s, c in counts.items() if c > 1}, sorted(set(errs) - set(counts)))


def where(rng: random.Random, logs: Path) -> tuple[Path, list[str]]:
    """The copy's directory and the source's `rotated_dirs` for it."""
    choice = rng.choice(["same", "old", "archive/app", "absolute"])
    if choice == "same":
        return logs, []
    d = (logs / ("old" if choice == "absolute" else choice)).resolve()
    d.mkdir(parents=True, exist_ok=True)
    return d, [str(d) if choice == "absolute" else choice]


@pytest.mark.parametrize("seed", range(8))
async def test_a_restart_between_copy_and_truncation_reads_each_record_once(tmp_path: Path, harness: Harness,
                                                                           seed: int) -> None:
    rng = random.Random(f"copy-before-truncate-{seed}")
    logs = tmp_path / "logs"
    logs.mkdir()
    live = logs / "app.log"
    old, rotated_dirs = where(rng, logs)
    glob = "app.log*" if old == logs and rng.random() < 0.5 else "app.log"
    cfg = make_config(tmp_path, [str(logs / glob)], **({"rotated_dirs": rotated_dirs} if rotated_dirs else {}))
    g = Gen(rng)
    live.write_text(g.text(3, 15))
    ing = await harness.start(cfg)
    await harness.wait_events(len(g.errs))
    await harness.stop(ing)
    # Down: the first rotation makes the checkpoint stale (the live file gets other first bytes).
    if rng.random() < 0.5:
        shutil.copyfile(live, old / "app.log.2")
        live.write_text("")  # truncated in place (copytruncate)
    else:
        live.rename(old / "app.log.2")
    with live.open("a") as f:
        f.write(g.text(2, 20))
    shutil.copyfile(live, old / "app.log.1")  # the second rotation's copy ...
    if rng.random() < 0.5:
        with live.open("a") as f:  # a record appended inside the slice (the live file now holds more)
            f.write(g.text(1, 3))
    ing = await harness.start(cfg)  # ... and the sidecar starts before its truncation
    await wait_for(lambda: set(stored(harness.sink)) >= set(g.errs), clock=harness.clock)
    with live.open("r+") as f:
        f.truncate(0)
    with live.open("a") as f:
        f.write(g.text(1, 10))
    await settle(harness, g.errs)
    assert_stored_once(harness.sink, g.errs)


@pytest.mark.parametrize("seed", range(3))
async def test_a_generation_with_the_live_files_first_bytes_is_still_read(tmp_path: Path, harness: Harness,
                                                                         seed: int) -> None:
    """Not a copy: every file starts with the same 1+ KiB banner, the generation's end differs."""
    rng = random.Random(f"banner-twin-{seed}")
    logs = tmp_path / "logs"
    logs.mkdir()
    live = logs / "app.log"
    old, rotated_dirs = where(rng, logs)
    cfg = make_config(tmp_path, [str(live)], **({"rotated_dirs": rotated_dirs} if rotated_dirs else {}))
    g = Gen(rng)
    live.write_text(BANNER + g.text(3, 10))
    ing = await harness.start(cfg)
    await harness.wait_events(len(g.errs))
    await harness.stop(ing)
    live.rename(old / "app.log.2")  # down: rotated, a generation written and rotated, a new live file
    (old / "app.log.1").write_text(BANNER + g.text(1, 5))
    live.write_text(BANNER + g.text(8, 20))
    await harness.start(cfg)
    await settle(harness, g.errs)
    assert_stored_once(harness.sink, g.errs)
