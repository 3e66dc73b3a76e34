"""Hook and receiver URLs: http(s) only, never link-local, optionally only allowlisted hosts; a bad
one fails when the config is loaded (sidecar check / start), and the error never echoes the URL."""

from __future__ import annotations

import pytest

from sidecar.alerts.rules import build_rules
from sidecar.checks import check_all
from sidecar.config import AlertsConfig, Config, ConfigError, HookConfig

BAD = ["file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "ftp://x/y", "http://169.254.169.254/latest/meta-data/",
       "http://[fe80::1]/", "http://0.0.0.0:80/", "javascript:alert(1)", "/relative/path", "http:///nohost",
       "http://host:99999/"]


@pytest.mark.parametrize("url", BAD)
def test_hook_urls_must_be_http_and_not_link_local(url):
    with pytest.raises(ValueError, match="url"):
        HookConfig(kind="rollback", url=url)


@pytest.mark.parametrize("url", BAD)
def test_receiver_urls_must_be_http_and_not_link_local(url):
    cfg = AlertsConfig.model_validate({"rules_file": None, "receivers": [{"name": "r", "kind": "webhook", "url": url}],
                                       "routes": [{"receivers": ["r"]}]})
    with pytest.raises(ConfigError) as exc:
        build_rules(cfg)
    assert "receivers[0].url" in " ".join(exc.value.problems)


def test_allowlist_applies_to_hooks_and_receivers():
    base = {"rollouts_file": None, "server": {"outbound_hosts": [".hooks.internal", "hooks.slack.com"]}}
    ok_hook = {"name": "a", "flag": "F", "stages": [{"percent": 1}],
               "hooks": [{"kind": "rollback", "url": "https://deploy.hooks.internal/rb"}]}
    Config.model_validate({**base, "rollouts": [ok_hook]})
    bad_hook = {**ok_hook, "hooks": [{"kind": "rollback", "url": "https://evil.example/rb"}]}
    with pytest.raises(ValueError, match="not in server.outbound_hosts"):
        Config.model_validate({**base, "rollouts": [bad_hook]})
    cfg = AlertsConfig.model_validate({"rules_file": None, "routes": [{"receivers": ["s"]}],
                                       "receivers": [{"name": "s", "kind": "slack", "url": "https://evil.example/x"}]})
    with pytest.raises(ConfigError, match="evil.example|outbound_hosts"):
        build_rules(cfg, allowed_hosts=["hooks.slack.com"])
    cfg_ok = cfg.model_copy(update={"receivers": [cfg.receivers[0].model_copy(
        update={"url": "https://hooks.slack.com/services/T/B/x"})]})
    build_rules(cfg_ok, allowed_hosts=["hooks.slack.com"])


def test_sidecar_check_reports_a_file_hook_and_hides_the_url(tmp_path):
    secret_path = "T0SECRET/B0SECRET/abcdefghijklmnopqrstuvwx"
    (tmp_path / "rules.yaml").write_text(
        "receivers:\n  - {name: s, kind: slack, url: 'gopher://hooks.slack.com/services/" + secret_path + "'}\n"
        "routes:\n  - {receivers: [s]}\n")
    (tmp_path / "c.yaml").write_text(f"rollouts_file: null\nalerts: {{rules_file: {tmp_path / 'rules.yaml'}}}\n")
    problems = check_all(str(tmp_path / "c.yaml"))
    assert any("receivers[0].url: must be an http(s) URL" in p for p in problems), problems
    assert not any(secret_path in p for p in problems)
