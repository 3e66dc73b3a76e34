"""A writer whose clock is off AND that appends late, at a stage boundary (issue 19, round 18).

The class (rollout/stagetotals.py "The settling span after a boundary"): the gateway stamps a record
`utcnow()` when the upload ends (research/upstream-gateway.md 4.1); here that clock is off by `skew` and the
record reaches the file `lag` s later (a constant lag: a shipper or a synced volume; or batches flushed every
F s). The sidecar puts a record on its clock from the delays it sees (metrics/skew.py): stamp + offset, the
offset being skew + the writer's low-quantile lag when beyond the 30 s tolerance, else none (capped at the
arrival + 5 s). So a record lands `e` s after it was made: e = the lag's low quantile for a corrected clock,
min(skew, lag + 5) for a clock ahead within the tolerance, <= 0 for one behind within it. Neither the file
nor the arrival tells skew from lag (a constant lag reads exactly as clock); what is known is the contract
bound: lag <= max_lateness. Each cell: skew sign and size (behind / ahead, within / beyond the tolerance) x
lag (constant 5-60 s, batches every 10-60 s) x boundary (promotion; rollback then a new start; the sidecar
restarted at the promotion). Records of the stage before the boundary - the last minute of it FAILED - are
read after it. The stage after must count none of them (no promotion on the old stage's good records, no
blame for its failures) and lose no more of its own than the settling span plus the lag.
Twin: a writer on our clock that appends at once: the stage counts exactly its uploads after the span.
Real JsonlSource on a real file, real SQLite store, injected clock, records shaped as the wrapper writes them.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from sidecar.clock import ManualClock
from sidecar.rollout.views import summary
from tests.rollout.test_gateway_records import STREAM, Gateway, hub_for, rollout

SKEWS = {"behind_beyond": (-300.0, -60.0), "behind_within": (-25.0, -5.0), "ahead_within": (5.0, 25.0),
         "ahead_beyond": (60.0, 600.0)}
LAGS = {"constant": (5.0, 60.0), "batches": (10.0, 60.0)}
BOUNDARIES = ("promotion", "rollback_then_start", "restart_at_promotion")


class Writer:
    """Uploads made at random (rate/s), stamped on a clock `skew` s off, appended `lag` s late (or in batches)."""

    def __init__(self, gw: Gateway, rng: random.Random, skew: float, lag: str, size: float, rate: float) -> None:
        self.gw, self.rng, self.skew, self.lag, self.size, self.rate = gw, rng, skew, lag, size, rate
        self.made: list[tuple[float, bool]] = []  # (when made, ok), our clock
        self.pending: list[tuple[float, float, bool]] = []  # (due, made, ok)
        self.next = gw.clock.time() + rng.expovariate(rate)
        self.flushed = gw.clock.time()

    def step(self, now: float, writing: bool, failing_from: float | None) -> None:
        while writing and self.next <= now:
            ok = failing_from is None or self.next < failing_from
            self.made.append((self.next, ok))
            due = self.next + (self.size if self.lag == "constant" else 0.0)
            self.pending.append((due, self.next, ok))
            self.next += self.rng.expovariate(self.rate)
        if self.lag == "batches" and now - self.flushed < self.size:
            return
        self.flushed = now
        keep = []
        for due, made, ok in self.pending:
            if due <= now:
                self.gw.upload(ok=ok, at=made + self.skew)
            else:
                keep.append((due, made, ok))
        self.pending = keep

    def uploads(self, since: float, until: float = float("inf")) -> list[bool]:
        return [ok for t, ok in self.made if since <= t < until]


async def _run(make: Any, sqlite_store: Any, clock: ManualClock, tmp_path: Path, skew: float, lag: str, size: float,
               boundary: str, seed: int) -> tuple[dict[str, Any], Writer, float, float, list[Any]]:
    """Drive one cell; returns (the stage's data after the boundary, the writer, the boundary, the settling span,
    what the rollout's summary said at each evaluation within the span: decision reason and stale gates)."""
    rng = random.Random(seed)
    gw = Gateway(tmp_path / "metrics.jsonl", clock)
    gw.path.write_text("")
    hub = hub_for(gw.path, clock)
    cfg = rollout(interval=10, max_lateness=120, settle=120)  # as the shipped rules (rules/rollouts.yaml)
    # The stage after a promotion has the gate too; no stage ends by itself during the run (holds), and the
    # old stage's failing minute holds it (the shipped gates' on_fail) rather than rolling it back first.
    gates = [g.model_copy(update={"on_fail": "hold"}) for g in cfg.stages[0].gates]
    cfg = cfg.model_copy(update={"stages": [s.model_copy(update={"gates": gates, "min_samples": 20, "hold": 1e6})
                                            for s in cfg.stages]})
    c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
    await c.act(cfg.name, "start")
    w = Writer(gw, rng, skew, lag, size, rate=rng.uniform(0.3, 0.5))
    t0 = clock.time()
    first = t0 + 250.0  # healthy until a minute before it, then every upload fails
    boundary_at = None
    settling: list[Any] = []
    while clock.time() - t0 < 900.0:  # the last uploads (640 s) appended, placed and settled (120 s)
        clock.advance(1.0)
        now = clock.time()
        due = boundary_at is None and now >= first
        w.step(now, writing=now - t0 < 640.0, failing_from=first - 60.0 if boundary_at is None else None)
        await hub.jsonl[STREAM].poll()
        if due:
            boundary_at = now
            if boundary == "rollback_then_start":
                await c.act(cfg.name, "rollback")
                await c.tick()  # rolling back -> rolled back (no hooks to call)
                await c.act(cfg.name, "start")
            else:
                await c.act(cfg.name, "promote")
            if boundary == "restart_at_promotion":  # a new process: its hub replays the file, same store
                hub = hub_for(gw.path, clock)
                c = make([cfg], sqlite_store, hub, clock=clock, replica="r1")
                await hub.jsonl[STREAM].poll()
        elif int(now - t0) % 10 == 0:
            await c.tick()
            if boundary_at is not None and now - boundary_at < cfg.settle:
                shown = await summary(c, cfg.name)
                settling.append((shown["decision_reason"], shown["stale"]))
    snap = await c._load(cfg.name)
    assert boundary_at is not None
    return snap.data, w, boundary_at, cfg.settle, settling


CELLS = [(s, lg, b) for s in SKEWS for lg in LAGS for b in BOUNDARIES]


@pytest.mark.parametrize(("skew_kind", "lag", "boundary"), CELLS)
async def test_a_skewed_lagging_writer_at_a_boundary(make, sqlite_store, clock, tmp_path: Path,
                                                    skew_kind: str, lag: str, boundary: str) -> None:
    seed = CELLS.index((skew_kind, lag, boundary)) + 1
    rng = random.Random(seed * 7919)
    skew, size = rng.uniform(*SKEWS[skew_kind]), rng.uniform(*LAGS[lag])
    data, w, b, settle, _ = await _run(make, sqlite_store, clock, tmp_path, skew, lag, size, boundary, seed)
    tot = data["totals"]["gate:success-rate"]
    counted, ok = int(tot["count"]), int(tot["successes"])
    after = w.uploads(b)
    cell = f"skew {skew:+.0f} s, {lag} {size:.0f} s, {boundary}: counted {counted} ({counted - ok} failed)"
    # None of the previous stage's uploads (its last minute all failed) count in the stage after it.
    assert ok == counted, cell
    assert counted <= len(after), cell
    # ...and it loses at most its settling span plus the lag (and a poll, a batch) of its own uploads.
    assert counted >= len(w.uploads(b + settle + size + 2.0)), cell
    assert data["samples"] == counted, cell


async def test_twin_a_writer_on_our_clock_appending_at_once(make, sqlite_store, clock, tmp_path: Path) -> None:
    """No skew, no lag: the stage counts exactly its uploads from the end of its settling span on (none before
    it: they may be the previous stage's for all the sidecar can tell - see the module docstring)."""
    data, w, b, settle, settling = await _run(make, sqlite_store, clock, tmp_path, 0.0, "constant", 0.0, "promotion",
                                              99)
    tot = data["totals"]["gate:success-rate"]
    assert int(tot["count"]) == int(tot["successes"]) == len(w.uploads(b + settle))
    assert data["samples"] == int(tot["count"])
    # Within the span the live source is not called stale (its records are read, only not counted).
    assert len(settling) >= 10 and all(stale == [] and reason != "stale" for reason, stale in settling), settling
