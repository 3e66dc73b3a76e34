"""The situation model (category_model.py): a low, said-to-be-a-guess category only where the catch-all met a record
with a code or a known library's own class; its counts file states its training sets and matches them.

Generated per seed: websockets' own InvalidStatus (raised with a real websockets.http11.Response) for a handshake
answered with a status no mechanism reads (400, 404, 426), under loggers, servers, hosts and messages that vary; the
twins: the same class answered 401/403 (a class family reads it: unchanged by the model), and an application error
under our own logger (the record names nothing: the catch-all's honest unknown stays).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from websockets.datastructures import Headers
from websockets.exceptions import InvalidStatus
from websockets.http11 import Response

from sidecar.diagnose.calibration import CONFIDENT, UNKNOWN_CEILING
from sidecar.diagnose.category_model import CONFIDENCE, MODEL_PATH, RULE, Counts, predict
from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.honest_unknown import RECORD_SAYS_NOTHING
from sidecar.diagnose.situation_features import features

from .logged import diagnose, raised_and_logged

_LOGGERS = ("src.monitoring.ai_auditor", "src.alerts.stream", "tools.live_feed", "src.daemon.bridge")
_UNREAD = ((400, "Bad Request"), (404, "Not Found"), (426, "Upgrade Required"))
_FAMILY = ((401, "Unauthorized"), (403, "Forbidden"))


def _refused(seed: int, statuses: tuple[tuple[int, str], ...]) -> str:
    rnd = random.Random(seed)
    status, reason = rnd.choice(statuses)
    response = Response(status, reason, Headers({"Server": rnd.choice(("nginx", "envoy", "caddy"))}), b"")

    def connect() -> None:
        raise InvalidStatus(response)
    host = f"wss://{rnd.choice(('audit', 'feed', 'relay'))}.{rnd.choice(('internal', 'corp.example'))}/ws"
    return raised_and_logged(connect, rnd.choice(_LOGGERS), f"{rnd.choice(('auditor', 'feed', 'bridge'))} connect to {host} failed")


@pytest.mark.parametrize("seed", range(1, 4))
def test_a_library_class_no_mechanism_reads_gets_a_low_guess_that_says_so(seed):
    log = _refused(seed, _UNREAD)
    d = diagnose(log)
    data = json.loads(MODEL_PATH.read_text())
    expected, _ = predict(Counts(data["prior"], data["features"]), features(excerpt_to_input(log)))
    assert expected != "unknown"  # websockets' handshake refusals: the spent sets' cases say what kind they are
    assert (d.rule, d.category) == (RULE, expected)
    assert d.confidence == CONFIDENCE and d.confidence < CONFIDENT and d.confidence <= UNKNOWN_CEILING
    assert d.root_cause.startswith("No specific mechanism matched") and "statistical guess" in d.root_cause
    assert "'InvalidStatus'" in d.root_cause or "'http:4" in d.root_cause  # the deciding facts it names are the record's


@pytest.mark.parametrize("seed", range(1, 4))
def test_twins_a_family_answer_and_a_record_naming_nothing_are_not_guessed(seed):
    family = diagnose(_refused(seed, _FAMILY))
    assert family.rule != RULE and family.category == "config" and family.confidence > CONFIDENCE
    rnd = random.Random(seed)
    cls = type("PlanError", (Exception,), {"__module__": "src.core.planning"})

    def fail() -> None:
        raise cls(f"plan came back empty (request {rnd.randrange(16**6):06x})")
    plain = diagnose(raised_and_logged(fail, "src.daemon.planner", "job failed"))
    assert (plain.rule, plain.category, plain.confidence) == ("catch-all", "unknown", RECORD_SAYS_NOTHING)


def test_the_counts_file_names_its_training_sets_and_one_set_recounts_into_it():
    """The full regeneration (`python evals/category_model.py --check`) reads ~1,900 cases; here: every training set's
    files are the ones the counts were made from, and the smallest set's own counts are all inside the file's."""
    from evals.category_model import TRAINING, case_rows, set_digest, weight

    data = json.loads(MODEL_PATH.read_text())
    assert list(data["trained_on"]) == list(TRAINING)
    stale = [n for n in TRAINING if data["trained_on"][n] != set_digest(n)]
    assert not stale, f"cases changed since training: run python evals/category_model.py ({stale})"
    name = min(TRAINING, key=lambda n: len(list(Path("evals", n).glob("*.yaml"))))
    for _, cat, feats in case_rows(name):
        for f in feats:
            assert data["features"][cat].get(f, 0) >= weight(name), (name, cat, f)
