"""Every shape of traceback CPython prints, from real processes, in `docker logs`-shaped output (issue 16).

Each scenario is a real Python 3.11 process that logs to stdout and dies (or not) printing to
stderr through the interpreter's own excepthook (or `threading.excepthook`, or
`logging.exception`): chained exceptions ("During handling of the above exception..." and
"The above exception was the direct cause..."), an ExceptionGroup (the `+-+---` layout), a
SyntaxError with its caret line, KeyboardInterrupt, an exception in a thread ("Exception in
thread X:"). The combined output is then shaped as a capture: plain, CRLF, UTF-8 with BOM, UTF-16
LE/BE with and without BOM, and Docker's json-file (stdout/stderr records interleaved by time,
lines over 16 KiB split into partial records whose `log` has no trailing newline). Expected
events come from the scenario, not from the parser: an uncaught traceback is one CRITICAL event
of logger "uncaught" with the exception type Python printed last; a logged one keeps its record.
"""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from sidecar.ingest.parser import FileParser, ParserOptions
from sidecar.ingest.record import ErrorEvent

HEAD = textwrap.dedent('''
    import logging, sys, threading
    logging.basicConfig(stream=sys.stdout, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%Y-%m-%d %H:%M:%S")
    log = logging.getLogger("src.daemon.ws")
    log.info("starting with payload " + "x" * LONG)
''')


@dataclass(frozen=True)
class Scenario:
    name: str
    body: str
    expected: tuple[tuple[str, str, str], ...]  # (level, logger, exception type) per error event, in order


SCENARIOS = [
    Scenario("name_error", "def start():\n    return os.getpid()\nstart()\n",
             (("CRITICAL", "uncaught", "NameError"),)),
    Scenario("during_handling", textwrap.dedent('''
        try:
            {}["KIMI_API_KEY"]
        except KeyError:
            int("not a number")
    '''), (("CRITICAL", "uncaught", "ValueError"),)),
    Scenario("direct_cause", textwrap.dedent('''
        class ProviderError(Exception):
            pass
        try:
            raise TimeoutError("read timed out after 90s")
        except TimeoutError as exc:
            raise ProviderError("kimi upload returned no file ID") from exc
    '''), (("CRITICAL", "uncaught", "ProviderError"),)),
    Scenario("exception_group", textwrap.dedent('''
        def boom(i):
            raise ConnectionError(f"socket {i} closed")
        errors = []
        for i in range(2):
            try:
                boom(i)
            except ConnectionError as e:
                errors.append(e)
        raise ExceptionGroup("2 tool calls failed", errors)
    '''), (("CRITICAL", "uncaught", "ExceptionGroup"),)),
    Scenario("syntax_error", "compile('def f(:\\n    pass\\n', '/app/src/tools/chat.py', 'exec')\n",
             (("CRITICAL", "uncaught", "SyntaxError"),)),
    Scenario("keyboard_interrupt", "def serve():\n    raise KeyboardInterrupt\nserve()\n",
             (("CRITICAL", "uncaught", "KeyboardInterrupt"),)),
    Scenario("thread", textwrap.dedent('''
        def worker():
            raise RuntimeError("semaphore released too many times")
        t = threading.Thread(target=worker, name="metrics-flush")
        t.start(); t.join()
        log.info("main thread goes on")
    '''), (("CRITICAL", "uncaught", "RuntimeError"),)),
    Scenario("logged_chain", textwrap.dedent('''
        try:
            try:
                {}["x"]
            except KeyError as exc:
                raise LookupError("config key missing") from exc
        except LookupError:
            log.exception("config lookup failed")
        log.info("still running")
    '''), (("ERROR", "src.daemon.ws", "LookupError"),)),
]


