"""CLASSES9 classes decided by a second record (classes9_second.py), each with its near-miss twin: the diagnosis has
the class's category (an unknown at confidence <= 0.4; a twin never confident) on 3 seeds each in the suite
(SIDECAR_CLASS_SEEDS; bench/class_seed_sweep.py runs 6), and every generator varies with its seed (6 seeds). Classes
still answered wrongly are strict xfails naming why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.diagnose.class_checks import (
    SEEDS,
    SUITE_SEEDS,
    assert_class_answer,
    class_params,
    generated,
    pg_class_ctx,
)
from tests.diagnose.classes8_base import Ctx, Gen
from tests.diagnose.classes9_second import CLASSES9_SECOND, CLASSES_PG, NOT, UNCHANGED, without_deaths
from tests.diagnose.logged import diagnose
from tests.diagnose.test_classes8 import _shape

OPEN: dict[str, str] = {}
CASES = [(cid, g) for cid, gens in CLASSES9_SECOND.items() for g in gens]


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ctx]:
    yield Ctx("", Path(tmp_path_factory.mktemp("classes9_second")))


@pytest.mark.parametrize("seed", SUITE_SEEDS)
@pytest.mark.parametrize(("cid", "gen"),  class_params(CASES, OPEN))
def test_second_record_decides(cid: str, gen: Gen, seed: int, ctx: Ctx) -> None:
    excerpt, expected = generated(gen, seed, ctx)
    d = diagnose(excerpt)
    if expected == UNCHANGED:  # a near-miss record must not move the answer the error gets without it
        expected = diagnose(without_deaths(excerpt)).category
    if expected.startswith(NOT):
        assert d.category != expected.removeprefix(NOT) and d.confidence < 0.6, (cid, gen.__name__, d.category, d.rule)
        return
    assert_class_answer(d, expected, cid, gen)


@pytest.mark.parametrize(("cid", "gen"), [pytest.param(cid, g, id=f"{cid}-{g.__name__}") for cid, g in CASES])
def test_generator_varies_with_its_seed(cid: str, gen: Gen, ctx: Ctx) -> None:
    shapes = {_shape(generated(gen, seed, ctx)[0]) for seed in SEEDS}
    assert len(shapes) >= 4, (cid, gen.__name__, len(shapes))


@pytest.fixture(scope="module")
def pg_ctx(pg_cluster: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ctx]:
    with pg_class_ctx(pg_cluster, tmp_path_factory, "classes9_pg") as ctx:
        yield ctx


@pytest.mark.parametrize("seed", SUITE_SEEDS)
@pytest.mark.parametrize("gen", [g for gens in CLASSES_PG.values() for g in gens], ids=lambda g: g.__name__)
def test_server_side_copy(gen: Gen, seed: int, pg_ctx: Ctx) -> None:
    excerpt, expected = generated(gen, seed, pg_ctx)
    d = diagnose(excerpt)
    if expected.startswith(NOT):
        assert d.category != expected.removeprefix(NOT) and d.confidence < 0.6, (gen.__name__, d.category, d.rule)
    else:
        assert d.category == expected, (gen.__name__, d.category, d.confidence, d.rule, d.summary)


def test_a_printed_proxy_credential_never_reaches_the_diagnosis_texts(ctx: Ctx) -> None:
    """proxy_connect.py quotes the record that printed the proxy variable; log content is attacker-controlled and a
    diagnosis is forwarded, so the credential in the proxy URL is redacted in every text (second_looks.py)."""
    from tests.diagnose.classes8_base import _record
    from tests.diagnose.classes9_second import _closed_port, _environment, _get, at

    password = "Zq8-hunter2-proxy-pass"
    proxy = f"http://svc-egress:{password}@127.0.0.1:{_closed_port()}"
    with _environment({"HTTPS_PROXY": proxy}):
        error = _record(lambda: _get("httpx", "https://api.moonshot.ai/v1/models"), "src.providers.kimi_chat",
                        "Kimi chat failed")
    excerpt = "\n".join([at(error, 30, "src.core.env_config", f"environment: HTTPS_PROXY={proxy}"), error])
    d = diagnose(excerpt)
    assert d.category == "config" and "proxy-connect" in (d.rule or ""), (d.category, d.rule)
    for text in (d.summary, d.root_cause, *d.evidence, *d.suggested_fix):
        assert password not in text, text
