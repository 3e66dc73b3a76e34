"""Other programs' logs tailed by `sidecar run` group as `sidecar fingerprint` groups their lines.

Class: GROUPING_CLASSES.md section H (headers of documented non-Python grammars) reaching the
pipeline, not only the CLI (ingest/sysdialect.py). Generated per seed (tests/ingest/system_gen.py):
seven grammars, levels printed as each grammar prints them (`<PRI>`, klog letter, nginx/Apache word,
postgres severity), message templates with variable values. What must hold:
* the error-level lines (ERROR/CRITICAL by the grammar's own level field) are the events, nothing else;
* each event's message is the line's cut, and its fingerprint is the one `sidecar fingerprint`
  prints for the line (with `--level` the event's level: the CLI is told the level, run reads it);
* twins that must not change: a gateway log (whose lines the log4j grammar would also cut) parses
  as before; a syslog line without `<PRI>` (no level printed) is no event; postgres's STATEMENT
  line after an ERROR is part of that event, not one of its own.
"""

from __future__ import annotations

import asyncio
import io
import random
from collections import Counter
from pathlib import Path

import pytest

from sidecar.app import Sidecar
from sidecar.config import Config
from sidecar.errors.cli_fingerprint import split_line
from sidecar.errors.cli_fingerprint import stream as cli_stream
from sidecar.errors.grouper import EventGrouper
from sidecar.ingest.parser import FileParser, ParserOptions
from sidecar.ingest.sysdialect import system_level
from sidecar.store.groups import RECEIPT_COUNT_SQL

from . import system_gen

SEEDS = (1501, 1502, 1503, 1504, 1505)


def _corpus(seed: int, lines: int = 240) -> tuple[str, list[tuple[int, str, str]]]:
    """(file text, [(line number, level, line)] of the error-level lines)."""
    rng = random.Random(seed)
    temps = system_gen.templates(rng, rng.randint(4, 8))
    fams = list(system_gen.FAMILIES.values())
    out, errors = [], []
    for n in range(1, lines + 1):
        level = rng.choice(system_gen.LEVELS)
        text = rng.choice(fams)(rng, level, system_gen.message(rng, rng.choice(temps)))
        out.append(text)
        if level in ("ERROR", "CRITICAL"):
            errors.append((n, level, text))
    return "".join(t + "\n" for t in out), errors


def _cli(lines: list[tuple[int, str, str]]) -> list[str]:
    """`sidecar fingerprint --level L` over the lines, in order (one learner, as the command runs)."""
    fps = []
    from sidecar.errors.grouper import MessageGrouper

    grouper = MessageGrouper()
    for _, level, text in lines:
        message, name, lvl = split_line(text, level)
        fps.append(grouper.fingerprint(message, name, lvl))
    return fps


def _replay(text: str) -> list:
    parser = FileParser("sys", "/x/sys.log", ParserOptions())
    data = text.encode()
    events = []
    for i in range(0, len(data), 333):  # reads split anywhere
        events += parser.feed(data[i:i + 333])
    return events + parser.flush()


@pytest.mark.parametrize("seed", SEEDS)
def test_error_lines_are_the_events_and_fingerprint_as_the_cli(seed):
    text, errors = _corpus(seed)
    events = _replay(text)
    assert [(e.line, e.level) for e in events] == [(n, lvl) for n, lvl, _ in errors]
    assert all(e.logger is None for e in events)
    grouper = EventGrouper()
    assert [grouper.fingerprint(e) for e in events] == _cli(errors)
    assert [e.message for e in events] == [split_line(t)[0] for _, _, t in errors]


def test_cli_stream_equals_split_line_fingerprints():
    """The helper above is what the command prints (one learner over the input, `--level`)."""
    _, errors = _corpus(SEEDS[0])
    errs = [e for e in errors if e[1] == "ERROR"]
    out = io.StringIO()
    cli_stream(io.BytesIO("".join(t + "\n" for _, _, t in errs).encode()), out, level="ERROR")
    assert out.getvalue().split() == _cli(errs)


