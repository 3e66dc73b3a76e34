"""Which token positions of two same-shape messages may be one slot: the learner's judgement.

Two masked messages of one logger, level class and token count (`templates.py` buckets them) are
compared position by position. Where they differ, the differing tokens are either a *slot* (one
event, a value that varies) or they name two *events*. Three kinds of slot, each decided by its
own signal (the value classes themselves are listed, with their specs, in TAXONOMY.md; what one
token's form says, `variable_like`, `names_failure`, `same_key`, and the tokens themselves, `tokenize`,
are in token_forms.py):

1. **announced**: a token before the value says a value follows, whatever the value looks like:
   `key=value` (same key), `key: value` (not after an exception type that opens the message,
   `SecurityError: chunk too large`: two lowercase words there are its subject, `exception_subject`), a name-introducing word (`for user root`, `key ending
   eedd`, `from host`: `SLOT_INTRODUCERS`), a naming noun before an identifier (`tenant
   acme_corp`: `NAME_NOUNS`), the same brackets or quotes around it (`(spawning)`). Signal: the
   previous token / the delimiters (`introduces`, `same_delimiters`, `same_key`).
2. **typed**: the value's form says it is a value: digits, hex, IPs, paths, UUIDs (masked already,
   `masking.py`), punctuation inside, mixed case, hex letters, 24+ characters (`variable_like`).
   Signal: the token itself. Kept on purpose: numbers and codes masking kept (`429`, `PGRST204`),
   keys that name the failure (`code=`, `status=`), quoted names a keep rule kept (`'get'`).
   Never a slot of any kind: a part PRESENT in one token and ABSENT from the other (`rhost=` /
   `rhost=<*>`, `(uid=<*>)` / `LOGIN(uid=<*>)`, `absent_part`): whether a value or a program name is
   there at all says which event it is (a local or a remote login), where two values would not.
3. **positional-unannounced**: a plain word or lowercase identifier in a slot nothing announces (a user,
   host or process name, `kqzvwxtb`): Drain's rule by POSITION, with the guards that keep event-naming words
   apart (`word_slots.py`, where each guard and its measurement is written down).
   A TWO-WORD value is one such slot (`_pair`, round 20): a `%s`/`{}`/`%v` conversion prints its string
   argument as is, blanks included (C printf, Python `%`/`str.format`, Go fmt, slf4j `{}`), so one call site
   prints `keys for ledger config` and `keys for users main`. Two ADJACENT differing positions are that value
   when they follow a preposition (whose complement is a noun phrase), all four words are lowercase plain words
   and no closed-class word, each passes `positional_word`'s guards (no verb form, negation, failure word,
   inflection, not in the subject/verb positions) and the tokens around the pair agree.
   Kept apart: a capitalised phrase (`Bad file descriptor`, a sentence-like text; glibc's errno texts are one
   token anyway), three adjacent differing words (another phrase), capitals (an errno name, a state). Measured
   (bench/RESULTS.md, round 20 i15g): the generated C / Python / LANG benches' "adjacent positions differ" class
   of bench/grouping_miss_classes.py; shared-8 unchanged.

Kind 1's signals (introducing words, naming nouns, delimiters, an exception's subject) are in
`announced_slots.py`; this module holds the per-position judgement (`_slot`, `absent_part`) and the
comparison of two token lists (`similarity`) with its thresholds.
"""

from __future__ import annotations

import re

from .announced_slots import (
    NAME_NOUNS,
    SLOT_INTRODUCERS,
    STATE_NOUNS,
    exception_subject,
    in_quotes,
    introduces,
    same_delimiters,
)
from .exception_texts import exception_types
from .masking_rules import PLACEHOLDER
from .token_forms import _DIGIT, _STRIP, _UNIT, names_failure, same_key, variable_like
from .word_slots import FUNCTION_WORDS, positional_word

