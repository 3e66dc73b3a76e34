"""Parsers on each format, fed real `logging` output of exceptions raised in the test itself."""

from __future__ import annotations

import io
import json
import logging

import pytest

from sidecar.ingest.detect import detect_format
from sidecar.ingest.parser import FileParser, ParserOptions
from sidecar.ingest.rawrecord import Limits

FMT1 = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FMT2 = "%(asctime)s - %(name)s - %(levelname)s - %(message)s"


def log_text(fmt: str, datefmt: str | None, emit) -> bytes:
    """Run `emit(logger)` against a real logging handler and return what it wrote."""
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setFormatter(logging.Formatter(fmt, datefmt))
    lg = logging.getLogger(f"src.test.{id(buf)}")
    lg.handlers = [handler]
    lg.propagate = False
    lg.setLevel(logging.DEBUG)
    emit(lg)
    return buf.getvalue().encode()


def parse(data: bytes, chunk: int | None = None, **opts) -> list:
    p = FileParser("test", "f.log", ParserOptions(**opts))
    events = []
    step = chunk or len(data) or 1
    for i in range(0, len(data), step):
        events += p.feed(data[i:i + step])
    return events + p.flush()


def raise_chained():
    try:
        {}["missing"]
    except KeyError as exc:
        raise ValueError("lookup failed") from exc


def raise_during_handling():
    try:
        _ = 1 / 0
    except ZeroDivisionError:
        raise RuntimeError("while handling")  # noqa: B904 (implicit chaining is the point)


def raise_group():
    try:
        raise_chained()
    except ValueError as exc:
        raise ExceptionGroup(  # noqa: B904 (the context chain is part of what is parsed)
            "several failures", [exc, TypeError("t"), ExceptionGroup("inner", [OSError(5, "io")])])


def gateway_log(lg: logging.Logger) -> None:
    lg.info("chat.completions.create payload (sanitized): {'x': 'CRITICAL ERROR Traceback (most recent call last):'}")
    try:
        raise_chained()
    except ValueError:
        lg.exception("tool call failed")
    try:
        raise_during_handling()
    except RuntimeError:
        lg.critical("handler crashed", exc_info=True)
    try:
        raise_group()
    except ExceptionGroup:
        lg.error("group failed", exc_info=True)
    try:
        compile("def broken(:\n    pass\n", "plugin.py", "exec")
    except SyntaxError:
        lg.warning("plugin rejected", exc_info=True)
    lg.error("plain error ERROR")
    lg.info("bye")


@pytest.mark.parametrize("fmt,datefmt", [(FMT1, "%Y-%m-%d %H:%M:%S"), (FMT1, "%Y-%m-%d %H:%M:%S AEDT"),
                                         (FMT2, None), (FMT1, None)])
def test_text_formats_with_real_tracebacks(fmt, datefmt):
    data = log_text(fmt, datefmt, gateway_log)
    events = parse(data)
    # A traceback under a WARNING record is filed as an uncaught crash (issue 16: in `docker logs`
    # output, excepthook tracebacks land under whatever INFO/WARNING line stdout printed last).
    assert [e.level for e in events] == ["ERROR", "CRITICAL", "ERROR", "CRITICAL", "ERROR"]
    chained, during, group, syntax, plain = events
    assert syntax.logger == "uncaught" and syntax.message.startswith("SyntaxError")
    assert chained.message == "tool call failed" and chained.logger.startswith("src.test.")
    assert [c.type for c in chained.chain] == ["KeyError", "ValueError"]
    assert chained.exception_type == "ValueError" and chained.exception_message == "lookup failed"
    assert [f.function for f in chained.frames][-1] == "raise_chained"
    assert chained.line == 2 and data.splitlines()[1].decode().endswith("tool call failed")
    assert [c.type for c in during.chain] == ["ZeroDivisionError", "RuntimeError"]
    assert group.exception_type == "ExceptionGroup" and group.exception_message.startswith("several failures")
    assert [c.type for c in group.chain][-1] == "ExceptionGroup"
    assert syntax.exception_type == "SyntaxError" and syntax.frames[-1].file == "plugin.py"
    assert plain.exception_type is None and plain.message == "plain error ERROR"
    assert all(e.timestamp is not None for e in events)
    for e in events:  # offsets cover exactly the record's bytes
        assert data[e.offset:e.end_offset].decode().rstrip("\n") == e.raw


def test_zone_word_sets_the_timestamp_offset():
    data = b"2025-11-03 17:00:08 AEDT ERROR ws_daemon: Stale PID file\n"
    (ev,) = parse(data)
    assert ev.timestamp.isoformat() == "2025-11-03T06:00:08+00:00" and ev.logger == "ws_daemon"


