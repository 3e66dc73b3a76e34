"""A secret-named entry of PHP's serialize() and session formats (the name is the previous item, not `name=`).

PHP manual, serialize() / unserialize() and session.serialize_handler: a string is `s:<byte length>:"<bytes>";`, an
array `a:<n>:{<key><value>...}`, an object `O:<len>:"<class>":<n>:{<prop><value>...}` (protected and private
properties carry `\\0*\\0` / `\\0Class\\0` before their name); the `php` session handler writes `<name>|<value>` per
variable. So an entry is `s:7:"api_key";s:40:"<v>";` or `api_key|s:40:"<v>";`, raw, json.dumps'd (`\\"`) or escaped
once more by a Docker record. The key is judged by the same name rules as any `name=value` (is_secret_name).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .secret_names import is_secret_name
from .spans import mark_spans

_Q = r"\\{0,3}\""
_VALUE = r"s:\d{1,5}:" + _Q + r"(?P<val>(?:[^\"\\]|\\[^\"]){1,4096}?)" + _Q + r";"
_ENTRY = re.compile(r"s:\d{1,4}:" + _Q + r"(?P<name>[^\"\n]{1,120}?)" + _Q + r";" + _VALUE
                    + r"|(?:^|(?<=[;}\s\"']))(?P<var>[A-Za-z_][\w.-]{0,80})\|" + _VALUE.replace("val", "val2"))
HINTS = (";s:", "|s:")


def _clean(name: str) -> str:
    """A property name without PHP's visibility prefix (`\\0*\\0`, `\\u0000*\\u0000`, `\\0Class\\0`)."""
    return re.sub(r"^(?:\\0|\\u0000|\x00)[^\\\x00]*(?:\\0|\\u0000|\x00)", "", name)


def php_serialized_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans = []
        for m in _ENTRY.finditer(text):
            if m.group("name") is not None and is_secret_name(_clean(m.group("name"))):
                spans.append(m.span("val"))
            elif m.group("var") is not None and is_secret_name(m.group("var")):
                spans.append(m.span("val2"))
        return mark_spans(text, spans, mark)
    return sub
