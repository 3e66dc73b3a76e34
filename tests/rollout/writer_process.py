"""The gateway's upload records written by a real, separate process in real time.

`python -m tests.rollout.writer_process PATH LEDGER SEED RATE CLOCK_OFFSET` makes upload calls
(upstream_writer.plan: 50% canary, the wrapper's fallback on, ids as documented: none) arriving at
RATE per second, and appends each record when its call produces it, opening PATH in "a" mode per
record as AsyncUploadLogger does, stamped with `datetime.utcnow()` of a clock CLOCK_OFFSET seconds
off. Every call is written to LEDGER (one JSON line, flushed, before its record is appended: a
SIGKILLed writer's ledger never misses a record it wrote) with its true time and canary outcome.
Runs until SIGTERM.
"""

from __future__ import annotations

import json
import random
import signal
import sys
import time
from dataclasses import asdict
from pathlib import Path

from tests.rollout.upstream_writer import plan, records


def main(path: Path, ledger: Path, seed: int, rate: float, clock_offset: float) -> None:
    stop = False

    def on_term(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    rng = random.Random(seed)
    # Calls overlap as the gateway's do (each its own task): every record of the next 10 minutes,
    # in the order they reach the file.
    calls = plan(rng, int(rate * 600), start=time.time(), rate=rate, rollout=50, async_fail=0.02, sync_fail=0.01,
                 fallback=True)
    out = sorted(((t, call, rec) for call in calls for t, rec in records(call, clock_offset)), key=lambda x: x[0])
    with ledger.open("a", buffering=1) as book:
        for t, call, rec in out:
            while not stop and time.time() < t:
                time.sleep(min(0.05, max(0.0, t - time.time())))
            if stop:
                return
            book.write(json.dumps({"t": time.time(), "canary": call.use_async, "failed": call.canary_failed()}) + "\n")
            with path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(asdict(rec)) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]))
