"""A bracketed first item before one word (`[%s] started`) groups the same in every arrival order and across a restart.

Class (errors/shelves.py `shelf_of` / `learnable`, round 18's two-token case): the writer's `[%s] started`,
`(%s) exiting`, `<%s> ready` prints a thread, process or task name in its own brackets; a bare value before the
same word (`276 ready`, `reactor-http-nio-4 started.`: masking's `<*> ready`) is another writer's statement and
is never compared at two tokens. Before the fix the bracketed form joined a `<*> ready` template when that came
first and not when it came later, and its widened template lost the brackets (`<*> started`), so a later
`42 started` opened a second group with the same text that a restart reloaded in another order.

Generated per seed: words, items of every kind in each bracket pair, and bare values before the same words;
shuffled orders must give one partition, a learner reloaded from the store halfway through (templates + merges,
as `learning._sync` does) must assign every line what one uninterrupted learner does, and the twins (a bare
value, another bracket pair) stay apart in both orders.
"""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.grouper import MessageGrouper

SEEDS = (1801, 1802, 1803)
BRACKETS = ("[]", "()", "<>")
ITEMS = ("main", "db", "worker-{n}", "{n}", "pool-{n}-thread-{m}", "0x{h}", "Thread-{m}")


def _w(r: random.Random) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(3, 9)))


def _item(r: random.Random) -> str:
    return r.choice(ITEMS).format(n=r.randint(1, 99999), m=r.randint(1, 64), h=f"{r.randrange(16**8):08x}")


def _lines(r: random.Random) -> list[str]:
    lines: list[str] = []
    for word in {_w(r) + r.choice(("", ".", ":")) for _ in range(4)}:
        for br in BRACKETS:
            lines += [f"{br[0]}{_item(r)}{br[1]} {word}" for _ in range(4)]
        lines += [f"{r.randint(1, 9999)} {word}", f"{_w(r)}-{r.randint(1, 9)} {word}"]
    return sorted(set(lines))


def _partition(lines: list[str]) -> frozenset[frozenset[str]]:
    grouper = MessageGrouper()
    for line in lines:
        grouper.fingerprint(line, "svc.worker", "ERROR")
    groups: dict[str, set[str]] = {}
    for line in lines:
        groups.setdefault(grouper.fingerprint(line, "svc.worker", "ERROR"), set()).add(line)
    return frozenset(frozenset(g) for g in groups.values())


@pytest.mark.parametrize("seed", SEEDS)
def test_every_arrival_order_gives_one_partition(seed: int) -> None:
    r = random.Random(seed)
    lines = _lines(r)
    partitions = set()
    for _ in range(12):
        r.shuffle(lines)
        partitions.add(_partition(lines))
    assert len(partitions) == 1


@pytest.mark.parametrize("seed", SEEDS)
def test_a_restart_halfway_assigns_what_one_learner_does(seed: int) -> None:
    r = random.Random(seed)
    lines = _lines(r)
    for _ in range(8):
        r.shuffle(lines)
        straight = MessageGrouper()
        expected = [straight.fingerprint(line, "svc.worker", "ERROR") for line in lines]
        cut = len(lines) // 2
        before = MessageGrouper()
        got = [before.fingerprint(line, "svc.worker", "ERROR") for line in lines[:cut]]
        after = MessageGrouper()  # the restarted replica, seeded from what the first one stored
        after.learner.load([(t.fingerprint, t.bucket, t.text) for t in before.learner.templates()],
                           before.learner.merges())
        got += [after.fingerprint(line, "svc.worker", "ERROR") for line in lines[cut:]]
        assert got == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_a_bare_value_or_other_brackets_stay_apart_in_both_orders(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(20):
        word = _w(r)
        br, other = r.sample(BRACKETS, 2)
        named = [f"{br[0]}{_w(r)}{br[1]} {word}", f"{br[0]}{_w(r)}{br[1]} {word}"]
        for twin in (f"{r.randint(1, 9999)} {word}", f"{other[0]}{_w(r)}{other[1]} {word}"):
            for seq in ([twin, *named], [*named, twin]):
                grouper = MessageGrouper()
                fps = {line: grouper.fingerprint(line, "svc.worker", "ERROR") for line in seq}
                assert fps[named[0]] == fps[named[1]], seq  # one writer's `[%s] word`
                assert fps[twin] != fps[named[0]], seq
