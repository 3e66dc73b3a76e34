"""Python's builtin exceptions (KeyError, IndexError, ValueError, TypeError) name no component by their class.

Each is really raised - in this test's own code (an application frame) and inside a real library (httpx's
Headers/URL) - and logged by each kind of gateway module (provider, storage, daemon, tool). Whatever module
logs it, the answer stays low (<= 0.4 unless a documented family such as a None value says more, never
confident), and a catch-all answer says where it was raised: the library, or the application's own frame.
"""

from __future__ import annotations

import email.utils
import json
import logging
import sys
import textwrap
from collections.abc import Callable

import httpx
import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.frames import STDLIB, raised_at
from sidecar.diagnose.rules import load_rules

RULES = load_rules("rules/diagnoses.yaml")
FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
LOGGERS = ["src.providers.kimi_chat", "src.providers.glm_chat", "src.storage.supabase_client", "src.daemon.ws_server",
           "tools.chat", "root"]


def _app_key() -> None:
    {"id": 1}["choices"]


def _app_index() -> None:
    [][0]


def _app_value() -> None:
    int("twelve")


def _app_type() -> None:
    len(5)  # type: ignore[arg-type]


def _lib_key() -> None:
    httpx.Headers({})["x-request-id"]


def _lib_type() -> None:
    httpx.URL(123)  # type: ignore[arg-type]


def _std_value() -> None:
    email.utils.parsedate_to_datetime("next tuesday")  # the standard library refusing a user's text


def _std_json() -> None:
    json.loads('{"a": 1, // a comment\n}')  # json.decoder raises from its own Python frame


def _std_text() -> None:
    textwrap.shorten("many words here", width=3, placeholder=" [...]")


RAISERS: dict[str, tuple[Callable[[], None], str | None]] = {
    "KeyError-app": (_app_key, None), "IndexError-app": (_app_index, None), "ValueError-app": (_app_value, None),
    "TypeError-app": (_app_type, None), "KeyError-httpx": (_lib_key, "httpx"), "TypeError-httpx": (_lib_type, "httpx"),
    "ValueError-email": (_std_value, STDLIB), "JSONDecodeError-json": (_std_json, STDLIB),
    "ValueError-textwrap": (_std_text, STDLIB),
}


def _logged(logger: str, raiser: Callable[[], None]) -> str:
    try:
        raiser()
    except Exception:
        record = logging.getLogger(logger).makeRecord(logger, logging.ERROR, "x.py", 1, "request failed", None, sys.exc_info())
        return FORMAT.format(record)
    raise AssertionError("did not raise")


@pytest.mark.parametrize("logger", LOGGERS)
@pytest.mark.parametrize("name", sorted(RAISERS))
def test_a_builtin_is_never_confident(logger: str, name: str) -> None:
    raiser, library = RAISERS[name]
    line = _logged(logger, raiser)
    d = RULES.diagnose(excerpt_to_input(line))
    assert d.confidence <= 0.4, (name, logger, d.rule, d.summary)
    assert d.category in ("unknown", "code"), (name, logger, d.rule)
    if d.rule == "catch-all":
        assert (f"inside the {library} library" in d.root_cause) if library else ("application's own code" in d.root_cause)
        assert "test_builtins_stay_unknown.py" in d.root_cause  # the application frame that called in
        assert "application's own code" not in d.root_cause or library is None
        # an answer that does not know the cause suggests none: no category word, no "deploy"
        said = " ".join([d.summary, d.root_cause, *d.suggested_fix]).lower().replace(logger, "")
        assert not [w for w in ("config", "deploy", "provider", "network", "storage", "capacity") if w in said], said


def test_raised_at_reads_the_last_traceback_of_a_chain() -> None:
    tb = ('Traceback (most recent call last):\n  File "/usr/lib/python3.11/site-packages/openai/_models.py", line 9, in x\n'
          "KeyError: 'a'\n\nDuring handling of the above exception, another exception occurred:\n\n"
          'Traceback (most recent call last):\n  File "/app/src/providers/kimi_chat.py", line 40, in chat\n'
          "ValueError: bad")
    at = raised_at(tb)
    assert at is not None and at.library is None and at.frame.startswith("/app/src/providers/kimi_chat.py:40")
    assert raised_at("no frames here") is None
    huge = raised_at("x" * 10_000_000 + '\n  File "/app/a.py", line 1, in f\nKeyError: 1')
    assert huge is not None and huge.frame == "/app/a.py:1 in f"
