"""Where a backslash-escaped quoted string really ends, at any JSON nesting level.

A name rule reads a quoted value up to the first quote of its kind; json.dumps and Python's repr escape a quote inside
the string with a backslash (`"Token token=\\"<v>\\""`, `'it\\'s'`), and each further level of json.dumps doubles
the backslashes and escapes the quote again (`\\"` delimits, `\\\\\\"` is a quote inside). When the quote the rule
stopped at was an escaped one, the value goes on: escaped_close finds its real end.
"""

from __future__ import annotations

import re

_ESCAPED_QUOTE = re.compile(r"\\{0,7}[\"']")
_STRING_REACH = 1024  # how far a string's real end is looked for (bounded: the text is attacker-controlled)


def quote_was_escaped(q: str, qval: str) -> bool:
    """The quote `q` read after `qval` escapes a quote inside the string (at `q`'s own nesting level, escaped_close's
    rule), so the string goes on past it."""
    if _ESCAPED_QUOTE.fullmatch(q) is None:
        return False
    k = len(q) - 1
    t = len(qval) - len(qval.rstrip("\\"))
    return t > 0 and t % (k + 1) == 0 and t // (k + 1) % 2 == 1


def escaped_close(text: str, q: str, qval: str, after: int) -> int:
    """Where a backslash-escaped string really ends (the start of its closing quote) when the quote `q` read after
    `qval` was an escaped one, else -1. At nesting level L (json.dumps of json.dumps..., `q` = k = 2**L - 1 backslashes
    and a quote) the innermost text's run of m backslashes before a quote reads as (k + 1) * m + k backslashes: the
    quote ends the string when m is even, and is escaped when m is odd."""
    if _ESCAPED_QUOTE.fullmatch(q) is None:
        return -1
    k, ch = len(q) - 1, q[-1]

    def escaped(run: int) -> bool:
        t = run - k
        return t > 0 and t % (k + 1) == 0 and t // (k + 1) % 2 == 1

    stop = min(len(text), after + _STRING_REACH)
    line = text.find("\n", after, stop)
    stop = stop if line < 0 else line  # (no closing quote past the line's end)
    if not escaped(len(qval) - len(qval.rstrip("\\")) + k):
        # A `'` string inside a JSON string: JSON leaves the quote alone and doubles the backslash, so a repr's `\\'`
        # reads `\\\\'` - the nesting level is unknown here. The quote was inside the value when a word character follows
        # it (a closing quote is followed by a separator); the string then ends at the next quote not followed by one.
        if not (after < len(text) and (text[after].isalnum() or text[after] == "_")):
            return -1
        i = after
        while (i := text.find(ch, i, stop)) >= 0:
            if not (i + 1 < len(text) and (text[i + 1].isalnum() or text[i + 1] == "_")):
                return i - k if text[i - k:i] == q[:-1] else -1
            i += 1
        return -1
    i = after
    while (i := text.find(ch, i, stop)) >= 0:
        j = i
        while j > after and text[j - 1] == "\\":
            j -= 1
        if i - j >= k and not escaped(i - j):
            return i - k
        i += 1
    return -1