# NAME_NOUNS, SLOT_INTRODUCERS, STATE_NOUNS: announced_slots' own, re-exported for fixed_veto (one import site)
__all__ = ["SIMILARITY", "MIN_TOKENS_TO_LEARN", "OTHER_WORDS", "MIN_AGREE", "WORD_FROM", "similarity",
           "absent_part", "NAME_NOUNS", "SLOT_INTRODUCERS", "STATE_NOUNS"]

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


def _wild(token: str) -> bool:
    return token == PLACEHOLDER


# A name glued before a bracketed value (`LOGIN(uid=0)`, `sshd[812]`): a program, call or component.
_NAME_BEFORE_BRACKET = re.compile(r"[A-Za-z][\w.-]*")


def absent_part(t: str, m: str) -> bool:
    """Whether one token is the other with a part ABSENT: an empty value against a value (`rhost=` /
    `rhost=<*>`), a bare bracketed value against the same value with a name before it (`(uid=<*>)` /
    `LOGIN(uid=<*>)`), a protocol or product name against it with a version (`HTTP` / `HTTP/<*>`). Present or absent is which event it is (a remote or a local login, opened by a
    program or not), not a value that varies: two events, never a slot. Two different values in the
    same place (`rhost=a` / `rhost=b`, `sshd[<*>]` / `cron[<*>]`) are still compared as usual."""
    if len(t) > len(m):
        t, m = m, t
    if t.endswith("=") and m.startswith(t) and len(t) > 1:
        return True
    if len(t) > 1 and t[0] in "([{<" and m.endswith(t):
        return _NAME_BEFORE_BRACKET.fullmatch(m, 0, len(m) - len(t)) is not None
    if m.startswith(t) and m[len(t):len(t) + 1] == "/" and PLACEHOLDER in m[len(t):] and _PROTOCOL_NAME.fullmatch(t):
        # A protocol name with its version against the bare name (`HTTP/2 connection made` / `HTTP connection
        # made`: RFC 9110 2.5 `HTTP-name "/" DIGIT "." DIGIT`, RTSP/SIP alike; a product token `name/version`,
        # RFC 9110 10.1.5): two statements of one program, the version's digits masked in one only.
        return True
    return False


_PROTOCOL_NAME = re.compile(r"[A-Za-z][A-Za-z-]*")


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
        # ratio, CLASSES S28's twin) stays `same_delimiters`'s question.
        return 0.5
    if _DIGIT.search(t) or _DIGIT.search(m):
        return -2.0  # a digit that survived masking was kept on purpose (a status, a code): never a slot
    return -1.0


# A quoted single identifier that survived masking: masking turns every quoted single token into
# `'<*>'` unless it names the failure (a keep rule: an attribute, a key, a module) or is a dict key
# (`'message':`). Two such tokens that differ are two events, never a slot.
_QUOTED_NAME = re.compile(r"""(['"])[A-Za-z_][\w.]*\1[,.;:)]*""")

_CAPTIONS = frozenset(("by:", "Suppressed:"))  # Throwable CAUSE/SUPPRESSED captions, logback `Wrapped by:`
_UNCAUGHT = ["Exception", "in", "thread"]  # ThreadGroup.uncaughtException


# The prepositions whose complement a program fills with a value (`keys for ledger config`, `the manifest of
# users main`, `table in cold store`, `snapshot from east replica`). Not the others: after `by`, `on`, `during`,
# `with`, `over`... a two-word complement is the statement's own fixed phrase far more often than a `%s`
# (`closed by remote peer` / `closed by local client`, `blocked on full disk` / `on slow network`, `held by other
# process`, `during tls handshake` / `during http upgrade`: each pair two call sites; round 20 FXG, reviewer's probes).
VALUE_PREPOSITIONS = frozenset("of in for from".split())
_LOWER_WORD = re.compile(r"[a-z]+(?:[_-][a-z]+)*")


