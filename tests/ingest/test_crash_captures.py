"""`docker logs`-shaped captures of a crash-looping Python daemon, in UTF-8 and UTF-16 (issue 16).

The daemon is a real Python process: logging to stdout, an uncaught NameError at import printed
by Python's excepthook to stderr, both into one stream (what `docker logs` shows). It is run 12
times, like a restarting container. UTF-16 LE with BOM is what PowerShell's `>` writes.
"""

from __future__ import annotations

import codecs
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sidecar.config import Config
from sidecar.ingest.encoding import sniff
from sidecar.ingest.parser import FileParser, ParserOptions

from .conftest import Harness, make_config, wait_for

RUNS = 12

DAEMON = textwrap.dedent('''
    import logging, sys
    logging.basicConfig(stream=sys.stdout, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%Y-%m-%d %H:%M:%S")
    env = logging.getLogger("src.bootstrap.env_loader")
    env.info("Loaded environment from /app/.env (42 keys)")
    logging.getLogger("src.daemon.redis").error("Redis unavailable: connection refused (attempt 1/3)")
    try:
        {}["KIMI_API_KEY"]
    except KeyError:
        logging.getLogger("src.config").exception("config lookup failed")
    logging.getLogger("src.daemon.ws").warning("retrying in 5s; payload said ERROR Traceback earlier")
    env.info("Environment ready: TZ=Australia/Melbourne")

    def start():
        return os.getpid()

    start()
''')


