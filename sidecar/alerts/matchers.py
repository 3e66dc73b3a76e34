"""Label matchers (Alertmanager style) for routes and silences: `name=value`, `name!=value`,
`name=~regex`, `name!~regex`. Regexes are anchored (full match) as in Alertmanager. A label that is
absent matches as the empty string, so `category=""` selects alerts without a category.

Pure functions only: routing and silencing decisions are tested without any I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import SidecarError

OPS = ("=~", "!~", "!=", "=")
_LABEL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


class MatcherError(SidecarError, ValueError):
    """A matcher that cannot be parsed or whose regex does not compile."""


@dataclass(frozen=True, slots=True)
class Matcher:
    name: str
    value: str
    op: str = "="
    _regex: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def make(cls, name: str, value: str, op: str = "=") -> Matcher:
        if op not in OPS:
            raise MatcherError(f"unknown operator {op!r} (use one of {', '.join(OPS)})")
        if not _LABEL_NAME.match(name):
            raise MatcherError(f"invalid label name {name!r}")
        regex = None
        if op in ("=~", "!~"):
            try:
                regex = re.compile(value)
            except re.error as exc:
                raise MatcherError(f"{name}{op}{value!r}: not a valid regular expression: {exc}") from None
        return cls(name, value, op, regex)

    def matches(self, labels: Mapping[str, str]) -> bool:
        actual = labels.get(self.name, "")
        if self.op == "=":
            return actual == self.value
        if self.op == "!=":
            return actual != self.value
        assert self._regex is not None
        hit = self._regex.fullmatch(actual) is not None
        return hit if self.op == "=~" else not hit

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "op": self.op}

    def __str__(self) -> str:
        return f"{self.name}{self.op}{self.value!r}"


def parse_matcher(spec: str | Mapping[str, Any]) -> Matcher:
    """`'severity=~critical|error'`, or `{"name", "value", "op"}`, or Alertmanager's
    `{"name", "value", "isRegex", "isEqual"}`."""
    if isinstance(spec, str):
        text = spec.strip()
        m = re.match(r"^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(=~|!~|!=|=)\s*(.*)$", text, re.S)
        if not m:
            raise MatcherError(f"cannot parse matcher {spec!r} (expected name=value, name!=value, name=~re, name!~re)")
        name, op, value = m.group(1), m.group(2), m.group(3).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        return Matcher.make(name, value, op)
    if isinstance(spec, Mapping):
        name = spec.get("name")
        value = spec.get("value", "")
        if not isinstance(name, str) or not isinstance(value, str):
            raise MatcherError("a matcher needs string 'name' and 'value'")
        op = spec.get("op")
        if op is None:
            is_regex = bool(spec.get("isRegex", False))
            is_equal = bool(spec.get("isEqual", True))
            op = ("=~" if is_regex else "=") if is_equal else ("!~" if is_regex else "!=")
        return Matcher.make(name, value, str(op))
    raise MatcherError(f"a matcher is a string or a mapping, not {type(spec).__name__}")


def matches_all(matchers: Iterable[Matcher], labels: Mapping[str, str]) -> bool:
    return all(m.matches(labels) for m in matchers)


def route_matchers(match: Mapping[str, str | list[str]], match_re: Mapping[str, str]) -> list[Matcher]:
    """A route's `match` (equality, or any of a list) and `match_re` as matchers."""
    out: list[Matcher] = []
    for name, value in match.items():
        if isinstance(value, list):
            alternatives = "|".join(re.escape(str(v)) for v in value)
            out.append(Matcher.make(name, f"(?:{alternatives})", "=~"))
        else:
            out.append(Matcher.make(name, str(value), "="))
    for name, pattern in match_re.items():
        out.append(Matcher.make(name, pattern, "=~"))
    return out
