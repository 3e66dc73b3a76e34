"""Bus events -> alerts: defensive about missing or odd fields, redacted, linked to the dashboard."""

from __future__ import annotations

import json

from sidecar.alerts.events import EventMapper
from sidecar.bus import BusEvent
from sidecar.redaction import redact

SECRET = "sk-live-TESTONLY1234567890abcdef"


def mapper(**thresholds: int) -> EventMapper:
    return EventMapper("http://sidecar.test:8081/", redact, thresholds)


def ev(kind: str, **data: object) -> BusEvent:
    return BusEvent(kind=kind, at=1000.0, data=data)


def test_group_new_maps_labels_fields_and_link() -> None:
    out = mapper().map(ev("group.new", fingerprint="abc123", title="KeyError in handler", level="ERROR",
                          logger="ws_daemon", exception_type="KeyError", count=3))
    (a,) = out.fire
    assert a.key == "group:abc123" and a.kind == "group.new" and a.status == "firing"
    assert a.labels == {"severity": "error", "level": "ERROR", "logger": "ws_daemon", "fingerprint": "abc123",
                        "exception_type": "KeyError", "kind": "group.new"}
    assert a.title == "New error: KeyError in handler"
    assert a.fields["Occurrences"] == "3" and a.url == "http://sidecar.test:8081/errors/abc123"


def test_missing_fields_are_fine_and_unusable_events_yield_nothing() -> None:
    m = mapper()
    assert m.map(ev("group.new")).fire == []  # no fingerprint
    (a,) = m.map(ev("group.regressed", fingerprint="f")).fire
    assert a.title == "Regression: f" and a.labels["severity"] == "error"
    assert m.map(ev("rollout.rollback")).fire == []  # no rollout name
    assert m.map(BusEvent(kind="group.new", at=0, data=None)).fire == []  # type: ignore[arg-type]
    assert m.map(ev("something.else", x=1)).fire == []
    (d,) = m.map(ev("diagnosis.ready", fingerprint="f", confidence="high", suggested_fix=["a", "b"])).fire
    assert "Confidence" not in d.fields  # not a number: left out rather than guessed
    assert d.fields["Suggested fix"] == "- a\n- b"


def test_threshold_holds_until_count_reached() -> None:
    m = mapper(WARNING=5)
    out = m.map(ev("group.new", fingerprint="w", level="WARNING", count=1))
    assert out.fire == [] and out.hold is not None and out.hold_until == 5
    assert m.map(ev("group.updated", fingerprint="w", count=5)).count_update == ("w", 5)
    out = m.map(ev("group.new", fingerprint="e", level="ERROR", count=1, threshold=3))
    assert out.fire == [] and out.hold_until == 3


def test_diagnosis_ready() -> None:
    (a,) = mapper().map(ev("diagnosis.ready", fingerprint="abc", summary="Kimi quota exhausted",
                           root_cause="balance is 0", suggested_fix="top up", severity="High", category="provider",
                           confidence=0.82, source="kimi")).fire
    assert a.key == "diagnosis:abc" and a.one_shot
    assert a.labels["severity"] == "high" and a.labels["category"] == "provider"
    assert a.fields == {"Root cause": "balance is 0", "Suggested fix": "top up", "Severity": "High",
                        "Category": "provider", "Confidence": "82%", "Source": "kimi"}
    assert a.url == "http://sidecar.test:8081/errors/abc"


def test_rollout_events_and_recovery() -> None:
    m = mapper()
    (g,) = m.map(ev("rollout.gate_failed", rollout="async_upload", percent=10, gate="success-rate", value=0.91,
                    op=">=", threshold=0.99)).fire
    assert g.key == "rollout:async_upload:gate:success-rate" and g.labels["stage"] == "10%"
    assert g.fields["Value"] == "0.91 (needs >= 0.99)"
    (r,) = m.map(ev("rollout.rollback", rollout="async_upload", stage=10,
                    reasons=[{"gate": "error-rate", "value": 0.08, "op": ">", "threshold": 0.05}, "memory up 25%"],
                    values={"error_rate": 0.0812345})).fire
    assert r.labels["severity"] == "critical"
    assert r.fields["Reasons"] == "- error-rate: 0.08 > 0.05\n- memory up 25%"
    assert r.fields["Values"] == "error_rate=0.08123"
    (w,) = m.map(ev("rollout.waiting_approval", rollout="async_upload", percent=50)).fire
    assert w.key == "rollout:async_upload:approval"
    promoted = m.map(ev("rollout.promoted", rollout="async_upload", percent=50))
    assert promoted.fire[0].one_shot
    assert "rollout:async_upload:gate:" in promoted.resolve_prefixes
    assert "rollout:async_upload:rollback" in promoted.resolve_prefixes
    t = m.map(ev("rollout.transition", rollout="async_upload", state="running"))
    assert "rollout:async_upload:rollback" in t.resolve_prefixes
    assert m.map(ev("rollout.transition", rollout="async_upload", state="rolled_back")).resolve_prefixes == []


