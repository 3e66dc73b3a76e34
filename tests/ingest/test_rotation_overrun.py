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

from .conftest import Harness, Recorder, make_config

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
    while proc.returncode is None:
        harness.clock.advance(0.05)
        try:
            await asyncio.wait_for(proc.wait(), 0.005)
        except TimeoutError:
            pass
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
