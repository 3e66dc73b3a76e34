"""Failure limits: when a gate's verdicts within a stage add up to a trip.

Argo Rollouts' semantics, plus the consecutive limit Argo users ask for: a gate *trips* when its
total failures in the stage exceed `failure_limit` or when it has failed
`consecutive_failure_limit` evaluations in a row. A pass resets the consecutive count;
inconclusive and error leave it unchanged (a gap in evidence is not evidence of recovery).
What a trip does (roll back, or hold with `on_fail: hold`) is the evaluator's and controller's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..config import GateConfig
from .gates import Verdict


@dataclass(slots=True)
class GateCounters:
    """Per-gate counts within a stage (persisted with the rollout state)."""

    evaluations: int = 0
    failures: int = 0
    consecutive_failures: int = 0
    errors: int = 0
    consecutive_errors: int = 0
    by_verdict: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out = {f: getattr(self, f) for f in self.__dataclass_fields__}
        out["by_verdict"] = dict(self.by_verdict)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> GateCounters:
        if not data:
            return cls()
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def count(counters: GateCounters, verdict: Verdict) -> GateCounters:
    """The counters after one more verdict (a new object; the input is not changed)."""
    c = GateCounters.from_dict(counters.to_dict())
    c.evaluations += 1
    c.by_verdict[verdict] = c.by_verdict.get(verdict, 0) + 1
    if verdict == "fail":
        c.failures += 1
        c.consecutive_failures += 1
    elif verdict == "pass":
        c.consecutive_failures = 0
    if verdict == "error":
        c.errors += 1
        c.consecutive_errors += 1
    else:
        c.consecutive_errors = 0
    return c


def tripped(gate: GateConfig, counters: GateCounters) -> str | None:
    """Why the gate has failed beyond its limits, or None while it is within them."""
    if gate.failure_limit is not None and counters.failures > gate.failure_limit:
        return f"{counters.failures} failures > failure limit {gate.failure_limit}"
    if counters.consecutive_failures >= gate.consecutive_failure_limit:
        return (f"{counters.consecutive_failures} consecutive failures >= "
                f"limit {gate.consecutive_failure_limit}")
    return None
