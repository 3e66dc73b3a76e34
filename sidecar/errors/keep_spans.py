"""Keep rules: the spans of a message that name the error and must survive masking (`masking.py`).

A keep rule (`masking_rules.KEEP_RULES`: HTTP statuses, keyed error codes, WebSocket close codes, URLs
whose scheme and path shape are kept, quoted failure names) finds a span; every mask rule then works
only on the text between spans. Three questions are answered here, all pure:
* `keep_spans`: where the spans of a text are and what replaces each (a URL's variable parts masked);
* `may_keep`: whether any keep rule CAN match, judged on the digit-masked text (so the common message,
  which holds no trigger, skips the scan inside masking's memo);
* `error_codes`: the error-naming tokens of a message in order (a traceback's identity: a 429 and a
  500 from one call site are two errors).
The keyed-code regex has no literal prefix, so it is tried only near its keywords (`keyed_matches`).
"""

from __future__ import annotations

import re

from .access_records import is_request_record, is_status_keep
from .masking_rules import BY_NAME, ERROR_TOKEN, MAX_CHARS
from .throwable_tails import throwable_span
from .token_forms import variable_like

__all__ = ["keep_spans", "may_keep", "error_codes", "keyed_start", "keyed_matches"]

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


def keep_spans(text: str, call_site: bool = True, legacy: bool = False) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, replacement) spans that the mask rules must not touch.

    With `call_site`, what a call site filled in as a value holds no span: a request record's HTTP
    statuses (`access_records.py`: a line every request writes holds its status as a field) and
    anything inside a JVM Throwable the statement printed (`throwable_tails.py`). `error_codes` (a
    traceback's identity, pinned by FINGERPRINT_VERSION v2) reads every span. `legacy`: the spans
    before round 18's JVM property-name rule (`_in_property_name`): the message forms of
    `_MESSAGE_VERSION` v1 (legacy_forms.py) and every traceback identity (see `error_codes`)."""
    found: list[re.Match[str]] = []
    if "://" in text:
        found.extend(_URL.finditer(text))
    low = text.lower()
    if ("code" in low or "status" in low or "type" in low or "errno" in low or "reason" in low
            or "sqlstate" in low):
        found.extend(m for m in keyed_matches(text, low) if legacy or not _in_property_name(text, m.start()))
    # A bare reason phrase (`500 Internal Server Error`) needs no protection: the phrase itself
    # survives masking and tells the statuses apart. Only `HTTP` and the `...Request(s)` phrases
    # (whose status the phrase alone leaves ambiguous: 400 vs 429) run the regex.
    if "HTTP" in text or "Request" in text:
        found.extend(_HTTP.finditer(text))
    if "sent 1" in text or "received 1" in text:
        found.extend(_WS_CLOSE.finditer(text))
    if ("'" in text or '"' in text) and any(k in text for k in _FAILURE_TRIGGERS):
        found.extend(m for m in _FAILURE.finditer(text) if _failure_name(m))
    if call_site and found:
        if is_request_record(text):
            found = [m for m in found if not ((m.re is _HTTP or m.re is _KEYED)
                                              and is_status_keep(m.group(), m.re is _HTTP))]
        thrown = throwable_span(text)
        if thrown is not None:
            found = [m for m in found if not thrown[0] <= m.start() < thrown[1]]
    if not found:
        return []
    found.sort(key=lambda m: (m.start(), -m.end()))
    spans: list[tuple[int, int, str]] = []
    for m in found:
        if spans and m.start() < spans[-1][1]:
            continue
        spans.append((m.start(), m.end(), _url(m) if m.re is _URL and callable(_url) else m.group()))
    return spans


# A JVM system property's name up to a key (`-Dio.netty.allocator.type: pooled`, `-Dapp.status=prod`): the key
# is the last part of the property's NAME, not a failure key - its value is the property's (sysprops.py). Only
# after `-D` at an option's start (the `java` launcher's syntax): a dotted key elsewhere (OpenTelemetry's
# `error.type=TimeoutError`, `http.status_code`) names the failure and stays kept.
_PROPERTY_HEAD = re.compile(r"""(?:(?<=^)|(?<=[\s\[,("'=]))-D[A-Za-z_][\w.-]*\.""")


def _in_property_name(text: str, start: int) -> bool:
    i = text.rfind("-D", max(0, start - 200), start)
    return i >= 0 and _PROPERTY_HEAD.fullmatch(text, i, start) is not None


def may_keep(t: str) -> bool:
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


def error_codes(message: str) -> tuple[str, ...]:
    """The error-naming tokens of a message (keep-rule spans and error codes), in order.

    Used for tracebacks: `httpx.HTTPStatusError` raised at one call site for a 429 and a 500 is
    two errors, although the type and the frames are the same.
    """
    text = message[:MAX_CHARS]
    found: list[tuple[int, str]] = []
    # Verbatim keeps, not URLs; not the failure names either: a traceback's identity takes those
    # through `fingerprint.failure_names` (pinned v2 ids must not change). `legacy`: round 18's
    # property-name rule (0f512a0f, written for message forms) is not applied here - it would have
    # moved the v2 id of every traceback whose message names `-D<name>.type: <value>` without a
    # FINGERPRINT_VERSION bump; keeping the v2 spans keeps every traceback group's id (issue 15).
    spans = [(s, e) for s, e, rep in keep_spans(text, call_site=False, legacy=True) if text[s:e] == rep and not _FAILURE.fullmatch(rep)]
    for s, e in spans:
        found.append((s, " ".join(text[s:e].split()).strip("'\" ")))
    for m in _ERROR_TOKEN_SCAN.finditer(text):
        if not any(s <= m.start() < e for s, e in spans):
            found.append((m.start(), m.group()))
    return tuple(code for _, code in sorted(found))


_ERROR_TOKEN_SCAN = re.compile(rf"(?<![\w.+-]){ERROR_TOKEN}")
