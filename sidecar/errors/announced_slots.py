"""Kind 1 of `slots.py`: what ANNOUNCES a value - a word before it (`for user root`, `tenant acme_corp`,
`state RUNNING`), the same brackets or quotes around it (`(spawning)` / `(deleting)`); and where a colon
announces no value (the subject of an exception's message, `SecurityError: chunk too large`).
"""

from __future__ import annotations

import re

from .exception_texts import exception_prefix
from .masking_rules import PLACEHOLDER
from .token_forms import names_failure
from .word_slots import failure_key

__all__ = ["SLOT_INTRODUCERS", "NAME_NOUNS", "STATE_NOUNS", "exception_subject", "introduces", "same_delimiters",
           "in_quotes"]


# Words after which a plain word is a value (`for user root`, `key ending eedd`, `from host`):
# the English function words and nouns that introduce a name in log messages of any system.
# Not `to`: what follows it is usually the verb that names the event (`Failed to bind`).
SLOT_INTRODUCERS = frozenset(
    "user users for from by at on in of with ending named name via called".split()
)
# Nouns that name what follows (`tenant acme_corp`, `worker uvicorn-ab`); after them only an
# identifier (`_`, `-`, mixed case) is a value: `worker started` is a verb, not a name.
NAME_NOUNS = frozenset(
    "host hostname key id process worker service module package tool model type account credential "
    "token tenant bucket queue topic project region zone node pod container instance job task session "
    "client device repo repository image plugin provider endpoint route channel domain server cluster "
    "namespace database role org team owner".split()
)


# Nouns that name a state (`in error state TERMINATED`, `health DEGRADED`): after them an ALL-CAPS word
# is the state's value, announced as `state=RUNNING` is. A state the message does not announce
# (`LOOKING (n.state)`, `from NEW to UNASSIGNED`) stays the event (the labeled data keeps them apart).
STATE_NOUNS = frozenset("state status mode phase stage health condition".split())


# The first words of an exception's message after its type (`exception_texts.exception_prefix`): round 12,
# GROUPING_CLASSES-style class "a word that is a value in one statement and the event in another". The
# colon after `ValueError` made the next word an announced value, merging two raise sites of one type
# (`SecurityError: chunk too large` / `body too large`, `NegotiationError: skipped duplicate` / `received
# duplicate`). Only lowercase words and snake_case identifiers are held apart: a value by its form there
# (`read()` of `f"{name}() called while ..."`, `GET`, a quoted name) stays announced, which the first
# version (every word apart) split (bench/grouping_heldout.py seeds 1-10: 0.736 for all words, 0.742 for these).
_LOWER_WORD = re.compile(r"[a-z][a-z_]*")


def exception_subject(prev: str | None, t: str, m: str) -> bool:
    """Whether `t`/`m`, the first words after an exception type that opens the message (`prev`), are
    the subject of its message (`SecurityError: chunk too large` / `body too large`, `filename must be` /
    `encoding must be`): two lowercase words or identifiers. A token of another form there (`read()`,
    `GET`, a quoted or masked value) stays announced by the colon."""
    return prev is not None and exception_prefix(prev) and _LOWER_WORD.fullmatch(t) is not None and _LOWER_WORD.fullmatch(m) is not None


def introduces(prev: str | None, value: str) -> bool:
    """Whether `value` after `prev` is in a name slot (see SLOT_INTRODUCERS and NAME_NOUNS)."""
    if prev is None:
        return False
    if names_failure(value):
        return False  # `failed: timeout` / `failed: refused`: the value names the failure
    if prev.endswith((":", "=")):
        # `error: ECONNRESET`, `reason: quota`, `failed: EACCES`: after a key that names the failure the
        # value is kept, as `code=`/`status=` are (`_NAMING_KEYS`; a failure word as the key: round 9)
        return not failure_key(prev)
    low = prev.lower()
    if low in SLOT_INTRODUCERS:
        return True
    if low in STATE_NOUNS and value.isupper():
        return True
    # After a noun, an identifier (`tenant acme_corp`) or a word that ends a clause (`tool chat:`,
    # the name before the detail) is a name; a bare word (`worker started`) is a verb.
    return low in NAME_NOUNS and ("_" in value or "-" in value or value.endswith(":"))


# ASCII quotes and brackets, and the other quoting styles programs print (GROUPING_CLASSES.md S4): GNU's
# `...' (GNU Coding Standards, before 2012), typographic ‘...’ and “...” (gettext's `en@quot`, GLib's
# g_strdup_printf("“%s”")), guillemets «...»
_OPENERS = "([{<'\"`\u2018\u201c\u00ab"
_CLOSERS = ")]}>'\"\u2019\u201d\u00bb"
_DELIMITER = re.compile("[" + re.escape("".join(sorted(set(_OPENERS + _CLOSERS)))) + "]")


def same_delimiters(t: str, m: str) -> bool:
    """Two words in the same brackets or quotes (`(spawning)` / `(deleting)`, `user]`, `chdir(pwd)` /
    `chdir(tmp)`): the writer of the message delimited a value. The words are what differs between
    the two tokens; the same text must open (ending in a bracket or quote) or close them."""
    n = min(len(t), len(m))
    i = 0
    while i < n and t[i] == m[i]:
        i += 1
    j = 0
    while j < n - i and t[-1 - j] == m[-1 - j]:
        j += 1
    pre, post = t[:i], t[len(t) - j:]
    # Extend the differing core to whole words: `(spawning)`/`(deleting)` share the `ing)` ending.
    while pre and pre[-1].isalnum():
        pre = pre[:-1]
    while post and post[0].isalnum():
        post = post[1:]
    a, b = t[len(pre):len(t) - len(post)], m[len(pre):len(m) - len(post)]
    # A masked value is one item, not a delimiter (`[main]` / `[<*>]`, `chdir(pwd)` / `chdir(<*>)`: the writer's
    # `[%s]` printed a name on one line and a number on the next); `<*>/<*>` against a word stays refused (CLASSES
    # S28's twin `[preauth]` / `[<*>/<*>]`: a constant suffix against a ratio).
    if not a or not b or (a != PLACEHOLDER and _DELIMITER.search(a)) or (b != PLACEHOLDER and _DELIMITER.search(b)):
        return False
    # `errors(s)` / `error(s)`: the differing text is before the brackets, not inside them
    return (pre != "" and pre[-1] in _OPENERS) or (post != "" and post[0] in _CLOSERS)


_QUOTES = "'\"`\u2018\u201c\u00ab\u2019\u201d\u00bb"


def in_quotes(t: str) -> bool:
    """Whether a token is quoted (`'Broken`, `pipe'`, `\u2018refused\u2019`): a quoted phrase that names a failure is the
    failure (ec8d282); a bracketed name is a thread or component (`[refus] Starting` / `[aa] Starting`: one event)."""
    return t[:1] in _QUOTES or t[-1:] in _QUOTES
