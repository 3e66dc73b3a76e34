"""Values Terraform itself marks sensitive, whatever their field is called (CLASSES11.md B10, IaC state).

Terraform's JSON output format (docs "JSON Output Format", `terraform show -json`, plan JSON) prints every attribute
in `values` (plan: `before` / `after`) and, BESIDE it, a mirror object whose `true` leaves say which attributes are
sensitive: `"sensitive_values": {"result": true}` (plan: `before_sensitive` / `after_sensitive`). State files (format
v4) list them as paths: `"sensitive_attributes": [[{"type": "get_attr", "value": "result"}]]`. Outputs carry their
own flag: `{"sensitive": true, "type": "string", "value": "..."}` (`terraform output -json`, `show -json` outputs).
A provider's schema marks some attributes sensitive without the state saying so; the one whose name says nothing is
hashicorp/random's `random_password` (`result` and `bcrypt_hash`, both "Sensitive" in the provider docs).
The carrier: raw JSON, json.dumps'd into a record, or escaped once more by a Docker record. Only string values go;
`length`, `special`, `id` and the other attributes stay.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from .spans import mark_spans

_Q = r"\\{0,3}\""
_MIRROR = re.compile(_Q + r"(?:sensitive_values|after_sensitive|before_sensitive)" + _Q + r"[ \t]*:[ \t]*\{"
                     r"(?P<body>[^{}]{0,2000})\}")
_TRUE_LEAF = re.compile(_Q + r"(?P<k>[\w.-]{1,80})" + _Q + r"[ \t]*:[ \t]*true")
_PATHS = re.compile(_Q + r"sensitive_attributes" + _Q + r"[ \t]*:[ \t]*\[(?P<body>[^\n]{0,2000}?\]\])")
_GET_ATTR = re.compile(_Q + r"type" + _Q + r"[ \t]*:[ \t]*" + _Q + r"get_attr" + _Q + r"[ \t]*,[ \t]*" + _Q + r"value"
                       + _Q + r"[ \t]*:[ \t]*" + _Q + r"(?P<k>[\w.-]{1,80})" + _Q)
_OUTPUT = re.compile(r"\{[^{}]{0,600}?" + _Q + r"sensitive" + _Q + r"[ \t]*:[ \t]*true[^{}]{0,600}\}")
_RANDOM_PASSWORD = re.compile(_Q + r"type" + _Q + r"[ \t]*:[ \t]*" + _Q + r"random_password" + _Q)
_RESOURCE_START = re.compile(_Q + r"(?:address|mode)" + _Q + r"[ \t]*:")
HINTS = ("sensitive", "random_password")
_WINDOW = 4000


@functools.lru_cache(maxsize=256)
def _attr(name: str) -> re.Pattern[str]:
    return re.compile(_Q + re.escape(name) + _Q + r"[ \t]*:[ \t]*" + _Q + r"(?P<val>(?:[^\"\\]|\\[^\"]){1,4096}?)" + _Q)


def _resource_bounds(text: str, at: int) -> tuple[int, int]:
    """The text of the resource around `at`: from its `address`/`mode` key back to the next resource's."""
    starts = list(_RESOURCE_START.finditer(text, max(0, at - _WINDOW), at))
    lo = starts[-1].start() if starts else max(0, at - _WINDOW)
    nxt = _RESOURCE_START.search(text, at, at + _WINDOW)
    hi = nxt.start() if nxt is not None else min(len(text), at + _WINDOW)
    return lo, hi


def _named(text: str, names: set[str], lo: int, hi: int) -> list[tuple[int, int]]:
    return [m.span("val") for k in names for m in _attr(k).finditer(text, lo, hi)]


def iac_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        spans: list[tuple[int, int]] = []
        if "sensitive" in text:
            for m in _MIRROR.finditer(text):
                names = {k.group("k") for k in _TRUE_LEAF.finditer(m.group("body"))}
                if names:
                    lo, hi = _resource_bounds(text, m.start())
                    spans += [s for s in _named(text, names, lo, hi) if not m.start() <= s[0] < m.end()]
            for m in _PATHS.finditer(text):
                names = {k.group("k") for k in _GET_ATTR.finditer(m.group("body"))}
                if names:
                    lo, hi = _resource_bounds(text, m.start())
                    spans += [s for s in _named(text, names, lo, hi) if not m.start() <= s[0] < m.end()]
            for m in _OUTPUT.finditer(text):
                spans += _named(text, {"value"}, m.start(), m.end())
        if "random_password" in text:
            for m in _RANDOM_PASSWORD.finditer(text):
                lo, hi = _resource_bounds(text, m.start())
                spans += _named(text, {"result", "bcrypt_hash"}, lo, hi)
        return mark_spans(text, spans, mark)
    return sub