def test_level_only_from_header_position():
    data = (
        b"2025-11-03 17:00:04 INFO root: CRITICAL: the word CRITICAL and ERROR in an INFO message\n"
        b"2025-11-03 17:00:04 INFO root: payload " + b"ERROR CRITICAL FATAL " * 1600 + b"\n"
        b"2025-11-03 17:00:05 - svc - INFO - message with - ERROR - inside\n"
        b"ERROR in the middle of a continuation line\n"
        b"2025-11-03 17:00:06 WARNING root: warn\n"
    )
    assert parse(data) == []


def test_basic_config_default_format():
    data = log_text("%(levelname)s:%(name)s:%(message)s", None, lambda lg: (lg.info("x"), lg.error("boom")))
    (ev,) = parse(data)
    assert ev.level == "ERROR" and ev.message == "boom"


def test_user_pattern_with_named_groups():
    pattern = r"(?P<time>\d\d:\d\d:\d\d) \[(?P<level>[A-Z]+)\s*\] (?P<logger>\S+): (?P<message>.*)"
    data = log_text("%(asctime)s [%(levelname)-8s] %(name)s: %(message)s", "%H:%M:%S",
                    lambda lg: (lg.info("ok ERROR"), lg.error("shim failed"), _log_exc(lg)))
    events = parse(data, format="text", pattern=pattern)
    assert [e.message for e in events] == ["shim failed", "ValueError: lookup failed"]
    assert events[1].exception_type == "ValueError"
    assert (events[1].level, events[1].logger) == ("CRITICAL", "uncaught")


def _log_exc(lg):
    try:
        raise_chained()
    except ValueError:
        lg.info("with traceback", exc_info=True)  # a traceback under an INFO record: filed as a crash


def test_chunking_does_not_change_events():
    data = log_text(FMT1, None, gateway_log)
    whole = [(e.line, e.offset, e.end_offset, e.raw) for e in parse(data)]
    for chunk in (1, 7, 64, 4096):
        assert [(e.line, e.offset, e.end_offset, e.raw) for e in parse(data, chunk)] == whole


def test_tool_call_failed_block_joins_one_record():
    data = (
        b"2025-10-16 02:53:22 ERROR ws_daemon: === TOOL CALL FAILED ===\n"
        b"Tool: chat\nDuration: 20.78s\nError: upstream timeout\nFull traceback:\n"
        b"Traceback (most recent call last):\n"
        b'  File "/app/src/daemon/ws_server.py", line 849, in call\n'
        b"    await tool()\n"
        b"TimeoutError: upstream timeout\n"
        b"=== END ===\n"
        b"2025-10-16 02:53:23 INFO ws_daemon: next\n"
    )
    (ev,) = parse(data)
    assert ev.exception_type == "TimeoutError" and ev.raw.endswith("=== END ===") and ev.line == 1


def test_tool_call_failed_block_of_headed_records_with_interleaving():
    h = "2025-10-16 02:53:22 ERROR ws_daemon: "
    data = (
        (h + "=== TOOL CALL FAILED ===\n" + h + "Tool: chat\n").encode()
        + b"2025-10-16 02:53:22 ERROR src.other: unrelated failure\n"
        + b"2025-10-16 02:53:22 INFO src.other: noise\n"
        + (h + "Error: upstream timeout\n" + h + "Full traceback:\n").encode()
        + b"Traceback (most recent call last):\n"
        + b'  File "/app/src/daemon/ws_server.py", line 849, in call\n'
        + b"    await tool()\n"
        + b"TimeoutError: upstream timeout\n"
        + (h + "=== END ===\n").encode()
        + b"2025-10-16 02:53:23 ERROR src.other: after\n"
    )
    for chunk in (None, 5):
        events = parse(data, chunk)
        assert [(e.logger, e.line) for e in events] == [("ws_daemon", 1), ("src.other", 3), ("src.other", 12)]
        block = events[0]
        assert block.exception_type == "TimeoutError" and block.message.endswith("upstream timeout")
        assert "unrelated" not in block.raw and block.raw.endswith("=== END ===")
        assert block.end_offset == data.index(b"2025-10-16 02:53:23")


