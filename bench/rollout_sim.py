"""Rollout simulation: detection delay and false rollbacks of the real controller vs a Flagger-style policy.

A simulated gateway (bench/rollout_traffic.py) produces per-second canary (execution_type=async) and
baseline (sync) traffic with seeded randomness: Poisson arrivals at `--rate` requests/s split by the
rollout percentage, per-request errors (`--healthy-err`, default 1%), log-normal latencies. The real
RolloutController, configured from rules/rollouts.yaml (holds shortened, see --hold), evaluates it
over simulated time (a ManualClock) with a real SQLite store, and calls a real signed rollback
webhook served by a local aiohttp receiver that records when (in simulated time) each rollback arrived.

Policies, all on the same seeded traces: "current" = the shipped rules without the change trigger,
"new" = with it (the shipped policy); each in two readings: the success floors hold (`on_fail: hold`,
shipped from round 5) or roll back (round 4). One run measures both: until a floor's first trip the
controller is in the same state either way, and that trip is when round 4 rolled back.
Scenarios:
  (a) detection: the canary runs healthy for a warm-up, then its error rate jumps to
      `--regressed-err` (8%); delay = rollback hook arrival - regression start, at the
      `--detect-percent` stage (10%).
  (b) false rollbacks: healthy stages (canary = sync error rate) at 1% and 10%, each run until the
      controller promotes (or a rollback, or 20 x hold), with the gate that rolled back each one.
  (c) Flagger-style policy on the same traces: every interval, check the canary success rate over
      the last interval against the rollback threshold (>= 95%, i.e. error rate <= 5%); no data
      counts as a failed check (Flagger's "no values found"); roll back once the cumulative failed
      checks reach N (Flagger's `threshold`; 1 is Flagger's default, 5 its docs' example). For (a)
      its count starts at the regression (the most favourable reading for it).

Usage: .venv/bin/python bench/rollout_sim.py [--stages 1000] [--trials 100] [--rates R,R] [--seed 7] [--jobs 4]
(b) also counts the healthy stages the progress deadline paused (false holds to the deadline; --deadline,
default 19 x hold after the hold); --jobs N runs (b) in N processes per stage level, same traces and figures.
Runtime: 1,000 healthy 1% stages ~20-40 min of one busy shared vCPU (mostly SQLite round trips of the
real store); `--stages 20 --trials 5 --rates 3.33333` about 35 s.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import logging
import math
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.rollout_traffic import SECRET, GatewayRef, Receiver, SimGateway  # noqa: E402
from sidecar.clock import ManualClock  # noqa: E402
from sidecar.config import HookConfig, RolloutConfig, RolloutsFile, read_yaml  # noqa: E402
from sidecar.rollout.controller import RolloutController  # noqa: E402
from sidecar.store.base import Store  # noqa: E402
from sidecar.store.sqlite import open_sqlite  # noqa: E402

HEALTHY_ERR = 0.005
REGRESSED_ERR = 0.10
BASELINE_ERR: float | None = None  # sync error rate; None = the canary's healthy rate
HISTORY = 0.0  # seconds of baseline traffic the hub holds when a stage starts (--history)
CHANGE_TRIGGER = "error-rate-vs-baseline"  # the trigger this issue added (the "new" policy)
# Round 7's form of it, run next to the shipped one on the same traces: the same statistic, checked
# only at evaluations (no `check_every`), at round 7's confidence.
PREVIOUS_TRIGGER = CHANGE_TRIGGER + "@r7"
PREVIOUS_SETTINGS = {"check_every": None, "confidence": 0.9995, "grace_looks": 50}
FLAGGER_MIN_SUCCESS = 0.95


def flagger_check(gw: SimGateway, interval: float) -> bool:
    """One Flagger-style metric check over the last interval: True = passed."""
    n, e = gw.counts(interval)
    if n == 0:
        return False  # "Halt advancement no values found": counts as a failed check
    return (n - e) / n >= FLAGGER_MIN_SUCCESS


def rollout_for_bench(url: str, hold: float | None, deadline: float | None = None) -> RolloutConfig:
    """The shipped rollout with holds replaced, and the change trigger in dry-run: the controller
    then acts as the policy before this issue ("current") while the change trigger's would-be
    firings are recorded; "new" = current + that trigger = the earlier of the two. `deadline`
    replaces the progress deadline (seconds after the hold; the shipped 24 h is scaled down as the
    holds are), keeping the shipped `on_progress_deadline`."""
    parsed = RolloutsFile.model_validate(read_yaml(ROOT / "rules" / "rollouts.yaml"))
    base = next(r for r in parsed.rollouts if r.name == "async-upload")
    stages = [s.model_copy(update={"hold": hold if hold is not None else 1e12}) for s in base.stages]
    triggers = [t.model_copy(update={"dry_run": True}) if t.name == CHANGE_TRIGGER else t for t in base.triggers]
    change = next((t for t in triggers if t.name == CHANGE_TRIGGER), None)
    assert change is not None, "rules/rollouts.yaml lost the change trigger"
    triggers.append(change.model_copy(update={"name": PREVIOUS_TRIGGER, **PREVIOUS_SETTINGS}))
    hooks = [HookConfig(kind="rollback", name="rollback", url=url, secret=SECRET, timeout=5, retries=3)]
    update = {"stages": stages, "hooks": hooks, "triggers": triggers}
    if deadline is not None:
        update["progress_deadline"] = deadline
    return base.model_copy(update=update)


def change_fired(c: RolloutController, name: str, trigger: str = CHANGE_TRIGGER) -> bool:
    """Did the (dry-run) change trigger fire at the tick just made?"""
    snap = c.transitions.seen.get(name)
    return snap is not None and any(t.get("gate") == trigger for t in snap.data.get("dry_trips") or [])


async def advance(c: RolloutController, clock: ManualClock, name: str, interval: float) -> float | None:
    """One interval as `sidecar run` spends it: the controller's watch every `check_every` seconds
    (controller._watch_until), then an evaluation. Returns when the change trigger fired mid-look."""
    every = c.watch_every
    at = None
    k = int(interval // every) if every else 0
    for _ in range(1, k):
        clock.advance(every)  # type: ignore[operator]
        fired = await c.watch()
        if at is None and any(v.name == CHANGE_TRIGGER for v in fired.get(name, [])):
            at = clock.time()
    clock.advance(interval - max(k - 1, 0) * (every or 0.0))
    await c.tick()
    return at


def held_trip(c: RolloutController, name: str) -> str | None:
    """The gate with `on_fail: hold` beyond its limits at the tick just made (round 5), if any.

    Until that tick the rollout is in the same state whether the gate holds or rolls back (holding
    changes nothing before it), so the first such tick is exactly when the round-4 policy (every
    stage gate rolls back) would have rolled back: one run measures both.
    """
    snap = c.transitions.seen.get(name)
    holds = snap.data.get("holds") if snap is not None else None
    return str(holds[0].get("gate")) if holds else None


def first(*times: float | None) -> float | None:
    known = [t for t in times if t is not None]
    return min(known) if known else None


async def reset(c: RolloutController, name: str) -> None:
    """Bring the rollout back to a startable state without a rollback decision."""
    for _ in range(6):
        snap = await c._load(name)
        if snap.state in ("idle", "complete", "rolled_back"):
            return
        if snap.state == "rolling_back":
            await c.tick()
            continue
        if snap.state == "paused":
            await c.act(name, "resume")
            continue
        await c.act(name, "promote", actor="bench")


async def run_detection(c, ref, rx, clock, cfg, percent, trials, rate, seed, warm_base=600.0) -> dict:
    interval = cfg.interval
    keys = ("current", "previous", "new", "current_rb", "new_rb", "flagger1", "flagger5", "flagger10")
    res: dict = {k: [] for k in keys}
    misses = warm_false = 0
    for t in range(trials):
        await reset(c, cfg.name)
        gw = SimGateway(clock, rate, percent, seed * 1_000_003 + t, HISTORY,
                        healthy_err=HEALTHY_ERR, base_err=BASELINE_ERR)
        ref.gw = gw
        await c.act(cfg.name, "start", actor="bench")
        idx = next(i for i, s in enumerate(cfg.stages) if s.percent == percent)
        for _ in range(idx):
            await c.act(cfg.name, "promote", actor="bench")
        rng = random.Random(seed + t)
        warm = warm_base + rng.randrange(int(interval))  # the regression starts at a random phase
        t0 = clock.time() + warm
        gw.regress_at(t0, REGRESSED_ERR)
        before = len(rx.calls)
        d: dict[str, float | None] = dict.fromkeys(("cur", "new", "held", "prev"))
        f: dict[int, float | None] = dict.fromkeys((1, 5, 10))
        failed = 0
        false_alarm = False
        for _ in range(int(warm // interval) + 200):
            if d["cur"] is None:  # after the rollback nothing is evaluated any more
                mid = await advance(c, clock, cfg.name, interval)
                now = clock.time()
                fired = {"new": mid or (now if change_fired(c, cfg.name) else None),
                         "prev": now if change_fired(c, cfg.name, PREVIOUS_TRIGGER) else None,
                         "held": now if held_trip(c, cfg.name) else None,
                         "cur": rx.calls[before]["at"] if len(rx.calls) > before else None}
                if now <= t0 or (fired["new"] is not None and fired["new"] < t0):
                    if any(v is not None for v in fired.values()):
                        false_alarm = True  # rolled back (or a change trigger fired) while still healthy
                        break
                    continue
                for k, v in fired.items():
                    if d[k] is None:
                        d[k] = v
            else:
                clock.advance(interval)
            if not flagger_check(gw, interval):
                failed += 1
                for n in f:
                    if failed >= n and f[n] is None:
                        f[n] = clock.time()
            if d["cur"] is not None and f[10] is not None:
                break
        if false_alarm:
            warm_false += 1
            continue
        d["new"], d["prev"] = first(d["new"], d["cur"]), first(d["prev"], d["cur"])
        misses += d["cur"] is None and d["new"] is None

        def delay(x: float | None, t0: float = t0) -> float:
            return (x - t0) if x is not None else math.inf
        res["current"].append(delay(d["cur"]))
        res["previous"].append(delay(d["prev"]))
        res["new"].append(delay(d["new"]))
        res["current_rb"].append(delay(first(d["cur"], d["held"])))
        res["new_rb"].append(delay(first(d["new"], d["held"])))
        for n in f:
            res[f"flagger{n}"].append(delay(f[n]))
    return {**res, "misses": misses, "warm_false": warm_false}


async def run_false(c, ref, rx, clock, cfg, stage_index, stages: range, rate, seed) -> dict:
    """Healthy stages number `stages` (each its own seeded trace) until promoted, rolled back, paused
    by the progress deadline (a false hold to the deadline: `deadline`), or 1 interval past it."""
    interval = cfg.interval
    hold = cfg.stages[stage_index].hold
    max_ticks = int((hold + (cfg.progress_deadline or 19 * hold)) / interval) + 2
    out = {"current": 0, "previous": 0, "new": 0, "current_rb": 0, "new_rb": 0, "promotions": 0, "timeouts": 0,
           "deadline": 0, "flagger1": 0, "flagger5": 0, "flagger10": 0}
    durations = []
    causes: dict[str, int] = {}
    causes_rb: dict[str, int] = {}  # what rolled back the round-4 policy (stage gates roll back)
    holding: dict[str, int] = {}
    for t in stages:
        await reset(c, cfg.name)
        gw = SimGateway(clock, rate, cfg.stages[stage_index].percent, seed * 7_919 + t, HISTORY,
                        healthy_err=HEALTHY_ERR, base_err=BASELINE_ERR)
        ref.gw = gw
        before = len(rx.calls)
        await c.act(cfg.name, "start", actor="bench")
        for _ in range(stage_index):
            await c.act(cfg.name, "promote", actor="bench")
        started = clock.time()
        failed = 0
        outcome = "timeout"
        fired = False
        held: str | None = None  # the first held gate trip: round 4's policy rolled back there
        t_held = t_fired = t_end = math.inf
        fired_prev = False
        for _ in range(max_ticks):
            mid = await advance(c, clock, cfg.name, interval)
            if not fired and (mid is not None or change_fired(c, cfg.name)):
                fired, t_fired = True, (mid or clock.time())
            fired_prev = fired_prev or change_fired(c, cfg.name, PREVIOUS_TRIGGER)
            if held is None and (held := held_trip(c, cfg.name)) is not None:
                t_held = clock.time()
            if not flagger_check(gw, interval):
                failed += 1
            snap = c.transitions.seen[cfg.name]  # what the tick just saw or wrote (no extra query)
            if snap.state in ("rolling_back", "rolled_back"):
                outcome, t_end = "rollback", clock.time()
                break
            if snap.stage_index > stage_index:
                outcome = "promoted"
                break
            if snap.state == "paused":  # the progress deadline (on_progress_deadline: pause)
                outcome = "deadline"
                break
        durations.append(clock.time() - started)
        while clock.time() - started < hold:  # Flagger over the same trace for at least the hold
            clock.advance(interval)
            if not flagger_check(gw, interval):
                failed += 1
        out["flagger1"] += failed >= 1
        out["flagger5"] += failed >= 5
        out["flagger10"] += failed >= 10
        out["new"] += outcome == "rollback" or fired
        out["previous"] += outcome == "rollback" or fired_prev
        if fired:
            causes[CHANGE_TRIGGER + " (new)"] = causes.get(CHANGE_TRIGGER + " (new)", 0) + 1
        if fired_prev:
            causes[PREVIOUS_TRIGGER] = causes.get(PREVIOUS_TRIGGER, 0) + 1
        gates: list[str] = []
        if outcome == "rollback":
            out["current"] += 1
            assert len(rx.calls) == before + 1
            gates = list(rx.calls[-1]["reasons"])
            for gate in gates:
                causes[gate] = causes.get(gate, 0) + 1
        elif outcome == "promoted":
            out["promotions"] += 1
        else:
            out[outcome if outcome == "deadline" else "timeouts"] += 1
            snap = await c._load(cfg.name)
            for v in snap.data.get("verdicts", []):
                if v["role"] == "gate" and v["verdict"] != "pass":
                    key = f"{v['name']}:{v['verdict']}"
                    holding[key] = holding.get(key, 0) + 1
        # Round 4 (stage gates roll back): whichever came first, the held trip or what this run saw.
        out["current_rb"] += min(t_held, t_end) < math.inf
        out["new_rb"] += min(t_held, t_end, t_fired) < math.inf
        if held is not None and t_held <= min(t_end, t_fired):
            firsts = [held + (" (same tick as another)" if min(t_end, t_fired) == t_held else "")]
        else:
            firsts = gates if t_end <= t_fired else [CHANGE_TRIGGER + " (new)"] if fired else []
        for gate in firsts:
            causes_rb[gate] = causes_rb.get(gate, 0) + 1
    return {**out, "durations": durations, "causes": causes, "causes_rb": causes_rb, "holding": holding}


@contextlib.asynccontextmanager
async def world(args: argparse.Namespace) -> AsyncIterator[tuple[ManualClock, Receiver, str, Store, GatewayRef]]:
    """A world of its own - the simulated clock, the hook receiver (and its URL), a throwaway SQLite store, the gateway
    ref - with the module's rates set from `args` (a --jobs process starts with the module's defaults)."""
    globals().update(HEALTHY_ERR=args.healthy_err, REGRESSED_ERR=args.regressed_err, BASELINE_ERR=args.baseline_err,
                     HISTORY=args.history)
    clock = ManualClock(start=1_763_900_000.0)
    rx = Receiver(clock)
    url = await rx.start()
    tmp = tempfile.TemporaryDirectory()
    store = await open_sqlite(str(Path(tmp.name) / "bench.db"))
    try:
        yield clock, rx, url, store, GatewayRef()
    finally:
        await store.close()
        await rx.stop()
        tmp.cleanup()


def hook_figures(rx: Receiver) -> dict:
    """The rollback hook calls a world's receiver got: how many, unsigned, repeated idempotency keys."""
    keys = [call["key"] for call in rx.calls]
    return {"hook_calls": len(rx.calls), "unsigned": sum(not call["signed"] for call in rx.calls),
            "dup_keys": len(keys) - len(set(keys))}


