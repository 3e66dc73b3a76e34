"""`legacy_forms.may_differ` reads each changed rule's anchor at the rule's own word edges (round 20, issue 15): a
line whose text round 18's rules may change still takes the per-event v1 look-up (its old group stays reached),
and a line that only holds an anchor's LETTERS inside other words (`error`, `for`, `Unexpected`, `recommended`,
`could be`, `md5`, `re-Deploy`) does not - before, such lines (most error lines: `or` is in `error`) were looked
up one by one. Both directions are checked against the two masked texts themselves (current vs v1), on every form
class round 18 and 19 changed (tests/errors/form_classes.py, test_legacy_gate_r19's printers), each decorated with
what masking may do around an anchor (digits glued before it, dot leaders, keep spans, quotes, tabs), 5 seeds;
and the recorder's own count of look-ups on a store that holds groups."""

from __future__ import annotations

import random

import pytest

from sidecar.bus import Bus
from sidecar.clock import ManualClock
from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.groups import GroupRecorder
from sidecar.errors.legacy_forms import legacy_masked, may_differ
from sidecar.store.sqlite import open_sqlite
from sidecar.telemetry import Telemetry

from . import form_classes
from . import test_legacy_gate_r19 as r19
from .legacy_writer import T0, make

SEEDS = range(2001, 2006)


def _w(r: random.Random) -> str:
    return form_classes._w(r)


def _decoys(r: random.Random) -> list[str]:
    """Lines holding each gate's literals only inside longer words (or without the rule's other part)."""
    a, b, c, p = _w(r), _w(r), _w(r), f"/{_w(r)}/{_w(r)}"
    return [
        # announced_lists: `or` / `and` inside words, anchors' letters inside words
        f"Unexpected error for {a}, retrying",
        f"Unexpected {a} in {b}, {c}",
        f"error for {a}: handler {b} failed, giving up",
        f"{a} could be {b}, {c} or none",
        f"{a} would be {b}, ignored",
        f"task done of {a}, {b}",
        f"{a} is full of {b}, {c}",
        f"Unexpectedly closed: {a}, {b}",
        f"{a} rearranges in {b}, {c}",
        f"error: {a}-one of {b}, {c}",
        f"{a} of {b}, {c} and {a}: error",
        # command_lines: the anchor inside a word, or not followed by its separator
        f"recommended {a} -x {p}",
        f"{a}cmd -{b} {p}",
        f"Executor {a} failed: {p} -{b}",
        f"executed {a} --{b} {p}",
        f"md5 mismatch for {p}: '{a}'",
        f"command5 {a} -x",
        f"commands {a} -{b} {p}",
        f"subprocess.{a}: exec_{b} -x {p}",
        # sysprops: `-D` inside a word
        f"re-Deploy={a} for {b}",
        f"build-Dx={a} {p}",
        f"{a}-D{b}: {c}",
        # frames: `at` and `File` not at the line's start
        f"{a} at {b}.{c}(Foo.java:12)",
        f'{a} File "{p}", line 3, in {b}',
    ]


def _decorated(r: random.Random, message: str) -> list[str]:
    """`message` with what masking may do next to an anchor: a digit token glued before, dot leaders, keep spans
    (a keyed code, a failure name, a URL), quotes, a tab."""
    return [message, f"7{message}", f"x7{message}", f"{message}...", f"....{message}", f"status=500 {message}",
            f"'{_w(r)}' object has no attribute '{_w(r)}' {message}", f"https://h.example.com/{_w(r)} {message}",
            f"'{message}'", f"\t{message}", message.replace(" ", "...", 1), message.replace(" ", "\t", 1)]


def _class_lines(seed: int) -> list[str]:
    lines = [d["message"] for d in form_classes.events(seed, 4)]
    return lines + r19._messages(random.Random(seed))


@pytest.mark.parametrize("seed", SEEDS)
def test_a_line_whose_form_changed_takes_the_look_up(seed):
    r = random.Random(seed)
    grouper = MessageGrouper()
    changed = 0
    for line in _class_lines(seed) + _decoys(r):
        for message in _decorated(r, line):
            current = grouper._form(message, "app", "ERROR")[3]
            if current != legacy_masked(message):
                changed += 1
                assert may_differ(message), (message, current, legacy_masked(message))
    assert changed >= 100  # the generator reaches every changed rule (not vacuous)


@pytest.mark.parametrize("seed", SEEDS)
def test_letters_inside_words_take_no_look_up(seed):
    r = random.Random(seed)
    grouper = MessageGrouper()
    for message in _decoys(r):
        assert grouper._form(message, "app", "ERROR")[3] == legacy_masked(message), message  # truly no change
        assert not may_differ(message), message  # before round 20's edges: 19 of 24 taken


@pytest.mark.parametrize("seed", SEEDS[:2])
async def test_the_recorder_looks_up_exactly_the_lines_that_may_differ(seed, tmp_path):
    r = random.Random(seed)
    store = await open_sqlite(str(tmp_path / "s.db"))
    try:
        first = GroupRecorder(store, Bus(), ManualClock(start=T0), Telemetry())
        await first.record([make({"logger": "gw", "level": "ERROR", "message": "seed group"}, 0)])
        # a new process on a store that holds groups (it may hold v1 groups): the look-ups run
        recorder = GroupRecorder(store, Bus(), ManualClock(start=T0 + 60), Telemetry())
        decoys = [make({"logger": "gw", "level": "ERROR", "message": m}, 1000 * (i + 1))
                  for i, m in enumerate(_decoys(r))]
        await recorder.record(decoys)
        assert recorder.learning.legacy_lookups == 0
        grouper = MessageGrouper()
        changed = [m for m in _class_lines(seed) if grouper._form(m, "app", "ERROR")[3] != legacy_masked(m)]
        assert len(changed) >= 10
        events = [make({"logger": "gw", "level": "ERROR", "message": m}, 10**6 + 1000 * i)
                  for i, m in enumerate(changed)]
        await recorder.record(events)
        assert recorder.learning.legacy_lookups == len(changed)
    finally:
        await store.close()
