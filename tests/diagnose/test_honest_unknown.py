"""The catch-all's confidence says whether the record said nothing or said something no rule reads (honest_unknown).

Generated per seed: an exception class of the application (raised for real), a message, and the logger vary; the twin
keeps the exception and the message and changes only what the doctrine decides by - the remote the logger names, or a
known library's frames the error passed through (json's decoder calling our hook). Both stay `unknown`: the rules
read no category in either, and no rule guesses one.
"""

from __future__ import annotations

import json
import random

import pytest

from sidecar.diagnose.calibration import UNKNOWN_CEILING
from sidecar.diagnose.honest_unknown import RECORD_SAYS_NOTHING, RECORD_SAYS_UNREAD

from .logged import diagnose, raised_and_logged

_NOUNS = ("plan", "step list", "outline", "batch plan", "route table", "agenda")
_VERBS = ("came back empty", "had no entries", "was empty after merge", "lost its last item", "ended with no steps")
_OWN_LOGGERS = ("src.daemon.planner", "tools.summary", "src.core.jobs", "src.daemon.scheduler", "tools.outline")
_REMOTE_LOGGERS = ("src.providers.kimi_chat", "src.providers.glm_chat", "src.storage.supabase_client")


def _app_error(seed: int) -> tuple[type[Exception], str]:
    rnd = random.Random(seed)
    name = rnd.choice(("Plan", "Outline", "Agenda", "Route")) + rnd.choice(("Error", "Failure", "Problem"))
    cls = type(name, (Exception,), {"__module__": rnd.choice(("src.core.planning", "tools.outline", "src.daemon.steps"))})
    return cls, f"{rnd.choice(_NOUNS)} {rnd.choice(_VERBS)} (request {rnd.randrange(16**6):06x})"


def _raise(cls: type[Exception], text: str) -> None:
    raise cls(text)


def _through_json(cls: type[Exception], text: str) -> None:
    def hook(obj: dict) -> dict:
        raise cls(text)
    json.loads('{"steps": []}', object_hook=hook)


@pytest.mark.parametrize("seed", range(1, 7))
def test_a_record_that_names_nothing_is_the_honest_unknown(seed):
    cls, text = _app_error(seed)
    logger = random.Random(seed).choice(_OWN_LOGGERS)
    d = diagnose(raised_and_logged(lambda: _raise(cls, text), logger, f"job failed: {text}"))
    assert (d.rule, d.category) == ("catch-all", "unknown")
    assert d.confidence == RECORD_SAYS_NOTHING and d.confidence <= UNKNOWN_CEILING


@pytest.mark.parametrize("seed", range(1, 7))
def test_the_same_error_under_a_remote_logger_is_unread_not_undecidable(seed):
    cls, text = _app_error(seed)
    logger = random.Random(seed).choice(_REMOTE_LOGGERS)
    d = diagnose(raised_and_logged(lambda: _raise(cls, text), logger, f"job failed: {text}"))
    assert (d.rule, d.category) == ("catch-all", "unknown")
    assert d.confidence == RECORD_SAYS_UNREAD
    assert "the remote " in d.root_cause and "unrecognised by the rules" in d.root_cause


@pytest.mark.parametrize("seed", range(1, 7))
def test_the_same_error_through_a_known_library_names_that_library(seed):
    cls, text = _app_error(seed)
    logger = random.Random(seed).choice(_OWN_LOGGERS)
    d = diagnose(raised_and_logged(lambda: _through_json(cls, text), logger, f"job failed: {text}"))
    assert (d.rule, d.category) == ("catch-all", "unknown")
    assert d.confidence == RECORD_SAYS_UNREAD and "the package json" in d.root_cause
