"""A class-level verdict (before rules.py makes it a `Diagnosis`) and the confidence scale of class-level answers.

Class-level evidence is moderate evidence: a verdict is at most `MAX_CONFIDENCE` (below the 0.6 "confident" line),
`CLASS_ONLY` with the class alone, more when the component/remote is known (`WITH_COMPONENT`) or the class was raised
rather than named in words (`FROM_TRACEBACK`); an honest unknown stays <= `UNKNOWN_CEILING`. Shared by taxonomy.py
(families), code_verdict.py (documented codes) and base_family.py (ancestors).
"""

from __future__ import annotations

from dataclasses import dataclass

from .codes import Text
from .model import Category, Severity

MAX_CONFIDENCE = 0.55
UNKNOWN_CEILING = 0.4  # a verdict that says "unknown" (a user's own input, say) is never more sure than the catch-all allows
CLASS_ONLY = 0.35
WITH_COMPONENT = 0.15  # the remote/component is known (host, package frames, logger)
FROM_TRACEBACK = 0.05  # the family came from the raised class itself, not from words in a message


@dataclass(frozen=True, slots=True)
class Verdict:
    """A class-level diagnosis (before it becomes a `Diagnosis` in rules.py)."""

    family: str
    category: Category
    severity: Severity
    summary: str
    root_cause: str
    suggested_fix: tuple[str, ...]
    confidence: float
    evidence_class: str  # the class (or errno) the verdict rests on
    fallback_only: bool = False  # answers only where no rule matched (a close code alone is weaker than a rule)
    from_code: bool = False  # rests on a documented code in its namespace (codes.py): outranks a rule's words


def _verdict(family: str, cls: str, text: Text, confidence: float, fallback_only: bool = False) -> Verdict:
    category, severity, summary, root_cause, fixes = text
    ceiling = UNKNOWN_CEILING if category == "unknown" else MAX_CONFIDENCE  # an honest unknown stays <= 0.4
    return Verdict(family=family, category=category, severity=severity, summary=summary, root_cause=root_cause,
                   suggested_fix=fixes, confidence=round(min(ceiling, confidence), 2), evidence_class=cls,
                   fallback_only=fallback_only)
