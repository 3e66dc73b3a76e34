"""An object's identity (`Name@hash`) followed by its state in brackets is one value: the state is the
instance's, like its hash (errors/object_states.py).

Class (Object.toString `Class@hex` and subclasses that append their state right after it: JDK
ThreadPoolExecutor `[Running, pool size = N, ...]` / `[Shutting down, ...]`, CompletableFuture `[Completed
normally]` / `[Not completed, N dependents]`, Jetty AbstractLifeCycle `{STATE,...}{host:port}`). Generated per
seed: the statement's words, the class name, hashes, one or two bracket groups of 1-6 state words and numbers,
nested brackets sometimes. Twin that must stay apart: a bracket after a space (the statement's own words).
(Two class names in the slot are one call site's values: the learner's question, not this rule's.)
"""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.masking import normalize_message

SEEDS = range(1630, 1633)
STATES = ("Running", "Shutting down", "Terminated", "STARTED", "STOPPING", "Completed normally", "Not completed",
          "AVAILABLE", "UNAVAILABLE", "FAILED")


def _w(r: random.Random, lo: int = 3, hi: int = 9) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(lo, hi)))


def _state(r: random.Random) -> str:
    items = [r.choice(STATES)] + [f"{_w(r)} = {r.randint(0, 999)}" for _ in range(r.randint(0, 5))]
    if r.random() < 0.3:
        items.append(f"s={_w(r, 2, 4)}@{r.getrandbits(32):x}{{{r.choice(STATES)},{r.randint(1, 9)}}}")
    open_, close = r.choice((("[", "]"), ("{", "}")))
    return open_ + ", ".join(items) + close


def _object(r: random.Random, name: str) -> str:
    return f"{name}@{r.getrandbits(32) | 1 << 28:x}" + "".join(_state(r) for _ in range(r.randint(1, 2)))


@pytest.mark.parametrize("seed", SEEDS)
def test_an_identity_with_its_state_is_one_value(seed):
    r = random.Random(seed)
    grouper = MessageGrouper()
    head = " ".join(_w(r) for _ in range(r.randint(2, 4)))
    name = "com." + _w(r) + "." + _w(r).capitalize() + "Pool"
    lines = [f"{head} {_object(r, name)}" for _ in range(15)]
    assert len({grouper.fingerprint(x, "com.example.Jobs", "WARN") for x in lines}) == 1, lines[:4]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_statements_own_bracket_after_the_object_stays_in_the_template(seed):
    r = random.Random(seed)
    head = " ".join(_w(r) for _ in range(3))
    a = f"com.{_w(r)}.{_w(r).capitalize()}Executor"
    word = _w(r)
    masked = normalize_message(f"{head} {a}@{r.getrandbits(32) | 1 << 28:x} [{word}] now")
    assert masked.endswith(f"@<*> [{word}] now"), masked
    # no masked hash before the bracket: nothing is removed (`user@host[1]` is no identity)
    assert normalize_message(f"{head} {word}@{a}[{word}] now").endswith(f"[{word}] now")
