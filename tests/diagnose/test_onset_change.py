"""Failures that began right after a setting or a platform policy changed are config (onset_change.py); the same
failure before the change too, a change long before, or a deploy of code alone keeps the transient reading.

The failure is real: asyncio's TimeoutError around a connect that never completes, logged by a generated component.
Generated over seeds: the change record's tool and grammar (Argo CD's sync of a NetworkPolicy/ConfigMap/Ingress,
kubectl apply, our reload `NAME A -> B`, a deploy adding an env setting, a feature flag), the gap to the first failure,
the symptom's logger and the records between.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from .logged import diagnose, logged_timeout

T0 = datetime(2026, 12, 6, 10, 2, 13)


def _at(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")


def _change(rng: random.Random, at: float) -> str:
    reload = rng.choice(["HTTP_PROXY none -> http://egress:3128"])  # a setting of the path (a log level is not)
    kind = rng.choice(["NetworkPolicy", "ConfigMap", "Ingress", "PeerAuthentication"])
    name = rng.choice(["default-deny-egress", "gateway-settings", "gateway-dashboard", "strict-mtls"])
    return rng.choice([
        f"{_at(at)} INFO argocd-application-controller: Sync operation to {rng.randrange(16**7):07x} succeeded: "
        f"networking.k8s.io/{kind} gateway-prod/{name} created (app platform-baseline)",
        f"{_at(at)} INFO deploy: kubectl apply -f {name}.yaml: {kind.lower()}/{name} configured",
        f"{_at(at)} INFO src.daemon.main: config reloaded: {reload} (by ops)",
        f"{_at(at)} INFO src.daemon.main: deploy {rng.randrange(16**7):07x}: env "
        f"{rng.choice(['REDIS_SSL', 'DB_SSLMODE'])}={rng.choice(['true', 'verify-full'])} added"])


def _excerpt(rng: random.Random, gap: int | None = None, failure_before: bool = False, change: str | None = None) -> str:
    """A change at T0, the first failure `gap` seconds later (a few seconds to minutes when None)."""
    logger = rng.choice(["src.storage.pg", "utils.infrastructure.semantic_cache", "src.daemon.middleware.rate_limit"])
    change_at = 0
    gap = rng.randint(1, 200) if gap is None else gap
    lines = [f"{_at(change_at - 30)} INFO src.daemon.main: serving {rng.randint(20, 90)} req/s"]
    if failure_before:
        lines.append(f"{_at(change_at - 20)} WARNING {logger}: connect attempt failed: timeout")
    lines += [change or _change(rng, change_at),
              f"{_at(change_at + gap // 2)} INFO utils.observability: dns check ok ({rng.randint(1, 9)} ms)",
              logged_timeout(logger, f"[req:{rng.randrange(16**4):04x}] connect timed out", _at(change_at + gap))]
    return "\n".join(lines)


@pytest.mark.parametrize("seed", range(3))
def test_failures_that_began_right_after_a_setting_changed_are_config(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(2):
        case = _excerpt(rng)
        d = diagnose(case)
        assert d.category == "config" and d.confidence < 0.6 and "change" in d.summary, (case, d.rule, d.summary)
    image = f"{_at(0)} INFO deploy: image ghcr.io/acme/gateway:4.12.{rng.randint(1, 9)} rolled out"
    for case in (_excerpt(rng, failure_before=True), _excerpt(rng, gap=rng.randint(1800, 7200)),
                 _excerpt(rng, change=image)):
        got = diagnose(case)
        assert "onset-change" not in got.rule and got.category != "config", (case, got.rule, got.summary)


@pytest.mark.parametrize("seed", range(2))
def test_a_change_of_a_setting_the_failing_path_does_not_use_keeps_the_transient_reading(seed: int) -> None:
    """Near-miss: a reload of a setting of another part (the dashboard's theme, the alert channel, a display
    limit) a minute before a connect timeout. Nothing ties that setting to the connect: not config."""
    rng = random.Random(seed)
    reload = rng.choice(["DASHBOARD_THEME light -> dark", "ALERT_CHANNEL ops -> oncall",
                         "UI_PAGE_SIZE 50 -> 100"])
    change = f"{_at(0)} INFO src.daemon.main: config reloaded: {reload} (by ops)"
    case = _excerpt(rng, change=change)
    got = diagnose(case)
    assert got.category != "config", (case, got.rule, got.summary)
