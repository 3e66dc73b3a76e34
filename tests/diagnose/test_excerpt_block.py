"""`sidecar eval` reads a `=== TOOL CALL FAILED ===` block whose lines carry their own headers as `sidecar run` does.

The gateway logs a failed tool call as a block closed by `=== END ===` (research upstream-gateway.md §1.4); when each
block line has a header, the ingest stage joins the same logger's records into one event (ingest/blocks.py). The eval
chose the last ERROR record - the bare END - and diagnosed nothing. Generated blocks (6 seeds: the format, which lines
carry headers, interleaved records of other loggers, a real exception's traceback from `logging`) are read by both
the ingest parser and excerpt_to_input; the message and the exception must agree, the END record is never the
record, and the interleaved records stay outside it.
"""

from __future__ import annotations

import logging
import random
import sys

import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.ingest.parser import FileParser, ParserOptions

FORMATS = ("%(asctime)s %(levelname)s %(name)s: %(message)s", "%(asctime)s - %(name)s - %(levelname)s - %(message)s")


def _raise(rng: random.Random) -> None:
    kind = rng.choice(("key", "value", "type"))
    if kind == "key":
        {}[rng.choice(("TLS1_2", "blake3", "Info"))]
    if kind == "value":
        int(rng.choice(("12a", "x", "1.5e")))
    len(rng.randrange(5))  # type: ignore[arg-type]


def _block(rng: random.Random) -> str:
    fmt = logging.Formatter(rng.choice(FORMATS), "%Y-%m-%d %H:%M:%S")
    lines: list[str] = []

    def rec(logger: str, level: int, msg: str, exc: bool = False) -> None:
        r = logging.LogRecord(logger, level, __file__, 1, msg, None, None)
        if exc:
            r.exc_info = sys.exc_info()
        lines.append(fmt.format(r))

    rec("src.daemon.ws_server", logging.INFO, "[req:ab12] tools/call chat")
    try:
        _raise(rng)
    except Exception as exc:  # noqa: BLE001 - whatever the generator raised
        headed = rng.random() < 0.7
        rec("ws_daemon", logging.ERROR, "=== TOOL CALL FAILED ===")
        body = ["Tool: chat", f"Duration: {rng.uniform(1, 90):.2f}s", "Request ID: ab12",
                f"Error: {type(exc).__name__}: {exc}"]
        for line in body:
            if headed:
                rec("ws_daemon", logging.ERROR, line)
            else:
                lines.append(line)
            if rng.random() < 0.3:
                rec("src.monitoring.metrics", rng.choice((logging.INFO, logging.ERROR)), "interleaved sample flushed")
        rec("ws_daemon", logging.ERROR, "Full traceback:", exc=True)
    rec("ws_daemon", logging.ERROR, "=== END ===")
    if rng.random() < 0.5:
        rec("src.daemon.connection_manager", logging.INFO, "Connection unregistered: 4b10")
    return "\n".join(lines)


def _ingested(text: str) -> list:
    p = FileParser("test", "f.log", ParserOptions())
    return [e for e in p.feed((text + "\n").encode()) + p.flush() if e.logger == "ws_daemon"]


@pytest.mark.parametrize("seed", range(1, 7))
def test_the_eval_reads_the_block_as_ingest_joins_it(seed: int) -> None:
    text = _block(random.Random(seed))
    (event,) = _ingested(text)
    inp = excerpt_to_input(text)
    assert inp.message.startswith("=== TOOL CALL FAILED ===") and inp.message == event.message, (inp.message,
                                                                                                  event.message)
    assert inp.exception_type == event.exception_type and inp.exception_type is not None
    assert "interleaved" not in inp.traceback and inp.traceback.endswith("=== END ===")


def test_an_end_record_without_its_opening_record_is_read_as_it_is() -> None:
    text = "2026-12-06 10:00:00 ERROR ws_daemon: === END ==="
    assert excerpt_to_input(text).message == "=== END ==="
