"""A message that masking turns into `<*> word` is not a bracketed first item (round 18, 94b50ed8's class).

`shelves.learnable` compares a two-token form whose first token is a writer's bracketed item (`[main] started`).
The masking placeholder `<*>` starts with `<` and ends with `>`, so it passed for one, and a message masked to
`<*> read` (`7 113 bytes read`: a size is masked whole) was merged with an unrelated two-token template
(`-Dfoo.bar.cacheSize: <*>`). Generated: values masking takes whole, several plain words after them, other
two-token statements of several forms, in both orders of arrival; every statement keeps its own group.
"""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.fingerprint import normalize_message
from sidecar.errors.grouper import MessageGrouper

SEEDS = (1801, 1802, 1803)


def _w(r: random.Random, lo: int = 3, hi: int = 9) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


def _masked_whole(r: random.Random) -> str:
    return r.choice((f"{r.randint(1, 9999)} {r.randint(10, 99999)} bytes", f"{r.randint(2, 999)} {r.randint(1, 999)} ms",
                     f"{r.randint(1, 255)}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
                     str(r.randint(10, 10**9))))


def _other(r: random.Random, n: int) -> str:
    kind = r.randrange(3)
    if kind == 0:
        return f"-D{_w(r)}.{_w(r)}.{_w(r)}Size: {n}"
    if kind == 1:
        return f"{_w(r)}: {n}"
    return f"{_w(r)}={n}"


@pytest.mark.parametrize("seed", SEEDS)
def test_a_masked_value_then_a_word_keeps_its_own_group(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(20):
        word = _w(r)
        ours = [f"{_masked_whole(r)} {word}" for _ in range(5)]
        assert normalize_message(ours[0]).split()[0] == "<*>", ours[0]
        other_text = _other(r, 1)
        others = [other_text.rsplit("1", 1)[0] + str(i) if other_text.endswith("1") else other_text for i in range(1, 30)]
        for order in (others + ours, ours + others):
            grouper = MessageGrouper()
            fps = [grouper.fingerprint(m, "svc.worker", "ERROR") for m in order]
            mine = {fp for m, fp in zip(order, fps, strict=True) if m in ours}
            theirs = {fp for m, fp in zip(order, fps, strict=True) if m in others}
            assert not mine & theirs, (ours[0], others[0])