def _keyed(prev: str | None, t: str, m: str) -> bool:
    """Whether a key or a noun (`language:`, `lang=`, `user`, `named`), not a preposition, announces both tokens:
    ISO 639-1 codes spell like closed-class words (`it`, `no`, `an`, `is`, `as`, `be`, `to`, `or`, `am`), locale
    tags and user names too; after a preposition (`for it` / `for them`) the word is the statement's own."""
    if prev is None or prev.strip(_STRIP).lower() in FUNCTION_WORDS:
        return False
    return introduces(prev, t) and introduces(prev, m)


def _pair(template: list[str], tokens: list[str], i: int, word_from: int) -> bool:
    """Whether positions i and i+1 are a two-word value against another (`for ledger config` / `for users
    main`): both pairs lowercase plain words that each pass `positional_word`'s guards (no verb form, negation,
    failure word, inflection), past the subject and verb, the tokens after them agreeing (or the end)."""
    j = i + 1
    words = (template[i], tokens[i], template[j], tokens[j])
    if i < word_from or not all(_LOWER_WORD.fullmatch(x) and x not in FUNCTION_WORDS for x in words):
        return False
    if template[i - 1].lower() not in VALUE_PREPOSITIONS:
        # Only a preposition's complement: a preposition takes a noun phrase (CGEL ch. 7), so the run after it is
        # one; after a verb form the words are its object, the action (`sending copy end` / `sending close
        # portal`), after a noun another predicate (`the replica <a> <b> on the rack`, test_unannounced_values).
        return False
    if j < len(template) - 1 and template[j + 1] != tokens[j + 1]:
        return False
    return (positional_word(template[i], tokens[i], i, template[i - 1], word_from, template[i - 2] if i > 1 else None)
            and positional_word(template[j], tokens[j], j, template[i], word_from, template[i - 1]))


def similarity(template: list[str], tokens: list[str], other_words: int = OTHER_WORDS,
               min_agree: int = MIN_AGREE, delimited: bool = True, word_from: int = WORD_FROM) -> float:
    """Share of the template's positions the message repeats, or -1 when they are two events.

    Positions already generalised count half: a template that is mostly `<*>` must not attract
    every message of its length. A plain word that differs is a slot (half) when a
    name-introducing word opens it (`for user root` / `for user test`) or an ellipsis cuts it
    short (`token pwbzwvfh ...`). Any other differing word (a name or a process in a slot nothing
    announces) counts zero: at most `other_words` of them, each where `positional_word` allows one
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
            if ((t.strip(_STRIP).lower() in FUNCTION_WORDS or m.strip(_STRIP).lower() in FUNCTION_WORDS)
                    and not _keyed(prev, t, m)):
                # a pronoun, article, preposition: the statement's own word (`for it` / `for them`), unless a key or
                # a noun announced the slot: there a code that spells like one is a value (`language: it` / `de`)
                return -1.0
            truncated = i < last and template[i + 1] == tokens[i + 1] == "..."
            unit = prev is not None and PLACEHOLDER in prev and _UNIT.fullmatch(t) and _UNIT.fullmatch(m)
            if (truncated or unit or (introduces(prev, t) and introduces(prev, m) and not (i == 1 and exception_subject(prev, t, m)))
                    or (delimited and same_delimiters(t, m) and not (in_quotes(t) and (names_failure(t) or names_failure(m))))):
                s = 0.5
            else:
                others += 1
                pair_second = i > 1 and template[i - 2] == tokens[i - 2] and _pair(template, tokens, i - 1, word_from)
                if (others > other_words or not positional_word(t, m, i, prev, word_from, template[i - 2] if i > 1 else None)
                        or (template[i - 1] != tokens[i - 1] and not pair_second)
                        or (i < last and template[i + 1] != tokens[i + 1] and not _pair(template, tokens, i, word_from))):
                    return -1.0  # not a positional slot; or a phrase that differs (`No child processes`)
                s = 0.0
        elif s == 1.0 and PLACEHOLDER not in t:
            agree += 1  # a literal token agrees (`<*>:` is a value)
        score += s
        prev = t
    if others and (agree < min_agree or agree < WORD_AGREE * len(template)):
        return -1.0
    return score / len(template)
