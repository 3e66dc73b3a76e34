"""An answer names only the situation it decided (issue 17, round 20): a PostgREST schema-cache miss answered as code
(the object was never added) never recommends the remedy of the rejected stale-cache situation (reload the cache),
and one answered as storage (a record shows the object exists) does. Generated over the class: column, table and
function misses, the real postgrest client's error, loggers, migrations that failed or named another object, a
reload after the error with the request still failing or succeeding, and records with no migration at all."""

from __future__ import annotations

import json
import random
import re

import pytest

from tests.diagnose.classes8_base import Ctx, _postgrest
from tests.diagnose.classes8_vary import neutral
from tests.diagnose.classes11_gen import _schema_miss, c3_schema_cache_stale, c3_twin_never_added
from tests.diagnose.logged import diagnose

_REMEDY = ("reload", "notify pgrst")


def _said(d: object) -> str:
    """The answer's OWN words: summary, cause and fix without the log records it quotes ("...", the evidence)."""
    text = " ".join([d.summary, d.root_cause, *d.suggested_fix])  # type: ignore[attr-defined]
    return re.sub(r'"(?:[^"\\]|\\.)*"(?: \([^)]*\))?', " ", text).lower()


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Ctx:
    return Ctx("", tmp_path_factory.mktemp("decided_remedy"))


@pytest.mark.parametrize("seed", range(8))
def test_code_answer_never_recommends_the_reload(seed: int, ctx: Ctx) -> None:
    excerpt, expected = c3_twin_never_added(random.Random(seed), ctx)
    d = diagnose(excerpt)
    assert d.category == expected == "code", d.rule  # the twin's own expectation: never added -> code
    assert not [w for w in _REMEDY if w in _said(d)], (d.rule, d.suggested_fix)


@pytest.mark.parametrize("seed", range(8))
def test_bare_miss_answer_never_recommends_the_reload(seed: int) -> None:
    """Only the PostgREST error itself, no migration or reload record: code, named without the stale-cache remedy."""
    rng = random.Random(1000 + seed)
    _, _, _, body, _ = _schema_miss(rng)
    d = diagnose("\n".join([*neutral(rng), _postgrest(rng, rng.choice((400, 404)), body)]))
    assert d.category == "code", (d.rule, json.loads(body)["code"])
    assert not [w for w in _REMEDY if w in _said(d)], (d.rule, d.suggested_fix)


@pytest.mark.parametrize("seed", range(6))
def test_storage_answer_keeps_the_reload(seed: int, ctx: Ctx) -> None:
    excerpt, _ = c3_schema_cache_stale(random.Random(seed), ctx)
    d = diagnose(excerpt)
    assert d.category == "storage", d.rule
    assert "reload" in " ".join(d.suggested_fix).lower()
