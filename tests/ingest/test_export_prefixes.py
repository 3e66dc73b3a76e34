"""Captures exported with a prefix on every line, and the stdio shim's format (issue 16).

Shapes from the gateway team's own captures as described in /work/shared/research/upstream-gateway.md
(section 1.4/1.2): Compose (`exai-mcp-daemon  | `), Docker Desktop's log view (`2025-10-16
13:53:22.915 | `), PowerShell's `docker : ` with NativeCommandError noise, each in UTF-8 and as
PowerShell's UTF-16 LE with BOM and CRLF; and `scripts/runtime/run_ws_shim.py`'s
`%H:%M:%S [%(levelname)-8s] name: msg`. The generator is ours; expectations come from the
records written, not from the parser.
"""

from __future__ import annotations

import codecs

import pytest

from sidecar.ingest.parser import FileParser, ParserOptions
from sidecar.ingest.record import ErrorEvent

TB = ('Traceback (most recent call last):\n  File "/app/src/bootstrap/env_loader.py", line 12, in <module>\n'
      "    start()\nNameError: name 'os' is not defined\n")


def gateway_records() -> tuple[list[str], list[tuple[int, str, str, str]]]:
    """Lines of a crash-looping daemon's output, and the expected (line, level, logger, type) events."""
    lines: list[str] = []
    expected: list[tuple[int, str, str, str]] = []
    for run in range(3):
        lines.append(f"2025-11-03 17:00:0{run} INFO src.bootstrap.env_loader: Loaded environment (42 keys)")
        lines.append(f"2025-11-03 17:00:0{run} ERROR src.daemon.redis: Redis unavailable (attempt {run})")
        expected.append((len(lines), "ERROR", "src.daemon.redis", ""))
        lines.append(f"2025-11-03 17:00:0{run} INFO src.daemon.ws: payload said CRITICAL ERROR Traceback earlier")
        expected.append((len(lines) + 1, "CRITICAL", "uncaught", "NameError"))
        lines += TB.splitlines()
    return lines, expected


PREFIXES = {
    "compose": lambda i: "exai-mcp-daemon  | ",
    "desktop": lambda i: f"2025-10-16 13:53:{i % 60:02d}.{i % 1000:03d} | ",
    "powershell": lambda i: "docker : " if i == 0 else "",
    # `docker logs -t`: Go's RFC3339NanoFixed (always 9 digits, Z) before every line, tracebacks too
    "timestamps": lambda i: f"2025-11-03T06:00:{i % 60:02d}.{i * 7919 % 10**9:09d}Z ",
}


def parse(data: bytes, chunk: int) -> list[ErrorEvent]:
    p = FileParser("cap", "cap.txt", ParserOptions())
    out: list[ErrorEvent] = []
    for i in range(0, len(data), chunk):
        out += p.feed(data[i:i + chunk])
    return out + p.flush()


@pytest.mark.parametrize("prefix", sorted(PREFIXES))
@pytest.mark.parametrize("utf16", [False, True])
def test_prefixed_captures(prefix: str, utf16: bool) -> None:
    lines, expected = gateway_records()
    text = "".join(PREFIXES[prefix](i) + ln + "\n" for i, ln in enumerate(lines))
    if prefix == "powershell":  # the NativeCommandError block PowerShell prints after the first line
        noise = ("At line:1 char:1\n+ docker logs exai-mcp-daemon > capture.txt\n+ ~~~~~~~~~~~~~~~~~~~~~~~~\n"
                 "    + CategoryInfo          : NotSpecified: (2025-11-03 17:...String) [], RemoteException\n"
                 "    + FullyQualifiedErrorId : NativeCommandError\n \n")
        first, rest = text.split("\n", 1)
        text = first + "\n" + noise + rest
        shift = noise.count("\n")
        expected = [(ln + shift, *x) for ln, *x in expected]  # type: ignore[misc]
    data = codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le") if utf16 else text.encode()
    for chunk in (len(data), 1000, 13):
        got = [(e.line, e.level, e.logger, e.exception_type or "") for e in parse(data, chunk)]
        assert got == expected, chunk


def test_unprefixed_logs_are_not_taken_for_prefixed() -> None:
    text = "db  | not a prefix on line 2\n2025-11-03 17:00:00 ERROR a.b: x | y\n"
    (ev,) = parse(("2025-11-03 17:00:00 INFO a.b: start\n" + text).encode(), 7)
    assert ev.message == "x | y"


def test_a_logs_own_iso_time_is_not_taken_for_docker_timestamps() -> None:
    """Only Docker's fixed 9-digit UTC form is a prefix; a record's own ISO time stays its header."""
    text = ("2025-11-03T06:00:00.123Z INFO a.b: start\n2025-11-03T06:00:01.123456Z ERROR a.b: failed\n"
            "2025-11-03T06:00:02.123456789+00:00 ERROR a.c: also\n")
    got = [(e.level, e.logger, e.message, e.timestamp.isoformat() if e.timestamp else None) for e in parse(text.encode(), 9)]
    assert got == [("ERROR", "a.b", "failed", "2025-11-03T06:00:01.123456+00:00"),
                   ("ERROR", "a.c", "also", "2025-11-03T06:00:02.123456+00:00")]


def test_stdio_shim_format() -> None:
    text = ("17:00:04 [INFO    ] src.shim: connected\n17:00:05 [ERROR   ] src.shim: upstream closed\n"
            "17:00:06 [WARNING ] src.shim: retrying in 5s (last ERROR ignored)\n"
            "17:00:07 [CRITICAL] src.shim: giving up\n")
    got = [(e.line, e.level, e.logger, e.message) for e in parse(text.encode(), 5)]
    assert got == [(2, "ERROR", "src.shim", "upstream closed"), (4, "CRITICAL", "src.shim", "giving up")]


CHAINED = ('Traceback (most recent call last):\n  File "/app/src/monitoring/metrics.py", line 173, in _observe\n'
           "    metric.labels(provider).observe(elapsed)\nValueError: Incorrect label count\n\n"
           "The above exception was the direct cause of the following exception:\n\n"
           'Traceback (most recent call last):\n  File "/app/src/daemon/error_handling.py", line 155, in execute_tool\n'
           '    raise GatewayError(f"request failed: {exc}") from exc\n'
           "src.daemon.error_handling.GatewayError: request failed: Incorrect label count\n")


@pytest.mark.parametrize("prefix", ["compose", "desktop"])
@pytest.mark.parametrize("trimmed", [False, True])
@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_a_prefixed_empty_line_trimmed_at_the_bar_is_still_a_prefix(prefix: str, trimmed: bool, eol: str) -> None:
    """Compose prints `service  | ` before an empty line; a capture with trailing blanks trimmed keeps `service  |`.
    Either way the chain's cause message is the exception's own, not run into the prefix of the next line."""
    lines = ["2026-11-10 14:06:36 ERROR src.monitoring.metrics: metrics update failed", *CHAINED.splitlines()]
    prefixed = [PREFIXES[prefix](i) + ln for i, ln in enumerate(lines)]
    text = "".join((ln.rstrip(" ") if trimmed else ln) + eol for ln in prefixed)
    events = parse(text.encode(), 4096)
    assert [e.exception_type for e in events] == ["src.daemon.error_handling.GatewayError"], events
    assert [c.message for c in events[0].chain] == ["Incorrect label count", "request failed: Incorrect label count"]
