"""A generated scenario played against the real metrics stream and rollout controller.

`World` owns the file (the gateway's metrics.jsonl), the writer (records exactly as upstream_writer.py
builds them, appended at their true time), the sidecar replicas (MetricsHub following the real file +
RolloutController on a real SQLite store, driven as `sidecar run` drives them: poll every second,
evaluate every interval; a ManualClock makes it deterministic) and the writer's account of the truth.
`Model` (scenario_model.py) knows the right decision from that truth and `World.check` compares it with
what the API says.
"""

from __future__ import annotations

import heapq
import itertools
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream, MetricsConfig, RolloutConfig, StageConfig
from sidecar.metrics.hub import MetricsHub
from sidecar.rollout import RolloutController
from sidecar.store.base import Store
from sidecar.store.sqlite import open_sqlite
from tests.rollout.scenario_gen import Scenario, TrueCall, call_lines, junk_line, make_call, odd_line
from tests.rollout.scenario_model import HOLD, MIN_SAMPLES, NAME, Finding, Model
from tests.rollout.upstream_writer import Call

STREAM = "async_upload"
INTERVAL = 10.0
HEALTHY_ERRORS = 0.01
BAD_ERRORS = 0.4
RULES = Path(__file__).parents[2] / "rules" / "rollouts.yaml"


def rollout_config() -> RolloutConfig:
    """The shipped rules (record semantics, triggers, gates, the settling span) with short holds and no memory gates
    (no scrape target here): 10% -> 50% -> 100%, 200 s each, 60 canary uploads."""
    shipped = yaml.safe_load(RULES.read_text())["rollouts"][0]
    shipped_cfg = RolloutConfig.model_validate(shipped)
    success, latency = shipped_cfg.stages[1].gates[0], shipped_cfg.stages[1].gates[1]
    gates = [success.model_copy(update={"threshold": 0.95, "min_samples": MIN_SAMPLES}), latency]
    return RolloutConfig(
        name=NAME, flag="ASYNC_UPLOAD_ROLLOUT", interval=INTERVAL, samples=shipped_cfg.samples,
        max_lateness=shipped_cfg.max_lateness, settle=shipped_cfg.settle,
        stages=[StageConfig(percent=p, hold=HOLD, min_samples=MIN_SAMPLES, gates=list(gates)) for p in (10, 50, 100)],
        triggers=[t for t in shipped_cfg.triggers if t.metric.source == "jsonl"],
    )


@dataclass
class Replica:
    hub: MetricsHub
    controller: RolloutController


