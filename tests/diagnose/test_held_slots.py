"""A wait for a slot of our own bounded primitive, read by that primitive's figure (held_slots.py): at its bound with
no work running is a leak (code); at its bound under load is capacity, not the remote; a figure below its bound,
another primitive's figure or none leaves the answer.

The error is real: asyncio.wait_for around a Semaphore.acquire that never gets a slot (Lib/asyncio/locks.py), logged
as the gateway logs it. Generated over seeds: the primitive's name and bound, the figure's wording, the error's words.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from .logged import diagnose, raised_and_logged

STAMP = "2026-12-06 19:12:30"


async def _wait_for_slot() -> None:
    sem = asyncio.Semaphore(1)
    await sem.acquire()
    await asyncio.wait_for(sem.acquire(), 0)


def _wait_error(rng: random.Random, name: str) -> str:
    text = raised_and_logged(lambda: asyncio.run(_wait_for_slot()), rng.choice(["src.providers.kimi", "src.daemon.ws"]),
                             rng.choice([f"[req:{rng.randrange(16**4):04x}] call failed",
                                         f"[req:{rng.randrange(16**4):04x}] waited 30s for {name} semaphore"]))
    return STAMP + text[len(STAMP):]


def _figure(rng: random.Random, name: str, used: int, bound: int, active: int | None, waiting: int) -> str:
    act = "" if active is None else rng.choice([f", active_requests={active}", f", inflight={active}"])
    form = rng.choice([f"{name} semaphore {used}/{bound} in use, {waiting} waiting{act}",
                       f"{name} semaphore in_use={used} max={bound} waiting={waiting}{act}"])
    return f"2026-12-06 19:1{rng.randint(0, 1)}:0{rng.randint(0, 9)} INFO src.daemon.semaphores: {form}"


@pytest.mark.parametrize("seed", range(4))
def test_slots_held_with_no_work_running_are_a_leak(seed: int) -> None:
    rng = random.Random(seed)
    name, bound = rng.choice(["kimi", "glm", "tools"]), rng.randint(2, 32)
    d = diagnose("\n".join([_figure(rng, name, bound, bound, 0, rng.randint(0, 3)), _wait_error(rng, name)]))
    assert d.category == "code" and d.rule.endswith("+held-slots") and d.confidence < 0.6, (d.rule, d.summary)
    # twin: the same bound reached with work running is the load's (capacity), never code
    d = diagnose("\n".join([_figure(rng, name, bound, bound, rng.randint(1, bound), rng.randint(5, 40)),
                            _wait_error(rng, name)]))
    assert d.category == "capacity", (d.rule, d.summary)


@pytest.mark.parametrize("seed", range(4))
def test_a_figure_below_its_bound_or_of_another_primitive_leaves_the_answer(seed: int) -> None:
    rng = random.Random(seed)
    name, bound = rng.choice(["kimi", "glm"]), rng.randint(4, 32)
    other = "tools" if name != "tools" else "kimi"
    for lines in ([_figure(rng, name, bound - rng.randint(1, 3), bound, 0, 0), _wait_error(rng, name)],
                  [_wait_error(rng, name)]):
        got = diagnose("\n".join(lines))
        assert "held-slots" not in got.rule, (lines, got.rule, got.summary)
    # another primitive's figure at its bound with nothing active says nothing of this named wait
    named = STAMP + raised_and_logged(lambda: asyncio.run(_wait_for_slot()), "src.daemon.ws",
                                      f"waited 30s for {name} semaphore")[len(STAMP):]
    got = diagnose("\n".join([_figure(rng, other, bound, bound, 0, 1), named]))
    assert "held-slots" not in got.rule, (got.rule, got.summary)


@pytest.mark.parametrize("seed", range(4))
def test_a_count_of_another_primitive_on_the_same_line_is_not_this_ones(seed: int) -> None:
    """'0 active' or 'N waiting' of the db pool beside a full kimi semaphore says nothing of the semaphore's work; the
    same count inside the semaphore's own clause still decides (the twin)."""
    rng = random.Random(seed)
    name, bound = rng.choice(["kimi", "glm", "tools"]), rng.randint(2, 32)
    other = rng.choice(["db pool", "redis pool", "embed semaphore"])
    sep = rng.choice(["; ", " | ", ", "])
    stamp = f"2026-12-06 19:1{rng.randint(0, 1)}:0{rng.randint(0, 9)} INFO src.daemon.semaphores: "
    foreign = stamp + f"{name} semaphore {bound}/{bound} in use{sep}{other} {rng.randint(1, 9)}/20 in use, 0 active"
    got = diagnose("\n".join([foreign, _wait_error(rng, name)]))
    assert got.category != "code" and "held-slots" not in got.rule, (foreign, got.rule, got.summary)
    own = stamp + f"{name} semaphore {bound}/{bound} in use, 0 active{sep}{other} {rng.randint(1, 9)}/20 in use, " \
        f"{rng.randint(1, 9)} active"
    got = diagnose("\n".join([own, _wait_error(rng, name)]))
    assert got.category == "code" and "held-slots" in got.rule, (own, got.rule, got.summary)

