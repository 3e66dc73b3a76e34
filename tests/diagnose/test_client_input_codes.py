"""The gateway's client-input codes (VALIDATION_ERROR, INVALID_REQUEST) read as the client's input: unknown, low.

src/daemon/error_handling.py logs `[req:<id>] [<CODE>] <message>` and answers `{"error": {"code": ...}}`
(research upstream-gateway.md 1.2). Its validation refusing one client's arguments is the situation of FastAPI's
RequestValidationError (classes.py input.request): nothing the deployment must change. Generated per seed: the
real library refusal (httpx's URL parser, pathlib's glob, json's decoder) of a value the client sent, the tool's
logger, the carrier (log prefix or error body), the request id. Twins that must NOT become unknown: the same refusal
wrapped as TOOL_EXECUTION_ERROR (a tool failing while running) and a refusal of a value a setting printed at start.
"""

from __future__ import annotations

import json
import pathlib
import random

import httpx
import pytest

from sidecar.diagnose.calibration import UNKNOWN_CEILING

from .logged import diagnose, logged

_TOOLS = ("tools.uptime_check", "tools.find_files", "tools.import_json", "tools.web_probe", "tools.search")


def _refusals(rnd: random.Random) -> list[tuple[str, object]]:
    port = rnd.choice(("8O80", "80a", "9x00", "44_3"))
    return [(f"http://intranet.example:{port}/status", lambda v: httpx.URL(v)),
            (rnd.choice(("src/**.py", "a/b**/c", "**x/*.md")), lambda v: list(pathlib.Path(".").glob(v))),
            (rnd.choice(('{"a": 1,}', "{'k': 2}", '[1, 2')), lambda v: json.loads(v))]


def _record(seed: int, code: str, before: tuple[str, ...] = ()) -> str:
    rnd = random.Random(seed)
    value, refuse = rnd.choice(_refusals(rnd))
    req = f"{rnd.randrange(16**4):04x}"
    logger = rnd.choice(_TOOLS)
    try:
        refuse(value)  # type: ignore[operator]
    except Exception as exc:  # the library's own refusal, logged as the daemon logs it
        if rnd.random() < 0.5:
            message = f"[req:{req}] [{code}] bad argument: {exc}"
        else:
            message = f"tool call failed: {json.dumps({'error': {'code': code, 'message': str(exc)}})}"
        return logged(logger, message, before=before)
    raise AssertionError(f"{value!r} was accepted")


@pytest.mark.parametrize("seed", range(1, 9))
@pytest.mark.parametrize("code", ["VALIDATION_ERROR", "INVALID_REQUEST"])
def test_a_refused_client_argument_is_the_clients_input(seed, code):
    d = diagnose(_record(seed, code))
    assert d.category == "unknown" and d.severity == "low" and d.confidence <= UNKNOWN_CEILING


@pytest.mark.parametrize("seed", range(1, 9))
def test_twin_the_same_refusal_inside_a_running_tool_is_not_the_clients(seed):
    d = diagnose(_record(seed, "TOOL_EXECUTION_ERROR"))
    assert d.category in ("code", "config")  # the refusal's family or the wrapper's code answers; never the input


def test_twin_a_value_a_setting_printed_stays_config():
    excerpt = None
    try:
        httpx.URL("http://status.internal:8O80/health")
    except httpx.InvalidURL as exc:
        excerpt = logged("tools.uptime_check", f"[req:77e1] [VALIDATION_ERROR] bad target: {exc}",
                         before=("loaded settings: STATUS_URL=http://status.internal:8O80/health (STATUS_URL)",))
    assert excerpt is not None
    d = diagnose(excerpt)
    assert d.category == "config", (d.category, d.rule)
