"""Where a rule's hints start in a lowered text: the starts `re.compile("|".join(map(re.escape, hints))).finditer`
would give, found by one Aho-Corasick pass instead.

Why: Python's `re` tries an alternation of literals branch by branch at every position whose character can start one
(sre's BRANCH opcode, Modules/_sre/sre_lib.h); with the providers' ~190 names that was most of the provider rule's
cost on a gateway's lines (bench/redaction.py's lines: 82 ms of finditer per pass over the 833 lines that hold a
provider's name, vs ~30 ms for everything else the rule does there). pyahocorasick's `Automaton.iter(text)` reports
every occurrence of every key, overlapping ones included, as `(end_index, value)` with `end_index` the index of the
key's last character (its docstring), in one pass over the text.

Same starts as finditer, by construction: finditer scans left to right, takes at the leftmost position where some
branch matches the FIRST branch (in `hints` order) that matches there, and resumes after that match (matches never
overlap; no hint is empty). `starts` keeps, per start position, the hint listed first, then walks the positions in
order with the same resume rule.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick  # type: ignore[import-not-found]  # a C extension without stubs


class HintScan:
    """The finditer-equivalent start positions of `hints` (lowercase literals) in a text."""

    __slots__ = ("_automaton",)

    def __init__(self, hints: tuple[str, ...]) -> None:
        if not hints or any(not h for h in hints):
            raise ValueError("hints must be non-empty strings")
        self._automaton = ahocorasick.Automaton()
        for rank, h in enumerate(hints):
            if h not in self._automaton:  # a repeated hint: the regex's first branch of that text wins
                self._automaton.add_word(h, (rank, len(h)))
        self._automaton.make_automaton()

    def starts(self, text: str) -> list[int]:
        """Start offsets of the non-overlapping leftmost-first matches, as `finditer` gives them."""
        best: dict[int, tuple[int, int]] = {}  # start -> (rank, length) of the first-listed hint there
        for end, found in self._automaton.iter(text):
            start = end - found[1] + 1
            if start not in best or found[0] < best[start][0]:
                best[start] = found
        out: list[int] = []
        resume = 0
        for start in sorted(best):
            if start >= resume:
                out.append(start)
                resume = start + best[start][1]
        return out


class BitScan:
    """Which groups of literals occur in a text, as a bit per group, in one Aho-Corasick pass: the engine's rules
    (their hints and the name gate's), positions.py's grammars, keyfiles.py's rows. An `in` test per literal cost more
    than the patterns it spared (~35 us a text for keyfiles' ~35 rows); the automaton reports every occurrence of every
    key, and each key's value is the OR of the bits of the groups that list it."""

    __slots__ = ("iter",)

    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        automaton = ahocorasick.Automaton()
        for bit, words in enumerate(groups):
            for w in words:
                automaton.add_word(w, automaton.get(w, 0) | 1 << bit)
        automaton.make_automaton()
        self.iter = automaton.iter  # `(end index, bits)` of every occurrence (the engine ORs them inline: its hot loop)

    def bits(self, text: str) -> int:
        """The OR of the bits of every group with a literal in `text`."""
        out = 0
        for _, bits in self.iter(text):
            out |= bits
        return out


# What `re.IGNORECASE` also matches for an ASCII letter, as the engine's `str.lower()` writes it: `i` matches `İ`
# (U+0130, lowered to `i` + U+0307) and `ı` (U+0131), `s` matches `ſ` (U+017F), `k` the Kelvin sign (U+212A, lowered
# to `k`). (Every non-ASCII character whose `re` case-insensitive match is an ASCII letter, checked over all of Unicode.)
_FOLDS = {"i": ("i", "i\u0307", "\u0131"), "s": ("s", "\u017f")}


def ignorecase_hints(word: str) -> tuple[str, ...]:
    """Every lowered spelling of the texts an IGNORECASE pattern matches for the lowercase ASCII `word`: hints that
    stay necessary for such a pattern however its letters are written."""
    out = [""]
    for ch in word:
        out = [o + f for o in out for f in _FOLDS.get(ch, (ch,))]
    return tuple(out)