async def false_world(idx: int, first: int, last: int, args: argparse.Namespace) -> dict:
    """Healthy stages first..last-1 at stage `idx` in a world of their own: clock, store, hook receiver."""
    async with world(args) as (clock, rx, url, store, ref):
        cfg = rollout_for_bench(url, args.hold, args.deadline).model_copy(update={"name": "async-upload-healthy"})
        c = RolloutController([cfg], store, ref, clock=clock, replica="bench")
        fb = await run_false(c, ref, rx, clock, cfg, idx, range(first, last), args.rate, args.seed + idx)
        await c.stop()
    return {**fb, **hook_figures(rx)}


def _false_world_process(idx: int, first: int, last: int, args: argparse.Namespace) -> dict:
    logging.disable(logging.CRITICAL)
    return asyncio.run(false_world(idx, first, last, args))


def merge(parts: list[dict]) -> dict:
    """Sum the shards' counts, join their durations, add up their per-gate tallies."""
    out: dict = {}
    for part in parts:
        for k, v in part.items():
            if isinstance(v, dict):
                tally = out.setdefault(k, {})
                for gate, n in v.items():
                    tally[gate] = tally.get(gate, 0) + n
            elif isinstance(v, list):
                out.setdefault(k, []).extend(v)
            else:
                out[k] = out.get(k, 0) + v
    return out


