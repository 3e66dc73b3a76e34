"""Aggregation groups (group_wait, group_interval, repeat_interval, dedup, resolve, silences) as pure
state transitions driven by a ManualClock."""

from __future__ import annotations

from sidecar.alerts.grouping import Aggregator, Group
from sidecar.alerts.matchers import parse_matcher
from sidecar.alerts.model import Alert
from sidecar.alerts.rules import Route, routes_for
from sidecar.clock import ManualClock


def route(name: str = "r", group_by: tuple[str, ...] = ("kind",), wait: float = 30, interval: float = 60,
          repeat: float = 3600, receivers: tuple[str, ...] = ("x",), match: str | None = None,
          cont: bool = False) -> Route:
    matchers = (parse_matcher(match),) if match else ()
    return Route(name=name, receivers=receivers, matchers=matchers, group_by=group_by, group_wait=wait,
                 group_interval=interval, repeat_interval=repeat, continue_=cont)


def alert(key: str, kind: str = "group.new", at: float = 0.0, **labels: str) -> Alert:
    return Alert(key=key, kind=kind, labels={"kind": kind, "severity": "error", **labels}, title=key, starts_at=at)


def test_hundred_new_groups_in_ten_seconds_make_one_message_per_route(clock: ManualClock) -> None:
    routes = (route("errors", cont=True, receivers=("slack",)), route("all", receivers=("hook",)))
    agg = Aggregator(routes)
    start = clock.time()
    for i in range(100):
        a = alert(f"group:{i:03d}", at=clock.time())
        for r in routes_for(routes, a.labels):
            agg.add(a, r, clock.time())
        clock.advance(0.1)  # 100 groups over 10 s
    assert agg.flush_due(clock.time()) == []  # still inside group_wait (30 s from the first)
    clock.set(start + 30)
    notes = agg.flush_due(clock.time())
    assert sorted(n.route for n in notes) == ["all", "errors"]
    for n in notes:
        assert len(n.alerts) == 100 and n.reason == "new"
    # Nothing changed: the next group_interval ticks stay quiet until repeat_interval.
    for _ in range(10):
        clock.advance(60)
        assert agg.flush_due(clock.time()) == []


def test_repeat_interval_renotifies_while_firing(clock: ManualClock) -> None:
    r = route(wait=10, interval=60, repeat=300)
    agg = Aggregator([r])
    agg.add(alert("a"), r, clock.time())
    clock.advance(10)
    assert [n.reason for n in agg.flush_due(clock.time())] == ["new"]
    sent = []
    for _ in range(12):  # 12 minutes
        clock.advance(60)
        sent += [(clock.time(), n.reason) for n in agg.flush_due(clock.time())]
    assert [reason for _, reason in sent] == ["repeat", "repeat"]
    assert sent[1][0] - sent[0][0] == 300


def test_same_key_is_deduplicated_and_new_alert_waits_for_group_interval(clock: ManualClock) -> None:
    r = route(wait=10, interval=60)
    agg = Aggregator([r])
    t0 = clock.time()
    agg.add(alert("a", at=t0), r, t0)
    clock.advance(5)
    agg.add(alert("a", at=clock.time()), r, clock.time())  # same key again: one alert, first start kept
    clock.advance(5)
    (note,) = agg.flush_due(clock.time())
    assert [a.key for a in note.alerts] == ["a"] and note.alerts[0].starts_at == t0
    clock.advance(1)
    agg.add(alert("b", at=clock.time()), r, clock.time())
    assert agg.flush_due(clock.time()) == []  # joins the group; waits for the group_interval tick
    clock.set(t0 + 10 + 60)
    (note,) = agg.flush_due(clock.time())
    assert note.reason == "changed" and [a.key for a in note.alerts] == ["a", "b"]


def test_resolve_sends_resolved_once_then_group_is_dropped(clock: ManualClock) -> None:
    r = route(wait=0, interval=60)
    agg = Aggregator([r])
    agg.add(alert("a"), r, clock.time())
    agg.add(alert("b"), r, clock.time())
    assert len(agg.flush_due(clock.time())[0].alerts) == 2
    clock.advance(30)
    assert [a.key for a in agg.resolve(clock.time(), keys=["a"])] == ["a"]
    clock.advance(30)
    (note,) = agg.flush_due(clock.time())
    assert [(a.key, a.status) for a in note.alerts] == [("b", "firing"), ("a", "resolved")]
    assert note.status == "firing"
    agg.resolve(clock.time(), prefixes=["b"])
    clock.advance(60)
    (note,) = agg.flush_due(clock.time())
    assert note.status == "resolved" and [a.key for a in note.alerts] == ["b"]
    assert agg.groups == {}


def test_alert_resolved_before_first_flush_is_never_sent(clock: ManualClock) -> None:
    r = route(wait=30)
    agg = Aggregator([r])
    agg.add(alert("a"), r, clock.time())
    agg.resolve(clock.time() + 1, keys=["a"])
    clock.advance(30)
    assert agg.flush_due(clock.time()) == []
    assert agg.groups == {}


