"""Held-out grouping accuracy: `ours` vs Drain3 on logs generated from 8 installed packages' own log statements.

WRITTEN BY A WRITER WHO NEVER READ THE GROUPING (sidecar/errors/*, bench/grouping.py's bodies, its tests,
bench/slot_values.py, bench/grouping_slots.py). THE GROUPING'S AUTHOR MUST NOT RUN OR READ THIS MODULE, NOR
bench/heldout_*.py, while tuning: once it has been looked at or tuned against, it is not held out any more.

The systems (bench/heldout_logs.py): aiohttp (network/HTTP), websockets (protocol), psycopg (database), redis
(database, key-value), uvicorn (web server), pip (packaging), setuptools (packaging/build), asyncio
(scheduling). Their templates are the call sites of the installed source (bench/heldout_templates.py), their
slot values are drawn by what each argument is (bench/heldout_values.py), so the true template of every line
is known by construction. Each line's message is cut from its header with the system's own regex and fed, in
order, to `grouping.ours` (masking + a fresh online learner, default settings: nothing here is tuned) and to
`grouping.drain3` (default config), in the same run; GA is `grouping.grouping_accuracy` (Zhu et al.: a message
is right when its predicted group holds exactly the messages of its true template).

    .venv/bin/python bench/grouping_heldout.py [--seeds 1 2 ... 10] [--lines 2000] [--misses 0] [--mixed-shapes]
        [--no-raises]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from statistics import mean, stdev

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grouping  # noqa: E402
import heldout_logs  # noqa: E402
import heldout_values  # noqa: E402


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return f"stdlib {sys.version_info.major}.{sys.version_info.minor}"


def seed_summary(seeds: Sequence[int], per_seed: Sequence[tuple[float, float]], start: float) -> None:
    """The per-seed lines every blind grouping benchmark prints under its table (also grouping_heldout_c.py)."""
    print("per-seed means (ours, drain3): " + ", ".join(f"seed {s}: {o:.3f}/{d:.3f}"
                                                        for s, (o, d) in zip(seeds, per_seed, strict=True)))
    diffs = [o - d for o, d in per_seed]
    spread = f", sd {stdev(diffs):.3f}" if len(diffs) > 1 else ""
    print(f"ours - drain3 per seed: mean {mean(diffs):+.3f}{spread}; ours ahead on {sum(x > 0 for x in diffs)} "
          f"of {len(diffs)} seeds")
    print(f"wall {time.perf_counter() - start:.1f} s, load average {os.getloadavg()[0]:.1f}")


def misses(messages: Sequence[str], truth: Sequence[str], predicted: Sequence[object], limit: int) -> list[str]:
    """The true templates whose messages were not grouped exactly (split, or merged with another's)."""
    by_pred: dict[object, set[str]] = defaultdict(set)
    preds: dict[str, set[object]] = defaultdict(set)
    example: dict[str, str] = {}
    for m, t, p in zip(messages, truth, predicted, strict=True):
        by_pred[p].add(t)
        preds[t].add(p)
        example.setdefault(t, m)
    out = []
    for t, ps in sorted(preds.items(), key=lambda kv: -len(kv[1])):
        merged = set().union(*(by_pred[p] for p in ps)) - {t}
        if len(ps) > 1 or merged:
            out.append(f"    split {len(ps)} merged-with {len(merged)}: {t[:110]}\n      e.g. {example[t][:110]}")
    return out[:limit]


def run(seeds: Sequence[int], lines: int, show: int, raises: bool = True) -> dict[str, list[tuple[float, float]]]:
    """GA (ours, Drain3) per system and seed."""
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in heldout_logs.SYSTEMS}
    for name in heldout_logs.SYSTEMS:
        n_templates = len(heldout_logs.system_templates(name))
        if n_templates == 0:
            print(f"{name}: not installed here, skipped", file=sys.stderr)
            continue
        for seed in seeds:
            raw, truth = heldout_logs.generate(name, seed, lines, raises)
            messages = [heldout_logs.content(name, line) for line in raw]
            ga_ours = grouping.grouping_accuracy(truth, grouping.ours(messages))
            ga_drain = grouping.grouping_accuracy(truth, grouping.drain3(messages))
            results[name].append((ga_ours, ga_drain))
            # reference: one group per distinct message text (how much the slots vary at all)
            ga_exact = grouping.grouping_accuracy(truth, messages)
            print(f"{name:<11} seed {seed}: templates {len(Counter(truth)):>3}/{n_templates:<3} "
                  f"GA ours {ga_ours:.3f}  drain3 {ga_drain:.3f}  (identical text {ga_exact:.3f})", flush=True)
            if show:
                print("\n".join(misses(messages, truth, grouping.ours(messages), show)))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 11)))
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--misses", type=int, default=0, help="print up to N mis-grouped true templates of ours")
    ap.add_argument("--mixed-shapes", action="store_true",
                    help="adversarial variant: every slot mixes all value shapes of its kind (default: 25%%)")
    ap.add_argument("--no-raises", action="store_true",
                    help="logger calls and warnings only (no raised messages): closer to a service's running log")
    args = ap.parse_args(argv)
    if args.mixed_shapes:
        heldout_values.MIXED = 1.0
    start = time.perf_counter()
    results = run(args.seeds, args.lines, args.misses, not args.no_raises)
    print("\n| system | package version | GA ours | GA Drain3 |\n|---|---|---|---|")
    per_seed: list[tuple[float, float]] = []
    for name, rows in results.items():
        if not rows:
            continue
        o, d = [r[0] for r in rows], [r[1] for r in rows]
        print(f"| {name} ({heldout_logs.SYSTEMS[name].kind}) | {version(heldout_logs.SYSTEMS[name].package)} | "
              f"{mean(o):.3f} ({min(o):.3f}-{max(o):.3f}) | {mean(d):.3f} ({min(d):.3f}-{max(d):.3f}) |")
    for i in range(len(args.seeds)):
        rows = [r[i] for r in results.values() if r]
        per_seed.append((mean(r[0] for r in rows), mean(r[1] for r in rows)))
    print(f"| **mean of {len([r for r in results.values() if r])} systems** | | "
          f"**{mean(p[0] for p in per_seed):.3f}** | **{mean(p[1] for p in per_seed):.3f}** |")
    seed_summary(args.seeds, per_seed, start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
