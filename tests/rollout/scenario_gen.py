"""Seeded random scenarios over the taxonomy of tests/rollout/test_generated_scenarios.py: what the
gateway's writer does (upstream_writer.py re-enacts it call by call) and what happens to its file
and to the sidecar. `Scenario.truth` is the writer's own account (every call, its time, canary or
not, failed or not, whether the sidecar can ever read it), from which the model decides.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from typing import Literal

from tests.rollout.upstream_writer import Call, Outcome, records

Kind = Literal[
    "delete", "rename", "copytruncate", "symlink", "pause", "skew", "backlog", "future", "dup", "junk",
    "odd", "torn", "partial", "restart", "fallback", "kill", "lag", "burst",
]
JUNK = ("invalid_utf8", "invalid_json", "array", "no_type", "huge", "nested", "blank", "event")
ODD = ("nan", "infinity", "negative", "no_timestamp", "unknown_fields", "zoned", "string_flag")


@dataclass
class Episode:
    at: int  # second of the scenario
    kind: Kind
    arg: float = 0.0  # pause length, skew offset, backlog age, ...
    what: str = ""  # junk / odd sub-kind


@dataclass
class TrueCall:
    """One upload call as the gateway made it: when its (first) record was appended, on the true clock."""

    t: float
    canary: bool
    failed: bool
    readable: bool = True  # False: torn, or truncated away before any read (copytruncate race)
    late: bool = False  # appended long after its timestamp (a writer's backlog)
    async_record: bool = True  # an `async` record with a finite duration: what the p95 gate reads
    shown: float = 0.0  # when its first record is appended (a lagging writer: after `t`); 0: at `t`
    writer_b: bool = False  # appended by the second writer (its own file and clock)
    restart_loss: bool = False  # may be missing from the stage count (contract C6), still a sign of life


@dataclass
class Scenario:
    seed: int
    duration: int
    canary_rate: float
    sync_rate: float
    fallback: bool
    ids: Literal["none", "unique"]
    start_at: Literal["beginning", "end"]
    replicas: int
    regression_at: int | None
    late_file: int  # second the file first appears (0: exists at start)
    episodes: list[Episode] = field(default_factory=list)
    glob: bool = False  # the sidecar follows `metrics.jsonl*` (rotated files included), not the one path
    # Round 7 classes (drawn from their own random stream, so the round-6 seeds keep their episodes):
    writers: int = 1  # 2: a second gateway process appends to its own file (metrics.jsonl-b), same stream
    offset0: float = 0.0  # writer A's clock minus ours from the start (behind/ahead by minutes)
    offset_b: float = 0.0  # writer B's clock minus ours
    burst_on_promote: bool = False  # a burst of uploads straddling every promotion, some still in flight

    def describe(self) -> str:
        kinds = ", ".join(f"{e.at}s {e.kind}{'/' + e.what if e.what else ''}{f'({e.arg:g})' if e.arg else ''}"
                          for e in self.episodes)
        return (f"seed {self.seed}: canary {self.canary_rate}/s sync {self.sync_rate}/s fallback={self.fallback} "
                f"ids={self.ids} start_at={self.start_at} replicas={self.replicas} regression_at={self.regression_at} "
                f"file_from={self.late_file}s glob={self.glob} writers={self.writers} offsets={self.offset0:g}/"
                f"{self.offset_b:g} burst_on_promote={self.burst_on_promote}; {kinds}")


def generate(seed: int, duration: int = 1000) -> Scenario:
    rng = random.Random(seed)
    sc = Scenario(
        seed=seed, duration=duration, canary_rate=rng.choice([0.4, 0.8, 1.5]), sync_rate=rng.choice([1.0, 2.0]),
        fallback=rng.random() < 0.6, ids=rng.choice(["none", "none", "unique"]),
        start_at=rng.choice(["beginning", "end"]), replicas=rng.choice([1, 1, 2]),
        regression_at=rng.randrange(60, 600) if rng.random() < 0.35 else None,
        late_file=rng.choice([0, 0, 0, rng.randrange(5, 60)]),
    )
    kinds: list[Kind] = ["delete", "rename", "copytruncate", "symlink", "pause", "pause", "skew", "backlog", "future",
                         "dup", "junk", "junk", "odd", "odd", "torn", "partial", "restart", "fallback"]
    for _ in range(rng.randrange(8, 16)):
        kind = rng.choice(kinds)
        at = rng.randrange(sc.late_file + 5, duration - 30)
        arg, what = 0.0, ""
        if kind == "pause":
            arg = rng.choice([5.0, 15.0, 40.0, 90.0, 200.0])
        elif kind == "skew":
            arg = rng.choice([-900.0, -300.0, -45.0, 0.0, 45.0, 300.0, 900.0])
        elif kind == "backlog":
            arg = rng.choice([150.0, 400.0])
        elif kind == "dup":
            arg = float(rng.randrange(1, 20))
        elif kind == "junk":
            what = rng.choice(JUNK)
        elif kind == "odd":
            what = rng.choice(ODD)
        sc.episodes.append(Episode(at, kind, arg, what))
    sc.glob = rng.random() < 0.3
    r7 = random.Random(seed * 1_000_003 + 7)
    sc.writers = r7.choice([1, 1, 2])
    sc.offset0 = r7.choice([0.0, 0.0, 0.0, -600.0, -180.0, 180.0, 600.0])
    sc.offset_b = r7.choice([0.0, -300.0, 240.0]) if sc.writers == 2 else 0.0
    sc.burst_on_promote = r7.random() < 0.4
    for _ in range(r7.randrange(0, 4)):
        kind = r7.choice(["kill", "kill", "lag", "burst"])
        arg = r7.choice([3.0, 15.0, 45.0]) if kind == "kill" else r7.choice([2.0, 5.0, 8.0]) if kind == "lag" \
            else float(r7.randrange(20, 80))
        sc.episodes.append(Episode(r7.randrange(sc.late_file + 5, duration - 60), kind, arg))
    sc.episodes.sort(key=lambda e: e.at)
    return sc


def make_call(rng: random.Random, t: float, canary: bool, fail_p: float, sc: Scenario) -> Call:
    """One call starting at `t` (async attempts as the wrapper makes them)."""
    attempts: list[tuple[Outcome, float]] = []
    if canary and rng.random() < fail_p:
        kind: Outcome = "retryable" if rng.random() < 0.5 else "fatal"
        attempts = [(kind, rng.uniform(0.05, 3.0)) for _ in range(3)]
    else:
        if rng.random() < 0.03:
            attempts.append(("retryable", rng.uniform(0.05, 1.0)))
        attempts.append(("ok", rng.lognormvariate(-0.9, 0.4)))
    rid = f"req-{rng.getrandbits(48):x}" if sc.ids == "unique" else None
    return Call(start=t, use_async=canary, attempts=attempts, sync_ok=rng.random() >= 0.01,
                sync_seconds=rng.lognormvariate(-0.2, 0.5), fallback=sc.fallback, request_id=rid,
                file_size_mb=rng.choice([0.0, 0.0, round(rng.uniform(0.01, 40), 2)]),
                provider=rng.choice(["kimi", "kimi", "glm"]))


def call_lines(call: Call, offset: float) -> list[tuple[float, str]]:
    """(append time, line) of every record `call` writes, with the writer's clock `offset`."""
    return [(t, json.dumps(asdict(m)) + "\n") for t, m in records(call, offset)]


