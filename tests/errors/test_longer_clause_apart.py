"""GROUPING_CLASSES2 T12: a format string that is a strict prefix of another (`W W %s` and `W W %s, W W %s`,
the `, retrying in %s` variant of an error) is two templates; a learner that fills a variable-length slot with
the extra clause would merge them.

Generated: a base message of constant words with one value (a number, a duration, a hex id, a name: the
slot classes the clause's own value takes), and the same message with a clause of two constant words and a
value appended; seeds vary the words, the values and the order the two arrive in. The twin that must not
change: the same base with two values of its slot is one event. Measured over 26 value classes in
bench/grouping_classes.py `--twins T12_longer` (RESULTS.md, round 10: 2,281/2,287 pairs apart).
"""

from __future__ import annotations

import random

import pytest

from sidecar.errors.grouper import MessageGrouper

WORDS = ("upload", "spool", "ledger", "replica", "cursor", "lease", "bucket", "journal", "shard", "backlog")
CLAUSES = (("retrying", "in"), ("giving", "up"), ("next", "attempt"), ("waited", "for"))


def _value(rng: random.Random) -> str:
    return rng.choice((str(rng.randint(1, 9999)), f"{rng.randint(1, 900)}ms", f"0x{rng.getrandbits(32):08x}",
                       f"{rng.randint(1, 59)}m{rng.randint(1, 59)}s"))


@pytest.mark.parametrize("seed", range(6))
def test_a_message_and_its_longer_variant_stay_two_events(seed: int) -> None:
    rng = random.Random(f"t12-{seed}")
    base = f"{rng.choice(WORDS)} flush of the {rng.choice(WORDS)} failed after {{}} attempts"
    clause = " ".join(rng.choice(CLAUSES))
    longer = base + f", {clause} {{}}"
    grouper = MessageGrouper()
    lines = [(base.format(_value(rng)), "base") for _ in range(4)]
    lines += [(longer.format(_value(rng), _value(rng)), "longer") for _ in range(4)]
    rng.shuffle(lines)
    by_kind: dict[str, set[str]] = {"base": set(), "longer": set()}
    for text, kind in lines:
        by_kind[kind].add(grouper.fingerprint(text, "svc"))
    assert not by_kind["base"] & by_kind["longer"]
    assert len(by_kind["base"]) == 1 and len(by_kind["longer"]) == 1  # the twin: values do not split
