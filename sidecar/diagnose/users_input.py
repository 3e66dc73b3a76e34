"""The one answer every "it was the user's input" second look gives (reparse, user_value, user_target, user_data).

By the doctrine a value the user passed, a file they uploaded or a third party's site they pointed a tool at is not
something the deployment can change: the honest category is unknown, low severity, and no surer than the reading
that found it (a cap per module, each documented there). Written once so the four readings cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from .model import Diagnosis


def the_users(d: Diagnosis, cap: float, tag: str, texts: dict[str, Any]) -> Diagnosis:
    """`d` re-read as the user's input: unknown, low, confidence at most `cap`, rule `<d.rule>+<tag>`, with `texts`
    (summary, root_cause, suggested_fix, evidence) replacing `d`'s."""
    return d.model_copy(update={"category": "unknown", "severity": "low", "confidence": min(d.confidence, cap),
                                "rule": f"{d.rule}+{tag}", **texts})
