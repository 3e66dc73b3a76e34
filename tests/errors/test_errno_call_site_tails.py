"""A `: %s` call site shown to print errno texts takes any other nested message there (round 11).

The class (sidecar/errors/tail_slot.py; GROUPING_CLASSES S12 second half, GROUPING_CLASSES3 S32 / V4): the
value after a message's last `: ` is `strerror(r)` at one time and another library's message at another,
of any length and shape. Generated here: frames of stdlib docstring words (maybe a `unit:` subject, a
number inside), whose first message ends in an errno text (the evidence: the real `os.strerror`), then
tails drawn by SHAPE, not copied from any program: other errno texts (glibc case or Go's lower case), 1-6
plain words, words with a number and unit, a quoted name, a nested `a b: c d` message, a Go-style chain.

Twins that must NOT change: without errno evidence two tails stay two events; a tail that starts with an
errno text and goes on (a longer clause after a comma, GROUPING_CLASSES2 T12; a constant suffix, T5); another frame whose word
before the colon differs; the same frame logged by another logger.
"""

from __future__ import annotations

import os
import random
import re

import pytest

from sidecar.errors.grouper import MessageGrouper

TEXTS = sorted({os.strerror(n) for n in range(1, 134)} - {f"Unknown error {n}" for n in range(200)})
WORDS = sorted({w for w in re.findall(r"\b[a-z]{4,10}\b", (os.__doc__ or "") + (str.__doc__ or "") + (re.__doc__ or ""))
                if w not in {"error", "errors", "failed", "fail"}})


def _tail(rng: random.Random) -> str:
    """Another library's message, by shape."""
    words = lambda k: " ".join(rng.choice(WORDS) for _ in range(k))  # noqa: E731
    shape = rng.randrange(6)
    if shape == 0:
        text = rng.choice(TEXTS)
        return text.lower() if rng.random() < 0.3 else text
    if shape == 1:
        return words(rng.randint(1, 6))
    if shape == 2:
        return f"{words(rng.randint(1, 2))} after {rng.randint(1, 999)} {rng.choice(('seconds', 'ms', 'tries'))}"
    if shape == 3:
        return f"{words(1)} '{rng.choice(WORDS)}_{rng.randint(0, 99)}' {words(rng.randint(1, 3))}"
    if shape == 4:
        return f"{words(rng.randint(1, 3))}: {words(rng.randint(1, 3))}"
    return f"{rng.choice(('dial', 'read', 'write'))} tcp 10.{rng.randint(0, 255)}.0.{rng.randint(1, 254)}:" \
           f"{rng.randint(1, 65535)}: {words(rng.randint(1, 3))}"


def _frame(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(3, 7))]
    if rng.random() < 0.5:
        words.insert(rng.randint(1, len(words)), "{num}")
    return ("{subject}: " if rng.random() < 0.4 else "") + " ".join(words) + ": {tail}"


def _fill(rng: random.Random, frame: str, tail: str) -> str:
    return frame.format(subject=f"unit-{rng.randint(0, 99)}.service", num=rng.randint(0, 9999), tail=tail)


@pytest.mark.parametrize("seed", range(6))
def test_a_call_site_that_printed_an_errno_text_takes_any_other_message_there(seed: int) -> None:
    rng = random.Random(f"errno-site-{seed}")
    frames = list(dict.fromkeys(_frame(rng) for _ in range(5)))
    grouper = MessageGrouper()
    ids: dict[int, set[str]] = {}
    for k, frame in enumerate(frames):  # the evidence: each call site's first message holds an errno text
        ids.setdefault(k, set()).add(grouper.fingerprint(_fill(rng, frame, rng.choice(TEXTS)), "pid1"))
    samples = []
    for _ in range(80):
        k = rng.randrange(len(frames))
        line = _fill(rng, frames[k], _tail(rng))
        samples.append(line)
        ids[k].add(grouper.fingerprint(line, "pid1"))
    split = {k: len(v) for k, v in ids.items() if len(v) > 1}
    assert not split, (split, samples[:5])
    assert len(set().union(*ids.values())) == len(frames), "two call sites merged"


@pytest.mark.parametrize("seed", range(4))
def test_without_errno_evidence_two_tails_stay_two_events(seed: int) -> None:
    rng = random.Random(f"errno-site-none-{seed}")
    frame = " ".join(rng.choice(WORDS) for _ in range(5)) + ": {}"
    a, b = (" ".join(rng.sample(WORDS, rng.randint(2, 4))) for _ in range(2))
    grouper = MessageGrouper()
    assert grouper.fingerprint(frame.format(a), "pid1") != grouper.fingerprint(frame.format(b), "pid1")


@pytest.mark.parametrize("seed", range(4))
def test_the_longer_clause_the_other_frame_and_the_other_logger_stay_apart(seed: int) -> None:
    rng = random.Random(f"errno-site-twins-{seed}")
    words = [rng.choice(WORDS) for _ in range(5)]
    site = " ".join(words) + ": {}"
    other = list(words)
    other[1] = next(w for w in rng.sample(WORDS, 10) if w != words[1])
    grouper = MessageGrouper()
    fp = grouper.fingerprint(site.format(rng.choice(TEXTS)), "pid1")
    assert grouper.fingerprint(site.format(_tail(rng)), "pid1") == fp  # the class, as above
    longer = site.format(f"{rng.choice(TEXTS)}, retrying in {rng.randint(1, 60)} seconds")
    assert grouper.fingerprint(longer, "pid1") != fp
    suffixed = site.format(f"{rng.choice(TEXTS)} {rng.choice(('again', '[preauth]', '(usable)'))}")
    assert grouper.fingerprint(suffixed, "pid1") != fp  # a constant suffix after the text (T5)
    assert grouper.fingerprint(" ".join(other) + ": " + " ".join(rng.sample(WORDS, 3)), "pid1") != fp
    assert grouper.fingerprint(site.format(" ".join(rng.sample(WORDS, 3))), "another-daemon") != fp


def test_after_a_restart_the_next_errno_text_brings_the_evidence_back() -> None:
    site = "Failed to acquire the unit's runtime directory lock: {}"
    first = MessageGrouper()
    fp = first.fingerprint(site.format("Permission denied"), "pid1")
    assert first.fingerprint(site.format("Device or resource busy"), "pid1") == fp
    stored = [(t.fingerprint, t.bucket, t.text) for t in first.learner.templates()]
    again = MessageGrouper()
    again.learner.load(stored, first.learner.merges())
    assert again.fingerprint(site.format("No space left on device"), "pid1") == fp
    assert again.fingerprint(site.format("lock held by another process since boot"), "pid1") == fp