def run(tmp_path: Path, sc: Scenario, long: int) -> list[tuple[str, bytes]]:
    """(stream, line) in the order the two pipes delivered them, as Docker records them."""
    script = tmp_path / f"{sc.name}.py"
    script.write_text(HEAD.replace("LONG", str(long)) + sc.body + "\nlog.info('done')\n")
    res = subprocess.run([sys.executable, "-u", str(script)], capture_output=True,
                         env={"PATH": "/usr/bin:/bin"}, timeout=30)
    out = [("stdout", ln) for ln in res.stdout.splitlines(keepends=True)]
    err = [("stderr", ln) for ln in res.stderr.splitlines(keepends=True)]
    # Python writes the log records before the traceback; Docker interleaves by arrival: put the
    # stderr block after the stdout line that preceded the crash (the first stdout line here).
    return out[:1] + err + out[1:]


def plain(lines: list[tuple[str, bytes]]) -> bytes:
    return b"".join(ln for _, ln in lines)


def json_file(lines: list[tuple[str, bytes]]) -> bytes:
    """Docker's json-file driver: one record per line, lines over 16 KiB split into partials."""
    out = []
    for i, (stream, ln) in enumerate(lines):
        text = ln.decode()
        parts = [text[j:j + 16384] for j in range(0, len(text), 16384)] or [""]
        for part in parts:
            t = f"2026-12-05T07:00:{i % 60:02d}.{i:09d}Z"
            out.append(json.dumps({"log": part, "stream": stream, "time": t}).encode() + b"\n")
    return b"".join(out)


def shape(data: bytes, how: str) -> bytes:
    text = data.decode()
    return {
        "plain": data,
        "crlf": text.replace("\n", "\r\n").encode(),
        "utf-8-bom": codecs.BOM_UTF8 + data,
        "utf-16-le-bom": codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le"),
        "utf-16-be-bom": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        "utf-16-le": text.encode("utf-16-le"),
        "utf-16-be": text.encode("utf-16-be"),
    }[how]


def parse(data: bytes, chunk: int) -> list[ErrorEvent]:
    p = FileParser("cap", "capture.txt", ParserOptions())
    events: list[ErrorEvent] = []
    for i in range(0, len(data), chunk):
        events += p.feed(data[i:i + chunk])
    return events + p.flush()


def summary(events: list[ErrorEvent]) -> list[tuple[str, str, str]]:
    return [(e.level, e.logger or "", e.exception_type or "") for e in events]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], list[tuple[str, bytes]]]:
    d = tmp_path_factory.mktemp("tb")
    return {(sc.name, long): run(d, sc, long) for sc in SCENARIOS for long in (10, 40_000)}


@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda s: s.name)
@pytest.mark.parametrize("how", ["plain", "crlf", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le",
                                 "utf-16-be"])
def test_each_traceback_shape_in_each_encoding(outputs: dict, sc: Scenario, how: str) -> None:
    data = shape(plain(outputs[(sc.name, 10)]), how)
    for chunk in (len(data), 4093, 7):
        events = parse(data, chunk)
        assert summary(events) == list(sc.expected), (chunk, [e.raw[:300] for e in events])
    for e in events:
        assert "starting with payload" not in e.raw and "done" not in e.message  # never glued to INFO


@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda s: s.name)
@pytest.mark.parametrize("long", [10, 40_000])
def test_docker_json_file_with_partial_records(outputs: dict, sc: Scenario, long: int) -> None:
    data = json_file(outputs[(sc.name, long)])
    for chunk in (len(data), 4093):
        events = parse(data, chunk)
        assert summary(events) == list(sc.expected), [e.raw[:300] for e in events]


def test_crash_loop_of_every_shape_in_one_capture(outputs: dict) -> None:
    """All scenarios one after another (a container restarting into a different crash each time)."""
    data = b"".join(plain(outputs[(sc.name, 10)]) for sc in SCENARIOS) * 3
    expected = [x for sc in SCENARIOS for x in sc.expected] * 3
    for how in ("plain", "utf-16-le-bom"):
        assert summary(parse(shape(data, how), 8191)) == expected
