"""The rule engine: runs an ordered table of redaction rules over a text, each only when its hints occur.

Why hints: a gateway line holds no secret most of the time, and most rules cannot match without one of a few
literals. The hints of every rule (~200) are found in one pass by an Aho-Corasick automaton (pyahocorasick,
`Automaton.iter` reports every occurrence of every key): 7x cheaper than a substring test per hint, which was most
of the cost of a line without secrets. A rule with no hints always runs.

Gates (`Rule.needs`), second necessary conditions read only when the hints let a rule through:
- "name": the rule changes a text only where a name is a secret name or a provider's, and every such name holds one
  of the gate hints given to `RuleSet`; without one, no "name" rule runs.
- "hex32": the rule's format holds 32 hex digits; one search for the run decides for all of them.
- "cased:XY": the format starts with case-sensitive letters whose lowercase hint is common (`sk`, `ap`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from .hintscan import BitScan


class Rule:
    """One rule: a pattern, its replacement, and the lowercase hints without which it cannot match."""

    __slots__ = ("kind", "sub", "hints", "needs")

    def __init__(self, kind: str, pattern: re.Pattern[str] | Callable[[str], str],
                 repl: Callable[[re.Match[str]], str] | str | None, hints: tuple[str, ...], needs: str = "",
                 seam: re.Pattern[str] | None = None) -> None:
        self.kind = kind
        self.hints = hints
        self.needs = needs  # a second necessary condition (module docstring): "name", "hex32" or "cased:<letters>"
        if isinstance(pattern, re.Pattern):
            compiled: re.Pattern[str] = pattern
            assert repl is not None  # (a str: a replacement without `\` or groups, no Python call per match)
            if seam is None:
                self.sub: Callable[[str], str] = lambda text: compiled.sub(repl, text)
            else:  # a literal-led piece every match holds, searched first: `pattern` opens with none, and sre tries it
                # at every position of a hinted text
                self.sub = lambda text: text if seam.search(text) is None else compiled.sub(repl, text)
        else:
            self.sub = pattern


MARKS = re.compile(r"\[REDACTED:([a-z0-9_]+)\]")
_ESCAPED_SLASH = re.compile(r"(?<!\\)((?:\\\\)*)\\/")  # an odd run of backslashes before '/': the last escapes it
_HEX32 = re.compile(r"[0-9a-fA-F]{32}")

Apply = Callable[[str, "Counter[str] | None"], str]


class RuleSet:
    """`rules` in order behind their hints and gates; `apply` is the redactor."""

    def __init__(self, rules: tuple[Rule, ...], name_gate_hints: Iterable[str]) -> None:
        self.rules = rules
        self._automaton, self._name_bit, self.apply = _compile(rules, name_gate_hints)

    def opens_name_gate(self, text: str) -> bool:
        """True when `text` holds a hint of the "name" gate (tests: every secret name must open it)."""
        return any(bits >> self._name_bit & 1 for _, bits in self._automaton.iter(text.lower()))


def _compile(rules: tuple[Rule, ...], name_gate_hints: Iterable[str]) -> tuple[Any, int, Apply]:
    """(automaton, name bit, `apply(text, counts)`): `rules` run in order on `text`; `counts` (when given) gets the new
    marks by kind."""
    automaton = BitScan([*(r.hints for r in rules), name_gate_hints])  # a bit per rule: OR-ed per line, read in order
    name_bit = len(rules)  # (the last group: the name gate's hints)
    needs_name = sum(1 << i for i, r in enumerate(rules) if r.needs == "name")
    needs_hex32 = sum(1 << i for i, r in enumerate(rules) if r.needs == "hex32")
    needs_cased = sum(1 << i for i, r in enumerate(rules) if r.needs.startswith("cased:"))
    rule_bits = (1 << name_bit) - 1
    always = sum(1 << i for i, r in enumerate(rules) if not r.hints)
    found = automaton.iter
    hex32 = _HEX32.search

    def apply(text: str, counts: Counter[str] | None) -> str:
        before = Counter(MARKS.findall(text)) if counts is not None else None
        original = plain = ""
        if "\\/" in text:  # JSON with escaped slashes (`https:\/\/u:p@h`, PHP/.NET encoders): `/` is the same JSON
            # Only an escaping backslash: in `\\/` the backslash is itself escaped (a literal one before a
            # slash); unescaping it would change what the text says and not be idempotent. Judged unescaped; a text
            # with no secret is returned as written (set 10's must-keep `"uri":"\/rest\/v1\/provider"` was rewritten).
            original, text = text, _ESCAPED_SLASH.sub(r"\1/", text)
            plain = text
        mask = always
        for _, bits in found(text.lower()):
            mask |= bits
        if not mask >> name_bit & 1:
            mask &= ~needs_name
        mask &= rule_bits
        while mask:  # rule order (lowest bit first); only the hinted ones (a few of ~200)
            low = mask & -mask
            if low & needs_hex32 and hex32(text) is None:
                mask &= ~needs_hex32  # judged on the text as the first of them sees it; the rest see no new run
                continue
            rule = rules[low.bit_length() - 1]
            mask ^= low
            if low & needs_cased and rule.needs[6:] not in text:
                continue
            text = rule.sub(text)
        if original and text == plain:
            text = original
        if counts is not None and before is not None:
            for kind, n in Counter(MARKS.findall(text)).items():
                if n > before[kind]:
                    counts[kind] += n - before[kind]
        return text

    return automaton, name_bit, apply
