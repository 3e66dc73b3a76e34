"""What each Alertmanager receiver is told, when (pure, ManualClock)."""

from __future__ import annotations

from sidecar.alerts.amstate import AmState
from sidecar.alerts.model import Alert
from sidecar.clock import ManualClock


def alert(key: str, at: float, **kw: object) -> Alert:
    return Alert(key=key, kind="group.new", labels={"kind": "group.new", "logger": key}, title=key, starts_at=at,
                 **kw)  # type: ignore[arg-type]


def test_post_at_once_then_every_resend_interval_while_firing(clock: ManualClock) -> None:
    am = AmState(resend_interval=60)
    am.fire("am", alert("a", clock.time()))
    assert [a.key for a in am.due(clock.time())["am"]] == ["a"]
    assert am.due(clock.time()) == {}
    assert am.next_due() == clock.time() + 60
    clock.advance(59)
    assert am.due(clock.time()) == {}
    clock.advance(1)
    assert [a.key for a in am.due(clock.time())["am"]] == ["a"]


def test_resolution_is_posted_and_kept_for_four_intervals(clock: ManualClock) -> None:
    am = AmState(resend_interval=60)
    t0 = clock.time()
    am.fire("am", alert("a", t0))
    am.fire("am", alert("b", t0))
    am.due(t0)
    clock.advance(10)
    am.resolve(clock.time(), prefixes=["a"])
    (a, b) = am.due(clock.time())["am"]
    assert (a.key, a.status, a.ends_at) == ("a", "resolved", t0 + 10) and b.status == "firing"
    clock.advance(60)
    assert [x.status for x in am.due(clock.time())["am"]] == ["resolved", "firing"]  # resent with b
    clock.advance(190)  # 4 intervals after it ended: dropped
    assert [x.key for x in am.due(clock.time())["am"]] == ["b"]


def test_one_shot_and_silenced(clock: ManualClock) -> None:
    am = AmState(resend_interval=60)
    am.fire("am", alert("note", clock.time(), one_shot=True))
    am.fire("am", alert("muted", clock.time()))
    posted = am.due(clock.time(), is_silenced=lambda labels: labels.get("logger") == "muted")["am"]
    assert [a.key for a in posted] == ["note"]
    am.resolve(clock.time(), keys=["note"])  # one-shots are never resolved early
    clock.advance(240)
    assert am.due(clock.time(), is_silenced=lambda labels: False)["am"][0].key == "muted"  # note expired


def test_state_round_trips_and_reposts_after_restart(clock: ManualClock) -> None:
    am = AmState(resend_interval=60)
    am.fire("am", alert("a", clock.time()))
    am.due(clock.time())
    restored = AmState(resend_interval=60)
    restored.load(am.to_dict(), receivers=["am"])
    assert [a.key for a in restored.due(clock.time())["am"]] == ["a"]
    gone = AmState(resend_interval=60)
    gone.load(am.to_dict(), receivers=["other"])
    assert gone.due(clock.time()) == {}