def test_levels_as_each_grammar_prints_them():
    assert [system_level(w) for w in ("3", "11", "12", "0", "190", "E", "F", "W", "crit", "emerg", "PANIC",
                                      "FATAL", "LOG", "FAILURE", "SEVERE", "Message", None)] == [
        "ERROR", "ERROR", "WARNING", "CRITICAL", "INFO", "ERROR", "CRITICAL", "WARNING", "CRITICAL", "CRITICAL",
        "CRITICAL", "CRITICAL", "INFO", "CRITICAL", "ERROR", "INFO", None]


def test_twins_gateway_log_no_level_and_postgres_continuation():
    gateway = ("2026-12-06 21:00:00 INFO src.daemon.ws_server: started\n"
               "2026-12-06 21:00:01 ERROR src.providers.kimi: Kimi API error 429 for key ending eedd\n")
    [ev] = _replay(gateway)
    assert (ev.logger, ev.message) == ("src.providers.kimi", "Kimi API error 429 for key ending eedd")
    no_level = "".join(f"Dec  6 21:00:0{i} web-1 app[12]: error: disk {i} failed\n" for i in range(5))
    assert _replay(no_level) == []
    pg = ("2026-12-06 21:00:00.123 UTC [77] LOG:  checkpoint starting\n"
          '2026-12-06 21:00:01.123 UTC [77] ERROR:  relation "users" does not exist at character 15\n'
          "2026-12-06 21:00:01.123 UTC [77] STATEMENT:  select * from users\n"
          "2026-12-06 21:00:02.123 UTC [78] LOG:  checkpoint complete\n")
    [ev] = _replay(pg)
    assert ev.message == 'relation "users" does not exist at character 15'
    assert "STATEMENT:  select * from users" in ev.raw and "checkpoint complete" not in ev.raw


async def _wait_stored(sidecar: Sidecar, n: int) -> int:
    stored = 0
    for _ in range(800):
        row = await sidecar.store.db.fetchone(RECEIPT_COUNT_SQL)
        stored = row["n"]
        if stored >= n:
            break
        await asyncio.sleep(0.025)
    return stored


@pytest.mark.parametrize("seed", SEEDS[:2])
async def test_sidecar_run_groups_system_logs_as_sidecar_fingerprint(tmp_path: Path, free_port: int, seed: int):
    text, errors = _corpus(seed)
    log = tmp_path / "syslog"
    log.write_text(text)
    sidecar = Sidecar(Config.model_validate({
        "server": {"read_access": "open", "host": "127.0.0.1", "port": free_port},
        "store": {"path": str(tmp_path / "x.db"), "spool_dir": str(tmp_path / "spool")},
        "rollouts_file": None,
        "diagnosis": {"kimi_enabled": False, "rules_file": "rules/diagnoses.yaml"},
        "alerts": {"rules_file": None},
        "ingest": {"checkpoint_dir": str(tmp_path / "ck")},
        "sources": [{"paths": [str(log)], "start_at": "beginning"}],
    }))
    await sidecar.start()
    try:
        assert await _wait_stored(sidecar, len(errors)) == len(errors)
        rows = await sidecar.store.db.fetchall("SELECT error_hash, occurrence_count FROM error_investigations")
    finally:
        await sidecar.stop()
    assert {r["error_hash"]: r["occurrence_count"] for r in rows} == Counter(_cli(errors))


def test_uvicorn_error_line_owns_its_traceback():
    """uvicorn's `LEVEL:<pad> msg` lines (uvicorn/logging.py levelprefix) have postgres's bare `LEVEL:  `
    shape, so such a file is read by the system dialect: the ERROR line and the traceback under it are
    one ERROR event (was: an `uncaught` CRITICAL whose exception message swallowed the next INFO line)."""
    text = ("INFO:     Started server process [12]\n"
            "INFO:     Application startup complete.\n"
            "ERROR:    Exception in ASGI application\n"
            "Traceback (most recent call last):\n"
            '  File "/app/main.py", line 10, in app\n'
            '    raise ValueError("boom")\n'
            "ValueError: boom\n"
            'INFO:     127.0.0.1:5000 - "GET / HTTP/1.1" 500 Internal Server Error\n')
    [ev] = _replay(text)
    assert (ev.line, ev.level, ev.exception_type, ev.exception_message) == (3, "ERROR", "ValueError", "boom")