def test_group_by_splits_groups(clock: ManualClock) -> None:
    r = route(group_by=("rollout",), wait=0)
    agg = Aggregator([r])
    for name in ("a", "b", "a"):
        agg.add(alert(f"rollout:{name}:rollback", kind="rollout.rollback", rollout=name), r, clock.time())
    notes = agg.flush_due(clock.time())
    assert sorted(n.group_labels["rollout"] for n in notes) == ["a", "b"]


def test_one_shot_is_sent_once_and_not_repeated(clock: ManualClock) -> None:
    r = route(wait=0, interval=60, repeat=60)
    agg = Aggregator([r])
    a = Alert(key="diagnosis:x", kind="diagnosis.ready", labels={"kind": "diagnosis.ready"}, title="d",
              one_shot=True)
    agg.add(a, r, clock.time())
    assert len(agg.flush_due(clock.time())) == 1
    clock.advance(600)
    assert agg.flush_due(clock.time()) == []
    assert agg.groups == {}


def test_silenced_alerts_do_not_send_until_the_silence_ends(clock: ManualClock) -> None:
    r = route(wait=0, interval=60)
    agg = Aggregator([r])
    silence_until = clock.time() + 120
    silence = parse_matcher("severity=error")

    def silenced(labels: dict[str, str]) -> bool:
        return clock.time() < silence_until and silence.matches(labels)

    agg.add(alert("a"), r, clock.time())
    assert agg.flush_due(clock.time(), silenced) == []
    clock.advance(60)
    assert agg.flush_due(clock.time(), silenced) == []
    clock.advance(60)  # silence over
    (note,) = agg.flush_due(clock.time(), silenced)
    assert note.reason == "new"


def test_silencing_a_notified_alert_does_not_flap(clock: ManualClock) -> None:
    r = route(wait=0, interval=60, repeat=3600)
    agg = Aggregator([r])
    agg.add(alert("a", logger="x"), r, clock.time())
    agg.add(alert("b", logger="y"), r, clock.time())
    assert len(agg.flush_due(clock.time())) == 1
    silence = parse_matcher("logger=x")
    sent = []
    for _ in range(5):
        clock.advance(60)
        sent += agg.flush_due(clock.time(), silence.matches)
    assert len(sent) == 1 and [a.key for a in sent[0].alerts] == ["b"]


def test_group_state_round_trips(clock: ManualClock) -> None:
    r = route(wait=10)
    agg = Aggregator([r])
    agg.add(alert("a"), r, clock.time())
    keep, gone = agg.take_dirty()
    assert gone == [] and len(keep) == 1
    restored = Aggregator([r])
    restored.load([Group.from_dict(g.to_dict()) for g in keep])
    clock.advance(10)
    (note,) = restored.flush_due(clock.time())
    assert [a.key for a in note.alerts] == ["a"]
    # A group whose route disappeared from the rules is not loaded.
    other = Aggregator([route("other")])
    other.load([Group.from_dict(g.to_dict()) for g in keep])
    assert other.groups == {}


def test_count_updates_show_in_the_repeat_without_a_message_of_their_own(clock: ManualClock) -> None:
    r = route(wait=0, interval=60, repeat=300)
    agg = Aggregator([r])
    a = Alert(key="group:f", kind="group.new", labels={"kind": "group.new"}, title="t", fields={"Occurrences": "1"})
    agg.add(a, r, clock.time())
    assert agg.flush_due(clock.time())[0].alerts[0].fields["Occurrences"] == "1"
    agg.update_field("group:f", "Occurrences", "250")
    clock.advance(60)
    assert agg.flush_due(clock.time()) == []
    clock.advance(240)
    (note,) = agg.flush_due(clock.time())
    assert note.reason == "repeat" and note.alerts[0].fields["Occurrences"] == "250"


def test_a_flood_of_one_shot_notices_is_spaced_by_group_interval(clock: ManualClock) -> None:
    """57 diagnosis notices 10 s apart in a 10-minute flood: one message per group_interval
    (after the first group_wait), not one per notice."""
    r = route(wait=10, interval=60)
    agg = Aggregator((r,))
    sent = []
    start = clock.time()
    for i in range(60):
        a = Alert(key=f"diagnosis:{i}", kind="diagnosis.ready", labels={"kind": "diagnosis.ready"},
                  title=f"d{i}", starts_at=clock.time(), one_shot=True)
        agg.add(a, r, clock.time())
        for _ in range(10):
            clock.advance(1)
            sent += [(clock.time() - start, len(n.alerts)) for n in agg.flush_due(clock.time())]
    for _ in range(3):
        clock.advance(60)
        sent += [(clock.time() - start, len(n.alerts)) for n in agg.flush_due(clock.time())]
    gaps = [b[0] - a[0] for a, b in zip(sent, sent[1:], strict=False)]
    assert len(sent) <= 1 + 600 / 60 + 1 and min(gaps) >= 60
    assert sum(n for _, n in sent) == 60  # every notice delivered, none twice
    assert agg.groups == {}  # the empty group is dropped at the flush after its last notice
