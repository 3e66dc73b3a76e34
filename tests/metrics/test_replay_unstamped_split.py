"""A replayed spike of records without a usable time, split across two reads, is still placed.

The class (review of round 10, #19): a replay longer than one read (follow.READ_BUDGET bytes per
file per poll) goes on in the next poll. A spike (metrics/unstamped.py: at most MAX_RUN records
without a usable time - no timestamp, or stamped far ahead of the writer's clock) waits for its
writer's next placed record; when the read's byte budget ends inside the run, that record is in the
NEXT read. jsonl.poll dropped the waiting run after each source of each read, so the run was counted
unplaced (`future_in_history`) where the same run one read earlier or later was placed. Varied per
seed: the run's length (1..MAX_RUN), where the budget cuts it, the kinds of its records, the writer's
clock (right, ahead, behind), the record size (the request id's length, as the gateway's vary).
The records after the cut are untimed, or (even seeds, round 16) stamped far ahead: the next read then
STARTS with far-ahead stamps, and writerclocks.step_offsets must see that the stamps had jumped up in
the read before (a spike, not a clock that stepped back).
Asserted: every odd record is in the window at its predecessor's replayed time, nothing unplaced, and
the read really was cut inside the run (the first poll read the records before the cut only).
Near-miss twin that must NOT change: a run longer than MAX_RUN cut the same way stays out. A spike the
file ends with (no placed record after it, the replay's last read) stayed out until round 11; it is
placed after its predecessor now (14026).
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import asdict
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.metrics.follow import READ_BUDGET
from sidecar.metrics.unstamped import MAX_RUN
from tests.metrics.test_clock_file import T0, placed, source
from tests.rollout.upstream_writer import UploadMetrics, utc_iso


def line(n: int, stamp: float | None, pad: int) -> bytes:
    rec = asdict(UploadMetrics("async", True, 800.0 + n, utc_iso(stamp) if stamp is not None else "",
                               request_id="r" * pad))
    if stamp is None:
        del rec["timestamp"]
    return (json.dumps(rec) + "\n").encode()


def build(path: Path, rng: random.Random, run: int, cut: int, offset: float, t_end: float, after: int,
          ahead: bool = True, stamped_after_cut: bool = False) -> list[int]:
    """A file past READ_BUDGET whose `run` odd records straddle the budget (`cut` of them before it),
    then `after` stamped records; the writer stamps `offset` s off our clock. Returns the odd ones.
    `stamped_after_cut`: the odd records after the cut are stamped far ahead too (the next read STARTS
    with far-ahead stamps), else untimed."""
    pad = rng.randrange(1500, 3000)
    size = len(line(99_999, T0 + 0.123456, pad))  # the longest a record of this pad gets
    n_before = (READ_BUDGET - (run + 2) * (size + 64)) // size  # room left for the filler and the run
    t = t_end - 0.2 * (n_before + run + after + 2)
    out = bytearray()
    n = 0
    for _ in range(n_before):
        out += line(n, t + offset, pad)
        n += 1
        t += 0.2
    odd = []
    odd_lines = []
    for i in range(run):
        # Before the cut: untimed or stamped far ahead. After it: untimed, or (stamped_after_cut) far
        # ahead, where the next read starts with them (writerclocks.step_offsets must not take the
        # drop back from them as a clock step: round 16).
        spike = (rng.choice([None, rng.uniform(600, 6 * 3600)]) if i < cut and ahead
                 else rng.uniform(600, 6 * 3600) if i >= cut and stamped_after_cut else None)
        odd_lines.append(line(n + 1 + len(odd), None if spike is None else t + offset + spike, pad))
        odd.append(n + 1 + len(odd))
    before = sum(len(x) for x in odd_lines[:cut])
    # One filler record sized so that the budget ends in the middle of odd record `cut`.
    filler_len = READ_BUDGET - len(out) - before - len(odd_lines[cut]) // 2
    base = len(line(n, t + offset, 0))
    assert filler_len > base, "the generator's sizes do not fit the budget"
    out += line(n, t + offset, filler_len - base)
    n += 1 + run
    for x in odd_lines:
        out += x
    for _ in range(after):
        t += 0.2
        out += line(n, t + offset, pad)
        n += 1
    path.write_bytes(bytes(out))
    os.utime(path, (t_end, t_end))
    return odd


async def replay(tmp_path: Path, seed: int, run: int, after: int, ahead: bool = True,
                 stamped_after_cut: bool = False) -> tuple[dict[int, float], list[int], int, int]:
    rng = random.Random(seed)
    clock = ManualClock(start=T0)
    offset = rng.choice([0.0, 1.0, -1.0]) * rng.choice([45.0, 120.0, 600.0])
    cut = rng.randrange(1, run)
    path = tmp_path / "metrics.jsonl"
    odd = build(path, rng, run, cut, offset, clock.time(), after, ahead, stamped_after_cut)
    src = source(path, clock, None, "beginning")
    await src.poll()
    first = src.lines
    assert src.replaying, "the first read must not reach the end of the file"
    while src.replaying:
        await src.poll()
    got = placed(src)
    unplaced = src.status()["future_in_history"]
    src.close()
    return got, odd, first - odd[0], unplaced  # odd lines the first read held


@pytest.mark.parametrize("seed", range(1, 9))
async def test_a_spike_cut_by_the_read_budget_is_placed_after_its_predecessor(tmp_path: Path, seed: int) -> None:
    """Even seeds: the records after the cut are stamped far ahead (round 16: the replay's last read
    started with them, step_offsets took their drop back to the writer's clock as a clock step and put
    them at their successor's time, one record gap late)."""
    run = random.Random(seed * 7919).randrange(2, MAX_RUN + 1)
    got, odd, in_first, unplaced = await replay(tmp_path, seed, run, after=random.Random(seed).randrange(1, 30),
                                                stamped_after_cut=seed % 2 == 0)
    assert 0 < in_first < len(odd), (seed, in_first, len(odd))  # the run really was cut
    assert unplaced == 0 and all(k in got for k in odd), (seed, unplaced, [k for k in odd if k not in got])
    predecessor = odd[0] - 1
    assert all(got[k] == got[predecessor] for k in odd), seed


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_run_longer_than_a_spike_cut_by_the_budget_stays_out(tmp_path: Path, seed: int) -> None:
    got, odd, in_first, unplaced = await replay(tmp_path, seed, MAX_RUN + 1 + seed, after=5)
    assert 0 < in_first < len(odd)
    assert unplaced == len(odd) and not any(k in got for k in odd)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_spike_the_file_ends_with_is_placed_after_its_predecessor_too(tmp_path: Path, seed: int) -> None:
    """Round 11 changed this twin (it said "stays out"): a spike no placed record follows - the file's
    last lines when the sidecar comes back - is placed where its predecessor went, as one followed by a
    record is (metrics/unstamped.py `ends`; generated scenario 14026: one upload short). Untimed only:
    a file that ENDS with far-ahead stamps sets the replay's clock (writerclocks.replay_offset)."""
    got, odd, in_first, unplaced = await replay(tmp_path, seed, 2 + seed, after=0, ahead=False)
    assert 0 < in_first < len(odd)
    assert unplaced == 0 and all(got[k] == got[odd[0] - 1] for k in odd), (seed, unplaced)