async def healthy_stages(idx: int, args: argparse.Namespace) -> dict:
    """(b) at stage `idx`: stage numbers 0..stages-1 split in `--jobs` contiguous shares (the stage levels
    run side by side, so --jobs 4 with 1% and 10% is 8 processes; mostly waiting on thread handoffs)."""
    jobs = max(1, min(args.jobs, args.stages))
    cuts = [args.stages * j // jobs for j in range(jobs + 1)]
    if jobs == 1 and args.jobs <= 1:
        return await false_world(idx, 0, args.stages, args)
    loop = asyncio.get_running_loop()
    spawn = multiprocessing.get_context("spawn")  # no fork of a process with threads and a running loop
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=spawn) as pool:
        futs = [loop.run_in_executor(pool, _false_world_process, idx, cuts[j], cuts[j + 1], args) for j in range(jobs)]
        return merge(list(await asyncio.gather(*futs)))


def fmt_delays(values: list[float], interval: float) -> str:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return "never"
    q = statistics.quantiles(finite, n=10) if len(finite) >= 2 else [finite[0]] * 9
    med, p90, mx = statistics.median(finite), q[8], max(finite)
    missed = len(values) - len(finite)
    tail = f", missed {missed}" if missed else ""
    return (f"median {med:6.0f}s ({med / interval:4.2f} iv)  p90 {p90:6.0f}s ({p90 / interval:4.2f} iv)  "
            f"max {mx:6.0f}s ({mx / interval:4.2f} iv){tail}")


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stages", type=int, default=1000, help="healthy stages for (b), at each of 1%% and 10%%")
    ap.add_argument("--trials", type=int, default=100, help="regression trials per traffic level for (a)")
    ap.add_argument("--rates", default="0.33333,3.33333,50", help="gateway requests/s (all variants) for (a)")
    ap.add_argument("--rate", type=float, default=3.33333, help="gateway requests/s for (b) (20 async/min at 10%%)")
    ap.add_argument("--hold", type=float, default=600.0, help="stage hold for (b), seconds (plan: days)")
    ap.add_argument("--warm", type=float, default=600.0, help="healthy seconds in the stage before the regression")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--detect-percent", type=float, default=10.0, help="the stage of (a): 10 or 1 (%%)")
    ap.add_argument("--healthy-stages", default="0,1", help="stage indexes for (b): 0 = 1%%, 1 = 10%%")
    ap.add_argument("--healthy-err", type=float, default=0.01, help="canary error rate when healthy")
    ap.add_argument("--baseline-err", type=float, default=None, help="sync error rate (default: healthy)")
    ap.add_argument("--regressed-err", type=float, default=0.08, help="canary error rate after the regression")
    ap.add_argument("--history", type=float, default=0.0,
                    help="seconds of sync traffic before each stage starts (the hub's window holds 1800 in "
                         "production; 0 = every stage starts with an empty baseline, as before round 4)")
    ap.add_argument("--deadline", type=float, default=None,
                    help="progress deadline for (b), seconds after the hold (default 19 x hold: a healthy stage "
                         "not promoted within 20 x hold is paused, a false hold to the deadline)")
    ap.add_argument("--jobs", type=int, default=1,
                    help="(b) in this many processes, each a share of the stage numbers in its own world "
                         "(clock, store, receiver); the same seeded traces and figures as --jobs 1")
    args = ap.parse_args()
    if args.deadline is None:
        args.deadline = 19 * args.hold
    wall = time.perf_counter()
    calls = {"hook_calls": 0, "unsigned": 0, "dup_keys": 0}  # hook calls of every world (the shards' included)
    async with world(args) as (clock, rx, url, store, ref):
        base_err = HEALTHY_ERR if BASELINE_ERR is None else BASELINE_ERR
        det_cfg = rollout_for_bench(url, None)
        c = RolloutController([det_cfg], store, ref, clock=clock, replica="bench")
        iv = det_cfg.interval
        print(f"rollout_sim: interval {iv:g}s, seed {args.seed}, canary errors {HEALTHY_ERR:.1%} -> "
              f"{REGRESSED_ERR:.0%}, baseline (sync) errors {base_err:.1%}, {HISTORY:g}s of sync history at each "
              f"stage start; rules/rollouts.yaml (async-upload); "
              f"current = shipped rules without `{CHANGE_TRIGGER}`, new = with it")
        for rate in [float(r) for r in args.rates.split(",") if r]:
            r = await run_detection(c, ref, rx, clock, det_cfg, args.detect_percent, args.trials, rate, args.seed, args.warm)
            per_min = rate * 60 * args.detect_percent / 100
            print(f"\n(a) detection at the {args.detect_percent:g}% stage, {per_min:.3g} async uploads/min ({args.trials} trials, regression "
                  f"after {args.warm:g}-{args.warm + iv:g}s healthy; {r['warm_false']} false alarms during warm-ups)")
            for label, key in (("current, gates roll back (r4)", "current_rb"), ("current, floors hold (r5)", "current"),
                               ("r7 change trigger (at evaluations)", "previous"),
                               ("new, gates roll back (r4)", "new_rb"), ("new, floors hold (shipped)", "new"),
                               ("Flagger-style N=1", "flagger1"), ("Flagger-style N=5", "flagger5"),
                               ("Flagger-style N=10", "flagger10")):
                print(f"    {label:32s} {fmt_delays(r[key], iv)}")
        await c.stop()

        if args.stages:
            false_cfg = rollout_for_bench(url, args.hold, args.deadline)
            idxs = [int(i) for i in args.healthy_stages.split(",")]

            async def level(i: int) -> tuple[int, dict]:
                return i, await healthy_stages(i, args)
            # Each level printed as soon as it is done: a 1% level takes hours on a loaded machine and
            # the 10% one's figures were held until it ended (round 13: lost at the deadline).
            for done in asyncio.as_completed([level(i) for i in idxs]):
                idx, fb = await done
                d = fb["durations"]
                pct = false_cfg.stages[idx].percent
                print(f"\n(b) {args.stages} healthy stages at {pct:g}% ({args.rate * 60 * pct / 100:.1f} async/min), "
                      f"canary = baseline errors {HEALTHY_ERR:.1%} vs {base_err:.1%}, hold {args.hold:g}s, "
                      f"progress deadline {false_cfg.progress_deadline:g}s after it, "
                      f"min samples {false_cfg.stages[idx].min_samples}")
                print(f"    rollbacks: current {fb['current_rb']} (r4) / {fb['current']} (r5), r7 trigger "
                      f"{fb['previous']}, new {fb['new_rb']} (r4) / {fb['new']} (shipped), Flagger-style N=1 {fb['flagger1']}, "
                      f"N=5 {fb['flagger5']}, N=10 {fb['flagger10']}")
                print(f"    current: {fb['promotions']} promoted, {fb['deadline']} paused at the progress deadline "
                      f"(false holds to the deadline), {fb['timeouts']} neither; "
                      f"stage length median {statistics.median(d):.0f}s, max {max(d):.0f}s")
                if fb["holding"]:
                    print(f"    gates not passing when the stage stopped: {fb['holding']}")
                print(f"    rollback causes, r4 (gates roll back): {fb['causes_rb']}")
                print(f"    rollback causes, r5 (success floors hold): {fb['causes']}", flush=True)
                for k in calls:
                    calls[k] += fb[k]
        for k, v in hook_figures(rx).items():
            calls[k] += v
        print(f"\nrollback hook calls received: {calls['hook_calls']}, all signatures valid: {calls['unsigned'] == 0}, "
              f"duplicate idempotency keys: {calls['dup_keys']}")
        print(f"wall time {time.perf_counter() - wall:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
