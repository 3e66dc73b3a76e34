"""Docker's `local` log driver: not text, said on the source, nothing read from it (listed as not generated until round 13).

The file is written as moby writes it (daemon/logger/local/local.go `marshal`: a 4-byte big-endian size,
the protobuf LogEntry - api/types/plugins/logdriver/entry.proto: 1 source, 2 time_nano, 3 line without its
newline, 4 partial, 6 attrs - and the size again), the entries generated: stdout records and stderr
crashes, partial entries (lines over 16 KiB), attrs (`--log-opt labels=`), several seeds. Field 1's tag
byte is a newline, so a text reader split each entry into lines no header parses: nothing was stored and
nothing was said. Now the source says so (its last_error, /readyz, one warning), no event comes from it
and no descriptor stays on it. Near-miss twin that must NOT change: the same records written by the
json-file driver beside it are read, every error once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sidecar.ingest.dockerlocal import looks_docker_local

from .conftest import Harness, make_config, open_in, wait_for


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(num: int, payload: bytes) -> bytes:  # wire type 2: length-delimited
    return _varint(num << 3 | 2) + _varint(len(payload)) + payload


def local_entry(source: str, t_ns: int, line: bytes, partial: bool, attrs: dict[str, str]) -> bytes:
    """One entry as moby's local driver writes it."""
    msg = _field(1, source.encode()) + _varint(2 << 3) + _varint(t_ns) + _field(3, line)
    if partial:
        msg += _varint(4 << 3) + b"\x01" + _field(5, _varint(1 << 3) + b"\x00" + _field(2, b"id1"))
    for k, v in sorted(attrs.items()):
        msg += _field(6, _field(1, k.encode()) + _field(2, v.encode()))
    size = len(msg).to_bytes(4, "big")
    return size + msg + size


def _records(rnd: random.Random) -> tuple[list[tuple[str, bytes, bool]], int]:
    out: list[tuple[str, bytes, bool]] = []
    errors = 0
    for seq in range(rnd.randint(10, 40)):
        level = rnd.choice(("INFO", "ERROR", "WARNING", "CRITICAL"))
        errors += level in ("ERROR", "CRITICAL")
        text = f"2026-12-07 03:0{seq % 10}:00,123 {level} gw.api: event seq={seq}"
        if rnd.random() < 0.1:  # over 16 KiB: moby's copier writes it as partial entries
            text += " " + "x" * 17000
            out.append(("stdout", text[:16384].encode(), True))
            out.append(("stdout", text[16384:].encode(), False))
        else:
            out.append(("stdout", text.encode(), False))
    return out, errors


@pytest.mark.parametrize("seed", range(3))
async def test_a_local_driver_log_is_said_and_not_read(tmp_path: Path, harness: Harness, seed: int,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    rnd = random.Random(f"docker-local-{seed}")
    recs, errors = _records(rnd)
    attrs = {"com.example.svc": "gateway"} if rnd.random() < 0.5 else {}
    t0 = 1_796_000_000 * 10**9
    local = tmp_path / "container.log"  # the local driver's name, in local-logs/
    local.write_bytes(b"".join(local_entry(src, t0 + i, line, part, attrs) for i, (src, line, part) in enumerate(recs)))
    assert looks_docker_local(local.read_bytes()[:4096])
    jsonf = tmp_path / "abc-json.log"  # the twin: the same records through the json-file driver
    with jsonf.open("w") as w:
        for i, (src, line, part) in enumerate(recs):
            t = datetime.fromtimestamp((t0 + i) / 1e9, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"
            w.write(json.dumps({"log": line.decode() + ("" if part else "\n"), "stream": src, "time": t}) + "\n")
    paths = [str(tmp_path / "*.log")] if rnd.random() < 0.5 else [str(local), str(jsonf)]
    ing = await harness.start(make_config(tmp_path, paths))
    await harness.wait_events(errors)
    await wait_for(lambda: ing.status()["sources"][0]["last_error"] is not None, 5, harness.clock)
    src = ing.status()["sources"][0]
    assert "Docker's `local` log driver" in src["last_error"] and str(local) in src["last_error"]
    assert any("local" in p for p in ing.problems()), ing.problems()
    with local.open("ab") as w:  # it grows: still nothing read from it
        w.write(local_entry("stderr", t0 + 10**9, b"2026-12-07 03:09:00,000 ERROR gw.api: event seq=999", False, attrs))
    for _ in range(20):  # ten scans
        harness.clock.advance(0.5)
        await asyncio.sleep(0.01)
    assert {e.file for e in harness.sink.events} == {str(jsonf)}
    assert len(harness.sink.events) == errors
    assert str(local) not in open_in(tmp_path)
    said = [r for r in caplog.records if "local" in str(getattr(r, "error", ""))]
    assert len(said) == 1 and said[0].levelno == logging.WARNING, [r.getMessage() for r in caplog.records]
