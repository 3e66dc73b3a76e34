"""Generated rollout scenarios over many seeds (the CI test runs a few: tests/rollout/test_generated_scenarios.py).

    PYTHONPATH=$PWD .venv/bin/python bench/rollout_scenarios.py 9800-9859 [--jsonl out.jsonl]

Plays `generate(seed)` against the real metrics stream and rollout controller as the test does and
prints, per class of the taxonomy, how many scenarios with that class had findings (a scenario is
wrong when any check of the model fails once; the contract is in the test's docstring).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import logging
import tempfile
from pathlib import Path
from typing import Any

from sidecar.clock import ManualClock
from sidecar.store.sqlite import open_sqlite
from tests.rollout.scenario_gen import Scenario, generate
from tests.rollout.scenario_world import play

CLASSES = ("kill", "lag", "burst", "restart", "skew")


def classes(sc: Scenario) -> list[str]:
    out = {kind for kind in CLASSES if any(e.kind == kind for e in sc.episodes)}
    for name, present in (("two_writers", sc.writers == 2), ("clock_off_from_start", sc.offset0 != 0),
                          ("writer_b_clock_off", sc.offset_b != 0), ("burst_at_promotion", sc.burst_on_promote),
                          ("second_replica", sc.replicas == 2)):
        if present:
            out.add(name)
    return sorted(out)


async def one(seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as d:
        store = await open_sqlite(str(Path(d) / "sidecar.db"))  # the path the scenario's second replica opens
        sc = generate(seed)
        try:
            world = await play(sc, Path(d), store, ManualClock(start=1_763_900_000.0))
            findings = [f"{f.at:.0f}s: {f.what}" for f in world.findings]
        except Exception as exc:  # noqa: BLE001 - a crash is a finding like any other
            findings = [f"crash: {type(exc).__name__}: {exc}"]
        finally:
            await store.close()
    return {"seed": seed, "findings": findings[:6], "classes": classes(sc), "scenario": sc.describe()}


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("seeds", help="A-B (inclusive) or a comma list")
    ap.add_argument("--jsonl", type=Path, help="also write one JSON line per scenario here")
    args = ap.parse_args()
    seeds = (list(range(int(args.seeds.split("-")[0]), int(args.seeds.split("-")[1]) + 1)) if "-" in args.seeds
             else [int(s) for s in args.seeds.split(",")])
    logging.disable(logging.CRITICAL)
    rows = []
    for seed in seeds:
        row = await one(seed)
        rows.append(row)
        if args.jsonl:
            with args.jsonl.open("a") as f:
                f.write(json.dumps(row) + "\n")
        if row["findings"]:
            print(f"seed {seed} {row['classes']}: {row['findings'][0]}", flush=True)
    wrong, total = collections.Counter[str](), collections.Counter[str]()
    for row in rows:
        for c in row["classes"]:
            total[c] += 1
            wrong[c] += bool(row["findings"])
    print(f"{sum(bool(r['findings']) for r in rows)} / {len(rows)} scenarios with findings; per class: "
          + ", ".join(f"{c} {wrong[c]}/{total[c]}" for c in sorted(total)))


if __name__ == "__main__":
    asyncio.run(main())
