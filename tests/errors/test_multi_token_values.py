"""Values that span several tokens (token_forms.tokenize's bracket groups, errors/spans.py): one event
whatever the value's word count; two events stay two. Values are reprs of real Python objects (the
builtins' and `object`'s own repr), generated per seed."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.templates import TemplateLearner
from sidecar.errors.token_forms import tokenize

SEEDS = range(1, 6)
FRAMES = (
    "worker dropped the batch for {} after the retry budget ran out",
    "cache refresh skipped {} because the lease is held elsewhere",
    "scheduler queued job {} behind the running compaction",
    "Task exception was never retrieved: future={}",
    "request handler returned {} instead of a response object",
)


class Pool:
    pass


@dataclass
class Lease:
    owner: str
    ttl: float
    tags: list[str]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(2, 9)))


def _value(rng: random.Random) -> str:
    """The repr of a random real object: list, tuple, dict, exception, dataclass, plain object."""
    kind = rng.randrange(7)
    if kind == 0:
        return repr([_word(rng) for _ in range(rng.randint(0, 5))])
    if kind == 1:
        return repr((f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}", rng.randint(1, 65535)))
    if kind == 2:
        return repr({_word(rng): rng.randint(0, 999) for _ in range(rng.randint(1, 3))})
    if kind == 3:
        exc = rng.choice((ConnectionResetError, TimeoutError, KeyError, ValueError))
        return repr(exc(" ".join(_word(rng) for _ in range(rng.randint(0, 4)))))
    if kind == 4:
        return repr(Lease(_word(rng), round(rng.random() * 100, 2), [_word(rng) for _ in range(rng.randint(0, 3))]))
    if kind == 5:
        return repr(Pool()).replace(hex(id(Pool)), hex(rng.getrandbits(44)))
    return repr(tuple(rng.randint(-99, 99) for _ in range(rng.randint(2, 5))))


@pytest.mark.parametrize("seed", SEEDS)
def test_a_repr_of_any_length_is_one_slot_and_frames_stay_apart(seed: int) -> None:
    rng = random.Random(seed)
    grouper = MessageGrouper()
    groups: dict[str, set[str]] = {frame: set() for frame in FRAMES}
    lines = [(frame, frame.format(_value(rng))) for frame in FRAMES for _ in range(12)]
    rng.shuffle(lines)
    for frame, line in lines:
        groups[frame].add(grouper.fingerprint(line, "app.worker"))
    assert all(len(fps) == 1 for fps in groups.values()), {f[:20]: len(g) for f, g in groups.items()}
    assert len(set.union(*groups.values())) == len(FRAMES)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_same_messages_in_reverse_order_make_the_same_partition(seed: int) -> None:
    rng = random.Random(seed)
    lines = [frame.format(_value(rng)) for frame in FRAMES for _ in range(8)]
    rng.shuffle(lines)

    def partition(order: list[str]) -> set[frozenset[str]]:
        grouper = MessageGrouper()
        by: dict[str, set[str]] = {}
        for line in order:
            by.setdefault(grouper.fingerprint(line, "app"), set()).add(line)
        return {frozenset(v) for v in by.values()}

    assert partition(lines) == partition(lines[::-1])


_SPACED = [
    ("open {} failed: disk quota reached", ["/srv/My Files/report 2.txt", "/srv/data/a.txt", "/home/ops/old notes/x y z.csv"]),
    ("uploading {} to the archive bucket now", ["'daily backup'", "'final copy of the report'", "'x'"]),
    ("request took {} on the primary replica", ["12 ms", "1.5 s", "<*>"]),
]


@pytest.mark.parametrize(("frame", "values"), _SPACED)
def test_a_quoted_phrase_a_path_with_spaces_or_a_number_and_unit_is_one_slot(frame: str, values: list[str]) -> None:
    grouper = MessageGrouper()
    assert len({grouper.fingerprint(frame.format(v).replace("<*>", "250"), "app") for v in values}) == 1


_APART = [
    # a part present in one message only
    ("Connection closed by peer [preauth]", "Connection closed by 10.0.0.1 port 22 [preauth]"),
    # what follows a path names the failure (a phrase of plain words; a trailing errno text is the value of
    # `%m` since round 11: tests/errors/test_errno_text_values.py)
    ("open /srv/My Files/a.txt failed: disk quota reached", "open /srv/My Files/a.txt failed: volume went away"),
    # words between several paths are text, not one path with spaces
    ("BLOCK* ask /rack/a:/x to delete blk_/p/q/r", "BLOCK* ask /rack/b:/y/z to replicate blk_/s/t to datanode(s) /u:/v"),
    ("Received block /data/a of size /b from /srv/c/d", "Received block /data/e src: /f:/g dest: /h:/i of size /j"),
    # a word outside the value differs
    ("cache miss for ['a', 'b'] in the hot tier", "cache hit for ['a'] in the hot tier"),
    # a differing phrase of plain words is another text
    ("wait returned No child processes for the reaper", "wait returned Bad file descriptor for the reaper"),
    # two exception types in a slot nothing announces (inline exceptions keep their name)
    ("AttributeError: 'NoneType' object has no attribute 'get'",
     "AttributeError: 'Config' object has no attribute 'timeout_secs'"),
]


@pytest.mark.parametrize(("a", "b"), _APART)
def test_two_events_stay_two(a: str, b: str) -> None:
    grouper = MessageGrouper()
    assert grouper.fingerprint(a, "app") != grouper.fingerprint(b, "app")


def test_a_template_widened_across_token_counts_survives_a_restart() -> None:
    """The widened template (stored text, bucket re-counted on load) keeps its id; a value of yet another
    length after the restart joins it."""
    first = MessageGrouper()
    fp = first.fingerprint("scheduler queued job ['a', 'b', 'c'] behind the running compaction", "app")
    assert first.fingerprint("scheduler queued job /srv/a b/c.txt behind the running compaction", "app") == fp
    stored = [(t.fingerprint, t.bucket, t.text) for t in first.learner.templates()]
    again = TemplateLearner()
    again.load(stored, first.learner.merges())
    assert MessageGrouper(again).fingerprint(
        "scheduler queued job /tmp/one two three/four five.log behind the running compaction", "app") == fp


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "(", ")", "[", "]", "{", "}", "<b", ">", "<*>", "'", ",", "x="]), max_size=12)
       .map(lambda parts: " ".join("".join(parts[i:i + 2]) for i in range(0, len(parts), 2))))
def test_tokenize_loses_and_reorders_nothing(text: str) -> None:
    tokens = tokenize(text)
    assert " ".join(tokens) == text
    assert len(tokens) <= len(text.split(" "))
