"""The rules file's schema: what a rule may match on and what its diagnosis says, validated at start.

`load_rules` (rules.py) validates `rules/diagnoses.yaml` with these models, so an unknown key, a bad
regex, an unknown code namespace or a template naming a field no regex provides fails with its
field path at start-up, never later at run time.
"""

from __future__ import annotations

import re
import string
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ..configfile import StrictModel
from .model import Category, Severity

BUILTIN_FIELDS = frozenset({"exception_type", "logger", "level", "count", "message", "exception_message", "remote",
                            "code", "code_meaning", *(f"code_{ns}" for ns in ("sqlstate", "pgrst", "glm", "business", "moonshot",
                                                              "provider_type", "http", "ws_close"))})


def _compiles(v: str | None) -> str | None:
    if v is None:
        return v
    try:
        re.compile(v)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return v


class Unless(StrictModel):
    """Negative conditions: the rule does not fire when any of these holds (a near-miss's situation)."""

    remote: list[str] | None = None
    component: list[str] | None = None
    code: dict[str, str] | None = None
    text: str | None = None  # searched in the record and the context
    message: str | None = None
    exception_type: str | None = None
    # the refusal's own reason names its owner (refusal_owner.refusal_reason) as one of these kinds: key, region,
    # route - read by that module, the one place the reason grammar lives (a rule never re-spells it as a regex)
    refusal: list[Literal["key", "region", "route"]] | None = None

    _check = field_validator("text", "message", "exception_type")(_compiles)

    @field_validator("code")
    @classmethod
    def _codes(cls, v: dict[str, str] | None) -> dict[str, str] | None:
        return _code_patterns(v)


CODE_NAMESPACES = frozenset({"sqlstate", "pgrst", "glm", "business", "moonshot", "provider_type", "http", "ws_close",
                             "gateway"})


def _code_patterns(v: dict[str, str] | None) -> dict[str, str] | None:
    if v is None:
        return v
    for ns, pattern in v.items():
        if ns not in CODE_NAMESPACES:
            raise ValueError(f"unknown code namespace {ns!r}; known: {sorted(CODE_NAMESPACES)}")
        _compiles(pattern)
    return v


class Match(StrictModel):
    remote: list[str] | None = None  # the remote the record concerns (situation.py): kimi, glm, supabase, redis, none
    component: list[str] | None = None  # a python package that raised or is in the traceback
    code: dict[str, str] | None = None  # namespace (sqlstate, pgrst, glm, moonshot, http, ws_close) -> regex
    unless: Unless | None = None
    exception_type: str | None = None
    message: str | None = None
    logger: str | None = None
    traceback: str | None = None
    text: str | list[str] | None = None  # a list: every regex must match somewhere in the text
    level: list[str] | None = None
    case_sensitive: bool = False

    _check = field_validator("exception_type", "message", "logger", "traceback")(_compiles)

    @field_validator("code")
    @classmethod
    def _codes(cls, v: dict[str, str] | None) -> dict[str, str] | None:
        return _code_patterns(v)

    @field_validator("text")
    @classmethod
    def _texts(cls, v: str | list[str] | None) -> str | list[str] | None:
        if isinstance(v, list):
            if not v:
                raise ValueError("must list at least one regular expression")
            for item in v:
                _compiles(item)
            return v
        return _compiles(v)

    @field_validator("level")
    @classmethod
    def _levels(cls, v: list[str] | None) -> list[str] | None:
        return [lv.upper() for lv in v] if v is not None else None

    @model_validator(mode="after")
    def _something(self) -> Match:
        if not any((self.exception_type, self.message, self.logger, self.traceback, self.text, self.level,
                    self.remote, self.component, self.code)):
            raise ValueError("a rule must match on at least one of exception_type, message, logger, traceback, "
                             "text, level, remote, component, code")
        return self

    def patterns(self) -> list[tuple[str, str]]:
        """(target, regex) pairs, all of which must match."""
        out = [(k, getattr(self, k)) for k in ("exception_type", "message", "logger", "traceback")
               if getattr(self, k)]
        texts = [self.text] if isinstance(self.text, str) else (self.text or [])
        return out + [("text", t) for t in texts]


class RuleDiagnosis(StrictModel):
    summary: str = Field(min_length=1)
    root_cause: str = Field(min_length=1)
    suggested_fix: list[str] = Field(min_length=1)
    severity: Severity
    category: Category
    confidence: float = Field(ge=0, le=1)


class Rule(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    description: str | None = None
    match: Match
    diagnosis: RuleDiagnosis

    @model_validator(mode="after")
    def _templates(self) -> Rule:
        groups: set[str] = set()
        for _, pattern in self.match.patterns():
            groups |= set(re.compile(pattern).groupindex)
        known = BUILTIN_FIELDS | groups
        d = self.diagnosis
        for where, text in [("summary", d.summary), ("root_cause", d.root_cause),
                            *((f"suggested_fix[{i}]", s) for i, s in enumerate(d.suggested_fix))]:
            try:
                names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
            except ValueError as exc:
                raise ValueError(f"diagnosis.{where}: bad template ({exc}); write a literal brace as {{{{") from None
            unknown = {n for n in names if n not in known}
            if unknown:
                raise ValueError(
                    f"diagnosis.{where}: unknown template field(s) {sorted(unknown)}; "
                    f"available: {sorted(known)}"
                )
        return self


class RulesFile(StrictModel):
    version: int = 1
    rules: list[Rule] = Field(default_factory=list)
