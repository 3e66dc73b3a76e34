"""Secrets with no name before them (taxonomy class c, carriers; CLASSES10.md A11, B2).

- CPython's conversion errors quote the raw value and no name (`invalid literal for int() with base 10: '<v>'`,
  `could not convert string to float: '<v>'`, ipaddress's `'<v>' does not appear to be an IPv4 or IPv6 address`,
  datetime's `Invalid isoformat string: '<v>'`): two swapped environment variables put a key where a port was read.
  The quoted value goes when it reads as a generated token (16+ characters of a key charset with a digit, or a
  password's mix); a typo'd port, a boolean word, a version or a duration is the diagnosis and stays.
- The value BEFORE the words that name it, in a sentence: `<v> is the upstream api key`, `using <v> as bearer
  token`, `<v> (service token for tenant ...)`, and the name-first `the api key in use is <v>` (the words between
  the name and `is` keep the name rule from reading it). Only these sentence shapes, and only a token of 20+ characters
  that reads as generated (hex and lowercase+digit ids included: the words after it say what it is). Round 9 (set 10):
  a predicate over the value (`<v> is not accepted as secret key`, `<v> rejected by <svc>: not a valid secret key`)
  and an arrow label (`<v> <- secret key for <id>`). A token followed by an error LABEL about a key (`req_...
  rejected: invalid api key`) is not read: the id of the request is as likely.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .providers import generated
from .secret_names import random_value
from .spans import mark_spans

_Q = r"(?P<q>\\{0,3}['\"])"
CONVERSION = re.compile(
    r"(?:invalid literal for int\(\) with base \d+: |could not convert string to float: |Invalid isoformat string: )"
    + _Q + r"(?P<val>[^'\"\s\\]{8,512})(?P=q)"
    r"|" + _Q.replace("q>", "q2>") + r"(?P<val2>[^'\"\s\\]{8,512})(?P=q2) does not appear to be an IPv[46]")
CONVERSION_HINTS = ("invalid literal for", "could not convert string", "invalid isoformat", "does not appear to be")

_SECRET_NOUN = r"(?:api[ _-]?key|access[ _-]?key|secret(?:[ _-]?key)?|token|password|passphrase|credential|bearer token)"
_TOK = r"(?P<val>[A-Za-z0-9_\-+/=.~]{20,512})"
# Anchored at the noun (a literal-led scan; a regex led by a 20-512 character class is tried at every position of
# every line): the words between the value and the noun are read back from it, the value forward from `is`.
_NOUN = re.compile(_SECRET_NOUN + r"\b")  # searched in the lowered text (IGNORECASE costs 3x on every line)
_BETWEEN = re.compile(r"[ \t]+(?:(?:is|was)[ \t]+(?:the|our|an?|my|your)[ \t]+(?:[\w-]+[ \t]+){0,3}"
                      r"|\((?:[\w-]+[ \t]+){0,3}"
                      # round 9 (set 10): a predicate over the value (`<v> is not accepted as secret key`, `<v> rejected
                      # by <service>: not a valid secret key`) and an arrow that labels it (`<v> <- secret key for ..`)
                      r"|(?:is|was)[ \t]+not[ \t]+(?:accepted|valid|usable|recogni[sz]ed)[ \t]+(?:as[ \t]+)?"
                      r"(?:the[ \t]+|an?[ \t]+)?(?:[\w-]+[ \t]+){0,2}"
                      r"|[^\n:]{0,60}:[ \t]+(?:is[ \t]+)?not[ \t]+an?[ \t]+(?:valid|known)[ \t]+(?:[\w-]+[ \t]+){0,2}"
                      r"|(?:<-|<=|\\u003c-|←)[ \t]+(?:the[ \t]+|an?[ \t]+)?(?:[\w-]+[ \t]+){0,2})$", re.IGNORECASE)
_NOUN_FIRST = re.compile(r"[ \t]+(?:in[ \t]+use|used|configured|loaded|sent)[ \t]+(?:is|was)[ \t]+" + _TOK,
                         re.IGNORECASE)
USING = re.compile(r"using[ \t]+(?P<val>[A-Za-z0-9_\-+/=.~]{20,512})[ \t]+as[ \t]+(?:the[ \t]+|an?[ \t]+)?"
                   r"(?:[\w-]+[ \t]+){0,2}" + _SECRET_NOUN + r"\b", re.IGNORECASE)
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/=.~")
# The words between the value and its noun (the nouns themselves are name hints: the rule also needs one of those)
VALUE_FIRST_HINTS = (" is ", " was ", " (", "using ", " not a", "<-", "\\u003c-", "←")


def _token(val: str) -> bool:
    return val[:1].isalnum() and any(c.isdigit() for c in val) and (
        generated(val) or random_value(val) or len(val) >= 16 and val.isalnum())


def conversion_sub(mark: str) -> Callable[[str], str]:
    def repl(m: re.Match[str]) -> str:
        group = "val" if m.group("val") is not None else "val2"
        if not _token(m.group(group)):
            return m.group(0)
        return m.group(0)[:m.start(group) - m.start()] + mark + m.group(0)[m.end(group) - m.start():]
    return lambda text: CONVERSION.sub(repl, text)


def _token_ending_at(text: str, end: int) -> tuple[int, int] | None:
    start = end
    while start > 0 and end - start <= 512 and text[start - 1] in _TOKEN_CHARS:
        start -= 1
    return (start, end) if 20 <= end - start <= 512 and not (start and text[start - 1] == "\\") else None


def value_first_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans: list[tuple[int, int]] = []
        lower = text.lower()
        if len(lower) != len(text):
            lower = text  # a character whose lowercase is longer (`İ`): positions must stay the text's
        for n in _NOUN.finditer(lower):
            window = lower[max(0, n.start() - 80):n.start()]
            between = _BETWEEN.search(text, max(0, n.start() - 80), n.start()) if (
                " is " in window or " was " in window or "(" in window or " not a" in window or "<-" in window
                or "\\u003c-" in window or "←" in window) else None
            if between is not None:
                span = _token_ending_at(text, between.start())
                if span is not None and _token(text[span[0]:span[1]]):
                    spans.append(span)
            first = _NOUN_FIRST.match(text, n.end()) if lower.startswith((" in", " used", " conf", " load", " sent"),
                                                                         n.end()) else None
            if first is not None and _token(first.group("val")):
                spans.append(first.span("val"))
        if "using" in text or "Using" in text:
            spans += [u.span("val") for u in USING.finditer(text) if _token(u.group("val"))]
        if not spans:
            return text
        return mark_spans(text, spans, mark)
    return sub
