"""One grammar for a count of slots in use against its bound (slot_figures.py), read the same by its two readers:
held_slots (the waited primitive at its bound with no work running: a leak, code) and value_denials (a figure well
below its bound denies running out: left out of a quote). Review r18: held_slots read `8/8 in use` and
`in_use=8 max=8` only, value_denials `8/8 in use` and `in_use=8/8` only - each missed the other's spellings.
Generated over seeds: the primitive's name, the bound, the spelling, the separators.
"""

from __future__ import annotations

import random

import pytest

from sidecar.diagnose.value_denials import without_denials

from .logged import diagnose
from .test_held_slots import _wait_error

SPELLINGS = ("{u}/{b} in use", "{u} of {b} busy", "{u}/{b} acquired", "in_use={u}/{b}", "busy: {u} of {b}",
             "in_use={u} max={b}", "in use: {u}, limit: {b}", "{u}/{b} checked out")


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_is_read_by_both_readers(seed: int, spelling: str) -> None:
    rng = random.Random(f"{seed}-{spelling}")
    name, bound = rng.choice(["kimi", "glm", "tools"]), rng.randint(8, 32)
    full = spelling.format(u=bound, b=bound)
    figure = (f"2026-12-06 19:12:0{rng.randint(0, 9)} INFO src.daemon.semaphores: {name} semaphore {full}"
              f"{rng.choice([', ', ' '])}active_requests=0")  # ';' ends the figure's clause
    d = diagnose("\n".join([figure, _wait_error(rng, name)]))
    assert d.category == "code" and d.rule.endswith("+held-slots"), (full, d.rule, d.summary)
    low = spelling.format(u=rng.randint(0, bound // 2), b=bound)
    quoted = without_denials(f"stats: {name} semaphore {low}, cpu 12%")
    assert low not in quoted, (low, quoted)
