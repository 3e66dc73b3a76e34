"""The CLASSES10 and CLASSES11 classes raised by the real test PostgreSQL (classes10_pg.py, classes11_pg.py), each with
its near-miss twin, 6 seeds each: the diagnosis has the class's category (an unknown at confidence <= 0.4; a twin
never confident), and every generator varies with its seed. Classes still answered wrongly are strict xfails naming
why. One module for both specs: the checks are the same, only the generators differ."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from tests.diagnose.class_checks import assert_class_answer, class_params, pg_class_ctx
from tests.diagnose.classes8_base import Ctx, Gen
from tests.diagnose.classes10_pg import CLASSES10_PG
from tests.diagnose.classes11_pg import CLASSES11_PG
from tests.diagnose.logged import diagnose
from tests.diagnose.test_classes8 import _shape

SEEDS = range(6)
OPEN: dict[str, str] = {}
CASES = [(cid, g) for spec in (CLASSES10_PG, CLASSES11_PG)
         for cid, gens in spec.items() for g in gens]


@pytest.fixture(scope="module")
def ctx(pg_cluster: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ctx]:
    with pg_class_ctx(pg_cluster, tmp_path_factory, "class_specs_pg") as ctx:
        yield ctx


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("cid", "gen"), class_params(CASES, OPEN))
def test_class_of_the_spec(cid: str, gen: Gen, seed: int, ctx: Ctx) -> None:
    excerpt, expected = gen(random.Random(seed), ctx)
    assert_class_answer(diagnose(excerpt), expected, cid, gen)


@pytest.mark.parametrize(("cid", "gen"), [pytest.param(cid, g, id=f"{cid}-{g.__name__}") for cid, g in CASES])
def test_generator_varies_with_its_seed(cid: str, gen: Gen, ctx: Ctx) -> None:
    shapes = {_shape(gen(random.Random(seed), ctx)[0]) for seed in SEEDS}
    assert len(shapes) >= 4, (cid, gen.__name__, len(shapes))
