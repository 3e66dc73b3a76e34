"""Which token positions of two same-shape messages may be one slot: the learner's judgement.

Two masked messages of one logger, level class and token count (`templates.py` buckets them) are
compared position by position. Where they differ, the differing tokens are either a *slot* (one
event, a value that varies) or they name two *events*. Three kinds of slot, each decided by its
own signal (the value classes themselves are listed, with their specs, in TAXONOMY.md; what one
token's form says, `variable_like`, `names_failure`, `same_key`, and the tokens themselves, `tokenize`,
are in token_forms.py):

1. **announced**: a token before the value says a value follows, whatever the value looks like:
   `key=value` (same key), `key: value` (not after an exception type that opens the message,
   `SecurityError: chunk too large`: two lowercase words there are its subject, `_subject`), a name-introducing word (`for user root`, `key ending
   eedd`, `from host`: `SLOT_INTRODUCERS`), a naming noun before an identifier (`tenant
   acme_corp`: `NAME_NOUNS`), the same brackets or quotes around it (`(spawning)`). Signal: the
   previous token / the delimiters (`_introduces`, `_delimited`, `same_key`).
2. **typed**: the value's form says it is a value: digits, hex, IPs, paths, UUIDs (masked already,
   `masking.py`), punctuation inside, mixed case, hex letters, 24+ characters (`variable_like`).
   Signal: the token itself. Kept on purpose: numbers and codes masking kept (`429`, `PGRST204`),
   keys that name the failure (`code=`, `status=`), quoted names a keep rule kept (`'get'`).
   Never a slot of any kind: a part PRESENT in one token and ABSENT from the other (`rhost=` /
   `rhost=<*>`, `(uid=<*>)` / `LOGIN(uid=<*>)`, `absent_part`): whether a value or a program name is
   there at all says which event it is (a local or a remote login), where two values would not.
3. **positional-unannounced**: a plain word or lowercase identifier in a slot nothing announces
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
     said worse, and errno names merged: the guard is back (`_negated`, `_failure_slot` stay as its
     subsets). An announced state (`state=RUNNING`, after a `STATE_NOUNS` word) is a slot;
   * never a negation or aspect adverb (`is not registered` / `is already registered`: `_POLARITY`,
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
from .exception_texts import exception_prefix, exception_types
from .masking_rules import PLACEHOLDER
from .to_phrases import VERB_FORM as _VERB_FORM
from .to_phrases import goal_to
from .to_phrases import infinitive as _infinitive
from .token_forms import (
    _DIGIT,
    _NAMING_KEYS,
    _STRIP,
    _UNIT,
    _WORDS,
    names_failure,
    same_key,
    variable_like,
)

__all__ = ["SIMILARITY", "MIN_TOKENS_TO_LEARN", "OTHER_WORDS", "MIN_AGREE", "WORD_FROM", "similarity",
           "absent_part"]

# Share of a template's fixed positions a message must repeat to join it (slots count half). Chosen
# on leave-one-out splits of the shared loghub-2k datasets (bench/grouping.py), never per dataset:
# 0.3 in 8/8 folds since round 3 (round 2 shipped 0.7 when the folds were split 7/1 and flat; the
# vetoes in `similarity`, not this share, keep two events apart).
SIMILARITY = 0.3
# Messages this short have too little text to tell a variable slot from a different event.
MIN_TOKENS_TO_LEARN = 3
# Positional-unannounced words (kind 3 above): allowed per comparison, the literal tokens that
# must agree around them, and the first position where one may be a slot. Chosen on the
# held-out splits of bench/grouping.py (OTHER_WORDS 0/2 and MIN_AGREE 2/3 in its grid: 2 and 2 in
# 8/8 folds; MIN_AGREE 2 lets a three-token message vary in its last word, as Drain does).
OTHER_WORDS = 2
MIN_AGREE = 2
WORD_FROM = 2
# Share of all tokens that must be agreeing literals when a positional word differs: a threshold
# the learner's `similarity` threshold does not move (it counts slots half).
WORD_AGREE = 0.5


def _inflected(a: str, b: str) -> bool:
    """Two forms of one word (`failure`/`failures`, `warning`/`warnings`): letters-only words equal
    up to a suffix of at most two letters."""
    if not (a.isalpha() and b.isalpha()):
        return False
    a, b = a.lower(), b.lower()
    if len(a) > len(b):
        a, b = b, a
    return len(a) >= 3 and b.startswith(a) and len(b) - len(a) <= 2


def _positional(t: str, m: str, i: int, prev: str | None, word_from: int, before: str | None = None) -> bool:
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
    if names_failure(a) or names_failure(b) or _negated(a) or _negated(b):
        return False
    if a.lower() in _POLARITY or b.lower() in _POLARITY:
        return False  # `Site <*> is not registered` / `is already registered`: the polarity is the event
    # Two ALL-CAPS words stay apart (lead, round 9): f369ea5 let them be a slot; both blind generators
    # (bench/grouping_heldout.py seeds 51-60 0.727 -> 0.723, grouping_heldout_c.py seeds 21-30 0.771 -> 0.768)
    # and the reviewer's errno twins (`open gave EACCES` / `open gave ENOENT` merged) said worse. An announced
    # value (`state=RUNNING`, `mode: GET`) is still a slot through `_introduces`.
    # HTTP request methods (access_records.HTTP_METHODS) are in capitals but the request's attribute, a value
    # like the path, never what happened (`method GET is already registered` / `method DELETE ...`, `expected
    # GET; got PATCH`): the only capitals this guard lets be a positional slot, and only against each other
    # (round 12); errno names, states and codes stay apart.
    return (not (a.isupper() and b.isupper()) or (a in HTTP_METHODS and b in HTTP_METHODS)) and not _inflected(a, b)


# Negations and aspect adverbs (English closed-class words): they qualify the verb, so a message that
# differs in one of them says another thing (`is not registered` / `is already registered`, `was never
# started` / `was just started`); a value (a name, an id) is never one of them (round 12).
_POLARITY = frozenset("not no never already still yet again now just only also none nothing".split())

# Parts that negate or fault what they qualify (`NOT_FOUND`, `no_data`, `BAD_GATEWAY`, `TOO_MANY_REQUESTS`):
# a word built with one names a failure as `names_failure`'s stems do (HTTP status names, gRPC codes).
_NEGATIONS = frozenset(("not", "no", "non", "bad", "too"))
_PART = re.compile(r"[_\-]+")


def _negated(word: str) -> bool:
    """Whether a compound joined by `_`/`-` is a negated status name: it opens with a negating part
    (`not_found`, `BAD_REQUEST`, `no-content`), or is in capitals with one anywhere (`NOT_FOUND`,
    `REQUEST_ENTITY_TOO_LARGE`, `HTTP_VERSION_NOT_SUPPORTED`). A lowercase id with such a part later
    (`aaa-no`, `db-no`) is an id; a single word (`note`, `nobody`) is not split."""
    parts = _PART.split(word.lower())
    if len(parts) < 2:
        return False
    return parts[0] in _NEGATIONS or (word.isupper() and any(p in _NEGATIONS for p in parts))


def _failure_key(prev: str) -> bool:
    """Whether `prev` is a key whose value names the failure: a failure word or a `_NAMING_KEYS` key
    before `:`/`=` (`error:`, `failed:`, `reason=`, `code=`)."""
    key = prev.strip("'\"")
    if not key.endswith((":", "=")):
        return False
    word = key.rstrip(":=")
    return names_failure(word) or word.lower() + "=" in _NAMING_KEYS


def _failure_slot(prev: str, t: str, m: str) -> bool:
    """Whether the words `t`/`m` after `prev` name the failure: `prev` is a failure key (`error:`,
    `reason=`: `_failure_key`), or `prev` names a failure and the words are in capitals (`failed
    ECONNREFUSED`, `error ETIMEDOUT`: an errno name or a code). The error's name is the identity, never
    a positional value. A failure word before a lowercase word stays open (`negotiated timeout
    <value>`: the value OF a timeout). Round 9: the ALL-CAPS guard this replaces had kept `ECONNRESET`
    / `ETIMEDOUT` apart only by their case."""
    if _failure_key(prev):
        return True
    return names_failure(prev) and t.strip(_STRIP).isupper() and m.strip(_STRIP).isupper()


def _wild(token: str) -> bool:
    return token == PLACEHOLDER


# A name glued before a bracketed value (`LOGIN(uid=0)`, `sshd[812]`): a program, call or component.
_NAME_BEFORE_BRACKET = re.compile(r"[A-Za-z][\w.-]*")


def absent_part(t: str, m: str) -> bool:
    """Whether one token is the other with a part ABSENT: an empty value against a value (`rhost=` /
    `rhost=<*>`), a bare bracketed value against the same value with a name before it (`(uid=<*>)` /
    `LOGIN(uid=<*>)`). Present or absent is which event it is (a remote or a local login, opened by a
    program or not), not a value that varies: two events, never a slot. Two different values in the
    same place (`rhost=a` / `rhost=b`, `sshd[<*>]` / `cron[<*>]`) are still compared as usual."""
    if len(t) > len(m):
        t, m = m, t
    if t.endswith("=") and m.startswith(t) and len(t) > 1:
        return True
    if len(t) > 1 and t[0] in "([{<" and m.endswith(t):
        return _NAME_BEFORE_BRACKET.fullmatch(m, 0, len(m) - len(t)) is not None
    return False


def _slot(t: str, m: str) -> float:
    """How much two tokens at one position agree: 1 equal, 0.5 a variable slot, -1 different words,
    -2 two events whatever else agrees (a digit kept on purpose, a part absent from one)."""
    if t == m:
        return 0.5 if _wild(t) else 1.0
    if _wild(t):
        return 0.5
    if absent_part(t, m):
        return -2.0
    if same_key(t, m) is not None:
        return 0.5
    if variable_like(t) and variable_like(m):
        return 0.5
    if t[0] == m[0] in "[{(" and t[-1] == m[-1] in "]})" and (" " in t or " " in m):
        # One bracket group against another holding SEVERAL items (a value `tokenize` joined): a printed
        # list or struct whose other line held one plain item (`[main]` / `[<*>, <*>]`, `{abc}` / `{<*> b}`:
        # CLASSES3 V1 twin c). One item against one (`[preauth]` / `[<*>/<*>]`: a constant suffix against a
        # ratio, CLASSES S28's twin) stays `_delimited`'s question.
        return 0.5
    if _DIGIT.search(t) or _DIGIT.search(m):
        return -2.0  # a digit that survived masking was kept on purpose (a status, a code): never a slot
    return -1.0


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


def _subject(prev: str | None, t: str, m: str) -> bool:
    """Whether `t`/`m`, the first words after an exception type that opens the message (`prev`), are
    the subject of its message (`SecurityError: chunk too large` / `body too large`, `filename must be` /
    `encoding must be`): two lowercase words or identifiers. A token of another form there (`read()`,
    `GET`, a quoted or masked value) stays announced by the colon."""
    return prev is not None and exception_prefix(prev) and _LOWER_WORD.fullmatch(t) is not None and _LOWER_WORD.fullmatch(m) is not None


def _introduces(prev: str | None, value: str) -> bool:
    """Whether `value` after `prev` is in a name slot (see SLOT_INTRODUCERS and NAME_NOUNS)."""
    if prev is None:
        return False
    if names_failure(value):
        return False  # `failed: timeout` / `failed: refused`: the value names the failure
    if prev.endswith((":", "=")):
        # `error: ECONNRESET`, `reason: quota`, `failed: EACCES`: after a key that names the failure the
        # value is kept, as `code=`/`status=` are (`_NAMING_KEYS`; a failure word as the key: round 9)
        return not _failure_key(prev)
    low = prev.lower()
    if low in SLOT_INTRODUCERS:
        return True
    if low in STATE_NOUNS and value.isupper():
        return True
    # After a noun, an identifier (`tenant acme_corp`) or a word that ends a clause (`tool chat:`,
    # the name before the detail) is a name; a bare word (`worker started`) is a verb.
    return low in NAME_NOUNS and ("_" in value or "-" in value or value.endswith(":"))


# A quoted single identifier that survived masking: masking turns every quoted single token into
# `'<*>'` unless it names the failure (a keep rule: an attribute, a key, a module) or is a dict key
# (`'message':`). Two such tokens that differ are two events, never a slot.
_QUOTED_NAME = re.compile(r"""(['"])[A-Za-z_][\w.]*\1[,.;:)]*""")

# ASCII quotes and brackets, and the other quoting styles programs print (GROUPING_CLASSES.md S4): GNU's
# `...' (GNU Coding Standards, before 2012), typographic ‘...’ and “...” (gettext's `en@quot`, GLib's
# g_strdup_printf("“%s”")), guillemets «...»
_OPENERS = "([{<'\"`\u2018\u201c\u00ab"
_CLOSERS = ")]}>'\"\u2019\u201d\u00bb"
_DELIMITER = re.compile("[" + re.escape("".join(sorted(set(_OPENERS + _CLOSERS)))) + "]")


def _delimited(t: str, m: str) -> bool:
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


def _in_quotes(t: str) -> bool:
    """Whether a token is quoted (`'Broken`, `pipe'`, `\u2018refused\u2019`): a quoted phrase that names a failure is the
    failure (ec8d282); a bracketed name is a thread or component (`[refus] Starting` / `[aa] Starting`: one event)."""
    return t[:1] in _QUOTES or t[-1:] in _QUOTES


_CAPTIONS = frozenset(("by:", "Suppressed:"))  # Throwable CAUSE/SUPPRESSED captions, logback `Wrapped by:`
_UNCAUGHT = ["Exception", "in", "thread"]  # ThreadGroup.uncaughtException


def similarity(template: list[str], tokens: list[str], other_words: int = OTHER_WORDS,
               min_agree: int = MIN_AGREE, delimited: bool = True, word_from: int = WORD_FROM) -> float:
    """Share of the template's positions the message repeats, or -1 when they are two events.

    Positions already generalised count half: a template that is mostly `<*>` must not attract
    every message of its length. A plain word that differs is a slot (half) when a
    name-introducing word opens it (`for user root` / `for user test`) or an ellipsis cuts it
    short (`token pwbzwvfh ...`). Any other differing word (a name or a process in a slot nothing
    announces) counts zero: at most `other_words` of them, each where `_positional` allows one
    (position, the word before, form), and only when at least `min_agree` literal tokens agree
    around them: a long message that differs in a word past its subject and verb is one event
    with a slot (Drain's rule), a short one (`Failed to connect` / `Failed to bind`) two events.
    """
    score = 0.0
    others = 0
    agree = 0
    prev: str | None = None
    last = len(template) - 1
    for i, (t, m) in enumerate(zip(template, tokens, strict=True)):
        if t == m:
            s = 0.5 if t == PLACEHOLDER else 1.0  # `_slot` of equal tokens, without the call
        elif _QUOTED_NAME.fullmatch(t) and _QUOTED_NAME.fullmatch(m):
            return -1.0  # two names masking kept on purpose (keep rules: `no attribute 'get'`)
        elif exception_types(t, m) and (prev in _CAPTIONS or template[:3] == _UNCAUGHT):
            # Two exception types where the printer puts the one raised: before its message (`X: msg`,
            # Throwable.toString), after a stack-trace caption (`Caused by:`, `Suppressed:`, `Wrapped by:`) or
            # in the JDK's uncaught-exception line. A type elsewhere in a message is a `%s` the program filled
            # (`retrying after ConnectionError`): a value (the Python blind bench split on it, lead gate r14).
            return -1.0
        else:
            s = _slot(t, m)
        if s < -1:
            return -1.0
        if s < 0:
            truncated = i < last and template[i + 1] == tokens[i + 1] == "..."
            unit = prev is not None and PLACEHOLDER in prev and _UNIT.fullmatch(t) and _UNIT.fullmatch(m)
            if (truncated or unit or (_introduces(prev, t) and _introduces(prev, m) and not (i == 1 and _subject(prev, t, m)))
                    or (delimited and _delimited(t, m) and not (_in_quotes(t) and (names_failure(t) or names_failure(m))))):
                s = 0.5
            else:
                others += 1
                if (others > other_words or not _positional(t, m, i, prev, word_from, template[i - 2] if i > 1 else None)
                        or template[i - 1] != tokens[i - 1] or (i < last and template[i + 1] != tokens[i + 1])):
                    return -1.0  # not a positional slot; or a phrase that differs (`No child processes`)
                s = 0.0
        elif s == 1.0 and PLACEHOLDER not in t:
            agree += 1  # a literal token agrees (`<*>:` is a value)
        score += s
        prev = t
    if others and (agree < min_agree or agree < WORD_AGREE * len(template)):
        return -1.0
    return score / len(template)
