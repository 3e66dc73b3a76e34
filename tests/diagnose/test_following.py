"""The later records of an error (following.py) and where `sidecar run` reads them from (context.read_after).

A real log file written by the logging module: the record's own traceback lines are skipped, the lines after it are
read up to the bound, and the ties hold - the same request id ties, another request's id never does, the same logger
or the same host ties a record without an id, and a record past the window is not read.
"""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest

from sidecar.diagnose.context import read_after
from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.following import later_records, request_id
from tests.diagnose.logged import FORMAT


def _write_log(path: Path, rng: random.Random) -> tuple[int, int, list[str]]:
    """(the error record's first line, its line count, the later messages) of a file the logging module wrote."""
    log = logging.getLogger(f"tests.following.{rng.randrange(10**6)}")
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(FORMAT)
    log.addHandler(handler)
    log.propagate = False
    before = [f"step {i}" for i in range(rng.randrange(1, 5))]
    later = [f"after {i}" for i in range(rng.randrange(2, 6))]
    try:
        for m in before:
            log.warning(m)
        try:
            {}[rng.choice(("a", "b", "c"))]
        except KeyError:
            log.exception("lookup failed")
        for m in later:
            log.warning(m)
    finally:
        log.removeHandler(handler)
        handler.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.endswith("lookup failed")) + 1
    span = next(i for i, ln in enumerate(lines) if ln.endswith(later[0])) + 1 - start
    return start, span, later


@pytest.mark.parametrize("seed", range(1, 5))
def test_read_after_skips_the_record_and_reads_the_bounded_later_lines(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    path = tmp_path / "gateway.log"
    start, span, later = _write_log(path, rng)
    got = read_after(str(path), start, span, 40)
    assert [ln.rsplit(": ", 1)[-1] for ln in got] == later
    assert len(read_after(str(path), start, span, 1)) == 1
    assert read_after(str(tmp_path / "gone.log"), start, span, 40) == ()


@pytest.mark.parametrize("seed", range(1, 5))
def test_ties_the_same_request_logger_or_host_and_never_another_request(seed: int) -> None:
    rng = random.Random(seed)
    ours, other = f"{rng.randrange(16**6):06x}", f"{rng.randrange(16**6):06x}"
    host = f"files-{rng.randrange(999)}.example.org"
    logger = rng.choice(("tools.fetch", "src.storage.archive", "app.jobs"))
    spelling = rng.choice(("[req:{}]", "request_id={}", "req-id: {}"))
    stamp = "2026-12-06 10:00:0{}"
    error = f"{stamp.format(0)} ERROR {logger}: {spelling.format(ours)} GET https://{host}/x failed"
    assert request_id(error) == ours
    records = [
        f"{stamp.format(1)} INFO {logger}: {spelling.format(other)} ok",  # another request: never
        f"{stamp.format(2)} INFO {logger}: {spelling.format(ours)} ok",  # the same request
        f"{stamp.format(3)} INFO httpx: HTTP Request: GET https://{host}/x \"HTTP/1.1 200 OK\"",  # the same host
        f"{stamp.format(4)} INFO src.unrelated: heartbeat",  # nothing shared
        f"{stamp.format(5)} INFO {logger}: retry ok",  # the same logger, no id
        f"2026-12-06 11:00:00 INFO {logger}: {spelling.format(ours)} ok",  # past the window
    ]
    inp = excerpt_to_input("\n".join([error, *records]))
    ties = {r.line: r.tie for r in later_records(inp)}
    assert records[-1] not in ties
    for line in records[:-1]:
        if other in line:
            assert line not in ties
        elif ours in line:
            assert ties[line] == "request"
        elif host in line:
            assert ties[line] == "remote"
        elif "heartbeat" in line:
            assert line not in ties
        else:
            assert ties[line] == "logger"
