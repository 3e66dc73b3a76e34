"""logfmt as the readers here parse it: one `key=value` pair's grammar and its value's unquoting.

brandur.org/logfmt and go-logfmt (`encodeKeyval`): a key is any run of bytes above the blank without `=`
or `"`; a value is quoted, with Go's `strconv.Quote` escapes, exactly when it holds a blank, `=`, `"` or
a control character (logrus `needsQuoting` and slog's `TextHandler` quote a wider set); a bare value here
may hold `=` for producers that do not quote it. (The sidecar's own logfmt WRITER is logsetup.py.)
"""

from __future__ import annotations

import re

__all__ = ["PAIR", "unquote"]

# One pair: group 1 the key, group 2 the value as written (quoted or bare).
PAIR = r'([^\s="]+)=("(?:[^"\\]|\\.)*"|[^\s"]*)'
_ESCAPE = re.compile(r'\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|.)')
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if len(code) > 1:
        return chr(int(code[1:], 16))
    return _SIMPLE.get(code, "\\" + code)


def unquote(value: str) -> str:
    """A value as written: a Go-quoted string decoded, a bare one as is."""
    if len(value) >= 2 and value[0] == '"':
        inner = value[1:-1]
        return _ESCAPE.sub(_unescape, inner) if "\\" in inner else inner
    return value
