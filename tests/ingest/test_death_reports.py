"""A process's death as CPython prints it, in a `docker logs` capture: one uncaught event each (round 8).

Classes from CPython's own output (tests/ingest/crash_programs.py runs a real interpreter): the
excepthook's chained tracebacks and exception groups, KeyboardInterrupt, faulthandler's
`Fatal Python error` dump, a SyntaxError of the main module (no traceback header), a traceback
glued after an unbuffered `print(..., end="")`; and stderr lines that are NOT an error event
(logging.lastResort's bare message, SystemExit's message). Plus `docker logs --details` (moby
write_log_stream.go: attributes `k=v,...` and one space, or the space alone, before every line,
after the `-t` stamp) in UTF-8 and UTF-16. Found wrong by the writer taxonomy's round-8 classes:
fault, syntax, glued and two exception groups in a row gave no event or one for two; --details
captures stored nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sidecar.ingest.parser import FileParser, ParserOptions
from sidecar.ingest.record import ErrorEvent

from .crash_programs import MARK, NOISE, crash_text

KINDS = {"cause": "RuntimeError", "context": "ValueError", "group": "ExceptionGroup",
         "keyboard": "KeyboardInterrupt", "fault": None, "syntax": "SyntaxError", "syntax_import": "SyntaxError",
         "thread": "ValueError", "unraisable": "OSError", "logging_error": "ValueError",
         "lastresort": None, "sysexit": None}
STAMP = "2026-12-06T00:00:01.123456789Z "


def parse(data: bytes, step: int) -> list[ErrorEvent]:
    p = FileParser("capture", "r.log", ParserOptions())
    out: list[ErrorEvent] = []
    for i in range(0, len(data), step):
        out += p.feed(data[i:i + step])
    return out + p.flush()


def capture(crash: list[str], prefix: str = "", encoding: str = "utf-8", glued: bool = False) -> bytes:
    """INFO, the crash twice in a row, INFO, an ERROR record: a crash loop as `docker logs` shows it."""
    info = "2026-12-06 10:00:00,001 INFO src.bootstrap.env_loader: loaded"
    lines = [info]
    for n in (1, 2):
        body = [ln.replace(MARK, str(n)) for ln in crash]
        if glued:  # an unbuffered print(..., end="") right before the excepthook's output
            body[0] = "loading settings..." + body[0]
        lines += body
    lines += [info, "2026-12-06 10:00:02,001 ERROR gw.e1: event seq=1"]
    return "".join(prefix + ln + "\n" for ln in lines).encode(encoding)


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    d = tmp_path_factory.mktemp("crashes")
    return {k: crash_text(k, str(d)) for k in KINDS}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("step", [1 << 20, 61])
def test_each_death_is_one_uncaught_event(texts: dict[str, list[str]], kind: str, step: int) -> None:
    events = parse(capture(texts[kind]), step)
    crashes = [e for e in events if e.logger == "uncaught"]
    want = 0 if kind in NOISE else 2
    assert len(crashes) == want, (kind, [(e.line, e.message) for e in events])
    assert all(e.level == "CRITICAL" and e.exception_type == KINDS[kind] for e in crashes), crashes
    assert len({e.line for e in crashes}) == want  # two crashes in a row are two events
    logged = [e for e in events if e.logger != "uncaught"]
    assert [(e.logger, e.message, e.exception_type) for e in logged] == [("gw.e1", "event seq=1", None)]


def test_fault_dump_keeps_its_report(texts: dict[str, list[str]]) -> None:
    (first, _second) = [e for e in parse(capture(texts["fault"]), 1 << 20) if e.logger == "uncaught"]
    assert first.message == "Fatal Python error: Segmentation fault"
    assert "crash_1" in first.raw and "crash_2" not in first.raw


@pytest.mark.parametrize("step", [1 << 20, 53])
def test_traceback_glued_after_unbuffered_print(texts: dict[str, list[str]], step: int) -> None:
    crashes = [e for e in parse(capture(texts["cause"], glued=True), step) if e.logger == "uncaught"]
    assert [e.exception_type for e in crashes] == ["RuntimeError", "RuntimeError"]


@pytest.mark.parametrize("prefix", ["", " ", "com.docker.compose.service=gw,env=prod ", STAMP + " ",
                                    STAMP + "tag=gw%2Fapi "])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_details_prefix(texts: dict[str, list[str]], prefix: str, encoding: str) -> None:
    events = parse(capture(texts["group"], prefix, encoding), 97)
    assert sorted((e.logger or "", e.exception_type or "") for e in events) == [
        ("gw.e1", ""), ("uncaught", "ExceptionGroup"), ("uncaught", "ExceptionGroup")], (prefix, events)


def test_details_capture_that_starts_inside_a_traceback(texts: dict[str, list[str]]) -> None:
    """`--since` cut a crash: the first lines are its frames (indented); the prefix is decided later."""
    data = capture(texts["cause"], " ")
    tail = "".join(" " + ln + "\n" for ln in texts["context"][-3:]).encode()
    events = parse(tail + data, 1 << 20)
    assert [e.logger for e in events].count("gw.e1") == 1
    assert [e.exception_type for e in events if e.logger == "uncaught"][-2:] == ["RuntimeError", "RuntimeError"]


def test_logfmt_is_not_a_details_prefix(tmp_path: Path) -> None:
    """A `key=value` first token followed by a level word is logfmt, not Docker's attributes: nothing cut."""
    lines = [f"level=info ts=2026-12-06T10:00:0{i}Z msg=ok\n" for i in range(3)]
    data = ("".join(lines) + "2026-12-06 10:00:02,001 ERROR gw.e1: event seq=1\n").encode()
    events = parse(data, 1 << 20)
    assert [(e.logger, e.line) for e in events] == [("gw.e1", 4)]
    assert events[0].raw == "2026-12-06 10:00:02,001 ERROR gw.e1: event seq=1"


@pytest.mark.parametrize("prefix", [" ", "com.docker.compose.service=gw "])
def test_details_decided_past_a_cut_exception_line(texts: dict[str, list[str]], prefix: str) -> None:
    """`--since` left only the exception line of a crash (column 0 after the attributes)."""
    data = (prefix + texts["context"][-1] + "\n").encode() + capture(texts["cause"], prefix)
    events = parse(data, 1 << 20)
    assert [e.logger for e in events].count("gw.e1") == 1
    assert [e.exception_type for e in events if e.logger == "uncaught"][-2:] == ["RuntimeError", "RuntimeError"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_details_decided_from_the_head_after_a_restart(texts: dict[str, list[str]], encoding: str) -> None:
    """A restarted tailer resumes past offset 0: the prefix is decided from the file's head it is given
    (the first line alone - a cut exception line - tells nothing: the second one does)."""
    prefix = "com.docker.compose.service=gw,env=prod "
    data = (prefix + texts["context"][-1] + "\n").encode(encoding) + capture(texts["cause"], prefix, "utf-16-le"
                                                                             if encoding == "utf-16" else encoding)
    start = data.index("ERROR gw.e1".encode("utf-16-le" if encoding == "utf-16" else encoding))
    start = data.rindex("\n".encode("utf-16-le" if encoding == "utf-16" else encoding), 0, start) + (
        2 if encoding == "utf-16" else 1)
    p = FileParser("capture", "r.log", ParserOptions(), offset=start, head=data[:4096])
    events = p.feed(data[start:]) + p.flush()
    assert [(e.logger, e.message) for e in events] == [("gw.e1", "event seq=1")]
