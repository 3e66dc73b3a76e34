"""Message parameterisation: turn a log message into the template that names its kind of error.

`normalize_message("Connection unregistered: ab12 from 172.18.0.1 (duration: 331.14s)")` ->
`"Connection unregistered: <*> from <*> (duration: <*>)"`.

How it works, in order:
1. "Keep" rules find what names the error (HTTP statuses, keyed error codes, errno, WebSocket
   close codes): `keep_spans.py`; those spans are protected from every masking rule.
2. "Mask" rules run one after the other on the rest, each replacing what varies between
   occurrences of the same error with `<*>`. Each rule is guarded by cheap substring checks, so
   the common message pays only for the rules that can apply.
3. Runs of placeholders collapse into one, whitespace collapses to single spaces.

The rules themselves, each with examples and the reason it exists, are in `masking_rules.py`.

Design choices:
* One placeholder, `<*>`, whatever was masked: the same slot sometimes holds an IP and sometimes
  a hostname; typed placeholders would split one error into several groups.
* A token containing a digit is a variable (ids, counters, sizes, versions, hashes) unless it is
  an error code (`PGRST204`) or a keep rule claimed it. This one rule does most of the work.
* Words without digits are kept (`tty=NODEVssh`, `socket.send()`): they usually name what
  happened. The exceptions are values that are variable by nature: user names, bare domain
  names, single-token quoted values, paths.
* Only the first `MAX_CHARS` characters are parameterised: messages can carry 32 KB payloads,
  and the start of a message is what names the error.
* Speed matters (the ingest path fingerprints every error line): rules are plain `re.sub` calls
  with string replacements wherever possible, gated by substring checks; only two passes see the
  raw text, the rest is memoised on the digit-masked text (bounded LRU caches, pure results).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .announced_lists import mask_announced_lists, may_hold_list
from .command_lines import mask_command_lines, may_hold_command
from .keep_spans import error_codes, keep_spans, may_keep
from .masking_rules import (
    BY_NAME,
    ERROR_TOKEN,
    KEEP_RULES,
    MASK_RULES,
    MAX_CHARS,
    PLACEHOLDER,
    RULES,
    TLDS,
    USER_KEYS,
    USER_TAIL,
    Rule,
)
from .object_states import mask_object_states
from .sysprops import mask_system_properties
from .throwable_tails import mask_throwable_tail

__all__ = ["RULES", "Rule", "normalize_message", "error_codes", "MAX_CHARS", "PLACEHOLDER", "KEEP_RULES",
           "MASK_RULES", "clear_cache"]


def _quoted(m: re.Match[str]) -> str:
    text = m.group()
    quote, inner = text[0], text[1:-1]
    # A dict/JSON key (`'message':`) is a constant name, not a value.
    rest = m.string[m.end():m.end() + 3].lstrip()
    if rest[:1] in (":", "="):
        return text
    stripped = inner.strip()
    if not stripped or " " not in stripped:
        if _ERROR_TOKEN_FULL.fullmatch(stripped):
            return text
        return quote + PLACEHOLDER + quote
    # A quoted phrase is usually an error text: parameterise it like the rest, keep it.
    return quote + normalize_message(inner) + quote


_ERROR_TOKEN_FULL = re.compile(ERROR_TOKEN)

# Every mask rule the engine applies (tests check this covers MASK_RULES, so none is forgotten).
APPLIED_MASK_RULES = (
    "quoted", "email", "ipv6", "dot_leaders", "number_token", "placeholder_chain", "mac_or_hex_pairs",
    "host_port", "unit_after_number", "domain", "path", "windows_path", "relative_path", "user",
    "empty_value", "weekday_date", "clock_12h", "month_date")
(_QUOTED, _EMAIL, _IPV6, _DOTS, _NUMBER, _CHAIN, _MAC, _HOST_PORT, _UNIT, _DOMAIN, _PATH, _WINPATH, _RELPATH,
 _USER, _EMPTY, _WEEKDAY, _CLOCK12, _MONTH_DATE) = (BY_NAME[n].regex for n in APPLIED_MASK_RULES)
# The number rule compiled for ASCII text: on a text with no non-ASCII character `\d` / `\w` / `[A-Z]` match the same
# characters as the Unicode pattern (only `\s`, which it has not, and `(?i)`'s K/s folds differ on ASCII), so the
# result is identical; its `\d` is a table look-up where the Unicode one asks the character database for every
# character scanned (callgrind, shared-8 never-seen pass: `_PyUnicode_ToDecimalDigit` 2.4% of a pass).
_NUMBER_ASCII = re.compile(_NUMBER.pattern, re.ASCII)


def mask_numbers(t: str) -> str:
    """`t` with the number rule applied: the ASCII-compiled pattern on ASCII text (same result, faster), the
    Unicode one otherwise. The one place this choice is made (masking's two passes and shapes.py call it)."""
    return (_NUMBER_ASCII if t.isascii() else _NUMBER).sub(PLACEHOLDER, t)
_DOMAIN_HINT = re.compile(rf"\.(?:{TLDS})(?![\w-])")
# The user rule, one literal-first regex per key (a literal start is a fast scan; the combined
# rule's alternation is tried at every position). `(?<!\wKEY)` after the literal is the rule's
# leading \b. The same result as the combined regex except when a key is itself the value of
# another key (`login user bob`): then each key masks its own value.
_USER_BY_KEY = tuple(
    (key, re.compile("(" + re.escape(key) + r")(?<!\w" + re.escape(key) + ")" + USER_TAIL)) for key in USER_KEYS
)


# Every user key holds one of these, so a text without them skips the per-key loop.
_USER_HINTS = ("user", "log", " for")
assert all(any(h in key for h in _USER_HINTS) for key in USER_KEYS)


def _user_value(m: re.Match[str]) -> str:
    return m.group(1) + m.group(2) + PLACEHOLDER

_PLACEHOLDER_RUN = re.compile(r"<\*>(?:[ ,]*<\*>)+")


def _mask_segment(t: str, cached: bool = True, legacy: bool = False, r19_lists: bool = False) -> tuple[str, bool]:
    """The mask rules in order, each behind a cheap substring guard (see MASK_RULES for the why), on a
    piece of a message between keep spans; and whether a digit survived `number_token` (an error code:
    then its VALUE is in the result).

    Written out rather than looped over `MASK_RULES`: this runs for every error line, and a
    generic loop with generic guards costs more than the regexes that actually fire. Only
    dot_leaders and number_token see the raw text; every later rule works on the digit-masked
    text, which repeats far more than raw messages do, so its result is memoised.
    """
    if "..." in t:
        t = _DOTS.sub(" ... ", t)
    t = mask_numbers(t)
    survived = _ANY_DIGIT.search(t) is not None
    if legacy or r19_lists:
        return _after_numbers(t, legacy, r19_lists), survived
    if cached and len(t) <= CACHEABLE:
        return _after_numbers_cached(t), survived
    return _after_numbers(t), survived


_ANY_DIGIT = re.compile(r"\d")


CACHEABLE = 512  # longest text (characters) the memos of this stage keep as a key


# number_token masks from a token's first digit on; the letters glued before it (`blk_`, `req-`,
# the `e` of a hex id) go here. Run on the reversed text: `>*<` is a literal start (a fast scan),
# where the forward form `(?<![\w.+-])[A-Za-z_.+-]++<\*>` must be tried at every position.
_GLUED_PREFIX_REVERSED = re.compile(r">\*<[A-Za-z_.+-]++(?![\w.+-])")


# Literal-first prefilters of two mask rules whose regexes have no literal prefix (so a scan tries
# them at every position of every text holding their trigger): each matches a substring that every
# match of its rule contains, so a text without it is left alone exactly as the rule would leave it.
# e-mail: `@`, a domain label, then the `.` every address's domain has before its TLD.
_EMAIL_HINT = re.compile(r"@[A-Za-z0-9<>*-]+\.")
# host:port on the reversed text: `:<*>` after `localhost` or after a dotted name's last label
# (`[\w-]+` then a `.`), the only two endings `host_port` accepts before `:<*>`.
_HOST_PORT_HINT = re.compile(r">\*<:(?:[\w-]+\.|tsohlacol)")


def _after_numbers(t: str, legacy: bool = False, r19_lists: bool = False) -> str:
    # `legacy`: the forms of _MESSAGE_VERSION v1 (before round 18's three rules below; legacy_forms.py).
    # `r19_lists`: v2's forms before round 20's choice pairs (announced_lists `choice_pairs`; legacy_forms.py).
    # Whoever adds a rule whose output differs for some message must put it behind `legacy` too and bump
    # _MESSAGE_VERSION (legacy_forms.py says how old groups stay reachable).
    if not legacy:
        if "-D" in t:
            t = mask_system_properties(t)  # a JVM system property's value (sysprops.py)
        if may_hold_command(t):
            t = mask_command_lines(t)  # an announced command line: one value (command_lines.py)
        if may_hold_list(t):
            t = mask_announced_lists(t, choice_pairs=not r19_lists)  # `one of a, b, c`: an announced list, one value (announced_lists.py)
    if "." in t and ("Exception" in t or "Error" in t or "Throwable" in t):  # throwable_span's own gate, inline (keep in step with it):
        t = mask_throwable_tail(t)  # a JVM Throwable printed into the text: one value (throwable_tails.py)
    if "<*>" in t:
        t = _GLUED_PREFIX_REVERSED.sub(">*<", t[::-1])[::-1]
        if "@<*>" in t:
            t = mask_object_states(t)  # `Name@<*>[state]`: the state is the instance's value (object_states.py)
    if "'" in t or '"' in t:
        t = _QUOTED.sub(_quoted, t)
    if "@" in t and _EMAIL_HINT.search(t):
        t = _EMAIL.sub(PLACEHOLDER, t)
    if "::" in t:
        t = _IPV6.sub(PLACEHOLDER, t)
    if "<*>" in t:
        if ":<*>:" in t:
            t = _MAC.sub(PLACEHOLDER, t)
        if ":<*>" in t and _HOST_PORT_HINT.search(t[::-1]):
            t = _HOST_PORT.sub(PLACEHOLDER, t)
        if "<*>:<*>" in t or "<*>.<*>" in t:
            t = _CHAIN.sub(PLACEHOLDER, t)
        if "AM" in t or "PM" in t:
            t = _CLOCK12.sub(PLACEHOLDER, t)
        if "<*> " in t:
            t = _UNIT.sub(PLACEHOLDER, t)
            if "Mon" in t or "Tue" in t or "Wed" in t or "Thu" in t or "Fri" in t or "Sat" in t or "Sun" in t:
                t = _WEEKDAY.sub(PLACEHOLDER, t)
        if " <*>, <*>" in t:  # the least _MONTH_DATE holds (`Mmm <*>, <*>`)
            t = _MONTH_DATE.sub(PLACEHOLDER, t)
    if "." in t and _DOMAIN_HINT.search(t):
        t = _DOMAIN.sub(PLACEHOLDER, t)
    if "/" in t:
        t = _PATH.sub(PLACEHOLDER, t)
        if "./" in t:
            t = _RELPATH.sub(PLACEHOLDER, t)
    if "\\" in t:
        t = _WINPATH.sub(PLACEHOLDER, t)
    if "user" in t or "log" in t or " for" in t:  # _USER_HINTS: one test instead of one per key
        for key, regex in _USER_BY_KEY:
            if key in t:
                t = regex.sub(_user_value, t)
    if "()" in t:
        t = _EMPTY.sub("(<*>)", t)
    return t


@lru_cache(maxsize=4096)
def _after_numbers_cached(t: str) -> str:
    return _after_numbers(t)


def clear_cache() -> None:
    _after_numbers_cached.cache_clear()
    _finish_cached.cache_clear()
    _finish_unless_keep.cache_clear()


def _tidy(text: str) -> str:
    if "<*> <*>" in text or "<*>," in text or "<*><*>" in text:
        text = _PLACEHOLDER_RUN.sub(PLACEHOLDER, text)
    if "  " in text or "\t" in text or "\n" in text or "\r" in text:
        return " ".join(text.split())
    return text.strip()


def _finish(t: str) -> str:
    return _tidy(_after_numbers(t))


@lru_cache(maxsize=4096)
def _finish_cached(t: str) -> str:
    return _finish(t)


@lru_cache(maxsize=4096)
def _finish_unless_keep(t: str) -> str | None:
    # The whole-message template of digit-masked text, or None when keep rules may apply.
    return None if may_keep(t) else _finish(t)


def normalize_message(message: str, *, cached: bool = True, legacy: bool = False, r19_lists: bool = False) -> str:
    """The parameterised template of a message (the group title for plain log errors).

    Pure and deterministic: the result depends only on `message` (`cached=False` computes the
    same thing without the memo, for benchmarks and tests). The common message (no keep rule can
    apply: most of them) costs one regex pass over the raw text and one memo lookup: whether keep
    rules may apply is decided on the digit-masked text, inside the memo. `legacy`: the template of
    `_MESSAGE_VERSION` v1 (legacy_forms.py), never memoised; `r19_lists`: v2's before round 20's choice pairs.
    """
    text = message[:MAX_CHARS]
    t = _DOTS.sub(" ... ", text) if "..." in text else text
    t = mask_numbers(t)
    if legacy or r19_lists:
        if may_keep(t):
            return keeps_shaped(text, t, False, legacy=legacy, r19_lists=r19_lists)[0]
        return _tidy(_after_numbers(t, legacy, r19_lists))
    if cached and len(t) <= CACHEABLE:
        done = _finish_unless_keep(t)
    else:
        done = None if may_keep(t) else _finish(t)
    if done is not None:
        return done
    return _with_keeps(text, t, cached)


def _with_keeps(text: str, t: str, cached: bool = True) -> str:
    """`normalize_message` of `text` (its first MAX_CHARS characters) where keep rules may apply;
    `t` is its digit-masked text."""
    return keeps_shaped(text, t, cached)[0]


def keeps_shaped(text: str, t: str, cached: bool = True, legacy: bool = False,
                 r19_lists: bool = False) -> tuple[str, bool]:
    r"""`_with_keeps(text, t)`, and whether every text of the same digit shape (`shapes.digit_shape`:
    the same text up to the VALUES of its ASCII digits) has the same result, so the grouper may
    memoise it under the shape.

    True when no digit's value can decide and none is in the result: (1) the text holds no word of
    a keep rule that tests a digit's value (`http_status`'s `[1-5]\d\d` behind `HTTP`/`Request`,
    `keyed_code`'s `status [1-5]\d\d`, `ws_close_code`'s `sent 1\d{3}`) and is ASCII (`(?i)`
    reaches `status` through the long s); every other keep rule finds its spans by character
    classes (`\d`, `\w`, letters), so all texts of the shape have spans at the same places;
    (2) no span's replacement holds a digit (kept codes `code=23505`, a URL's scheme or query
    key); (3) between the spans `number_token` masked every digit (its own proof:
    `shapes.normalize_shaped`), so the mask rules after it see identical text.
    """
    spans = keep_spans(text, legacy=legacy)
    shared = text.isascii() and not (
        "HTTP" in text or "Request" in text or "sent" in text or "received" in text or "status" in text.lower())
    if not spans:  # the digit-masked text is the whole message: finish it
        if legacy or r19_lists:
            return _tidy(_after_numbers(t, legacy, r19_lists)), False
        done = _finish_cached(t) if cached and len(t) <= CACHEABLE else _finish(t)
        return done, shared and _ANY_DIGIT.search(t) is None
    out, pos = [], 0
    for s, e, rep in spans:
        piece, survived = _mask_segment(text[pos:s], cached, legacy, r19_lists)
        out.append(piece)
        out.append(rep)
        shared = shared and not survived and _ANY_DIGIT.search(rep) is None
        pos = e
    piece, survived = _mask_segment(text[pos:], cached, legacy, r19_lists)
    out.append(piece)
    return _tidy("".join(out)), shared and not survived
