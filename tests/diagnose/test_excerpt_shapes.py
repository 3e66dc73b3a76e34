"""An excerpt in any shape the sidecar reads (JSON lines, Docker json-file, a Compose export) is diagnosed as the same
records in the gateway's text format are: the shape carries the record, it does not decide the answer."""

from __future__ import annotations

import json
import logging
import random
import traceback
from datetime import UTC, datetime
from typing import Any

import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from tests.diagnose.logged import RULES

START = datetime(2026, 12, 6, 14, 0, 0, tzinfo=UTC)


def _failures(rng: random.Random) -> BaseException:
    """A real exception raised by the standard library, varied by seed."""
    choice = rng.randrange(3)
    try:
        if choice == 0:
            json.loads("<html>" + "x" * rng.randint(1, 9))
        elif choice == 1:
            {"a": 1}[f"key_{rng.randint(1, 999)}"]  # noqa: B018 - the KeyError is the point
        else:
            int(f"{rng.randint(1, 99)}px")
    except (ValueError, KeyError) as e:
        return e
    raise AssertionError("nothing raised")


def _records(seed: int) -> list[dict[str, Any]]:
    """The records of one excerpt: two INFO lines, then an ERROR with its traceback."""
    rng = random.Random(seed)
    exc = _failures(rng)
    logger = f"src.{rng.choice(['api', 'tools', 'providers'])}.{rng.choice(['upload', 'chat', 'files'])}"
    tb = "".join(traceback.format_exception(exc)).rstrip("\n")
    return [
        {"t": 0, "level": "INFO", "logger": "src.core.env_config", "message": f"KIMI_TIMEOUT_SECS={rng.randint(30, 300)}"},
        {"t": 5, "level": "INFO", "logger": logger, "message": f"request {rng.getrandbits(32):08x} started"},
        {"t": 6, "level": "ERROR", "logger": logger, "message": "request failed", "exc": tb},
    ]


def _text(records: list[dict[str, Any]]) -> list[str]:
    out = []
    for r in records:
        stamp = (START.timestamp() + r["t"])
        out.append(f"{datetime.fromtimestamp(stamp, UTC):%Y-%m-%d %H:%M:%S} {r['level']} {r['logger']}: {r['message']}")
        if "exc" in r:
            out.extend(r["exc"].splitlines())
    return out


def _json_lines(records: list[dict[str, Any]]) -> list[str]:
    """python-json-logger's shape: asctime/levelname/name/message, the traceback text in exc_info."""
    out = []
    for r in records:
        obj = {"asctime": f"{datetime.fromtimestamp(START.timestamp() + r['t'], UTC):%Y-%m-%d %H:%M:%S}",
               "levelname": r["level"], "name": r["logger"], "message": r["message"]}
        if "exc" in r:
            obj["exc_info"] = r["exc"]
        out.append(json.dumps(obj))
    return out


def _docker(records: list[dict[str, Any]]) -> list[str]:
    """Docker's json-file driver: one record per line written, `log` with its newline, RFC 3339 nano `time`."""
    return [json.dumps({"log": line + "\n", "stream": "stderr", "time": "2026-12-06T14:00:06.123456789Z"})
            for line in _text(records)]


def _compose(records: list[dict[str, Any]]) -> list[str]:
    return [f"gateway-1  | {line}" for line in _text(records)]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("shape", [_json_lines, _docker, _compose])
def test_every_shape_gets_the_text_shapes_diagnosis(shape, seed: int) -> None:
    records = _records(seed)
    want = RULES.diagnose(excerpt_to_input("\n".join(_text(records))))
    inp = excerpt_to_input("\n".join(shape(records)))
    got = RULES.diagnose(inp)
    assert inp.level == "ERROR" and inp.logger == records[-1]["logger"] and inp.exception_type
    assert (got.rule, got.category, got.summary) == (want.rule, want.category, want.summary)


def test_json_objects_that_are_not_log_records_stay_text() -> None:
    # a JSON body printed on its own line inside a text log is not a record of another shape
    lines = _text(_records(0))
    lines.insert(1, json.dumps({"choices": None, "id": "cmpl-1"}))
    assert excerpt_to_input("\n".join(lines)).context[1] == lines[1]


def test_logging_levels_are_normalised_as_ingest_does() -> None:
    obj = {"time": "2026-12-06T14:00:00Z", "severity": "fatal", "logger": "src.x", "msg": "boom"}
    assert excerpt_to_input(json.dumps(obj)).level == logging.getLevelName(logging.CRITICAL)