def test_record_limits_keep_head_and_final_exception():
    def chain(n):
        if n == 0:
            raise OSError("root cause")
        try:
            chain(n - 1)
        except Exception as exc:
            raise LookupError(f"level {n}") from exc

    def emit(lg):
        try:
            chain(80)
        except LookupError:
            lg.error("too deep", exc_info=True)
        lg.info("next record")

    data = log_text(FMT1, None, emit)
    assert data.count(b"\n") > 400 and len(data) > 20_000
    for limits in (Limits(max_lines=50, max_bytes=1 << 20), Limits(max_lines=500, max_bytes=4096)):
        for chunk in (None, 1000):
            (ev,) = parse(data, chunk, limits=limits)
            assert ev.truncated and ev.raw.count("\n") <= limits.max_lines + 1
            assert len(ev.raw) <= limits.max_bytes + 8192 + 64  # head + tail (with the final exception)
            assert ev.exception_type == "LookupError" and ev.exception_message == "level 80"
            assert ev.end_offset == data.rindex(b"\n", 0, len(data) - 1) + 1  # the whole record


def test_json_lines_aliases():
    lines = [
        {"levelname": "ERROR", "name": "src.a", "message": "m1", "asctime": "2025-11-03 17:00:04,123"},
        {"severity": "CRITICAL", "logger": "b", "msg": "m2", "timestamp": 1762189204.5},
        {"level": "info", "event": "CRITICAL words in info", "logger": "c"},
        {"level": "warning", "event": "structlog", "exception": _tb_text()},
        {"level": 50, "msg": "numeric"},
        {"level": "error", "message": "with stack", "stack": "ValueError: short form"},
    ]
    data = b"".join(json.dumps(x).encode() + b"\n" for x in lines) + b'{"level": "error", broken\n'
    p = FileParser("t", "f.jsonl", ParserOptions())
    events = p.feed(data) + p.flush()
    assert p.format == "json"
    assert [e.message for e in events] == ["m1", "m2", "structlog", "numeric", "with stack"]
    assert [e.level for e in events] == ["ERROR", "CRITICAL", "WARNING", "CRITICAL", "ERROR"]
    assert events[0].logger == "src.a" and events[0].timestamp is not None and events[0].line == 1
    assert events[2].exception_type == "ValueError" and events[2].frames
    assert events[4].exception_type == "ValueError" and events[4].exception_message == "short form"
    assert [e.line for e in events] == [1, 2, 4, 5, 6]
    assert p.bad_lines == 1


def test_json_record_over_the_line_limit_is_still_an_event():
    huge = json.dumps({"level": "error", "logger": "src.big", "message": "payload too big",
                       "payload": "z" * 300_000}).encode() + b"\n"
    data = b'{"level": "info", "msg": "x"}\n' + huge + b'{"level": "error", "msg": "after"}\n'
    p = FileParser("t", "f.jsonl", ParserOptions())
    events = p.feed(data) + p.flush()
    assert [(e.message, e.line, e.truncated) for e in events] == [("payload too big", 2, True), ("after", 3, False)]
    assert events[0].end_offset == len(data) - len(b'{"level": "error", "msg": "after"}\n')
    assert p.truncated_lines == 1 and p.bad_lines == 0


def _tb_text() -> str:
    import traceback

    try:
        raise_chained()
    except ValueError:
        return traceback.format_exc()
    raise AssertionError


def _docker(log: str, stream: str = "stderr") -> bytes:
    return json.dumps({"log": log, "stream": stream, "time": "2025-11-03T06:00:00.000000001Z"}).encode() + b"\n"


def test_docker_json_file_reassembles_lines_per_stream():
    text = log_text(FMT1, None, lambda lg: (lg.info("start"), _log_error(lg), lg.info("after"))).decode()
    lines = text.splitlines(keepends=True)
    out = b""
    for i, ln in enumerate(lines):
        out += _docker(ln)
        out += _docker(f"stdout noise {i}\n", "stdout")  # interleaved other stream
    big = "2025-11-03 17:00:09 ERROR big: " + "y" * 20000 + "\n"
    out += _docker(big[:16384]) + _docker(big[16384:])  # Docker splits long lines at 16 KiB
    out += _docker("2025-11-03 17:00:10 INFO x: end\n")
    assert detect_format(out[:4096]) == "docker"
    events = parse(out)
    assert [e.logger for e in events] == [events[0].logger, "big"]
    ev = events[0]
    assert ev.exception_type == "ValueError" and ev.line == 3  # outer line of the header record
    assert "stdout noise" not in ev.raw
    assert events[1].message.startswith("yyy") and len(events[1].message) == 20000


def _log_error(lg):
    try:
        raise_chained()
    except ValueError:
        lg.exception("in container")


def test_detect_format():
    assert detect_format(b"") is None
    assert detect_format(b"2025-11-03 17:00:04 INFO a: b\n") == "text"
    assert detect_format(b'{"level": "info", "msg": "x"}\n') == "json"
    assert detect_format(_docker("x\n")) == "docker"
