"""A secret-named value continued onto the next line (CLASSES12.md A34, multi-line scalars and line continuations).

The name and its assignment end one line; the value opens the next: TOML multi-line strings (`key = \"\"\"` or `'''`
then the value; TOML 1.0 "String"), configparser/INI continuation lines (`key =` then an indented line; stdlib
configparser.py: "values can span multiple lines ... indented deeper than the key"), a shell, Dockerfile or Java
.properties `\\` line continuation after `NAME=` (bash(1) "Quoting": backslash-newline is removed;
java.util.Properties.load), and an HTTP auth scheme continued the same way (`-H 'Authorization: Bearer \\` then the
token, curl command lines split one flag per line). The line break is raw or escaped (`\\n` in a JSON string).
Only the first token of the next line is the value, and only when it reads as one (values.looks_like_value: a digit, a
symbol, mixed case or 16+ characters) and not as text (wrapped.NOT_A_VALUE: a URL, `key=value`, words): `password =`
then `Traceback ...`, a nested `key:`, a reference (`$X`) or a section header stay. A bare `Password:` label line with
the value under it is wrapped.label_line_sub's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .names import DOCKER_SEAM
from .secret_names import is_secret_name
from .spans import mark_spans
from .values import looks_like_value
from .wrapped import NOT_A_VALUE

_BREAK = r"(?:\r?\n|(?:\\r)?\\n|\\\\n)"  # raw, JSON-escaped, or a JSON-escaped line break inside a JSON string
# anchored on the assignment sign (a name scan at every word start cost 7% of all redaction); the name is read back
_OPEN = re.compile(r"(?:=[ \t]*(?:\\{0,3}\"\\{0,3}\"\\{0,3}\"|'''|\\{1,2})?|:[ \t]*(?:\\{0,3}\"\\{0,3}\"\\{0,3}\"|'''|\\{1,2}))[ \t]*"
                   + _BREAK + r"(?:" + DOCKER_SEAM + r")?[ \t]*(?P<val>(?![$\[#;]|\\{1,3}n)[^\s\"'\\]{6,512})")
_NAME_BEFORE = re.compile(r"(?P<name>[A-Za-z_][\w.-]{0,80})[ \t]*$")
_SCHEME = re.compile(r"(?i:bearer|basic|token|apikey)[ \t]+(?:\\|\\{2})" + _BREAK + r"[ \t]*(?P<val>[^\s\"'\\]{8,512})")
HINTS = ("\"\"\"", "\\\"\\\"\\\"", "'''", "=\n", "= \n", "=\\n", "= \\n", "=\\\n", "=\\\\\n", "=\\\\\\n", " \\\n", " \\\\\n")


def continued_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans = []
        for m in _OPEN.finditer(text):
            name = _NAME_BEFORE.search(text, max(0, m.start() - 90), m.start())
            val = m.group("val")
            if name is not None and is_secret_name(name.group("name")) and not val.endswith(":") and \
                    looks_like_value(val, False, False) and not NOT_A_VALUE.fullmatch(val):
                spans.append(m.span("val"))
        if "\\" in text:
            spans += [m.span("val") for m in _SCHEME.finditer(text)]
        return mark_spans(text, spans, mark)
    return sub
