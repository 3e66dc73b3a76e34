"""rules/alerts.yaml loading and route/silence matching (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sidecar.alerts.matchers import MatcherError, parse_matcher
from sidecar.alerts.rules import build_rules, load_alert_rules, routes_for
from sidecar.checks import check_all
from sidecar.config import AlertsConfig, ConfigError

GOOD = """
receivers:
  - name: slack
    kind: slack
    url: ${SLACK_URL}
  - name: am
    kind: alertmanager
    url: http://127.0.0.1:9093
routes:
  - name: all-to-am
    receivers: [am]
    continue: true
  - name: rollouts
    match: {kind: [rollout.rollback, rollout.gate_failed]}
    receivers: [slack]
    group_by: [rollout]
  - name: critical
    match: {severity: critical}
    match_re: {logger: "gateway(\\\\..*)?"}
    receivers: [slack]
  - name: rest
    receivers: [slack]
thresholds: {warning: 5}
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "alerts.yaml"
    p.write_text(text)
    return p


def test_shipped_rules_file_is_valid() -> None:
    rules = load_alert_rules(Path(__file__).parents[2] / "rules" / "alerts.yaml")
    assert rules.threshold("WARNING") == 5
    assert rules.threshold("ERROR") == 1


def test_load_expands_env_and_compiles_routes(tmp_path: Path) -> None:
    rules = load_alert_rules(write(tmp_path, GOOD), environ={"SLACK_URL": "https://hooks.slack.test/T/B/x"})
    assert rules.receivers["slack"].url == "https://hooks.slack.test/T/B/x"
    assert [r.name for r in rules.routes] == ["all-to-am", "rollouts", "critical", "rest"]
    assert rules.threshold("warning") == 5

    def names(labels: dict[str, str]) -> list[str]:
        return [r.name for r in routes_for(rules.routes, labels)]

    assert names({"kind": "rollout.rollback", "rollout": "async"}) == ["all-to-am", "rollouts"]
    assert names({"kind": "group.new", "severity": "critical", "logger": "gateway.ws"}) == ["all-to-am", "critical"]
    # The regex is anchored: "mygateway" is not "gateway".
    assert names({"kind": "group.new", "severity": "critical", "logger": "mygateway"}) == ["all-to-am", "rest"]
    assert names({"kind": "group.new", "severity": "error"}) == ["all-to-am", "rest"]


def test_bad_file_reports_every_problem_with_field_paths(tmp_path: Path) -> None:
    bad = """
receivers:
  - name: slack
    kind: slak
    url: http://x
  - name: hook
    kind: webhook
    url: ${NOPE}
  - name: hook
    kind: webhook
    url: http://y
routes:
  - receivers: [slack, ghost]
    group_wait: -1
  - receivers: [hook]
    match_re: {logger: "("}
  - receivers: [hook]
    mtach: {}
"""
    with pytest.raises(ConfigError) as err:
        load_alert_rules(write(tmp_path, bad), environ={})
    text = "\n".join(err.value.problems)
    assert "receivers[0].kind" in text
    assert "routes[0].group_wait" in text
    assert "routes[2].mtach: unknown key" in text


def test_cross_reference_problems(tmp_path: Path) -> None:
    bad = """
receivers:
  - {name: hook, kind: webhook, url: "${NOPE}"}
  - {name: hook, kind: webhook, url: "http://y"}
  - {name: ftp, kind: webhook, url: "ftp://y"}
routes:
  - receivers: [hook, ghost]
  - receivers: [hook]
    match_re: {logger: "("}
"""
    with pytest.raises(ConfigError) as err:
        load_alert_rules(write(tmp_path, bad), environ={})
    problems = err.value.problems
    assert "receivers[0].url: environment variable NOPE is not set" in problems
    assert "receivers[1].name: duplicate receiver name 'hook'" in problems
    assert "receivers[2].url: must be an http(s) URL" in problems
    assert "routes[0].receivers[1]: unknown receiver 'ghost'" in problems
    assert any(p.startswith("routes[1].match: logger=~'(': not a valid regular expression") for p in problems)


def test_sidecar_check_reports_alert_rules_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = write(tmp_path, "routes:\n  - receivers: [ghost]\n")
    cfg = tmp_path / "sidecar.yaml"
    cfg.write_text(f"alerts:\n  rules_file: {rules}\nrollouts_file: null\n")
    monkeypatch.chdir(tmp_path)
    problems = check_all(str(cfg))
    assert f"{rules}: routes[0].receivers[0]: unknown receiver 'ghost'" in problems


def test_build_rules_merges_inline_and_file(tmp_path: Path) -> None:
    path = write(tmp_path, "routes:\n  - receivers: [inline]\n")
    cfg = AlertsConfig.model_validate({
        "rules_file": str(path), "receivers": [{"name": "inline", "kind": "webhook", "url": "http://h/x"}]})
    rules = build_rules(cfg, environ={})
    assert [r.receivers for r in rules.routes] == [("inline",)]
    missing = AlertsConfig.model_validate({"rules_file": str(tmp_path / "nope.yaml")})
    with pytest.raises(ConfigError, match="file not found"):
        build_rules(missing, environ={})


def test_matchers() -> None:
    labels = {"severity": "critical", "logger": "gateway.ws"}
    assert parse_matcher("severity=critical").matches(labels)
    assert not parse_matcher("severity!=critical").matches(labels)
    assert parse_matcher("logger=~gateway\\..*").matches(labels)
    assert parse_matcher('logger!~"kimi.*"').matches(labels)
    assert parse_matcher("category=").matches(labels)  # absent label == ""
    assert parse_matcher({"name": "severity", "value": "crit.*", "isRegex": True}).matches(labels)
    assert not parse_matcher({"name": "severity", "value": "critical", "isEqual": False}).matches(labels)
    for bad in ("no operator", "1bad=x", "x=~(", 7):
        with pytest.raises(MatcherError):
            parse_matcher(bad)  # type: ignore[arg-type]
