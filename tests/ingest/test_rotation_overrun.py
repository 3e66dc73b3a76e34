"""A writer that rotates faster than the tailer reads (issue 16).

logging's RotatingFileHandler with backupCount 1 and a tiny maxBytes, in a separate process with
no pauses, while the sink is slow: generations are deleted before the tailer could open them.
What may not happen: a record stored twice, a record invented, or a loss nobody is told about.
A loss shows as `sidecar_rotations_total{kind="overrun"}` and a warning naming the fix.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from sidecar.ingest.record import ErrorEvent

from .conftest import Harness, Recorder, make_config, records, wait_while_polled

WRITER = textwrap.dedent('''
    import logging, logging.handlers, sys
    h = logging.handlers.RotatingFileHandler(sys.argv[1], maxBytes=700, backupCount=1)
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    lg = logging.getLogger("gw"); lg.addHandler(h); lg.setLevel(logging.INFO); lg.propagate = False
    for seq in range(int(sys.argv[2])):
        lg.error("event seq=%07d", seq)
''')


class SlowRecorder(Recorder):
    """A store slower than the writer."""

    async def __call__(self, batch: list[ErrorEvent]) -> None:
        await asyncio.sleep(0.01)
        await super().__call__(batch)


async def test_writer_outrunning_the_tailer_is_counted_and_said(tmp_path: Path, harness: Harness,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    path = tmp_path / "gw.log"
    path.write_text("")
    slow = harness.sink = SlowRecorder()
    ing = await harness.start(make_config(tmp_path, [str(path)]))
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    n = 20_000
    proc = await asyncio.create_subprocess_exec(sys.executable, str(script), str(path), str(n))
    await wait_while_polled(harness, proc)
    assert proc.returncode == 0
    # Everything the tailer holds is read to its end; then nothing more arrives.
    last = -1
    for _ in range(200):
        harness.clock.advance(0.5)
        await asyncio.sleep(0.02)
        if len(slow.events) == last and not any(f.has_work() for f in ing.files):
            break
        last = len(slow.events)
    got = Counter(slow.seqs())
    assert not [s for s, c in got.items() if c > 1], "a record stored twice"
    assert set(got) <= set(range(n)), "a record that was never written"
    lost = n - len(got)
    overruns = harness.metric("sidecar_rotations_total", source=str(path), kind="overrun")
    said = [r for r in caplog.records if "rotation outran the tailer" in r.getMessage()]
    print(f"overrun: {n} written, {len(got)} stored, {lost} lost, {overruns:.0f} overruns counted")
    if lost:
        assert overruns > 0 and said, f"{lost} records lost without a word"
        assert any("outran the tailer" in d for d in ing.degraded()), ing.degraded()  # on /api/status
        assert ing.status()["sources"][0]["overruns"] == overruns
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("glob", ["r.log", "r.log*"])
async def test_rollover_seen_with_the_live_name_missing_is_an_overrun(tmp_path: Path, harness: Harness, glob: str,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    """RotatingFileHandler renames the live file, then creates it again: a look in between finds
    the name missing and our file deleted. With generations we never saw beside it the rotation ran
    past our file (.1 -> .2 -> .3 -> deleted): said like any overrun; the generations still there
    are read, the ones deleted unseen are the (said) loss, and nothing is read twice."""
    caplog.set_level(logging.WARNING)
    base = tmp_path / "r.log"
    body, errs = records(0, 10)
    base.write_text(body)
    ing = await harness.start(make_config(tmp_path, [str(tmp_path / glob)]))
    await harness.wait_events(len(errs))
    files: dict[str, list[int]] = {"r.log": errs}  # name -> error records it holds
    seq = 10
    for gen in range(5):  # backupCount 3, no look in between; the last rollover stops after the rename
        files.pop("r.log.3", None)
        (tmp_path / "r.log.3").unlink(missing_ok=True)
        for i in (2, 1):
            if f"r.log.{i}" in files:
                (tmp_path / f"r.log.{i}").rename(tmp_path / f"r.log.{i + 1}")
                files[f"r.log.{i + 1}"] = files.pop(f"r.log.{i}")
        base.rename(tmp_path / "r.log.1")
        files["r.log.1"] = files.pop("r.log")
        if gen < 4:
            body, new = records(seq, 10)
            base.write_text(body)
            files["r.log"] = new
            seq += 10
    survivors = [s for name in ("r.log.1", "r.log.2", "r.log.3") for s in files[name]]
    for _ in range(10):
        harness.clock.advance(0.6)
        await asyncio.sleep(0.01)
    body, last = records(seq, 10)
    base.write_text(body)
    await harness.wait_events(len(errs) + len(survivors) + len(last))
    harness.sink.assert_exactly_once(errs + survivors + last)
    assert harness.metric("sidecar_rotations_total", source=str(tmp_path / glob), kind="overrun") >= 1
    assert [r for r in caplog.records if "rotation outran the tailer" in r.getMessage()]
    assert any("outran the tailer" in d for d in ing.degraded())
