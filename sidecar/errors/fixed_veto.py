"""`fixed_veto`: a cheap, SOUND subset of `slots.similarity`'s refusals, asked before the full comparison.

Split out of slots.py (which judges a pair of tokens) because it is a different question: not "are these
one event" but "can no context make these one event", answered from the tokens' forms alone, so the
learner skips a template without comparing it (`templates.TemplateLearner._place`; its split halves for
repeated scans are in veto_index.py).
"""

from __future__ import annotations

from functools import lru_cache

from .access_records import HTTP_METHODS
from .slots import NAME_NOUNS, SLOT_INTRODUCERS, STATE_NOUNS, WORD_FROM
from .to_phrases import VERB_FORM as _VERB_FORM
from .to_phrases import goal_to
from .token_forms import _UNIT, _WORDS, names_failure, variable_like

__all__ = ["EVENT", "FIXED", "UPPER", "fixed_veto", "fixed_word", "rescued"]


# A cheap, SOUND subset of `similarity`'s vetoes: the learner asks it before `similarity` and skips a
# template it vetoes (`templates.TemplateLearner._place`). Sound means: whenever `fixed_veto` is true,
# `similarity` returns -1 for the same pair, so a skipped template could never have been chosen and
# the learner's output is identical (tests/errors/test_fixed_veto.py checks it on generated pairs).
# Most rejected comparisons are two different plain words where no rule can make a slot: an event
# word before `WORD_FROM` (`Task` / `TaskAttempt Transitioned`), a verb form (`ASSIGNED`, `running`) or a
# failure word. Only differing positions are looked at; what a template token is (`fixed_word`) is
# memoised (template tokens repeat), and the message's token is asked only what the verdict needs (its
# form, then failure word or verb form). The rarer refusals (`_negated`, `_failure_slot`) are left to
# `similarity`: a veto may only be a subset of its refusals.
FIXED = 1  # a plain ASCII word or identifier (`_WORDS`) no form rule makes a value
UPPER = 2  # ... in capitals (`_positional`: two ALL-CAPS words are never a slot)
EVENT = 4  # ... that names a failure or is a verb form (`_positional`: never a slot)


@lru_cache(maxsize=16384)  # pure; template tokens are asked again for every message compared
def fixed_word(token: str) -> int:
    """0, or `FIXED` plus flags, for a template token that `similarity` can make a slot against a
    different `_WORDS` token only through its context: ASCII letters, words joined by `_`/`-`
    (`_WORDS`: no `=`, bracket, quote, punctuation or digit in either token, so `absent_part`,
    `same_key` and the digit test do not apply and `_delimited` finds no delimiter) that are not
    `variable_like` (then `_slot`'s typed slot needs both) and not a unit (a unit slot needs both).
    The contexts that can still make them a slot are in `fixed_veto`."""
    if not _WORDS.fullmatch(token) or _UNIT.fullmatch(token) or variable_like(token):
        return 0
    flags = FIXED
    if token.isupper() and token not in HTTP_METHODS:
        flags |= UPPER
    if names_failure(token) or _VERB_FORM.search(token):
        flags |= EVENT
    return flags


def _may_introduce(prev: str) -> bool:
    """Whether `_introduces(prev, word)` can be true for a `_WORDS` token: after `key:`/`key=`, a
    `SLOT_INTRODUCERS` word or a `NAME_NOUNS` word (`tenant acme_corp`)."""
    low = prev.lower()
    return prev.endswith((":", "=")) or low in SLOT_INTRODUCERS or low in NAME_NOUNS or low in STATE_NOUNS


def rescued(template: list[str], i: int, flags: int) -> bool:
    """Whether the context before position `i` may make a differing `fixed_word` (its `flags`) there a slot:
    a token that can introduce a value, or, for a word not in capitals, a destination's `to` (`Connecting to
    billing`: `to_phrases.goal_to`, where even a word with a verb's suffix is a name)."""
    return bool(i) and (_may_introduce(template[i - 1])
                        or (i > 1 and not flags & UPPER and goal_to(template[i - 1], template[i - 2])))


def fixed_veto(template: list[str], tokens: list[str], word_from: int = WORD_FROM) -> bool:
    """True only when `similarity(template, tokens, ..., word_from=word_from)` is -1, whatever the other
    settings: at some position the template holds a `fixed_word` and the message another `_WORDS`
    token (`_slot` says -1), no context rescues them (the template's token before cannot introduce
    a value, the token after is not a truncating `...`), and `_positional` refuses them (before
    `word_from`, a failure word or a verb form on either side)."""
    last = len(template) - 1
    for i, (t, m) in enumerate(zip(template, tokens, strict=True)):
        if t != m:
            flags = fixed_word(t)
            if (flags and not rescued(template, i, flags)
                    and not (i < last and template[i + 1] == "...") and _WORDS.fullmatch(m)
                    and (i < word_from or flags & EVENT or (flags & UPPER and m.isupper())
                         or names_failure(m) or _VERB_FORM.search(m))):
                return True
    return False
