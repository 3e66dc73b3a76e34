"""A quoted word: a constant of its format string or a value it was filled with, learned by recurrence.

The class. A word in ASCII quotes is printed two ways:
* a VALUE the call filled in - `log.warning("unknown user '%s'", name)`, `f"no table {t!r}"`, `%r` of a str
  (Python's repr quotes it), Go's `%q`, a shell's `'$1'`: a user, a table, a key, a file name - as many words as
  the program has objects;
* a CONSTANT of the format string - `"job %d moved to state 'ACTIVE'"` beside `"... state 'FAILED'"`, `"option
  'force' is deprecated"`, `"field 'name' is required"`: one word per call site, written again each time it fires.
By their spelling the two are one form; masking (`masking._quoted`) erases every quoted single token, so two call
sites that differ only there were one group. What tells them apart is recurrence: a call site writes its constant
every time it fires, so the word comes back while the message's other values change (a new job id, a new count:
the same masked form, met again); a `%s` brings a new word each time (`first_slot.FIRST_VALUES` and
`key_subjects.repeat` read a position's variety the same way).

So (measured on the spent Python blind seeds 181-190 before this was written; GROUPING_CLASSES S4):
* the message path keeps a quoted plain word (`restore`: letters, `_`, `-`; no digit - a value by its form stays
  masked, `'user42'` is `'<*>'`); the traceback path and `normalize_message` are untouched (no fingerprint of a
  traceback or an exception line changes);
* the learner joins two messages that differ only in such a word as it joins any delimited slot (a value: its
  template's word becomes `<*>`), unless the template's word was seen `CONSTANT_SIGHTINGS` times (its form met
  again, or a member joined with the same word): then it is a constant and the other word starts its own template.
Restoring every quoted word as a constant (no learning) was measured first: Python spent seeds 181-190 0.761 ->
0.717 - most quoted words are values, so a word is a value until its recurrence says otherwise.

Never where a keep rule may have kept a quoted name on purpose (`'NoneType' object has no attribute 'get'`, `No
module named 'x'`: `keep_spans.may_keep_names`): those names stay apart as before (`slots.similarity`).

Across restarts and replicas: the counts live in memory. A template loaded from the store starts its count again
(a constant seen `CONSTANT_SIGHTINGS` times more is a constant again; another word first joins as a value and the
merge is stored, first writer wins, like every merge), so a restart can merge a constant's second word that a
running process would have kept apart - never split a group it had.
"""

from __future__ import annotations

import re

from .keep_spans import may_keep_names
from .masking_rules import MAX_CHARS, PLACEHOLDER
from .template_model import Template

__all__ = ["CONSTANT_SIGHTINGS", "PLAIN_QUOTED", "note_new", "restore", "sighted"]

# Sightings of one quoted word in one template before it is a constant: the creating message and two more (the
# third distinct word makes a first token a value, `first_slot.FIRST_VALUES`; the same count the other way).
CONSTANT_SIGHTINGS = 3
# A quoted plain word as a learner token (sentence punctuation after it; not `:`/`=`: a dict key masking keeps).
PLAIN_QUOTED = re.compile(r"""(['"])[A-Za-z][A-Za-z_-]{0,39}\1[,.;)]*""")
_WORD = re.compile(r"[A-Za-z][A-Za-z_-]{0,39}")
# masking_rules' `quoted` rule (the same spans masking's `_quoted` saw) and what it left for a single token
_RAW = re.compile(r"""(?<![\w'"])'([^'\n]{0,200})'(?![\w'])|(?<![\w'"])"([^"\n]{0,200})"(?![\w"])""")
_MASKED = re.compile(r"""'<\*>'|"<\*>\"""")
# what may follow a quoted word that is a learner token of its own (`PLAIN_QUOTED`'s punctuation, then a blank)
_TOKEN_END = re.compile(r"[,.;)]*(?:\s|$)")


def restore(message: str, masked: str) -> str:
    """`masked` with each quoted plain word of `message` back in place of the `'<*>'` masking made of it.

    The raw text's quoted single tokens (as masking's `quoted` rule finds them, dict keys before `:`/`=` left
    out) are paired in order with the masked text's `'<*>'`; when the counts differ (a keep rule kept a name, a
    quoted error code stayed, a phrase became `'<*>'`) nothing is restored: masking's answer stands. Only a word
    that is a token of its own (a blank before it, a blank or sentence punctuation after it) is put back: inside a
    JSON object or a bracket group (`{"k":"v"}`, `['a', 'b']`, one learner token) it stays a value."""
    raw: list[tuple[str, str]] = []
    for m in _RAW.finditer(message, 0, MAX_CHARS):
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        stripped = inner.strip()
        if stripped and " " in stripped:
            continue  # a phrase: masking parameterised it in place
        rest = message[m.end():m.end() + 3].lstrip()
        if rest[:1] in (":", "="):
            continue  # a dict key: masking kept it
        start, end = m.start(), m.end()
        alone = (start == 0 or message[start - 1].isspace()) and _TOKEN_END.match(message, end) is not None
        raw.append((m.group()[0] if alone else "", inner))
    slots = _MASKED.findall(masked)
    if not raw or len(raw) != len(slots):
        return masked
    words = iter(raw)
    return _MASKED.sub(lambda s: _word(s.group(), next(words)), masked)


def _word(slot: str, raw: tuple[str, str]) -> str:
    quote, inner = raw
    return quote + inner + quote if quote == slot[0] and _WORD.fullmatch(inner) else slot


def _quoted_positions(tokens: list[str]) -> list[int]:
    return [i for i, t in enumerate(tokens) if ("'" in t or '"' in t) and PLAIN_QUOTED.fullmatch(t)]


def note_new(tpl: Template, text: str, raw: str | None) -> bool:
    """Count a new template's quoted plain words once each (in message `raw`, or its masked `text` when the raw one
    is not known); whether it has any still undecided. In a text where a keep rule may have kept a name
    (`keep_spans.may_keep_names`) they are constants from the start: apart as before."""
    found = _quoted_positions(tpl.tokens)
    if not found:
        return False
    if may_keep_names(text):
        tpl.constants = frozenset(found)
        return False
    seen = text if raw is None else raw
    tpl.sightings = {i: {seen} for i in found}
    return True


def sighted(tpl: Template, raw: str, tokens: list[str] | None = None) -> bool:
    """A sighting of the template's undecided quoted words in message `raw` (those `tokens` repeats; every one when
    None: its form met again); whether any stays undecided. Only a raw message not seen before counts: the word
    came back while another value of the message changed (an error storm of one identical line, or one value met
    again with nothing else around it, says nothing about the word). A word seen in `CONSTANT_SIGHTINGS` distinct
    messages is a constant; a position a message widened to `<*>` (a value) is dropped."""
    seen = tpl.sightings
    if not seen:
        return False
    current = tpl.tokens
    for i in list(seen):
        if current[i] == PLACEHOLDER:
            del seen[i]
        elif tokens is None or tokens[i] == current[i]:
            texts = seen[i]
            texts.add(raw)
            if len(texts) >= CONSTANT_SIGHTINGS:
                tpl.constants = tpl.constants | {i}
                del seen[i]
    if seen:
        return True
    tpl.sightings = None
    return False
