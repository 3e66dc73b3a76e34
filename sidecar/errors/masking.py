"""Message parameterisation: turn a log message into the template that names its kind of error.

`normalize_message("Connection unregistered: ab12 from 172.18.0.1 (duration: 331.14s)")` ->
`"Connection unregistered: <*> from <*> (duration: <*>)"`.

How it works, in order:
1. "Keep" rules find what names the error (HTTP statuses, keyed error codes, errno, WebSocket
   close codes); those spans are protected from every masking rule.
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

from .masking_rules import (
    BY_NAME,
    ERROR_TOKEN,
    KEEP_RULES,
    MASK_RULES,
    PLACEHOLDER,
    RULES,
    TLDS,
    USER_KEYS,
    USER_TAIL,
    Rule,
)
from .templates import variable_like

__all__ = ["RULES", "Rule", "normalize_message", "error_codes", "MAX_CHARS", "PLACEHOLDER", "KEEP_RULES",
           "MASK_RULES", "clear_cache"]

MAX_CHARS = 2048


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

_URL_REPLACEMENT = BY_NAME["url"].replacement  # a function: masks the URL's variable parts
assert callable(_URL_REPLACEMENT)
_url = _URL_REPLACEMENT
_HTTP, _KEYED, _WS_CLOSE, _URL, _FAILURE = (
    BY_NAME[n].regex for n in ("http_status", "keyed_code", "ws_close_code", "url", "failure_name"))
_FAILURE_TRIGGERS = BY_NAME["failure_name"].triggers
_QUOTED_IN = re.compile(r"""(['"])([^'"]*)\1""")


def _failure_name(m: re.Match[str]) -> bool:
    """Whether every quoted name of a `failure_name` match is an identifier, not data: no digit,
    and not id-like by form (`templates.variable_like`) unless it is CamelCase (`NoneType`)."""
    for q in _QUOTED_IN.finditer(m.group()):
        name = q.group(2)
        if any(c.isdigit() for c in name):
            return False
        if variable_like(name.replace(".", "")) and not _CAMEL_NAME.fullmatch(name):
            return False
    return True


_CAMEL_NAME = re.compile(r"(?:[A-Z][a-z]{2,})+|[a-z]{2,}(?:[A-Z][a-z]{2,})+")
# Every mask rule the engine applies (tests check this covers MASK_RULES, so none is forgotten).
APPLIED_MASK_RULES = (
    "quoted", "email", "ipv6", "dot_leaders", "number_token", "placeholder_chain", "mac_or_hex_pairs",
    "host_port", "unit_after_number", "domain", "path", "windows_path", "relative_path", "user",
    "empty_value", "weekday_date")
(_QUOTED, _EMAIL, _IPV6, _DOTS, _NUMBER, _CHAIN, _MAC, _HOST_PORT, _UNIT, _DOMAIN, _PATH, _WINPATH, _RELPATH,
 _USER, _EMPTY, _WEEKDAY) = (BY_NAME[n].regex for n in APPLIED_MASK_RULES)
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


def _mask_segment(t: str, cached: bool = True) -> tuple[str, bool]:
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
    t = _NUMBER.sub(PLACEHOLDER, t)
    survived = _ANY_DIGIT.search(t) is not None
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


def _after_numbers(t: str) -> str:
    if "<*>" in t:
        t = _GLUED_PREFIX_REVERSED.sub(">*<", t[::-1])[::-1]
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
        if "<*> " in t:
            t = _UNIT.sub(PLACEHOLDER, t)
            if "Mon" in t or "Tue" in t or "Wed" in t or "Thu" in t or "Fri" in t or "Sat" in t or "Sun" in t:
                t = _WEEKDAY.sub(PLACEHOLDER, t)
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


_KEYED_WORDS = ("code", "status", "type", "errno", "reason", "sqlstate")
# Every keyed_code match is an optional quote and a keyword holding one of _KEYED_WORDS at most this
# many characters after the match's start (`'return_code`: 8).
_KEYED_LEAD = 8


def keyed_start(text: str, low: str) -> int:
    """Where a `keyed_code` scan of `text` may start: no match begins earlier (its regex has no
    literal prefix, so Python tries it at every position: this skips the text before the first
    keyword). `low` is `text.lower()`; 0 when lowering changed the length (indices differ)."""
    if len(low) != len(text):
        return 0
    first = min((i for i in (low.find(w) for w in _KEYED_WORDS) if i >= 0), default=0)
    return max(0, first - _KEYED_LEAD)


def keyed_matches(text: str, low: str) -> list[re.Match[str]]:
    """`_KEYED.finditer(text, keyed_start(text, low))`, trying the regex only where a match can
    start: at most `_KEYED_LEAD` characters before a keyword. The regex has no literal prefix, so a
    scan tries all three branches at every position (~17 us on a 150-character line); this costs a
    few `str.find` calls and a handful of anchored `match` calls per keyword. Exact for ASCII text
    (an ASCII keyword matched case-insensitively is a lower-case keyword of `low`); other text takes
    the plain scan (`(?i)` also matches the long s and the Kelvin sign)."""
    if not text.isascii():
        return list(_KEYED.finditer(text, keyed_start(text, low)))
    found: list[re.Match[str]] = []
    match = _KEYED.match
    pos = 0
    while True:
        # The first keyword at or after `pos`: a match starting before `key - _KEYED_LEAD` would
        # hold an earlier keyword, and none is left between `pos` and `key`.
        key = -1
        for word in _KEYED_WORDS:
            i = low.find(word, pos)
            if i >= 0 and (key < 0 or i < key):
                key = i
        if key < 0:
            return found
        start = max(pos, key - _KEYED_LEAD)
        while start <= key:
            m = match(text, start)
            if m is not None:
                found.append(m)
                pos = m.end()  # finditer resumes at the end of a (never empty) match
                break
            start += 1
        else:
            pos = key + 1


def _keep_spans(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, replacement) spans that the mask rules must not touch."""
    found: list[re.Match[str]] = []
    if "://" in text:
        found.extend(_URL.finditer(text))
    low = text.lower()
    if ("code" in low or "status" in low or "type" in low or "errno" in low or "reason" in low
            or "sqlstate" in low):
        found.extend(keyed_matches(text, low))
    # A bare reason phrase (`500 Internal Server Error`) needs no protection: the phrase itself
    # survives masking and tells the statuses apart. Only `HTTP` and the `...Request(s)` phrases
    # (whose status the phrase alone leaves ambiguous: 400 vs 429) run the regex.
    if "HTTP" in text or "Request" in text:
        found.extend(_HTTP.finditer(text))
    if "sent 1" in text or "received 1" in text:
        found.extend(_WS_CLOSE.finditer(text))
    if ("'" in text or '"' in text) and any(k in text for k in _FAILURE_TRIGGERS):
        found.extend(m for m in _FAILURE.finditer(text) if _failure_name(m))
    if not found:
        return []
    found.sort(key=lambda m: (m.start(), -m.end()))
    spans: list[tuple[int, int, str]] = []
    for m in found:
        if spans and m.start() < spans[-1][1]:
            continue
        spans.append((m.start(), m.end(), _url(m) if m.re is _URL and callable(_url) else m.group()))
    return spans


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


def _may_keep(t: str) -> bool:
    """Whether keep rules can match, judged on the digit-masked text `t` (`_keep_spans`' own
    triggers, with `sent 1` read as `sent <*>`). Every keep rule needs its keyword at a word start,
    and number_token masks only runs that start with a digit, so a keyword the raw text has survives
    in `t`; the one exception is a keyword glued behind a number by `.`, `+` or `-`
    (`1.5-status=3`), which this treats as part of the number."""
    if "://" in t or "HTTP" in t or "Request" in t or "sent <*>" in t or "received <*>" in t:
        return True
    if ("'" in t or '"' in t) and any(k in t for k in _FAILURE_TRIGGERS):
        return True
    low = t.lower()
    return ("code" in low or "status" in low or "type" in low or "errno" in low or "reason" in low
            or "sqlstate" in low)


@lru_cache(maxsize=4096)
def _finish_unless_keep(t: str) -> str | None:
    # The whole-message template of digit-masked text, or None when keep rules may apply.
    return None if _may_keep(t) else _finish(t)


def normalize_message(message: str, *, cached: bool = True) -> str:
    """The parameterised template of a message (the group title for plain log errors).

    Pure and deterministic: the result depends only on `message` (`cached=False` computes the
    same thing without the memo, for benchmarks and tests). The common message (no keep rule can
    apply: most of them) costs one regex pass over the raw text and one memo lookup: whether keep
    rules may apply is decided on the digit-masked text, inside the memo.
    """
    text = message[:MAX_CHARS]
    t = _DOTS.sub(" ... ", text) if "..." in text else text
    t = _NUMBER.sub(PLACEHOLDER, t)
    if cached and len(t) <= CACHEABLE:
        done = _finish_unless_keep(t)
    else:
        done = None if _may_keep(t) else _finish(t)
    if done is not None:
        return done
    return _with_keeps(text, t, cached)


def _with_keeps(text: str, t: str, cached: bool = True) -> str:
    """`normalize_message` of `text` (its first MAX_CHARS characters) where keep rules may apply;
    `t` is its digit-masked text."""
    return keeps_shaped(text, t, cached)[0]


def keeps_shaped(text: str, t: str, cached: bool = True) -> tuple[str, bool]:
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
    spans = _keep_spans(text)
    shared = text.isascii() and not (
        "HTTP" in text or "Request" in text or "sent" in text or "received" in text or "status" in text.lower())
    if not spans:  # the digit-masked text is the whole message: finish it
        done = _finish_cached(t) if cached and len(t) <= CACHEABLE else _finish(t)
        return done, shared and _ANY_DIGIT.search(t) is None
    out, pos = [], 0
    for s, e, rep in spans:
        piece, survived = _mask_segment(text[pos:s], cached)
        out.append(piece)
        out.append(rep)
        shared = shared and not survived and _ANY_DIGIT.search(rep) is None
        pos = e
    piece, survived = _mask_segment(text[pos:], cached)
    out.append(piece)
    return _tidy("".join(out)), shared and not survived


def error_codes(message: str) -> tuple[str, ...]:
    """The error-naming tokens of a message (keep-rule spans and error codes), in order.

    Used for tracebacks: `httpx.HTTPStatusError` raised at one call site for a 429 and a 500 is
    two errors, although the type and the frames are the same.
    """
    text = message[:MAX_CHARS]
    found: list[tuple[int, str]] = []
    # Verbatim keeps, not URLs; not the failure names either: a traceback's identity takes those
    # through `fingerprint.failure_names` (pinned v2 ids must not change).
    spans = [(s, e) for s, e, rep in _keep_spans(text) if text[s:e] == rep and not _FAILURE.fullmatch(rep)]
    for s, e in spans:
        found.append((s, " ".join(text[s:e].split()).strip("'\" ")))
    for m in _ERROR_TOKEN_SCAN.finditer(text):
        if not any(s <= m.start() < e for s, e in spans):
            found.append((m.start(), m.group()))
    return tuple(code for _, code in sorted(found))


_ERROR_TOKEN_SCAN = re.compile(rf"(?<![\w.+-]){ERROR_TOKEN}")
