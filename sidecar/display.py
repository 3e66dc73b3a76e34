"""Text from logs made safe to show: control characters, ANSI escapes and bidi overrides become
visible escapes instead of being interpreted (a terminal colour code or a right-to-left override
from an attacker's log line must not restyle or reorder what an on-call engineer reads).

Newlines and tabs are kept (tracebacks need them); everything else below U+0020, DEL, the C1
range, and the Unicode bidi controls (U+200E/F, U+061C, U+202A-202E, U+2066-2069) is replaced.
"""

from __future__ import annotations

import functools
import re

from .redaction import redact

__all__ = ["visible_controls", "shown"]

_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    c = m.group(0)
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"<U+{ord(c):04X}>"


def visible_controls(text: str) -> str:
    """Replace each control/bidi character with a visible escape (`\\x1b`, `<U+202E>`)."""
    text = text.replace("\r\n", "\n")
    return _INVISIBLE.sub(_escape, text) if _INVISIBLE.search(text) else text


@functools.lru_cache(maxsize=4096)
def _shown_short(text: str) -> str:
    return visible_controls(redact(text))


def shown(text: str) -> str:
    """What a person may see of a log text: redacted, with controls made visible."""
    return _shown_short(text) if len(text) <= 256 else visible_controls(redact(text))
