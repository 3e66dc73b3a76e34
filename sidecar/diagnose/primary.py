"""Which answer a group shows first when both the rules and Kimi diagnosed it.

Both answers are stored (the `diagnoses` history); this decides the group's current one. Kimi's
answer is primary only when it is grounded - the log lines it quotes as evidence were found in
what it was shown (at least half of them, and at least one) - and it is at least as confident as
the rules' answer. A fluent answer without evidence never replaces a specific rule match.
When the two disagree - on the category, or on the cause: Kimi says its cause is not the rule
hint's (`hint_verdict`, prompt v3) - the primary answer carries a one-line note naming the other,
so the disagreement is shown rather than hidden. Free-text root causes are not compared here (no
measurable way to do it without labelled LLM answers); `answers` puts both side by side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .model import Diagnosis, one_line


@dataclass(frozen=True, slots=True)
class Choice:
    primary: Diagnosis
    other: Diagnosis
    reason: str
    disagree: bool


def grounded(d: Diagnosis) -> bool:
    """At least one quoted line was found in the input, and no more than half of them were made up."""
    claimed = d.evidence_claimed if d.evidence_claimed is not None else len(d.evidence)
    return bool(d.evidence) and 2 * len(d.evidence) >= claimed


def choose(rules: Diagnosis, llm: Diagnosis) -> Choice:
    """Pick the primary answer (pure; see the module docstring)."""
    if not grounded(llm):
        primary, other, reason = rules, llm, "the LLM answer quotes no line found in the log"
    elif llm.confidence < rules.confidence:
        primary, other, reason = rules, llm, (
            f"the LLM answer is less confident ({llm.confidence:.2f} < {rules.confidence:.2f})")
    else:
        primary, other, reason = llm, rules, "grounded and at least as confident as the rules"
    other_cause = llm.hint_verdict == "disagree" and rules.rule not in (None, "catch-all")
    disagree = primary.category != other.category or other_cause
    note = None
    if disagree:
        who = "Kimi" if other.source == "kimi" else "The rules"
        what = other.category if primary.category != other.category else f"another cause ({other.category})"
        note = one_line(f"{who} disagree{'s' if who == 'Kimi' else ''}: {what} at confidence "
                        f"{other.confidence:.2f} - {other.summary}", 300)
    return Choice(primary.model_copy(update={"disagreement": note}), other, reason, disagree)


NO_LLM_ANSWER = "no LLM answer (yet): the rules' answer is the only one"


def answers(history: Iterable[Mapping[str, Any]]) -> dict[str, Any] | None:
    """Both engines' latest answers side by side, which one is primary and why (None: no diagnosis yet).

    `history` is the group's diagnoses rows, newest first (`DiagnosisRepo.history`). The choice is
    recomputed with `choose`, the same pure function the runner used to set the group's current
    diagnosis, so the API and the page explain the stored choice rather than a second opinion.
    """
    latest: dict[str, Diagnosis] = {}
    for row in history:
        source = row.get("source")
        result = row.get("result")
        if source in latest or not isinstance(result, Mapping):
            continue
        try:
            latest[str(source)] = Diagnosis.model_validate(result)
        except ValidationError:  # a row written by an older version: skip it, never fail the page
            continue
    rules, llm = latest.get("rules"), latest.get("kimi")
    if rules is None and llm is None:
        return None
    out: dict[str, Any] = {"rules": rules.to_json() if rules else None, "llm": llm.to_json() if llm else None}
    if rules is not None and llm is not None:
        choice = choose(rules, llm)
        out.update(primary=choice.primary.source, reason=choice.reason, disagree=choice.disagree,
                   grounded=grounded(llm))
    elif rules is not None:
        out.update(primary="rules", reason=NO_LLM_ANSWER, disagree=False, grounded=None)
    elif llm is not None:
        out.update(primary="kimi", reason="no rules answer stored", disagree=False, grounded=grounded(llm))
    return out
