"""A raised class or a quoted reply code whose documented meaning names one cause answers it, modestly, where no
earlier layer read the record (documented_meanings.py); a meaning that covers several causes stays unknown.

Every error is raised for real (the interpreter, struct, re, io, pydantic, gzip+codecs/pickle) from this file (an
application frame) and logged by a generated gateway logger with generated wording; reply codes are quoted in the
carriers a client logs them in (a JSON record's reply, `STATUS code`, `error=code`). Twins that must NOT answer
from the table: the same class for a data parse (float() of a locale's decimal, struct.unpack of a short buffer),
a pattern from a variable, valid JSON text of the wrong shape, compressed bytes with no record naming compression,
a Slack code of Slack's own state (ratelimited), a code word outside Slack, a Redis code word without its text.
"""

from __future__ import annotations

import gzip
import io
import json
import pickle
import random
import re
import struct
import time
from collections.abc import Callable

import pydantic
import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.named_exception import named_in_message

from .logged import diagnose, raised_and_logged

LOGGERS = ["src.daemon.streaming", "src.file_management.uploads", "utils.infrastructure.semantic_cache",
           "src.alerts.webhooks", "src.providers.glm"]
STAMP = "2026-12-06 10:00:00"


class _Reply(pydantic.BaseModel):
    id: str
    tokens: int


def _pairs(rng: random.Random) -> Callable[[], object]:
    header = f"t={rng.randrange(10**9)},v1={rng.choice(['3q2+7w==', 'YWJj=', 'eHl6'])}="
    return lambda: dict(kv.split("=") for kv in header.split(","))  # type: ignore[misc]


def _sleep(rng: random.Random) -> Callable[[], object]:
    late = rng.uniform(0.5, 400.0)
    return lambda: time.sleep(time.time() - (time.time() + late))


def _closed(rng: random.Random) -> Callable[[], object]:
    def read() -> bytes:
        f = io.BytesIO(b"x" * rng.randrange(1, 99))
        f.close()
        return f.read()
    return read


def _pack(rng: random.Random) -> Callable[[], object]:
    fmt, size = rng.choice([(">4sIQ", 2**32 + rng.randrange(10**9)), ("<HI", 70000 + rng.randrange(9))])
    return lambda: struct.pack(fmt, b"GWUP", size, 0) if fmt.startswith(">4s") else struct.pack(fmt, size, 0)


def _pattern(rng: random.Random) -> Callable[[], object]:
    return rng.choice([lambda: re.compile(r"(?<=Bearer\s+)[A-Za-z0-9._-]+"), lambda: re.compile(r"(?P<a>x)(?P<a>y)"),
                       lambda: re.compile(r"[z-a]")])


def _json_type(rng: random.Random) -> Callable[[], object]:
    body = {"id": f"task-{rng.randrange(999)}", "tokens": rng.randrange(99)}
    return lambda: _Reply.model_validate_json(body)  # type: ignore[arg-type]


def _gzip_text(rng: random.Random) -> Callable[[], object]:
    blob = gzip.compress(b'{"id": %d}' % rng.randrange(999))
    return rng.choice([lambda: blob.decode("utf-8"), lambda: pickle.loads(blob)])  # noqa: S301 - our own bytes


# twins: the same classes where the documented meaning covers several causes (the value's origin decides)
def _locale_float(rng: random.Random) -> Callable[[], object]:
    cell = rng.choice(["0,25", "1.250.000", "3 400"])
    return lambda: float(cell)


def _short_buffer(rng: random.Random) -> Callable[[], object]:
    data = bytes(rng.randrange(1, 4))
    return lambda: struct.unpack(">I", data)


def _pattern_from_args(rng: random.Random) -> Callable[[], object]:
    args = {"pattern": rng.choice(["(?P<req>a)(?P<req>b)", "[z-a]", "a{2,1}"])}
    return lambda: re.compile(args["pattern"])


def _wrong_shape(rng: random.Random) -> Callable[[], object]:
    text = json.dumps({"id": "t", "tokens": rng.choice(["many", "1.5x", ""])})
    return lambda: _Reply.model_validate_json(text)


MEANT = {_pairs: "dict.pairs", _sleep: "sleep.negative", _closed: "io.closed",
         _pack: "struct.pack", _pattern: "re.literal", _json_type: "pydantic.json_type", _gzip_text: "compressed.raw"}
TWINS = [_locale_float, _short_buffer, _pattern_from_args, _wrong_shape, _gzip_text]


def _excerpt(rng: random.Random, make: Callable[[random.Random], Callable[[], object]], compressed: bool) -> str:
    logger = rng.choice(LOGGERS)
    tag = f"[{rng.choice(['req', 'up', 'cb'])}:{rng.randrange(16**4):04x}]"
    error = raised_and_logged(make(rng), logger, f"{tag} {rng.choice(['forward', 'parse', 'resume', 'relay'])} failed")
    before = f"{STAMP} DEBUG {logger}: {tag} GET /v1/files/fo-1/content -> 200 content-encoding=gzip"
    return "\n".join([before, error] if compressed else [error])


@pytest.mark.parametrize("seed", range(3))
def test_a_documented_meaning_answers_code_and_its_twins_do_not(seed: int) -> None:
    rng = random.Random(seed)
    for make, family in MEANT.items():
        case = _excerpt(rng, make, compressed=make is _gzip_text)
        d = diagnose(case)
        assert d.rule == f"class:documented.{family}" and d.category == "code", (case, d.rule, d.summary)
        assert d.confidence <= 0.4 and "Documented meaning" in d.root_cause
    for make in TWINS:  # _gzip_text here: no record names the compression
        case = _excerpt(rng, make, compressed=False)
        d = diagnose(case)
        assert "documented." not in d.rule and d.confidence < 0.6, (make.__name__, case, d.rule, d.summary)


