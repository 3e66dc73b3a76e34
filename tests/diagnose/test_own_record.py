"""The error record's own facts (diagnose/own_record.py): a JSON-lines record's other fields and the statement of our
code that raised are quoted in the answer, whatever the logger, the field's name and value, the carrier (JSON lines,
Docker json-file around them) and the statement; their near-miss twins are not: a field reporting a thing absent
(false, null, 0), a library's bare re-raise. Generated: each seed draws names, values, carrier and code; the
exceptions are real (CPython raises them from a module written to disk, so the traceback prints its source line)."""

from __future__ import annotations

import importlib.util
import json
import logging
import random
import sys
import traceback
from pathlib import Path

import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from tests.diagnose.logged import RULES

LOGGERS = ("src.monitoring.alerts", "src.storage.uploads", "tools.import_table", "worker.sync", "app.jobs.rollup")
FIELDS = ("channel", "model", "table", "bucket", "attempt", "timeout_s", "region", "upstream")
DENIALS = ("oom_killed", "disk_full", "retried", "throttled", "evicted")


class JsonLines(logging.Formatter):
    """python-json-logger's shape: levelname/name/message/asctime, the `extra` values as keys of their own."""

    STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        obj = {"asctime": f"2026-12-06 14:00:0{record.lineno % 10}", "levelname": record.levelname,
               "name": record.name, "message": record.getMessage()}
        obj.update({k: v for k, v in record.__dict__.items() if k not in self.STANDARD})
        if record.exc_info:
            obj["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(obj)


def _logged(name: str, message: str, extra: dict[str, object], exc: BaseException | None, docker: bool) -> str:
    lines: list[str] = []
    handler = logging.Handler()
    handler.setFormatter(JsonLines())
    handler.emit = lambda r: lines.append(handler.format(r))  # type: ignore[method-assign]
    log = logging.getLogger(name)
    log.addHandler(handler)
    log.propagate = False
    try:
        log.info("%s started", name.rsplit(".", 1)[-1])
        log.error(message, extra=extra, exc_info=(type(exc), exc, exc.__traceback__) if exc else None)
    finally:
        log.removeHandler(handler)
    if docker:  # Docker's json-file driver around each line the container wrote
        lines = [json.dumps({"log": ln + "\n", "stream": "stderr", "time": "2026-12-06T14:00:06.1Z"}) for ln in lines]
    return "\n".join(lines)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_json_record_field_is_quoted_and_a_field_denying_is_not(seed: int) -> None:
    rng = random.Random(seed)
    key, denial = rng.choice(FIELDS), rng.choice(DENIALS)
    value = rng.choice([f"{rng.choice(['#ops', 'eu', 'kimi'])}-{rng.randint(10, 999)}", f"v{rng.randint(2, 9)}_{rng.randint(10, 99)}"])
    absent = rng.choice([False, None, 0])
    extra = {key: value, denial: absent} if rng.random() < 0.5 else {"response": {key: value, denial: absent}}
    excerpt = _logged(rng.choice(LOGGERS), rng.choice(["delivery failed", "sync step failed", "write refused"]),
                      extra, None, docker=rng.random() < 0.5)
    d = RULES.diagnose(excerpt_to_input(excerpt))
    assert value in d.root_cause, d.root_cause
    assert denial not in d.root_cause, d.root_cause  # a field saying a thing is absent is no fact to quote


def _raise_from_module(tmp: Path, seed: int) -> tuple[BaseException, str]:
    """A real exception from a module on disk (the traceback prints its source line); the statement drawn by seed."""
    rng = random.Random(seed)
    attr, var = rng.choice(["usage", "choices", "meta", "payload"]), rng.choice(["chunk", "reply", "row", "item"])
    field = rng.choice(["prompt_tokens", "total", "size_bytes"])
    statement = f"return {var}.{attr}.{field} + {rng.randint(1, 9)}"
    path = tmp / f"mod_{seed}_{rng.randint(100, 999)}.py"
    path.write_text(f"class Obj:\n    {attr} = None\n\n\ndef step({var}):\n    {statement}\n")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = mod
    spec.loader.exec_module(mod)
    try:
        mod.step(mod.Obj())
    except AttributeError as exc:
        return exc, statement
    raise AssertionError("nothing raised")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_statement_of_our_code_that_raised_is_quoted(seed: int, tmp_path: Path) -> None:
    exc, statement = _raise_from_module(tmp_path, seed)
    tb = "".join(traceback.format_exception(exc)).rstrip()
    excerpt = f"2026-12-06 14:00:01 INFO worker.sync: step started\n2026-12-06 14:00:02 ERROR worker.sync: step failed\n{tb}"
    d = RULES.diagnose(excerpt_to_input(excerpt))
    assert statement in d.root_cause, d.root_cause


@pytest.mark.parametrize("seed", [1, 2])
def test_a_library_reraise_is_not_quoted(seed: int) -> None:
    rng = random.Random(seed)
    lib = rng.choice(["psycopg/cursor_async.py", "redis/connection.py"])
    reraise = rng.choice(["raise ex.with_traceback(None)", "raise response from None"])
    excerpt = (f"2026-12-06 14:00:02 ERROR src.storage.db: query failed\nTraceback (most recent call last):\n"
               f'  File "/usr/local/lib/python3.11/site-packages/{lib}", line {rng.randint(60, 700)}, in execute\n'
               f"    {reraise}\nRuntimeError: server closed the connection unexpectedly")
    d = RULES.diagnose(excerpt_to_input(excerpt))
    assert reraise not in d.root_cause, d.root_cause


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_error_records_resource_left_at_zero_is_quoted(seed: int) -> None:
    rng = random.Random(f"{seed}-left")
    key = rng.choice(["available", "remaining", "free_slots", "tokens_left", "idle_connections"])
    size = f"pool_{rng.choice(['db', 'kimi', 'uploads'])}"
    extra = {"pool": size, key: 0} if rng.random() < 0.5 else {"response": {"pool": size, key: 0}}
    excerpt = _logged(rng.choice(LOGGERS), rng.choice(["acquire failed", "request refused", "write refused"]),
                      extra, None, docker=rng.random() < 0.5)
    d = RULES.diagnose(excerpt_to_input(excerpt))
    assert size in d.root_cause, d.root_cause  # the record's fields are quoted
    assert key in d.root_cause, d.root_cause  # and the exhausted one among them
