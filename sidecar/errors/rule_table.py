"""The masking rules' record (`Rule`) and the two constants every rule module shares (the placeholder a masked
value becomes, and how much of a message is parameterised). The rules themselves: keep_rules.py (what names the
error, kept verbatim) and mask_rules.py (what varies between occurrences); masking_rules.py is their table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["MAX_CHARS", "PLACEHOLDER", "Replacement", "Rule", "rule"]

PLACEHOLDER = "<*>"
# Only a message's first MAX_CHARS characters are parameterised (a 32 KB payload's start names the error).
MAX_CHARS = 2048

Replacement = str | Callable[[re.Match[str]], str]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    kind: str  # "keep" (protect verbatim) | "protect" (replace, then protect) | "mask"
    regex: re.Pattern[str]
    replacement: Replacement | None  # None for keep rules
    triggers: tuple[str, ...]  # keep rules: the substrings that make the engine run the rule
    examples: tuple[tuple[str, str], ...]  # (message, normalize_message(message))
    why: str


def rule(name: str, kind: str, pattern: str, replacement: Replacement | None, triggers: tuple[str, ...],
         examples: tuple[tuple[str, str], ...], why: str, flags: int = 0) -> Rule:
    return Rule(name, kind, re.compile(pattern, flags), replacement, triggers, examples, why)