def capture(tmp_path: Path, unbuffered: bool) -> bytes:
    """What `docker logs` prints for RUNS restarts: stdout and stderr in one stream."""
    script = tmp_path / "daemon.py"
    script.write_text(DAEMON)
    env = {"PYTHONUNBUFFERED": "1"} if unbuffered else {}
    out = b""
    for _ in range(RUNS):
        res = subprocess.run([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             env={"PATH": "/usr/bin:/bin", **env}, timeout=30)
        assert res.returncode == 1
        out += res.stdout
    assert out.count(b"Traceback (most recent call last):") == 2 * RUNS
    return out


def encode(data: bytes, how: str) -> bytes:
    text = data.decode("utf-8")
    if how == "utf-8":
        return data
    if how == "utf-8-bom":
        return codecs.BOM_UTF8 + data
    if how == "utf-16-le-bom":  # PowerShell: docker logs gw > capture.txt
        return codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le")
    if how == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    if how == "utf-16-le":
        return text.encode("utf-16-le")
    raise AssertionError(how)


def parse(data: bytes, chunk: int, encoding: str = "utf-8") -> list:
    p = FileParser("cap", "capture.txt", ParserOptions(encoding=encoding))
    events = []
    for i in range(0, len(data), chunk):
        events += p.feed(data[i:i + chunk])
    return events + p.flush()


def check(events: list) -> None:
    crashes = [e for e in events if e.logger == "uncaught"]
    assert len(crashes) == RUNS
    assert all(e.level == "CRITICAL" and e.exception_type == "NameError" for e in crashes)
    assert all(e.exception_message == "name 'os' is not defined" for e in crashes)
    assert all(e.frames and e.frames[-1].function == "start" for e in crashes)
    assert all("Environment ready" not in e.raw and "env_loader" not in e.raw for e in crashes)
    assert all(e.timestamp is not None for e in crashes)  # the last record before it bounds its time
    errors = [e for e in events if e.level == "ERROR"]
    assert sorted({e.logger for e in errors}) == ["src.config", "src.daemon.redis"]
    assert len(errors) == 2 * RUNS
    lookups = [e for e in errors if e.logger == "src.config"]
    assert all(e.exception_type == "KeyError" and "NameError" not in e.raw for e in lookups)
    assert not [e for e in events if e.level in ("INFO", "WARNING")]
    assert len(events) == 3 * RUNS


@pytest.mark.parametrize("how", ["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le"])
@pytest.mark.parametrize("unbuffered", [True, False])
def test_crash_loop_capture_every_encoding(tmp_path: Path, how: str, unbuffered: bool) -> None:
    data = encode(capture(tmp_path, unbuffered), how)
    for chunk in (len(data), 4096, 7):
        check(parse(data, chunk))


def test_offsets_of_utf16_events_are_file_offsets(tmp_path: Path) -> None:
    data = encode(capture(tmp_path, True), "utf-16-le-bom")
    for e in parse(data, 333):
        raw = data[e.offset:e.end_offset].decode("utf-16-le").replace("\r\n", "\n").rstrip("\n")
        assert raw == e.raw
        assert e.offset % 2 == 0


def test_configured_encoding_and_bad_bytes(tmp_path: Path) -> None:
    line = "2026-11-23 10:00:00 ERROR app: caf\u00e9 ferm\u00e9\n"
    ev, = parse(line.encode("cp1252"), 5, encoding="cp1252")
    assert ev.message == "caf\u00e9 ferm\u00e9"
    odd = codecs.BOM_UTF16_LE + "2026-11-23 10:00:00 ERROR app: x\n".encode("utf-16-le") + b"\x00\xd8\n\x00"
    events = parse(odd, 3)  # a lone surrogate and a dangling byte: replaced, never an exception
    assert [e.message for e in events] == ["x"]
    with pytest.raises(ValueError, match="unknown encoding"):
        Config.model_validate({"sources": [{"paths": ["x.log"], "encoding": "klingon-8"}]})
    assert sniff(b"\xff\xfe2\x00").codec == "utf-16-le"
    assert sniff(b"2026-11-23").codec == "utf-8"


async def test_tailer_reads_a_utf16_capture_as_it_grows(tmp_path: Path, harness: Harness) -> None:
    data = encode(capture(tmp_path, True), "utf-16-le-bom")
    path = tmp_path / "capture.txt"
    half = len(data) // 2 + 1  # an odd split: half a code unit arrives later
    path.write_bytes(data[:half])
    ing = await harness.start(make_config(tmp_path, [str(path)]))
    with path.open("ab") as w:
        w.write(data[half:])
    await harness.wait_events(3 * RUNS)
    await wait_for(lambda: not ing.files[0].parser.pending(), clock=harness.clock)
    check(harness.sink.events)


async def test_tailer_resumes_a_utf16_file_from_its_checkpoint(tmp_path: Path, harness: Harness) -> None:
    data = encode(capture(tmp_path, True), "utf-16-le-bom")
    path = tmp_path / "capture.txt"
    cut = data.index("Environment ready".encode("utf-16-le"), len(data) // 2)
    path.write_bytes(data[:cut])
    cfg = make_config(tmp_path, [str(path)])
    ing = await harness.start(cfg)
    await wait_for(lambda: len(harness.sink.events) >= RUNS, clock=harness.clock)
    await harness.stop(ing)
    with path.open("ab") as w:
        w.write(data[cut:])
    ing = await harness.start(cfg)
    await harness.wait_events(3 * RUNS)
    await wait_for(lambda: not ing.files[0].parser.pending(), clock=harness.clock)
    check(harness.sink.events)


async def test_crash_loop_is_marked_on_the_group(tmp_path: Path, sqlite_store) -> None:
    """12 identical crashes within minutes: one CRITICAL group, marked as a crash loop; a lone crash is not."""
    import time as _time

    from sidecar.bus import Bus
    from sidecar.clock import ManualClock
    from sidecar.config import GroupingConfig
    from sidecar.errors.groups import GroupRecorder
    from sidecar.telemetry import Telemetry
    from sidecar.web.pages.data import group_view

    events = parse(encode(capture(tmp_path, True), "utf-16-le-bom"), 4096)
    now = _time.time() + 5
    recorder = GroupRecorder(sqlite_store, Bus(), ManualClock(start=now), Telemetry(), GroupingConfig())
    for e in events:
        e.received_at = now
    await recorder.record(events)
    rows, _ = await sqlite_store.groups.list()
    crashes = [r for r in rows if r["logger"] == "uncaught"]
    assert len(crashes) == 1 and crashes[0]["occurrence_count"] == RUNS and crashes[0]["level"] == "CRITICAL"
    view = group_view(await sqlite_store.groups.get(crashes[0]["error_hash"]))
    assert view.crash_loop_at is not None
    others = [group_view(r) for r in rows if r["logger"] != "uncaught"]
    assert others and all(v.crash_loop_at is None for v in others)  # logged errors are not crashes

    lone = parse(b"2026-11-23 10:00:00 INFO boot: starting\nTraceback (most recent call last):\n"
                 b'  File "/app/x.py", line 1, in <module>\nImportError: cannot import name build_conversation_history\n', 64)
    lone[0].received_at = now
    await recorder.record(lone)
    rows, _ = await sqlite_store.groups.list()
    (imp,) = [r for r in rows if r["error_type"] == "ImportError"]
    assert group_view(await sqlite_store.groups.get(imp["error_hash"])).crash_loop_at is None
