"""A value of two plain lowercase words in a slot nothing announces (errors/slots.py `_pair`, round 20 i15g).

Class: after a preposition (whose complement is a noun phrase), a `%s` / `{}` / `%v` conversion prints its string argument as is, blanks included (C printf, Python
`%`-format and `str.format`, Go fmt `%v`/`%s` of a string, slf4j `{}`), so one call site prints `for ledger
config` and `for users main`: two adjacent tokens that differ together, every other token agreeing. Round 20's
error analysis (bench/grouping_miss_classes.py, spent seeds) counted it under "adjacent positions differ" in all
three generated benches. Twins kept apart: a capitalised phrase (`Bad file descriptor`, a sentence-like text), a
verb form in either word (`closed by` / `reset by`), a negation or aspect adverb, a pair of ALL-CAPS words, a
failure word, three adjacent words, and a run of two words in the subject/verb positions.
Generated: frames x words x seeds; none of the frames is from a benchmark."""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.fingerprint import normalize_message
from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.token_forms import names_failure
from sidecar.errors.word_slots import POLARITY, negated

SEEDS = range(1, 9)
# A slot past the subject and verb, agreeing literal context on both sides or at the end; several shapes.
FRAMES = (
    "keytab holds no usable keys for {} on this realm",
    "replica refused the snapshot from {} after the checksum check",
    "scheduler parked the job for {} behind the compaction",
    "cache warmer could not locate the manifest of {}",
    "exporter dropped the batch for {}",
    "index builder skipped the table in {} because its lease is held",
)


def _word(rng: random.Random) -> str:
    while True:
        w = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 9)))
        if not (names_failure(w) or negated(w) or w in POLARITY or "ed" in w or "ing" in w or w.endswith("s")):
            return w


def _groups(*messages: str) -> int:
    grouper = MessageGrouper()
    return len({grouper.fingerprint(m, "svc") for m in messages})


def _masked_alone(frame: str, value: str) -> bool:
    """The value's words change nothing else in the masking (a key word before a token masks it)."""
    return normalize_message(frame.format(value)) == normalize_message(frame.format("qqzx")).replace("qqzx", value)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("frame", FRAMES)
def test_two_word_values_of_one_call_site_are_one_group(frame: str, seed: int) -> None:
    rng = random.Random(seed)
    values = [f"{_word(rng)} {_word(rng)}" for _ in range(4)]
    values = [v for v in values if _masked_alone(frame, v)]
    assert _groups(*(frame.format(v) for v in values)) == 1


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("frame", FRAMES)
def test_twins_stay_apart(frame: str, seed: int) -> None:
    rng = random.Random(seed)
    a, b, c = _word(rng), _word(rng), _word(rng)
    # a capitalised phrase is a sentence-like text, not a name
    assert _groups(frame.format(f"Bad {a}"), frame.format(f"Good {b}")) == 2
    # a verb form, a negation/aspect adverb, capitals, a failure word in either word
    assert _groups(frame.format(f"closed {a}"), frame.format(f"reset {b}")) == 2
    assert _groups(frame.format(f"{a} pending"), frame.format(f"{b} running")) == 2
    assert _groups(frame.format(f"not {a}"), frame.format(f"already {b}")) == 2
    assert _groups(frame.format(f"{a.upper()} {b.upper()}"), frame.format(f"{b.upper()} {c.upper()}")) == 2
    assert _groups(frame.format(f"{a} timeout"), frame.format(f"{b} refused")) == 2
    # three adjacent words that differ are another phrase
    assert _groups(frame.format(f"{a} {b} {c}"), frame.format(f"{c} {a} {b}")) == 2


@pytest.mark.parametrize("seed", SEEDS)
def test_the_subject_and_verb_stay_the_event(seed: int) -> None:
    rng = random.Random(seed)
    a, b, c, d = (_word(rng) for _ in range(4))
    assert _groups(f"{a} {b} the manifest of the nightly export",
                   f"{c} {d} the manifest of the nightly export") == 2
    # after a noun, not a preposition: another predicate (test_unannounced_values' `replica <a> <b> on the rack`)
    assert _groups(f"scheduler placed the replica {a} {b} on the rack",
                   f"scheduler placed the replica {c} {d} on the rack") == 2


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("verb", ["sending", "while getting", "has parsed", "Error reading"])
def test_the_object_of_a_verb_form_names_the_action(seed: int, verb: str) -> None:
    """`sending copy end failed` / `sending close portal failed` (psycopg's statements, one per protocol
    message): the words right after a verb's -ing/-ed form are what it does, not a value."""
    rng = random.Random(seed)
    a, b, c, d = (_word(rng) for _ in range(4))
    assert _groups(f"OperationalError: {verb} {a} {b} failed: broken pipe",
                   f"OperationalError: {verb} {c} {d} failed: broken pipe") == 2


# Real-English twins (round 20 FXG): after a preposition that takes the statement's own fixed phrase (`by`, `on`,
# `during`, `with`, `over`...), two two-word complements are two call sites, not one `%s`. The pairs are common
# English noun phrases (adjective + noun) of the kind a program writes into its format string.
_FIXED = (("remote peer", "local client"), ("full disk", "slow network"), ("other process", "same thread"),
          ("tls handshake", "http upgrade"), ("stale cache", "cold start"), ("main thread", "signal handler"))
_FIXED_FRAMES = ("upstream connection was closed by {} while reading", "worker write was blocked on {} for the segment",
                 "lock file is held by {}", "stream reset happened during {}", "request was aborted with {} pending",
                 "scheduler stalled over {} again")


@pytest.mark.parametrize("frame", _FIXED_FRAMES)
@pytest.mark.parametrize("pair", _FIXED)
def test_fixed_phrases_after_other_prepositions_stay_apart(frame: str, pair: tuple[str, str]) -> None:
    assert _groups(frame.format(pair[0]), frame.format(pair[1])) == 2


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("frame", ("upstream connection was closed by {}", "stream reset happened during {}"))
def test_a_one_word_value_after_other_prepositions_is_still_a_slot(frame: str, seed: int) -> None:
    """The restriction is to PAIRS: a single differing word after `by` stays a slot (a peer's name)."""
    rng = random.Random(seed)
    assert _groups(*(frame.format(_word(rng)) for _ in range(3))) == 1
