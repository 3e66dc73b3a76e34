"""Kind 3 of `slots.py`: whether two different plain words at one position may be a POSITIONAL slot.

A **positional-unannounced** slot: a plain word or lowercase identifier in a slot nothing announces
(a user, host or process name, `kqzvwxtb`). On first sight it cannot be told from a word
naming another event by its form; Drain's rule decides by POSITION (He et al., ICWS 2017): in
messages of one length whose other tokens agree, a position that varies is a parameter. The
guards below keep the event-naming words of the labeled shared datasets apart (measured on
leave-one-system-out splits, bench/grouping.py); each is a class, not an example:
* never in the first `WORD_FROM` tokens: the subject and verb name the event (`cupsd startup`,
  `Accepted password` / `Failed password`, `Changing view acls` / `Changing modify acls`); this
  is Drain's fixed-depth tree (Drain3's default depth 4: the first two tokens are tree levels);
* at most `OTHER_WORDS` such words per comparison, each isolated (its neighbours agree: a
  differing phrase, `No child processes` / `Bad file descriptor`, is another text), with at
  least `MIN_AGREE` literal tokens, and `WORD_AGREE` of all tokens, agreeing around them (a
  short or mostly-variable message that differs in a word is two events);
* never right after `as` or an infinitive `to` (after a failure word, a verb form or a word
  taking an infinitive: `Failed to bind`, `trying to connect`, `unable to open`): what follows
  names the action or the resulting state (`stored as bytes`); a `to` opening a destination
  (`channel to nobody`, `set to mallory`, after a verb of motion or transfer: `Connecting to redis`,
  round 15, `to_phrases.py`) is a slot; nor right after a value (`3 packets` /
  `3 sessions`: what was counted);
* never two inflections of one word (`failure;` / `failures;`): grammatical number is part
  of the template; never a verb form (`expired` / `revoked`, `-ed`, `-ing`): a verb names
  what happened;
* never two ALL-CAPS words (`FOLLOWING` / `LEADING (n.state)`, `open gave EACCES` / `open gave
  ENOENT`): an errno name, a code or a state in capitals names the event. Round 9 tried Drain's rule
  (an enum member in a slot is a value, `mode GET` / `mode POST`) and both blind grouping generators
  said worse, and errno names merged: the guard is back (`negated`, `_failure_slot` stay as its
  subsets). An announced state (`state=RUNNING`, after a `STATE_NOUNS` word) is a slot;
* never a negation or aspect adverb (`is not registered` / `is already registered`: `POLARITY`,
  round 12): it qualifies the verb, a value is never one;
* never a word that names a failure (`exceeded_current_quota_error` / `invalid_authentication_error`,
  `permission_denied`, `timeout`: `names_failure`): the error type is the identity;
* only words and identifiers (`[A-Za-z]+` joined by `_`/`-`); other fragments (`z-`) are kept;
  except that a word against a value by its FORM (`task wheel` / `task protobuf==<*>`) is a slot:
  the position held a value in one of the two messages (round 8);
* a neighbour that differs in any way makes a differing phrase (`stage <x> (TID <y>)` too: round 8
  isolated a word beside a neighbour differing as a value, 3924b3e, and reverted it, 89b53e1, when
  the blind generated held-out lost 0.013 with it).
As in Drain, the second message with another value joins the first one's group (whose id
never changes); the guards are measured in tests/errors/test_positional_slots.py.
"""

from __future__ import annotations

import re

from .access_records import HTTP_METHODS
from .masking_rules import PLACEHOLDER
from .to_phrases import VERB_FORM as _VERB_FORM
from .to_phrases import goal_to
from .to_phrases import infinitive as _infinitive
from .token_forms import _NAMING_KEYS, _STRIP, _WORDS, names_failure, variable_like

__all__ = ["positional_word", "POLARITY", "FUNCTION_WORDS", "negated", "failure_key", "inflected"]


def inflected(a: str, b: str) -> bool:
    """Two forms of one word (`failure`/`failures`, `warning`/`warnings`): letters-only words equal
    up to a suffix of at most two letters."""
    if not (a.isalpha() and b.isalpha()):
        return False
    a, b = a.lower(), b.lower()
    if len(a) > len(b):
        a, b = b, a
    return len(a) >= 3 and b.startswith(a) and len(b) - len(a) <= 2


