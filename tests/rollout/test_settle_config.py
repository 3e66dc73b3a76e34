"""`settle` is tied to `max_lateness` (round 18 re-read, config/rollouts.py).

The class: the settling span must cover the lateness bound (a record placed up to max_lateness s after it was
made may be the previous stage's, rollout/stagetotals.py). A span shorter than the bound still counts some of
them while the config reads as protected, so 0 < settle < max_lateness is refused at load with a clear error;
twins that must stay valid: 0 (count from each stage's start, as a config built in code), settle equal to the
bound (the shipped rules), longer than it, and any settle with max_lateness 0.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sidecar.config import RolloutsFile, read_yaml
from tests.rollout.test_gateway_records import rollout

from .test_gate_hold import RULES


@pytest.mark.parametrize(("settle", "max_lateness"), [(1.0, 120.0), (60.0, 120.0), (119.9, 120.0), (30.0, 600.0)])
def test_a_settling_span_shorter_than_the_lateness_bound_is_refused(settle: float, max_lateness: float) -> None:
    with pytest.raises(ValidationError, match="shorter than max_lateness"):
        rollout(max_lateness=max_lateness, settle=settle)


@pytest.mark.parametrize(("settle", "max_lateness"), [(0.0, 120.0), (120.0, 120.0), (300.0, 120.0), (5.0, 0.0)])
def test_twin_no_span_or_one_covering_the_bound_loads(settle: float, max_lateness: float) -> None:
    assert rollout(max_lateness=max_lateness, settle=settle).settle == settle


def test_the_shipped_rules_load_and_a_shortened_span_in_them_is_refused() -> None:
    raw = read_yaml(RULES)
    cfg = RolloutsFile.model_validate(raw).rollouts[0]
    assert cfg.settle >= cfg.max_lateness > 0
    raw["rollouts"][0]["settle"] = cfg.max_lateness / 2
    with pytest.raises(ValidationError, match="shorter than max_lateness"):
        RolloutsFile.model_validate(raw)