def junk_line(what: str, t: float) -> bytes:
    """A line that is no request record the gates may count (the sidecar must skip it, lose nothing else)."""
    if what == "invalid_utf8":
        return b'{"execution_type": "async", "success": true, "provider": "\xff\xfe", "duration_ms": 1}\n'
    if what == "invalid_json":
        return b'{"execution_type": "async", "success": tru\n'
    if what == "array":
        return b'[{"execution_type": "async", "success": true}]\n'
    if what == "no_type":
        return json.dumps({"success": False, "duration_ms": 5.0, "timestamp": ""}).encode() + b"\n"
    if what == "huge":  # 10 MB: a rollback event with an enormous payload
        return b'{"event_type": "rollback", "metrics": "' + b"x" * (10 * 1024 * 1024) + b'"}\n'
    if what == "nested":
        return b'{"execution_type": "async", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
    if what == "blank":
        return b"   \n\n"
    return json.dumps({"timestamp": "2026-01-01T00:00:00", "event_type": "rollout_stage", "stage": 2,
                       "percentage": 50, "metrics": {"total_entries": 3}}).encode() + b"\n"


def odd_line(what: str, line: str, t: float) -> str:
    """A true call's record made odd in a way a real writer or host can: it still counts."""
    rec = json.loads(line)
    if what == "nan":
        return line.replace(f'"duration_ms": {json.dumps(rec["duration_ms"])}', '"duration_ms": NaN')
    if what == "infinity":
        return line.replace(f'"duration_ms": {json.dumps(rec["duration_ms"])}', '"duration_ms": Infinity')
    if what == "negative":  # time.time() stepped back between the call's start and the record (NTP)
        rec["duration_ms"] = -abs(rec["duration_ms"]) - 1500.0
    elif what == "no_timestamp":
        del rec["timestamp"]
    elif what == "unknown_fields":
        rec["region"] = "ap-southeast-2"
        rec["attempt_log"] = [{"n": 1}]
        rec["schema"] = 2
    elif what == "zoned":  # an aware ISO stamp (+11:00 local time of the same instant)
        from datetime import UTC, datetime, timedelta, timezone

        ts = datetime.fromisoformat(rec["timestamp"]).replace(tzinfo=UTC)
        rec["timestamp"] = ts.astimezone(timezone(timedelta(hours=11))).isoformat()
    elif what == "string_flag":
        rec["success"] = "true" if rec["success"] else "false"
    return json.dumps(rec) + "\n"
