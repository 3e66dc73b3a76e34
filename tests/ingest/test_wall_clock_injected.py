"""The injected kernel clock (`Ingest(wall=...)`) is the one every wall time of the file set is taken from, from the
constructor on (re-read r16): FileSet.__init__ took `looked_wall` (the sources' `alive` until the first look) from the
real time.time before Ingest set its `wall`, and start() did not take it again. Twin: no offset, nothing moves."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest.tail import Ingest
from sidecar.telemetry import Telemetry

from .conftest import Recorder, make_config


@pytest.mark.parametrize("offset", [-86400.0 * 3, 3600.0 * 7, 86400.0 * 400])
def test_looked_until_before_any_look_is_on_the_injected_clock(tmp_path: Path, offset: float) -> None:
    now = time.time() + offset
    ing = Ingest(make_config(tmp_path, [str(tmp_path / "app.log")]), Recorder(), ManualClock(), Telemetry(),
                 wall=lambda: now)
    assert ing.fs.started_wall == now - 1.0
    assert ing.fs.looked_until() == now - 1.0


def test_real_clock_by_default(tmp_path: Path) -> None:
    before = time.time()
    ing = Ingest(make_config(tmp_path, [str(tmp_path / "app.log")]), Recorder(), ManualClock(), Telemetry())
    after = time.time()
    assert before - 1.0 <= ing.fs.started_wall == ing.fs.looked_until() <= after - 1.0