@dataclass
class World(Model):
    sc: Scenario
    dir: Path
    clock: ManualClock
    store: Store
    cfg: RolloutConfig = field(default_factory=rollout_config)
    replicas: list[Replica] = field(default_factory=list)
    truth: list[TrueCall] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    promotions: list[float] = field(default_factory=list)
    rollback_at: float | None = None

    def __post_init__(self) -> None:
        self.path = self.dir / "metrics.jsonl"
        self.path_b = self.dir / "metrics.jsonl-b"  # a second gateway process's own file (sc.writers == 2)
        self.rng = random.Random(self.sc.seed * 7919 + 1)
        self.t0 = self.clock.time()
        self.offset = self.sc.offset0  # writer A's clock minus ours
        self.skew_changed = self.offset != 0.0 or self.sc.offset_b != 0.0
        self.lag = 0.0  # seconds between a record's stamp and its append (a writer or shipper delivering late)
        self.down: Replica | None = None  # replica 0 SIGKILLed: nothing of it runs until `down_until`
        self.down_until = 0.0
        self.dead: list[RolloutController] = []
        self.burst_pending = False
        self.fallback = self.sc.fallback
        self.paused_until = 0.0
        self.pending: list[tuple[float, int, str, TrueCall, bool]] = []  # (append time, seq, line, call, file B)
        self._seq = itertools.count()
        self.dup_left = 0
        self.odd_next = ""
        self.torn_next = False
        self.partial_next = False
        self.held = ""  # the second half of a line split across polls
        self.lossy_since = -1.0  # last time something made records unreadable (stage counts may fall short)
        self.unsettled_since = -1.0  # last skew change / restart / backlog: freshness may wobble
        self.stage_index = 0
        self.stage_started = self.t0
        self.files = 0
        self.extra_stores: list[Store] = []
        self.skew_steps: list[float] = []
        self.window_reset = self.t0
        self.boundary_moved = 0.0
        self.last_tick = self.t0
        self.unread: list[TrueCall] = []  # appended to file A since the last poll of a live replica

    # -- sidecar replicas

    def new_hub(self, replica: int = 0) -> MetricsHub:
        paths = [str(self.path) + "*"] if self.sc.glob else [str(self.path)]
        if self.sc.writers == 2 and not self.sc.glob:
            paths.append(str(self.path_b))
        stream = JsonlStream(name=STREAM, paths=paths, start_at=self.sc.start_at, poll_interval=1.0,
                             max_lateness=self.cfg.max_lateness)
        # Each replica's own clock directory (its local disk), kept across its restarts (C6).
        return MetricsHub(MetricsConfig(jsonl=[stream], clock_dir=str(self.dir / f"clocks-r{replica}")), self.clock)

    async def new_replica(self, i: int) -> Replica:
        hub = self.new_hub(i)
        store = self.store if i == 0 else await open_sqlite(str(self.dir / "sidecar.db"))
        if i:
            self.extra_stores.append(store)
        c = RolloutController([self.cfg], store, hub, clock=self.clock, replica=f"r{i}-{next(self._seq)}")
        return Replica(hub, c)

    async def start(self) -> None:
        if self.sc.late_file == 0:
            self.path.write_text("")
        if self.sc.writers == 2:
            self.path_b.write_text("")
        for i in range(self.sc.replicas):
            self.replicas.append(await self.new_replica(i))
            await self.replicas[-1].hub.jsonl[STREAM].poll()  # MetricsHub.start's first read
        await self.replicas[0].controller.act(NAME, "start")
        snap = await self.replicas[0].controller._load(NAME)
        self.stage_started = snap.stage_started_at or self.t0

    async def restart(self) -> None:
        old = self.replicas[0]
        await old.controller.stop()
        await old.hub.stop()
        self.replicas[0] = await self.new_replica(0)
        await self.replicas[0].hub.jsonl[STREAM].poll()  # MetricsHub.start's first read
        if abs(self.offset) > 30:
            self.skew_changed = True  # the new process learns the writer's clock again (metrics/skew.py)
        if self.sc.start_at == "end":
            # Sliding-window gates start with the last max_lateness seconds only. Nothing of the stage
            # is lost: what was counted is kept (stage totals), what was written after the last
            # evaluation is within the lateness bound and read back at start (metrics/follow.LOOKBACK).
            self.window_reset = self.clock.time()
        self.unsettled_since = self.clock.time()
        self.behind_writer_loss()

    def behind_writer_loss(self) -> None:
        """The one loss a restart may cause (contract C6 in test_generated_scenarios): the uploads a
        writer whose clock is BEHIND ours by more than the skew tolerance appended after the last
        evaluation. The file holds no arrival times (the writer stamps utcnow() and nothing else,
        research/upstream-gateway.md 4.1; the file's mtime is the last write's only): such a tail
        reads exactly like a backlog flushed last, so a new process places it where the stamps say
        (minutes back) until live records show the clock again."""
        now = self.clock.time()
        for truth in self.truth:
            offset = self.sc.offset_b if truth.writer_b else self.offset
            # By when it was appended: a lagging writer's record stamped before the last evaluation
            # but appended after it was not counted then either.
            if offset < -30 and self.last_tick - 1 < (truth.shown or truth.t) and truth.t <= now:
                truth.restart_loss = True

    async def kill(self, downtime: float) -> None:
        """SIGKILL replica 0: no stop, no lease released, nothing flushed; back after `downtime` s."""
        old = self.replicas[0]
        old.hub.jsonl[STREAM].close()  # its descriptors close with the process
        self.dead.append(old.controller)
        self.down = old
        self.down_until = self.clock.time() + downtime

    async def revive(self) -> None:
        self.behind_writer_loss()
        self.down = None
        self.replicas[0] = await self.new_replica(0)
        await self.replicas[0].hub.jsonl[STREAM].poll()  # MetricsHub.start's first read
        if abs(self.offset) > 30 or abs(self.sc.offset_b) > 30:
            self.skew_changed = True
        if self.sc.start_at == "end":
            self.window_reset = self.clock.time()
        self.unsettled_since = self.clock.time()

    async def close(self) -> None:
        for r in self.replicas:
            if r is not self.down:
                await r.controller.stop()
                await r.hub.stop()
        for c in self.dead:
            await c.stop()  # only to close what the test process holds (its HTTP session)
        for s in self.extra_stores:
            await s.close()

    # -- the writer

    def _traffic(self, t0: float, t1: float) -> None:
        """Calls starting in (t0, t1]: Poisson arrivals of canary (async) and baseline (sync) uploads."""
        if t1 <= self.paused_until or t1 - self.t0 < self.sc.late_file:
            return
        bad = self.sc.regression_at is not None and t0 - self.t0 >= self.sc.regression_at
        for canary, rate in ((True, self.sc.canary_rate), (False, self.sc.sync_rate)):
            t = t0
            while True:
                t += self.rng.expovariate(rate)
                if t > t1:
                    break
                self.sc.fallback = self.fallback
                call = make_call(self.rng, t, canary, BAD_ERRORS if bad else HEALTHY_ERRORS, self.sc)
                self._push(call, canary, b_file=self.sc.writers == 2 and self.rng.random() < 0.5)

    def _push(self, call: Call, canary: bool, b_file: bool = False, lag: float | None = None) -> TrueCall:
        """Queue `call`'s records for their append times (plus the writer's lag); returns its truth."""
        lag = self.lag if lag is None else lag
        lines = call_lines(call, self.sc.offset_b if b_file else self.offset)
        truth = TrueCall(lines[0][0], canary, bool(call.canary_failed()), shown=lines[0][0] + lag, writer_b=b_file)
        truth.async_record = canary and not (truth.failed and call.fallback)
        if self.skew_changed:  # the sidecar can only see a new writer clock once records flow
            self.skew_changed = False
            self.unsettled_since = call.start
            self.skew_steps.append(call.start)
        self.truth.append(truth)
        if self.odd_next and canary and not b_file:
            lines = [(a, odd_line(self.odd_next, line, a)) for a, line in lines]
            if self.odd_next in ("nan", "infinity"):
                truth.async_record = False  # no duration the p95 gate can read (seed 4067)
            self.odd_next = ""
        if self.torn_next and len(lines) == 1 and not b_file:
            self.torn_next = False
            a, line = lines[0]
            lines = [(a, line[: self.rng.randrange(5, len(line) - 5)])]  # the writer died mid-line
            truth.readable = False  # lost; the record appended after the fragment must not be
        for a, line in lines:
            heapq.heappush(self.pending, (a + lag, next(self._seq), line, truth, b_file))
        return truth

    def _append(self, data: bytes, b_file: bool = False) -> None:
        path = self.path_b if b_file else self.path
        with path.open("ab") as f:  # the writer opens the path for every record ("a" mode)
            f.write(data)
        now = self.clock.time() + 0.5  # the file system stamps the write on the sidecar's clock
        os.utime(path, (now, now))

    def _write_until(self, t: float) -> list[TrueCall]:
        written = []
        while self.pending and self.pending[0][0] <= t:
            _, _, line, truth, b_file = heapq.heappop(self.pending)
            data = line.encode()
            if b_file:
                self._append(data, b_file=True)
                written.append(truth)
                continue
            if self.partial_next:
                self.partial_next = False
                cut = len(data) // 2
                self._append(data[:cut])
                self.held = data[cut:].decode()
                continue
            if self.held:
                data, self.held = self.held.encode() + data, ""
            self._append(data)
            if self.dup_left > 0:
                self.dup_left -= 1
                self._append(data)  # an exact duplicate write
            written.append(truth)
            self.unread.append(truth)
        return written

    def _episode(self, kind: str, arg: float, what: str, written_now: list[TrueCall]) -> None:
        now = self.clock.time()
        if kind in ("delete", "rename", "copytruncate", "symlink") and not self.path.exists():
            return
        if kind in ("delete", "rename", "copytruncate", "symlink") and not self.live():
            self._gone_unread(kind)
        if kind == "delete":
            self.path.unlink()
        elif kind == "rename":
            os.replace(self.path, self.dir / f"metrics.jsonl.{self.files}")
            self.files += 1
        elif kind == "copytruncate":
            shutil.copyfile(self.path, self.dir / f"metrics.jsonl.{self.files}")
            self.files += 1
            with self.path.open("r+b") as f:
                f.truncate(0)
            for truth in written_now:  # appended since the last poll: only in the copy now (the known race)
                truth.readable = False
        elif kind == "symlink":
            target = self.dir / f"real-{self.files}.jsonl"
            self.files += 1
            os.replace(self.path, self.dir / f"moved-{self.files}.jsonl")
            target.write_text("")
            os.symlink(target, self.path)
        elif kind == "pause":
            self.paused_until = max(self.paused_until, now + arg)
        elif kind == "skew":
            self.offset = arg
            self.unsettled_since = now
            self.skew_changed = True
        elif kind == "backlog":  # a buffered writer flushes calls made `arg` seconds ago
            for i in range(20):
                t = now - arg + i * 0.5
                call = make_call(self.rng, t, i % 2 == 0, HEALTHY_ERRORS, self.sc)
                # Stamped in the future by a writer clock ahead by more than the backlog's age: no
                # reader can tell when it happened before it knows the offset; arrival time is right.
                placed = now if t + self.offset > now + 5 else t
                truth = TrueCall(placed, i % 2 == 0, bool(call.canary_failed()), late=True, shown=now)
                self.truth.append(truth)
                for _a, line in call_lines(call, self.offset):
                    self._append(line.encode())
            self.unsettled_since = now
        elif kind == "future":  # single records stamped an hour ahead (a bad clock read), made now
            for i in range(3):
                call = make_call(self.rng, now - 0.3 + i * 0.1, True, HEALTHY_ERRORS, self.sc)
                self.truth.append(TrueCall(now, True, bool(call.canary_failed())))
                for _a, line in call_lines(call, self.offset + 3600.0):
                    self._append(line.encode())
        elif kind == "dup":
            self.dup_left = int(arg)
        elif kind == "junk":
            self._append(junk_line(what, now))
        elif kind == "odd":
            self.odd_next = what
        elif kind == "torn":
            self.torn_next = True
        elif kind == "partial":
            self.partial_next = True
        elif kind == "fallback":
            self.fallback = not self.fallback
        elif kind == "lag":
            self.lag = arg
        elif kind == "burst":
            self._burst(int(arg), now - 1.0, now + 1.0)

    def _gone_unread(self, kind: str) -> None:
        """No sidecar is running and the file leaves its path: what was appended to it since the last
        read (by any replica) is read by no process ever, unless the sidecar follows the path's glob and
        the file stays under it (a rename or copytruncate to `metrics.jsonl.N`). A live reader keeps its
        descriptor and reads the rest (follow.py); a dead one has none. Contract C2: lost, not demanded
        (round 11: the model demanded them; generated scenario 12003, 4 uploads appended after a SIGKILL
        to a file deleted 5 s later)."""
        if self.sc.glob and kind in ("rename", "copytruncate"):
            return
        for truth in self.unread:
            truth.readable = False

    def _burst(self, n: int, t0: float, t1: float) -> None:
        """`n` canary uploads made in [t0, t1] (healthy or regressed as the time says), written as made."""
        bad = self.regressed(t0)
        for i in range(n):
            call = make_call(self.rng, t0 + (t1 - t0) * i / n, True, BAD_ERRORS if bad else HEALTHY_ERRORS, self.sc)
            self._push(call, True, b_file=self.sc.writers == 2 and i % 2 == 1)

    # -- one second of the world

    async def second(self, sec: int) -> None:
        t0 = self.clock.time()
        self._traffic(t0, t0 + 1.0)
        episodes = [e for e in self.sc.episodes if e.at == sec]
        if self.down is not None and t0 >= self.down_until:
            await self.revive()
        if any(e.kind == "restart" for e in episodes) and self.down is None:
            await self.restart()
        kill = next((e for e in episodes if e.kind == "kill"), None)
        if kill is not None and self.down is None:
            await self.kill(kill.arg)
        written = self._write_until(t0 + 0.5)
        for e in episodes:
            if e.kind not in ("restart", "kill"):
                self._episode(e.kind, e.arg, e.what, written)
        self._write_until(t0 + 1.0)
        self.clock.advance(1.0)
        if self.live():
            self.unread = []
        for r in self.live():
            try:
                await r.hub.jsonl[STREAM].poll()
            except Exception as exc:  # noqa: BLE001 - MetricsHub's poll loop logs it and goes on: so does this
                self.fail(f"a poll crashed: {type(exc).__name__}: {str(exc)[:80]}")
        if sec % int(INTERVAL) == 0:
            for r in self.live():
                await r.controller.tick()
            if self.live():  # the last evaluation any replica made (the store holds what it counted)
                self.last_tick = self.clock.time()
                await self.check()

    def live(self) -> list[Replica]:
        return [r for r in self.replicas if r is not self.down]

async def play(sc: Scenario, tmp: Path, store: Store, clock: ManualClock) -> World:
    world = World(sc, tmp, clock, store)
    await world.start()
    try:
        for sec in range(1, sc.duration + 1):
            await world.second(sec)
            if world.rollback_at is not None:
                break
    finally:
        await world.close()
    return world
