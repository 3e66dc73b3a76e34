"""Bracket matching shared by the value rules that end at a bracket (object_states, throwable_tails)."""

from __future__ import annotations

__all__ = ["BRACKETS", "close_at"]

# Each opening bracket and its closing one.
BRACKETS = {"[": "]", "(": ")", "{": "}"}
_CLOSERS = frozenset(BRACKETS.values())


def close_at(t: str, start: int) -> int:
    """The index of the first closing bracket from `start` on that closes nothing opened from `start` on
    (brackets nested after `start` balanced, of any kind), or -1 if there is none."""
    depth = 0
    for i in range(start, len(t)):
        c = t[i]
        if c in BRACKETS:
            depth += 1
        elif c in _CLOSERS:
            if depth == 0:
                return i
            depth -= 1
    return -1
