"""A value in the FIRST token: the subject of a message that varies while the rest of it agrees.

The learner files templates by their first token (`templates._shelf`, Drain's first tree level): two
messages that begin with different plain words are never compared, because the first word usually
names the event (`Accepted password` / `Failed password`, `cupsd startup` / `hcid startup`). When
an id, a user or a node name written in letters leads the message (`jlzwkrxgpcz floating point
alignment exceptions`), every value opened a group of its own (121 groups for one BGL event in the
slot-swap benchmark). The class, whatever the value's characters:

* a plain word at position 0 (`_WORDS` once sentence punctuation is stripped) against a template
  whose first token is already a value (`<*>`: masked, or learned), or as the `FIRST_VALUES`-th
  distinct plain first word before one tail: a position's cardinality, not its characters, says it
  varies (two words, `upload` / `download of <*> to the store`, are as often two events);
* the rest of the message AGREES: every other token equal (a learned `<*>` takes anything), with at
  least `FIRST_AGREE` literal tokens among them: the words that name the event are all after the
  value;
* not a word that names a failure or is a verb form on either side (a verb or an error type in
  front is the event: `Accepted` / `Failed`, `creating` / `removing`), nor two ALL-CAPS words (in front, a
  code or a state names the event: `ATTEMPT_START` / `JOB_CREATE`; two HTTP methods are the request's
  attribute, as `access_records.HTTP_METHODS` says past the first token: `GET <*> completed in <*>` / `POST ...`,
  a request record's method leads it, `access_records.py`; past the first tokens
  `word_slots.positional_word` takes capitals as words since round 9), nor a capitalised word (round 9: `Start`,
  `Reset`, `Normal`: the first word of a sentence the writer began; a base verb has no `-ed`/`-ing`
  to show it is one, its capital does; names and ids printed first keep their own case, `root`,
  `jlzwkrxgpcz`; a random mixed-case id that happens to be capitalised only, `Qwhrtkzp`, is the
  near-miss this costs: the slot-swap's mixed_id 0.951 -> 0.948, one BGL seed), nor two inflections of one word.

Shorter tails (`cupsd startup succeeded` / `hcid startup succeeded`, `maxSessionTimeout set to <*>`)
stay apart: two literal words after a subject are too little to say the subject is a value (the
labeled shared datasets keep them as events; bench/grouping.py). The template keeps its id; its
first token becomes `<*>` and it moves to the `<*>` shelf of its bucket, where later messages whose
own shelf offers nothing find it (`across_counts.place_first`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .access_records import HTTP_METHODS
from .masking_rules import PLACEHOLDER
from .to_phrases import VERB_FORM as _VERB_FORM
from .token_forms import _STRIP, _WORDS, names_failure, variable_like
from .word_slots import inflected

__all__ = ["FIRST_AGREE", "FIRST_VALUES", "plain_subject", "subjects_may_vary", "tail_agrees", "tail_key",
           "values_needed"]

# Literal tokens after the first that must agree for a differing first word to be a value: chosen on
# the shared datasets' labels (2 would merge `<prog> startup succeeded` events, which they keep apart).
FIRST_AGREE = 3
# Distinct plain first words with one tail before the first token is a value: two are two events as
# often as one event (`upload of <*> ...` / `download of <*> ...`); a third names a position that varies.
# Round 9 tried 2 (with FIRST_AGREE 4): GROUPING_CLASSES.md S2 0.398 -> 0.762 on bench/grouping_classes.py,
# shared-8 unchanged, but `upload` / `download of <*> to the object store failed: quota exceeded` merged
# (tests/errors/test_slot_classes.py): a lowercase base verb in front cannot be told from an id by its
# form, and that is the class the brief names ("base-verb first words merging constants"). Reverted.
FIRST_VALUES = 3
_LETTER = re.compile("[A-Za-z]")


@lru_cache(maxsize=16384)  # pure; first words repeat far more than messages
def plain_subject(token: str) -> bool:
    """Whether a first token is a plain word the learner files a shelf by (not a value by its form)."""
    word = token.strip(_STRIP)
    return bool(word) and _WORDS.fullmatch(word) is not None and not variable_like(token)


def _event_word(word: str) -> bool:
    return names_failure(word) or _VERB_FORM.search(word) is not None


def _sentence_word(word: str) -> bool:
    """A capitalised word (`Start`, `Normal`, `Inode-cache`): the first letter of a sentence the writer
    began, one of its words; a name or id printed first keeps its own case (`root`, `jlzwkrxgpcz`)."""
    return len(word) > 1 and word[0].isupper() and not any(c.isupper() for c in word[1:])


def subjects_may_vary(a: str, b: str | None) -> bool:
    """Whether first word `a` may be a value against first word `b` (None: a template's `<*>`)."""
    wa = a.strip(_STRIP)
    if _event_word(wa) or _sentence_word(wa):
        return False
    if b is None:
        return True
    wb = b.strip(_STRIP)
    if _event_word(wb) or _sentence_word(wb) or inflected(wa, wb):
        return False
    if wa.isupper() and wb.isupper() and not (wa in HTTP_METHODS and wb in HTTP_METHODS):
        return False
    return True


def values_needed(a: str, b: str) -> int:
    """How many distinct first words before one tail make the first token a value: `FIRST_VALUES`, or
    2 when both are HTTP methods - a method is the request's attribute by its kind (RFC 9110 s.9), not
    by how many were seen (`GET <*> completed in <*>` / `POST <*> completed in <*>`: one request record)."""
    return 2 if a.strip(_STRIP) in HTTP_METHODS and b.strip(_STRIP) in HTTP_METHODS else FIRST_VALUES


def tail_key(bucket: str, tokens: list[str]) -> str:
    """The key of a message's tail (all but the first token) within its bucket."""
    return bucket + "\x1e" + " ".join(tokens[1:])


def tail_agrees(template: list[str], tokens: list[str]) -> bool:
    """Whether every token after the first agrees (equal, or a learned `<*>` in the template) with
    at least `FIRST_AGREE` literal words (tokens with a letter) among them."""
    literal = 0
    for t, m in zip(template[1:], tokens[1:], strict=True):
        if t == m:
            if PLACEHOLDER not in t and not t.isdigit() and _LETTER.search(t) is not None:
                literal += 1  # a word: punctuation (`...`, `-`) names nothing
        elif t != PLACEHOLDER and not (t.endswith(PLACEHOLDER) and m.startswith(t[:-len(PLACEHOLDER)])):
            return False  # a learned `key=<*>` takes `key=value`
    return literal >= FIRST_AGREE
