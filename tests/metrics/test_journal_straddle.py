"""A failure the gateway wrote twice counts once when its two records straddle a file leaving its path
while the sidecar is down (issue 19, round 11's "left": the first restored from the journal, the
second read from the new file, unpaired, counted twice).

The class (research/upstream-gateway.md 4.1; the wrapper's source): with `ASYNC_UPLOAD_FALLBACK=false`
the inner handler appends `success: false` and re-raises, the outer `except` appends a second one for
the same call, microseconds apart, `open(path, "a")` per record. The sidecar read the first and was
killed; the file then left its path (deleted: the writer's next open creates it; renamed away;
copied and truncated; the path swapped for a symlink to a new file) and the second record went into
the new file. The restarted process restores the first from its journal (metrics/journal.py) - its
line is in no file it follows - and reads the second from the file: one failure, two records.

Generated per seed (what the class varies): the file's fate, request ids (none - the documented
decorator usage -, one fixed id per wrapped function, one per request), the writer's clock (on ours
or ahead), `start_at`, the traffic rate, the error class, how many calls straddle, the downtime, and
whether the records carry a long field (the journal then keeps the compact form: placing.JOURNAL_LINE).
Judged as a gate reads it: the stream's error rate (count, failures) over the stage equals the truth.
Twins that must NOT change: the file stays (`kept`: the replay reads the first record again), and a
near miss - two genuine failures of one wrapped function (same signature) on either side of the
fate, a second apart: both count.
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

from sidecar.clock import ManualClock
from sidecar.config import JsonlStream, MetricsConfig
from sidecar.metrics.hub import MetricsHub
from tests.rollout.test_crash_points import fate  # what happens to the file while no sidecar runs
from tests.rollout.test_gateway_records import STREAM, spec
from tests.rollout.upstream_writer import FATAL, RETRYABLE, UploadMetrics, plan, records, utc_iso

FATES = ("delete", "rename", "copytruncate", "symlink", "kept")
SEEDS = range(1, 1 + int(os.environ.get("SIDECAR_STRADDLE_SEEDS", "4")))
MAX_LATENESS = 120.0


@dataclass
class Case:
    seed: int
    fate: str
    genuine: bool  # the near-miss twin: the straddling records are two failures, not one written twice
    ids: str
    offset: float
    start_at: str
    rate: float
    before: int
    down: int
    straddling: int
    long: bool  # the records carry a field long enough that the journal keeps their compact form

    @classmethod
    def draw(cls, seed: int, fate: str, genuine: bool) -> Case:
        rng = random.Random(seed * 4241 + FATES.index(fate) * 2 + genuine)
        return cls(seed, fate, genuine, rng.choice(["none", "fixed", "unique"]), rng.choice([0.0, 3.0, 45.0, 200.0]),
                   rng.choice(["end", "beginning"]), rng.choice([0.5, 1.0, 3.0]), rng.randrange(20, 90),
                   rng.choice([2, 5, 15, 40]), rng.randrange(1, 4), rng.random() < 0.3)


CASES = [Case.draw(seed, fate, genuine) for seed in SEEDS for fate in FATES for genuine in (False, True)]


def hub(path: Path, clock: ManualClock, start_at: str, clock_dir: Path) -> MetricsHub:
    stream = JsonlStream(name=STREAM, paths=[str(path)], start_at=start_at, poll_interval=1.0,  # type: ignore[arg-type]
                         max_lateness=MAX_LATENESS)
    return MetricsHub(MetricsConfig(jsonl=[stream], clock_dir=str(clock_dir)), clock)


def straddlers(rng: random.Random, case: Case, kill: float) -> list[tuple[str, str]]:
    """(first line, second line) per straddling call: the first appended just before the last poll
    before the kill, the second after the fate. The writer may stall between its two writes (a paused
    container, a swapped-out process: the only way a kill and a rotation fit between them): the
    second record is built when it is written, so its `timestamp` and `duration_ms` both grow by the
    stall and the call's start (`timestamp - duration_ms`) stays. The twin: another call of the same
    wrapped function (same fields), started a second or two later, failing the same way."""
    out = []
    for k in range(case.straddling):
        # Built when written, after the fate (appended then); 0.3 s apart: two id-less calls of equal
        # fields written within the 0.2 s pair window are one by the rule (dedupe.py says so).
        second_at = kill + case.down / 2 - 0.3 * k
        rid = None if case.ids == "none" else "upload-fn-7" if case.ids == "fixed" else f"req-{rng.getrandbits(40):x}"
        error = rng.choice(RETRYABLE + FATAL)
        common = {"file_size_mb": rng.choice([0.0, round(rng.uniform(0.01, 40), 2)]),
                  "provider": rng.choice(["kimi", "glm", "unknown"]), "request_id": rid, "error_type": error}
        first_at = kill - rng.uniform(0.05, 0.9) - 0.01 * k
        start = first_at - rng.uniform(0.5, 4.0)

        detail = {"detail": f"upload {k}: " + "provider said no; " * 150} if case.long else {}

        def record(at: float, began: float, detail: dict[str, str] = detail, **common: Any) -> str:
            return json.dumps({**asdict(UploadMetrics("async", False, (at - began) * 1000.0,
                                                      utc_iso(at + case.offset + 4e-6), **common)), **detail})

        again = start + rng.uniform(1.2, min(2.5, second_at - start - 0.1)) if case.genuine else start
        out.append((record(first_at, start, **common), record(second_at, again, **common)))
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.seed}-{c.fate}-{'twin' if c.genuine else 'pair'}")
async def test_a_double_written_failure_straddling_the_files_fate_counts_once(tmp_path: Path, case: Case) -> None:
    clock = ManualClock(start=1_763_900_000.0)
    path = tmp_path / "metrics.jsonl"
    path.write_text("")
    rng = random.Random(case.seed)
    t0 = clock.time()
    calls = plan(rng, int(case.rate * case.before), start=t0, rate=case.rate, rollout=50, async_fail=0.1,
                 sync_fail=0.01, fallback=False, ids=case.ids)  # type: ignore[arg-type]
    kill = t0 + case.before
    calls = [c for c in calls if c.start < kill - 30]  # every record of the traffic written before the kill
    out = sorted((a, json.dumps(asdict(m)) + "\n") for c in calls for a, m in records(c, case.offset))
    pairs = straddlers(rng, case, kill)
    canary = sum(c.use_async for c in calls) + len(pairs) * (2 if case.genuine else 1)
    failed = sum(bool(c.canary_failed()) for c in calls) + len(pairs) * (2 if case.genuine else 1)
    h = hub(path, clock, case.start_at, tmp_path / "clocks")
    await h.jsonl[STREAM].poll()
    pos = 0
    while clock.time() < kill:
        clock.advance(1.0)
        with path.open("a") as f:
            while pos < len(out) and out[pos][0] <= clock.time():
                f.write(out[pos][1])
                pos += 1
            if clock.time() >= kill:
                f.writelines(first + "\n" for first, _ in pairs)  # read by the last poll before the kill
        os.utime(path, (clock.time(), clock.time()))  # the file system's clock is ours
        await h.jsonl[STREAM].poll()
    h.jsonl[STREAM].close()  # SIGKILL: descriptors closed with the process, nothing flushed
    clock.advance(case.down / 2)
    fate(path, case.fate, tmp_path)
    with path.open("a") as f:  # the outer `except`'s record: the writer re-creates the path
        f.writelines(second + "\n" for _, second in pairs)
    os.utime(path, (clock.time(), clock.time()))
    clock.advance(case.down / 2)
    h = hub(path, clock, case.start_at, tmp_path / "clocks")
    try:
        for _ in range(5):
            await h.jsonl[STREAM].poll()
            clock.advance(1.0)
        m = await h.measure(spec("error_rate"), 3 * MAX_LATENESS)
        assert (m.count, m.successes) == (canary, failed), (str(h.jsonl[STREAM].status()), case)
    finally:
        h.jsonl[STREAM].close()