def _slack(rng: random.Random, code: str, carrier: int | None = None) -> str:
    logger = rng.choice(["src.monitoring.alerts", "src.alerts.slack", "src.notify"])
    carriers = [
        f'{{"level": "error", "logger": "{logger}", "event": "slack delivery failed", '
        f'"response": {{"ok": false, "error": "{code}"}}, "channel": "#gw-{rng.randrange(99)}"}}',
        f"{STAMP} ERROR {logger}: alert delivery to slack failed: {rng.choice(['404', '403', '400'])} {code}",
        f"{STAMP} ERROR {logger}: slack chat.postMessage error={code} (alert {rng.randrange(999)})",
        # slack_sdk/errors/__init__.py SlackApiError's text under its traceback (the SDK is not installed here)
        f"{STAMP} ERROR {logger}: alert {rng.randrange(999)} failed\nTraceback (most recent call last):\n"
        f'  File "/app/src/alerts/slack.py", line {rng.randrange(20, 90)}, in send\n'
        f"    client.chat_postMessage(channel=channel, text=text)\n"
        f'  File "/usr/local/lib/python3.11/site-packages/slack_sdk/web/base_client.py", line 240, in _perform\n'
        f"    raise err.SlackApiError(message=msg, response=response)\n"
        f"slack_sdk.errors.SlackApiError: The request to the Slack API failed. (url: "
        f"https://www.slack.com/api/chat.postMessage)\nThe server responded with: {{'ok': False, 'error': '{code}'}}"]
    return f"{STAMP} INFO httpx: HTTP Request: POST https://slack.com/api/chat.postMessage \"HTTP/1.1 200 OK\"\n" + \
        carriers[rng.randrange(len(carriers)) if carrier is None else carrier]


def _redis(rng: random.Random, reply: str) -> str:
    logger = rng.choice(["utils.infrastructure.semantic_cache", "src.daemon.middleware.rate_limit", "src.cache"])
    return f"{STAMP} WARNING {logger}: [{rng.choice(['L2', 'rl'])}] read error, treating as miss: {reply}"


class _Settings:
    retry_delay_s = -5.0
    header_size_bytes = 70000


@pytest.mark.parametrize("seed", range(3))
def test_a_refused_value_our_line_reads_from_a_loaded_setting_is_config(seed: int) -> None:
    rng = random.Random(seed)
    _Settings.retry_delay_s = -rng.uniform(0.5, 30)
    _Settings.header_size_bytes = 65536 + rng.randrange(10**6)
    calls = {"RETRY_DELAY_S": lambda: time.sleep(_Settings.retry_delay_s),
             "HEADER_SIZE_BYTES": lambda: struct.pack(">H", _Settings.header_size_bytes)}
    for name, call in calls.items():
        error = raised_and_logged(call, rng.choice(LOGGERS), f"[req:{rng.randrange(999)}] step failed")
        value = getattr(_Settings, name.lower())
        loaded = f"{STAMP} INFO src.daemon.main: settings: {name}={value} (env), LOG_LEVEL=INFO"
        d = diagnose(f"{loaded}\n{error}")
        assert (d.category, d.confidence) == ("config", 0.4) and name in d.summary, (d.rule, d.summary)
        other = loaded.replace(name, "UNRELATED_KNOB")  # a loaded setting the line does not read: still code
        assert diagnose(f"{other}\n{error}").category == "code"


@pytest.mark.parametrize("seed", range(3))
def test_a_documented_reply_code_answers_its_category_and_lookalikes_do_not(seed: int) -> None:
    rng = random.Random(seed)
    for carrier in range(4):
        code = rng.choice(["channel_not_found", "is_archived", "no_service", "token_revoked", "missing_scope"])
        d = diagnose(_slack(rng, code, carrier))
        assert (d.rule, d.category, d.confidence) == ("class:documented.slack_setting", "config", 0.4), d.summary
    d = diagnose(_slack(rng, rng.choice(["invalid_blocks", "msg_too_long", "no_text"])))
    assert (d.rule, d.category) == ("class:documented.slack_request", "code"), d.summary
    for twin in (_slack(rng, rng.choice(["ratelimited", "fatal_error", "service_unavailable"])),
                 f"{STAMP} ERROR src.providers.files: lookup failed: channel_not_found in registry {rng.randrange(9)}"):
        assert "documented." not in diagnose(twin).rule, twin
    reply, category = rng.choice([("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
                                   "storage"), ("LOADING Redis is loading the dataset in memory", "storage"),
                                  ("WRONGPASS invalid username-password pair or user is disabled.", "config")])
    d = diagnose(_redis(rng, reply))
    assert d.rule.startswith("class:documented.redis_") and d.category == category and d.confidence <= 0.4, d.summary
    assert "documented." not in diagnose(_redis(rng, f"{reply.split()[0]} flag seen in node list")).rule


@pytest.mark.parametrize("seed", range(2))
def test_a_package_qualified_class_named_without_a_message_is_the_records_exception(seed: int) -> None:
    rng = random.Random(seed)
    name = rng.choice(["httpx.ConnectTimeout", "httpx.ReadTimeout", "psycopg.OperationalError"])
    host = rng.choice(["hooks.slack.com", "api.moonshot.ai", "db.example.internal"])
    line = f"{STAMP} ERROR src.providers.kimi: [req:{rng.randrange(999)}] connect failed: {name} ({host})"
    got = named_in_message(excerpt_to_input(line))
    assert (got.exception_type, got.exception_message) == (name, host)
    for twin in (line.replace(name, "mylib.ConnectTimeout"), line.replace(name, "ConnectTimeout")):
        assert named_in_message(excerpt_to_input(twin)).exception_type is None, twin
