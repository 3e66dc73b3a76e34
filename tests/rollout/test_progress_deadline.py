"""Argo's progressDeadlineSeconds: a stage that cannot conclude is paused (or rolled back), and said so."""

from __future__ import annotations

from pathlib import Path

from sidecar.bus import ROLLOUT_GATE_FAILED, Bus
from sidecar.rollout.views import summary

from .test_gateway_records import Gateway, drive, hub_for, rollout


async def test_an_inconclusive_stage_pauses_at_its_progress_deadline(make, sqlite_store, clock, tmp_path: Path) -> None:
    gw = Gateway(tmp_path / "metrics.jsonl", clock)
    gw.path.write_text("")
    hub = hub_for(gw.path, clock)
    bus = Bus()
    sub = bus.subscribe({ROLLOUT_GATE_FAILED})
    cfg = rollout(progress_deadline=600)  # hold 300 s, min 20 samples
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1", bus=bus)
    await c.act(cfg.name, "start")
    await drive(c, hub, gw, clock, 850, rate=0.002)  # ~1 upload: never the 20 samples it needs
    assert (await summary(c, cfg.name))["state"] == "running"
    await drive(c, hub, gw, clock, 100, rate=0.002)
    s = await summary(c, cfg.name)
    assert (s["state"], s["stage"], s["decision"]) == ("paused", 0, "hold")
    event = (await sqlite_store.rollouts.events(cfg.name))[-1]
    assert event["action"] == "pause" and "progress deadline" in event["reasons"][0]["reason"]
    alerts = [sub.queue.get_nowait() for _ in range(sub.queue.qsize())]
    assert [a.data["gate"] for a in alerts if a.data["gate"] == "progress-deadline"] == ["progress-deadline"]
    # An operator resumes: the stage goes on.
    await c.act(cfg.name, "resume")
    assert (await summary(c, cfg.name))["state"] == "running"


async def test_the_progress_deadline_can_roll_back_instead(make, sqlite_store, clock, tmp_path: Path) -> None:
    gw = Gateway(tmp_path / "metrics.jsonl", clock)
    gw.path.write_text("")
    hub = hub_for(gw.path, clock)
    cfg = rollout(progress_deadline=600, on_progress_deadline="rollback")
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    gw.path.unlink()  # the source is gone from the start: stale, never promotable
    await drive(c, hub, gw, clock, 950, rate=0.0)
    s = await summary(c, cfg.name)
    assert s["decision"] == "rollback" and s["stage"] == 0
    event = [e for e in await sqlite_store.rollouts.events(cfg.name) if e["action"] == "rollback"][0]
    assert "progress deadline" in event["reasons"][0]["reason"] and "stale: success-rate" in event["reasons"][0]["reason"]
