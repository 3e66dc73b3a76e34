"""A CapWords key that opens a message (`UserName: alice ...`): its value varies, where a type's subject does not.

The class: a message that opens with `Name:` where `Name` is CapWords with two humps and no standard
exception suffix (`UserName:`, `ResourceName:`, `TaskOwner:`, `ApplicableState:`). Two writers print it:
* a key and its value, `log.info("UserName: %s logged in", name)` - one call site whatever the name: the
  value is a `%s` (a `key: value` record, as `logfmt`/`Key: value` headers are written);
* an exception type and its message, `raise InvalidState("chunk too large")` printed by
  `traceback.format_exception_only` as `f"{qualname}: {str(exc)}"` (Lib/traceback.py) - library types may
  leave PEP 8's `Error` suffix off (packaging's `InvalidVersion`, pip's `UnsupportedWheel`); the first
  words after it are the raise site's own text (`announced_slots.exception_subject`: `chunk too large` / `body too large`
  are two raise sites).
By its spelling the two are one form (`exception_texts.exception_prefix` takes both; round 12 review).
What tells them apart is how many different words one rest of the message takes there: a raise site
writes its words into its source, so one type and one rest carry few first words (the twins of
tests/errors/test_exception_subject.py: two); a key's values are as many as its users, tasks or
resources. And a raise site's subject is a constant of its source: each time the site fires it writes the
same word again, where a key's `%s` brings a new value. So, as `first_slot.FIRST_VALUES` does for a
message's first token (the same count: a third distinct word names a position that varies), the
`FIRST_VALUES`-th distinct lowercase word after one such key with one rest (every other token equal,
`first_slot.FIRST_AGREE` literal words among them, the key's) joins the first template of that rest, whose
second token becomes `<*>` - while every word so far came once. Once a template of that rest met its own
word again (`repeat`: a subject written twice, as a raise site does; review r17), the rest needs `KEY_VALUES`
distinct words: three raise sites of one type sharing a rest (`InvalidState: chunk/body/frame too large`)
stay apart, a key's values (as many as its users) reach five quickly.

Only where the spelling is ambiguous: a type that names itself one (`ValueError:`, `...Exception:`,
`...Warning:`; `exception_texts._NAMED_TYPE` and the suffixes of `_TYPE`) or a module-qualified one
(`psycopg.OperationalError:`) is a raise site's prefix, never a key, and keeps every subject apart.

Across restarts and replicas: the index is rebuilt from the stored templates (`TemplateLearner.load`
calls `note`), and a widened template is stored with its `<*>`, which later forms join by `similarity`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .first_slot import FIRST_AGREE, FIRST_VALUES
from .masking_rules import PLACEHOLDER
from .template_model import Template

__all__ = ["KEY_VALUES", "Rest", "capwords_key", "note", "place", "repeat", "subject_key"]

# Two humps or more, letters and digits only, unqualified, not ending in an exception suffix, then the colon.
_KEY = re.compile(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+:")
_SUFFIXES = ("Error:", "Exception:", "Warning:", "Exit:", "Interrupt:", "Iteration:", "Throwable:", "Fault:",
             "Failure:")
_SUBJECT = re.compile(r"[a-z][a-z_]*")  # announced_slots._LOWER_WORD: what `announced_slots.exception_subject` holds apart
_LETTER = re.compile("[A-Za-z]")
# Distinct words a rest needs once a word came back (`repeat`): a raise site rarely has five subjects
# with one identical rest, a key reaches five values quickly.
KEY_VALUES = 5


@dataclass(slots=True)
class Rest:
    """One rest's entry: the oldest template of the rest, the distinct words seen after its key (at most
    `KEY_VALUES`: no join needs more), and whether a template of the rest met its own word again (`repeat`).
    A flag of its own, not a sentinel among the words (round 17 kept an empty string there, which every
    count of the words had to step around)."""

    template: Template
    words: set[str] = field(default_factory=set)
    repeated: bool = False


def capwords_key(token: str) -> bool:
    """Whether a first token is a CapWords key the spelling cannot tell from a suffix-less type (`UserName:`)."""
    return _KEY.fullmatch(token) is not None and not token.endswith(_SUFFIXES)


def subject_key(bucket: str, tokens: list[str]) -> str | None:
    """The index key of a form `Key: word rest...` (bucket, key, rest), or None when it is not one."""
    if len(tokens) < 3 or not capwords_key(tokens[0]) or _SUBJECT.fullmatch(tokens[1]) is None:
        return None
    return bucket + "\x1e" + tokens[0] + "\x1e" + " ".join(tokens[2:])


def note(index: dict[str, Rest], key: str, tpl: Template) -> None:
    """Count a new template's word after its key under `key` (the oldest template of the rest is kept)."""
    entry = index.get(key)
    if entry is None:
        index[key] = entry = Rest(tpl)
    if len(entry.words) < KEY_VALUES:
        entry.words.add(tpl.tokens[1])


def repeat(index: dict[str, Rest], key: str) -> None:
    """A template of the rest `key` met its own word again (a constant of a raise site, written each time it
    fires): the rest needs `KEY_VALUES` distinct words from now on."""
    entry = index.get(key)
    if entry is not None:
        entry.repeated = True


def _rest_agrees(template: list[str], tokens: list[str]) -> bool:
    # Every token after the word agrees; the literal words that agree, the key included, are at least
    # FIRST_AGREE (first_slot.tail_agrees counts every agreeing literal beside its varying token the same way).
    literal = 1
    for t, m in zip(template[2:], tokens[2:], strict=True):
        if t == m:
            if PLACEHOLDER not in t and _LETTER.search(t) is not None:
                literal += 1
        elif t != PLACEHOLDER:
            return False
    return literal >= FIRST_AGREE


def place(index: dict[str, Rest], by_id: dict[str, Template], key: str,
          tokens: list[str], bucket: str) -> Template | None:
    """The template a form `Key: word rest` joins as the `FIRST_VALUES`-th distinct word of its rest (the
    `KEY_VALUES`-th once a word came back, `repeat`), or None. The caller widens it (`merge_tokens`: its
    second token becomes `<*>`)."""
    entry = index.get(key)
    if entry is None:
        return None
    found = entry.template
    needed = KEY_VALUES if entry.repeated else FIRST_VALUES
    if (by_id.get(found.fingerprint) is not found or found.bucket != bucket  # a logger may hold `\x1e` (the key's join)
            or found.tokens[0] != tokens[0]
            or len(found.tokens) != len(tokens) or not _rest_agrees(found.tokens, tokens)
            or len(entry.words | {tokens[1]}) < needed):
        return None
    return found