def positional_word(t: str, m: str, i: int, prev: str | None, word_from: int, before: str | None = None) -> bool:
    """Whether two different plain words at position `i` may be a positional-unannounced slot
    (kind 3 of the module docstring; the count and agreement guards are in `similarity`).
    `before` is the token before `prev`."""
    if i < word_from or prev is None or PLACEHOLDER in prev:
        return False  # after a value: what was counted (`3 packets` / `3 sessions`)
    if _failure_slot(prev, t, m):
        return False  # `error: ECONNRESET` / `error: ETIMEDOUT`: the word names the failure
    low = prev.lower()
    if low == "as" or (low == "to" and _infinitive(before)):
        return False
    a, b = t.strip(_STRIP), m.strip(_STRIP)
    word_a, word_b = _WORDS.fullmatch(a) is not None, _WORDS.fullmatch(b) is not None
    if not (word_a and word_b):
        # A word against a value by its form (`task wheel` / `task protobuf==<*>`): the position held
        # a value in one of the two messages, so the word there is one too (unless the word is a
        # verb form or names a failure; the value's own letters, `pluggy._tracing`, say nothing).
        word, value = (a, m) if word_a else (b, t)
        return ((word_a or word_b) and variable_like(value) and not names_failure(word)
                and (_VERB_FORM.search(word) is None or (not word.isupper() and goal_to(prev, before))))
    if (_VERB_FORM.search(t) or _VERB_FORM.search(m)) and (t.isupper() or m.isupper() or not goal_to(prev, before)):
        return False  # a verb names what happened, unless it is a destination's name (`to billing`, not `to RUNNING`)
    if names_failure(a) or names_failure(b) or negated(a) or negated(b):
        return False
    if a.lower() in POLARITY or b.lower() in POLARITY:
        return False  # `Site <*> is not registered` / `is already registered`: the polarity is the event
    if a.lower() in FUNCTION_WORDS or b.lower() in FUNCTION_WORDS:
        return False  # a pronoun, article, preposition or auxiliary is the statement's word, never a name
    # Two ALL-CAPS words stay apart (lead, round 9): f369ea5 let them be a slot; both blind generators
    # (bench/grouping_heldout.py seeds 51-60 0.727 -> 0.723, grouping_heldout_c.py seeds 21-30 0.771 -> 0.768)
    # and the reviewer's errno twins (`open gave EACCES` / `open gave ENOENT` merged) said worse. An announced
    # value (`state=RUNNING`, `mode: GET`) is still a slot through `introduces`.
    # HTTP request methods (access_records.HTTP_METHODS) are in capitals but the request's attribute, a value
    # like the path, never what happened (`method GET is already registered` / `method DELETE ...`, `expected
    # GET; got PATCH`): the only capitals this guard lets be a positional slot, and only against each other
    # (round 12); errno names, states and codes stay apart.
    return (not (a.isupper() and b.isupper()) or (a in HTTP_METHODS and b in HTTP_METHODS)) and not inflected(a, b)


# Negations and aspect adverbs (English closed-class words): they qualify the verb, so a message that
# differs in one of them says another thing (`is not registered` / `is already registered`, `was never
# started` / `was just started`); a value (a name, an id) is never one of them (round 12).
POLARITY = frozenset("not no never already still yet again now just only also none nothing".split())

# English closed-class words (articles, determiners, pronouns, prepositions, conjunctions, auxiliaries; Huddleston &
# Pullum, CGEL ch. 5-7): a name printed by `%s` is never one, so a differing pair holding one is the statement's
# own phrase (`expect a list of` / `expect an iterable of`), and one such word against another or against a
# name is the statement's own word too (`Use '<*>' to remove it.` / `... remove them.`: two call sites).
FUNCTION_WORDS = frozenset((
    "a an the this that these those each every any some all both either neither no my your his her its our their "
    "i you he she it we they me him us them what which who whom whose "
    "of in on at by for from to with without into onto over under about after before between through during "
    "and or but nor so if then than as "
    "is are was were be been being am has have had do does did can could will would shall should may might must"
).split())
# Parts that negate or fault what they qualify (`NOT_FOUND`, `no_data`, `BAD_GATEWAY`, `TOO_MANY_REQUESTS`):
# a word built with one names a failure as `names_failure`'s stems do (HTTP status names, gRPC codes).
_NEGATIONS = frozenset(("not", "no", "non", "bad", "too"))
_PART = re.compile(r"[_\-]+")


def negated(word: str) -> bool:
    """Whether a compound joined by `_`/`-` is a negated status name: it opens with a negating part
    (`not_found`, `BAD_REQUEST`, `no-content`), or is in capitals with one anywhere (`NOT_FOUND`,
    `REQUEST_ENTITY_TOO_LARGE`, `HTTP_VERSION_NOT_SUPPORTED`). A lowercase id with such a part later
    (`aaa-no`, `db-no`) is an id; a single word (`note`, `nobody`) is not split."""
    parts = _PART.split(word.lower())
    if len(parts) < 2:
        return False
    return parts[0] in _NEGATIONS or (word.isupper() and any(p in _NEGATIONS for p in parts))


def failure_key(prev: str) -> bool:
    """Whether `prev` is a key whose value names the failure: a failure word or a `_NAMING_KEYS` key
    before `:`/`=` (`error:`, `failed:`, `reason=`, `code=`)."""
    key = prev.strip("'\"")
    if not key.endswith((":", "=")):
        return False
    word = key.rstrip(":=")
    return names_failure(word) or word.lower() + "=" in _NAMING_KEYS


def _failure_slot(prev: str, t: str, m: str) -> bool:
    """Whether the words `t`/`m` after `prev` name the failure: `prev` is a failure key (`error:`,
    `reason=`: `failure_key`), or `prev` names a failure and the words are in capitals (`failed
    ECONNREFUSED`, `error ETIMEDOUT`: an errno name or a code). The error's name is the identity, never
    a positional value. A failure word before a lowercase word stays open (`negotiated timeout
    <value>`: the value OF a timeout). Round 9: the ALL-CAPS guard this replaces had kept `ECONNRESET`
    / `ETIMEDOUT` apart only by their case."""
    if failure_key(prev):
        return True
    return names_failure(prev) and t.strip(_STRIP).isupper() and m.strip(_STRIP).isupper()
