"""Round 7's review items on layers deciding on weak evidence (evals/RESULTS.md round 8), each with its counterpart.

Class list: the review's own items - a run-time progress record with key=value pairs read as a config load
(origin._LOADS), a queue.get(timeout=...) that ran out read as a usage check (base_family); the counterparts are
the shapes those readers were written for (a settings record, get_nowait on an empty queue). Real errors: the
standard library's queue, an application ValueError; 3 seeds of names and values.
"""

from __future__ import annotations

import queue
import random

import pytest

from .logged import diagnose, raised_and_logged


def _line(text: str) -> str:
    return f"2026-12-06 07:00:00 INFO src.uploads.worker: {text}"


def _batch_error(batch: int) -> None:
    raise ValueError(f"batch {batch} has no rows to upload")


@pytest.mark.parametrize("seed", range(3))
def test_a_progress_record_with_pairs_is_no_config_load(seed: int) -> None:
    rng = random.Random(seed)
    batch = rng.randrange(2, 99)
    progress = _line(f"starting upload batch={batch} size={rng.randrange(10, 90)}")
    d = diagnose("\n".join([progress, raised_and_logged(lambda: _batch_error(batch), "src.uploads.worker", "upload failed")]))
    assert d.category != "config" and "origin:setting" not in (d.rule or ""), (d.rule, d.summary)
    settings = _line(f"upload settings loaded: batch={batch}, mode=strict")
    d = diagnose("\n".join([settings, raised_and_logged(lambda: _batch_error(batch), "src.uploads.worker", "upload failed")]))
    assert d.category == "config", (d.rule, d.summary)


@pytest.mark.parametrize("seed", range(3))
def test_a_timed_get_that_runs_out_is_no_usage_check(seed: int) -> None:
    rng = random.Random(seed)
    q: queue.Queue[int] = queue.Queue()
    wait = rng.choice([0.001, 0.002])

    def timed() -> None:
        q.get(timeout=wait)

    def at_once() -> None:
        q.get_nowait()
    d = diagnose(raised_and_logged(timed, "src.daemon.dispatch", "no job arrived"))
    assert "api.use" not in (d.rule or "") and d.category != "code", (d.rule, d.summary)
    d = diagnose(raised_and_logged(at_once, "src.daemon.dispatch", "no job arrived"))
    assert d.rule == "class:base.api.use" and d.category == "code", (d.rule, d.summary)