def test_group_status_resolves() -> None:
    assert mapper().map(ev("group.status", fingerprint="f", status="resolved")).resolve_keys == ["group:f"]
    assert mapper().map(ev("group.status", fingerprint="f", status="open")).resolve_keys == []


def test_planted_secret_is_redacted_everywhere_in_the_alert() -> None:
    m = mapper()
    outs = [
        m.map(ev("group.new", fingerprint="f", title=f"auth failed api_key={SECRET}", message=f"Bearer {SECRET}",
                 logger="gw", level="ERROR")),
        m.map(ev("diagnosis.ready", fingerprint="f", summary=f"key {SECRET} leaked", root_cause=SECRET,
                 suggested_fix=[f"rotate {SECRET}"])),
        m.map(ev("rollout.rollback", rollout="r", reasons=[f"token={SECRET}"])),
    ]
    for out in outs:
        (a,) = out.fire
        assert SECRET not in json.dumps(a.to_dict())
        assert "[REDACTED" in json.dumps(a.to_dict())


def test_shapes_the_rollout_controller_publishes() -> None:
    """The exact data of sidecar.rollout.controller's events (reason_of dicts, to_state, to_percent)."""
    m = mapper()
    reason = {"gate": "success-rate", "role": "gate", "verdict": "fail", "metric": "success_rate", "op": ">=",
              "observed": 0.91, "threshold": 0.995, "baseline": None, "samples": 140, "reason": "below threshold"}
    (g,) = m.map(ev("rollout.gate_failed", rollout="async_upload", stage=0, percent=1.0, dry_run=False,
                    reasons=[reason])).fire
    assert g.key == "rollout:async_upload:gate:success-rate" and g.labels["severity"] == "warning"
    assert g.labels["stage"] == "1%" and g.fields["Reasons"] == "- success-rate: 0.91 >= 0.995: below threshold"
    (dry,) = m.map(ev("rollout.gate_failed", rollout="async_upload", stage=0, percent=1.0, dry_run=True,
                      reasons=[reason])).fire
    assert dry.labels["severity"] == "info" and dry.labels["dry_run"] == "true"
    transition = {"rollout": "async_upload", "from_state": "running", "from_stage": 1, "to_stage": 1,
                  "from_percent": 10.0, "to_percent": 10.0, "incident": 1, "actor": "sidecar",
                  "reasons": [{**reason, "trip": "error-rate"}]}
    (rb,) = m.map(ev("rollout.rollback", action="rollback", to_state="rolling_back", **transition)).fire
    assert rb.labels["severity"] == "critical" and rb.labels["stage"] == "10%"
    assert rb.fields["Reasons"].startswith("- success-rate: 0.91 >= 0.995")
    promoted = m.map(ev("rollout.promoted", action="promote", to_state="running",
                        **{**transition, "to_percent": 50.0, "to_stage": 2}))
    assert promoted.fire[0].title == "Rollout async_upload: promoted to 50%"
    assert promoted.fire[0].fields["From"] == "10%"
    done = m.map(ev("rollout.promoted", action="complete", to_state="complete", **{**transition, "to_percent": 100}))
    assert done.fire[0].title == "Rollout async_upload: completed"
    resumed = m.map(ev("rollout.transition", action="resume", to_state="running", **transition))
    assert "rollout:async_upload:rollback" in resumed.resolve_prefixes


def test_llm_paused_on_quota_is_critical() -> None:
    (a,) = mapper().map(ev("diagnosis.llm_paused", reason="429 exceeded_current_quota_error", model="kimi-k2",
                           retry_in=3600.0, quota=True)).fire
    assert a.labels["severity"] == "critical" and a.one_shot
    assert a.fields["Retry in"] == "3600 s" and "quota exhausted" in a.title
