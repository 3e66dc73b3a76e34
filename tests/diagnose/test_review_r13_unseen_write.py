"""Reviewer round 13: unseen_write.py (round 13) reads "an earlier record shows the same id being written" from a write
VERB anywhere on a line naming the id (`_WRITE`: creating, saving, storing, inserting...), whatever the record says
happened. A record of the write FAILING (`error creating conversation <id>: quota exceeded`, `failed saving thread
<id>`) shows the object never existed: the miss is the failed write's consequence, not a read that ran before a
committed write became visible. The module answers "concurrency: a race between the writer and the reader" there.
Twin that must keep the module's answer: the same record saying the write succeeded (its own generated test).
Generated: each seed draws the id shape, the failure wording, the writer's logger and level, the seconds before."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from sidecar.diagnose.excerpt import excerpt_to_input

from .logged import RULES
from .test_unseen_write import _MISS, _READERS, _WRITERS, _id, _stamp

_FAILED = ("error creating conversation {id}: quota exceeded", "failed saving thread {id}: connection reset by peer",
           "exception inserting conversation {id} (rolled back)", "error while storing conversation {id}: timeout",
           "gave up writing thread {id} after 3 retries")


@pytest.mark.parametrize("seed", range(1, 4))
def test_a_miss_after_a_failed_write_is_not_a_read_write_race(seed: int) -> None:
    rnd = random.Random(f"r13-unseen-{seed}")
    oid = _id(rnd)
    miss_at = datetime(2026, 12, 6, rnd.randrange(6, 20), rnd.randrange(60), rnd.randrange(60))
    wrote = rnd.choice(_FAILED).format(id=oid)
    excerpt = (f"{_stamp(miss_at - timedelta(seconds=rnd.uniform(0.5, 30)), rnd)} {rnd.choice(['ERROR', 'WARNING'])} "
               f"{rnd.choice(_WRITERS)}: [req:{rnd.getrandbits(16):04x}] {wrote}\n"
               f"{_stamp(miss_at, rnd)} ERROR {rnd.choice(_READERS)}: [req:{rnd.getrandbits(16):04x}] {_MISS.format(id=oid)}\n")
    d = RULES.diagnose(excerpt_to_input(excerpt))
    assert not d.rule.endswith("+unseen-write") and d.category != "concurrency", (d.rule, d.category, d.root_cause)
