"""Secrets with no name before them (taxonomy class c, carriers; CLASSES10.md A11, B2).

- CPython's conversion errors quote the raw value and no name (`invalid literal for int() with base 10: '<v>'`,
  `could not convert string to float: '<v>'`, ipaddress's `'<v>' does not appear to be an IPv4 or IPv6 address`,
  datetime's `Invalid isoformat string: '<v>'`): two swapped environment variables put a key where a port was read.
  The quoted value goes when it reads as a generated token (16+ characters of a key charset with a digit, or a
  password's mix); a typo'd port, a boolean word, a version or a duration is the diagnosis and stays.
- The value BEFORE the words that name it, in a sentence: `<v> is the upstream api key`, `using <v> as bearer
  token`, `<v> (service token for tenant ...)`, and the name-first `the api key in use is <v>` (the words between
  the name and `is` keep the name rule from reading it). Only these sentence shapes, and only a token of 20+ characters
  that reads as generated (hex and lowercase+digit ids included: the words after it say what it is). A token followed
  by an error about a key (`req_... rejected: invalid api key`) is not read: the id of the request is as likely.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .providers import generated
from .secret_names import random_value

_Q = r"(?P<q>\\{0,3}['\"])"
CONVERSION = re.compile(
    r"(?:invalid literal for int\(\) with base \d+: |could not convert string to float: |Invalid isoformat string: )"
    + _Q + r"(?P<val>[^'\"\s\\]{8,512})(?P=q)"
    r"|" + _Q.replace("q>", "q2>") + r"(?P<val2>[^'\"\s\\]{8,512})(?P=q2) does not appear to be an IPv[46]")
CONVERSION_HINTS = ("invalid literal for", "could not convert string", "invalid isoformat", "does not appear to be")

_SECRET_NOUN = r"(?:api[ _-]?key|access[ _-]?key|secret(?:[ _-]?key)?|token|password|passphrase|credential|bearer token)"
_TOK = r"(?P<val>[A-Za-z0-9_\-+/=.~]{20,512})"
VALUE_FIRST = re.compile(
    r"(?<![\w\-+/=.~])" + _TOK + r"[ \t]+(?:(?:is|was)[ \t]+(?:the|our|an?|my|your)[ \t]+(?:[\w-]+[ \t]+){0,3}"
    + _SECRET_NOUN + r"\b|\((?:[\w-]+[ \t]+){0,3}" + _SECRET_NOUN + r"\b)"
    r"|\busing[ \t]+" + _TOK.replace("val>", "val2>") + r"[ \t]+as[ \t]+(?:the[ \t]+|an?[ \t]+)?(?:[\w-]+[ \t]+){0,2}"
    + _SECRET_NOUN + r"\b"
    r"|\b" + _SECRET_NOUN + r"[ \t]+(?:in[ \t]+use|used|configured|loaded|sent)[ \t]+(?:is|was)[ \t]+"
    + _TOK.replace("val>", "val3>"), re.IGNORECASE)
VALUE_FIRST_HINTS = ("key", "token", "secret", "password", "passphrase", "credential")


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


def value_first_sub(mark: str) -> Callable[[str], str]:
    def repl(m: re.Match[str]) -> str:
        group = next(g for g in ("val", "val2", "val3") if m.group(g) is not None)
        if not _token(m.group(group)) or m.group(group).startswith("[REDACTED"):
            return m.group(0)
        return m.group(0)[:m.start(group) - m.start()] + mark + m.group(0)[m.end(group) - m.start():]
    return lambda text: VALUE_FIRST.sub(repl, text)
