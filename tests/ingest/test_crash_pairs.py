"""Two deaths back to back, as Docker's stderr stream holds them (a crash-looping container): two events.

Every ordered pair of the crash kinds CPython prints (tests/ingest/crash_programs.py: each text made by
a real interpreter), with nothing between them, in a plain file and as the stderr stream of a Docker
json-file log. Found by the generated class round9 (seed 908): a compiler's SyntaxError report right
after a faulthandler dump was read as that dump's last frame (its location line follows an indented
line) and the second crash was lost.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from sidecar.ingest.parser import FileParser, ParserOptions

from .crash_programs import CRASH_PROGRAMS, NOISE, crash_text

KINDS = sorted(k for k in CRASH_PROGRAMS if k not in NOISE and k != "logging_error")  # that one is a logged report


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    d = tmp_path_factory.mktemp("crashes")
    return {k: crash_text(k, str(d)) for k in KINDS}


def _events(data: bytes, fmt: str) -> list[tuple[str | None, str]]:
    p = FileParser("s", "f", ParserOptions(format=fmt))
    return [(e.logger, e.level) for e in p.feed(data) + p.flush()]


@pytest.mark.parametrize("docker", [False, True])
def test_two_crashes_in_a_row_are_two_uncaught_events(texts: dict[str, list[str]], docker: bool, tmp_path: Path) -> None:
    wrong = []
    for a, b in itertools.product(KINDS, repeat=2):
        lines = texts[a] + texts[b]
        if docker:
            data = "".join(json.dumps({"log": ln + "\n", "stream": "stderr", "time": "2026-12-06T10:00:00.000000000Z"})
                           + "\n" for ln in lines).encode()
        else:
            data = ("\n".join(lines) + "\n").encode()
        got = _events(data, "docker" if docker else "text")
        if got != [("uncaught", "CRITICAL")] * 2:
            wrong.append((a, b, got))
    assert not wrong, wrong[:5]
