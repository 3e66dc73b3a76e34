"""rules/alerts.yaml: receivers, routes and thresholds, validated at start.

File format (every key optional except where noted)::

    receivers:
      - name: ops-slack            # required, unique
        kind: slack                # slack | discord | teams | webhook | alertmanager
        url: ${SLACK_WEBHOOK_URL}  # ${VAR} expands from the environment
        rate_limit_per_minute: 20
        send_resolved: true
    routes:                        # evaluated in order; the first match wins unless `continue: true`
      - name: critical
        match: {kind: [group.new, group.regressed], severity: critical}
        match_re: {logger: "gateway\\..*"}
        receivers: [ops-slack]
        group_by: [kind]           # "..." groups by every label
        group_wait: 30
        group_interval: 300
        repeat_interval: 14400
        continue: false
    thresholds: {WARNING: 5}       # error groups of this level alert once they reach this count

A bad file raises `sidecar.config.ConfigError` whose problems name the field path
(`routes[1].receivers[0]: unknown receiver 'x'`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field, ValidationError

from ..config import (
    AlertsConfig,
    ConfigError,
    ReceiverConfig,
    RouteConfig,
    Strict,
    read_config_yaml,
    validation_problems,
)
from ..outbound import url_problem
from .matchers import Matcher, MatcherError, matches_all, route_matchers

DEFAULT_RULES_FILE = "rules/alerts.yaml"


class AlertRulesFile(Strict):
    receivers: list[ReceiverConfig] = Field(default_factory=list)
    routes: list[RouteConfig] = Field(default_factory=list)
    thresholds: dict[str, int] = Field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """A compiled route: which alerts (matchers) go to which receivers, and how they are grouped."""

    name: str
    receivers: tuple[str, ...]
    matchers: tuple[Matcher, ...]
    group_by: tuple[str, ...]
    group_wait: float
    group_interval: float
    repeat_interval: float
    continue_: bool = False

    def matches(self, labels: Mapping[str, str]) -> bool:
        return matches_all(self.matchers, labels)

    def group_labels(self, labels: Mapping[str, str]) -> dict[str, str]:
        if "..." in self.group_by:
            return dict(sorted(labels.items()))
        return {name: labels.get(name, "") for name in self.group_by}


@dataclass(frozen=True)
class AlertRules:
    receivers: dict[str, ReceiverConfig] = field(default_factory=dict)
    routes: tuple[Route, ...] = ()
    thresholds: dict[str, int] = field(default_factory=dict)

    def threshold(self, level: str | None) -> int:
        return max(1, self.thresholds.get((level or "").upper(), 1))


def routes_for(routes: tuple[Route, ...] | list[Route], labels: Mapping[str, str]) -> list[Route]:
    """The routes an alert takes: in order, stopping after the first match without `continue`."""
    out: list[Route] = []
    for route in routes:
        if route.matches(labels):
            out.append(route)
            if not route.continue_:
                break
    return out


def _check_receiver(i: int, r: ReceiverConfig, problems: list[str],
                    allowed_hosts: Sequence[str] = ()) -> ReceiverConfig:
    # `${VAR}` in url, secret and headers was expanded when the file was read (sidecar/secrets.py).
    # Never echo the URL itself: a webhook URL is a secret.
    if problem := url_problem(r.url, allowed_hosts):
        problems.append(f"receivers[{i}].url: {problem}")
    return r


def compile_rules(parsed: AlertRulesFile, allowed_hosts: Sequence[str] = ()) -> tuple[AlertRules, list[str]]:
    """Cross-check and compile; return the rules and every problem found (empty when valid)."""
    problems: list[str] = []
    receivers: dict[str, ReceiverConfig] = {}
    for i, r in enumerate(parsed.receivers):
        if r.name in receivers:
            problems.append(f"receivers[{i}].name: duplicate receiver name {r.name!r}")
            continue
        mine: list[str] = []
        receivers[r.name] = _check_receiver(i, r, mine, allowed_hosts)
        problems.extend(mine)
    routes: list[Route] = []
    names: set[str] = set()
    for i, rc in enumerate(parsed.routes):
        name = rc.name or f"route-{i}"
        if name in names:
            problems.append(f"routes[{i}].name: duplicate route name {name!r}")
        names.add(name)
        for j, rname in enumerate(rc.receivers):
            if rname not in receivers:
                problems.append(f"routes[{i}].receivers[{j}]: unknown receiver {rname!r}")
        try:
            matchers = route_matchers(rc.match, rc.match_re)
        except MatcherError as exc:
            problems.append(f"routes[{i}].match: {exc}")
            continue
        if rc.group_interval <= 0 and rc.group_by:
            problems.append(f"routes[{i}].group_interval: must be greater than 0")
        routes.append(Route(
            name=name, receivers=tuple(rc.receivers), matchers=tuple(matchers), group_by=tuple(rc.group_by),
            group_wait=rc.group_wait, group_interval=rc.group_interval, repeat_interval=rc.repeat_interval,
            continue_=rc.continue_,
        ))
    for level, n in parsed.thresholds.items():
        if n < 1:
            problems.append(f"thresholds.{level}: must be at least 1")
    thresholds = {k.upper(): v for k, v in parsed.thresholds.items()}
    return AlertRules(receivers=receivers, routes=tuple(routes), thresholds=thresholds), problems


def load_alert_rules(path: str | Path, environ: Mapping[str, str] | None = None) -> AlertRules:
    """Load and validate one rules file on its own (what `sidecar check` calls)."""
    unset: list[str] = []
    parsed = _parse_file(Path(path), environ, unset)
    rules, problems = compile_rules(parsed)
    problems = unset + problems
    if problems:
        raise ConfigError(str(path), problems)
    return rules


def _parse_file(path: Path, environ: Mapping[str, str] | None, unset: list[str]) -> AlertRulesFile:
    env = os.environ if environ is None else environ
    raw = read_config_yaml(path, env, unset)
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(str(path), ["(root): must be a mapping with receivers, routes, thresholds"])
    try:
        return AlertRulesFile.model_validate(raw, context={"environ": env})
    except ValidationError as exc:
        raise ConfigError(str(path), validation_problems(exc)) from None


def build_rules(config: AlertsConfig, environ: Mapping[str, str] | None = None,
                allowed_hosts: Sequence[str] = ()) -> AlertRules:
    """The effective rules: inline `alerts.receivers/routes` first, then the rules file's.

    A missing rules file is an error only when it is not the default name (a deployment may run
    without alerts).
    """
    inline = AlertRulesFile(receivers=list(config.receivers), routes=list(config.routes))
    source = "config: alerts"
    merged = inline
    unset: list[str] = []
    if config.rules_file:
        path = Path(config.rules_file)
        if path.exists() or config.rules_file != DEFAULT_RULES_FILE:
            parsed = _parse_file(path, environ, unset)
            source = str(path)
            merged = AlertRulesFile(
                receivers=[*inline.receivers, *parsed.receivers],
                routes=[*inline.routes, *parsed.routes],
                thresholds=parsed.thresholds,
            )
    rules, problems = compile_rules(merged, allowed_hosts)
    problems = unset + problems
    if problems:
        raise ConfigError(source, problems)
    return rules
