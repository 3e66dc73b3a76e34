"""Reviewer, round 9: an errno name (`errno.errorcode`: EACCES, ENOENT, EPIPE, ECONNRESET...) in a slot
that no failure word announces is still the failure's name, not a value of one event.

Round 9 (f369ea5, errors/slots.py `_positional`) made ALL-CAPS words values like any other, keeping
apart only verb forms in capitals, negated compounds, `names_failure` words and capitals after a failure
word or key (`_failure_slot`). An errno name is none of those by its form (`EACCES` is not a verb form,
`names_failure('EACCES')` is False), so after a neutral verb (`gave`, `hit`, `raised`, `saw`)
`open gave EACCES` and `open gave ENOENT` - permission vs missing file, two diagnoses - become one group.
On 9faacec (two ALL-CAPS words were never a slot) every pair here stays apart.

The class: every letters-only name of errno.errorcode (the C library's own closed set, as the
interpreter has it) that is not a verb form (those, `ETIMEDOUT`/`ECONNREFUSED`, are kept by the verb
guard), in templates whose word before the slot names no failure; seeds vary the pair, the template and
the verb. Was a strict xfail (f369ea5) until the lead restored the ALL-CAPS guard in word_slots.positional_word; was: until an errno name counts as a failure's name (e.g. `names_failure` or
`_failure_slot` reading `errno.errorcode`).
"""

from __future__ import annotations

import errno
import random
import re

import pytest

from sidecar.errors.grouper import MessageGrouper

_NAME = re.compile(r"E[A-Z]{2,}")
ERRNO = sorted({n for n in errno.errorcode.values() if _NAME.fullmatch(n) and not re.search(r"(ED|ING)$", n)})
VERBS = ("gave", "hit", "raised", "saw")  # not `with`: an introducer announces a value on both trees
TEMPLATES = (
    "sqlite open of the cache database {v} {e} on the shared mount",
    "upstream socket to the billing backend {v} {e} while writing the body",
    "attachment spool write for the session {v} {e} during the flush",
)


def _pairs(seed: int) -> list[tuple[str, str]]:
    rng = random.Random(f"errno-apart-{seed}")
    out = []
    for _ in range(8):
        a, b = rng.sample(ERRNO, 2)
        t, v = rng.choice(TEMPLATES), rng.choice(VERBS)
        out.append((t.format(v=v, e=a), t.format(v=v, e=b)))
    return out


def test_the_class_is_not_empty() -> None:
    assert len(ERRNO) >= 40 and {"EACCES", "ENOENT", "EPIPE", "ECONNRESET"} <= set(ERRNO)


@pytest.mark.parametrize("seed", range(4))
def test_two_errno_names_after_a_neutral_verb_stay_two_events(seed: int) -> None:
    merged = []
    for a, b in _pairs(seed):
        grouper = MessageGrouper()
        if grouper.fingerprint(a, "svc") == grouper.fingerprint(b, "svc"):
            merged.append((a, b))
    assert not merged, merged[:3]


def test_the_same_errno_name_with_another_path_word_is_one_event() -> None:
    """The twin that must not change: the same errno name, another value in a slot (a session id)."""
    grouper = MessageGrouper()
    a = grouper.fingerprint("attachment spool write for session s-81c2 gave EACCES during the flush", "svc")
    b = grouper.fingerprint("attachment spool write for session s-07fe gave EACCES during the flush", "svc")
    assert a == b
