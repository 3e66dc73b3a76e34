"""Which answer a group shows first when both the rules and Kimi diagnosed it.

Both answers are stored (the `diagnoses` history); this decides the group's current one. Kimi's
answer is primary only when it is grounded - the log lines it quotes as evidence were found in
what it was shown (at least half of them, and at least one) - and it is at least as confident as
the rules' answer. A fluent answer without evidence never replaces a specific rule match.
When the two disagree on the category, the primary answer carries a one-line note naming the
other, so the disagreement is shown rather than hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    disagree = primary.category != other.category
    note = None
    if disagree:
        who = "Kimi" if other.source == "kimi" else "The rules"
        note = one_line(f"{who} disagree{'s' if who == 'Kimi' else ''}: {other.category} at confidence "
                        f"{other.confidence:.2f} - {other.summary}", 300)
    return Choice(primary.model_copy(update={"disagreement": note}), other, reason, disagree)
