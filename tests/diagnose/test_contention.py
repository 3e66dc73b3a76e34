"""A refusal whose documented meaning is "another holder changed or holds it" is concurrency when the records show the
other actor (contention.py); without that actor the earlier answer stands.

Real errors raised by the real library or kernel: FileExistsError from os.makedirs (EEXIST), BlockingIOError from a
second flock(LOCK_NB) on the same file (EAGAIN), CPython's RuntimeError for a dict changed during iteration. Generated
over seeds: the actor's kind and id spelling ([req:..], [pod ..], pid=, [worker:..], [run:..]), the logger, the
resource's name, the link (the other actor's act on the resource, or the same step by both). Twins that must NOT
change: the same actor only, another actor on another resource doing another step, the holder released before, an
iteration error on no named thread.
"""

from __future__ import annotations

import fcntl
import os
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from .logged import diagnose, raised_and_logged

T0 = datetime(2026, 12, 6, 10, 15, 2)
_ACTORS = [("[req:{}]", "{:04x}"), ("[pod gateway-6b7f-{}]", "{:05x}"), ("[worker:{}]", "{}"),
           ("[run:{}]", "284312{:02d}"), ("pid={}", "{}"), ("[gateway-worker-{}]", "{}")]


def _at(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")


def _two(rng: random.Random) -> tuple[str, str]:
    """Two different actors' ids of one generated kind."""
    shape, value = rng.choice(_ACTORS)
    a, b = rng.sample(range(1, 99), 2)
    return shape.format(value.format(a)), shape.format(value.format(b))


def _stamped(excerpt: str) -> str:
    """The error record restamped at T0 (the logging module stamps it with the wall clock)."""
    return re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", _at(0), excerpt, count=1)


def _exists(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    os.makedirs(path)


def _held(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as first, open(path, "w") as second:
        fcntl.flock(first, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(second, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _iterated() -> None:
    table = {"kimi-k2": 1}
    for key in table:
        table[key + "x"] = 2


def _case(rng: random.Random, tmp: Path, kind: str, twin: str | None) -> str:
    """One excerpt of `kind` whose other actor is shown, or its `twin` (the situation that must not change)."""
    logger = rng.choice(["src.file_management.uploads", "tools.code_search", "src.jobs.compaction"])
    ours, theirs = _two(rng)
    if kind == "mutated":
        thread = rng.choice(["prometheus-http", "Thread-3", "metrics-exporter"])
        where = f" (thread {thread})" if twin is None else ""
        error = raised_and_logged(_iterated, logger, f"collect failed{where}")
        return "\n".join([f"{_at(0)} INFO src.providers.kimi: {ours} first request for model=kimi-k2-0905",
                          _stamped(error)])
    name = rng.choice(["usage_compaction", "spool", "rg-install", "cost_rollup"]) + str(rng.randrange(10))
    if kind == "exists":
        target = tmp / name / rng.choice(["c7", "a1", "0f"])
        error = raised_and_logged(lambda: _exists(target), logger, f"{ours} create failed")
        step = f"{target} missing; creating it"
        other = {None: f"{_at(-0.4)} INFO {logger}: {theirs} created {target}",
                 "same-actor": f"{_at(-0.4)} INFO {logger}: {ours} {step}",
                 "other-resource": f"{_at(-0.4)} INFO src.jobs.other: {theirs} created {tmp / 'elsewhere'}"}[twin]
        own = f"{_at(-0.5)} INFO {logger}: {ours} {step}"
        if twin is None and rng.random() < 0.5:  # the link is the same step by both, not the act on the name
            other = f"{_at(-0.45)} INFO {logger}: {theirs} {step}"
        return "\n".join([own, other, _stamped(error)])
    target = tmp / f"{name}.lock"
    error = raised_and_logged(lambda: _held(target), logger, f"{ours} could not take lock {name} ({target})")
    took = f"{_at(-rng.randint(30, 900))} INFO {logger}: {theirs} took lock {name} backlog={rng.randint(10, 10**6)}"
    records = {None: [took],
               "released": [took, f"{_at(-5)} INFO {logger}: {theirs} done, released lock {name}"],
               "same-actor": [took.replace(theirs, ours)],
               "other-resource": [took.replace(name, "some_other_lock")]}[twin]
    return "\n".join([*records, _stamped(error)])


@pytest.mark.parametrize("seed", range(3))
def test_a_refusal_whose_other_actor_the_records_show_is_a_race(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    for i, kind in enumerate(("exists", "held", "mutated")):
        case = _case(rng, tmp_path / str(i), kind, None)
        d = diagnose(case)
        assert d.category == "concurrency" and d.confidence < 0.6 and "race" in d.summary, (case, d.rule, d.summary)
        twins = {"exists": ("same-actor", "other-resource"), "held": ("released", "same-actor", "other-resource"),
                 "mutated": ("no-thread",)}[kind]
        for twin in twins:
            case = _case(rng, tmp_path / f"{i}{twin}", kind, twin)
            got = diagnose(case)
            assert "contention" not in got.rule and got.category != "concurrency", (twin, case, got.rule, got.summary)


@pytest.mark.parametrize("seed", range(2))
def test_another_component_acting_on_the_named_object_is_the_other_actor(seed: int, tmp_path: Path) -> None:
    """No id on either record: another component's logger (a controller, an installer) creating the object our create
    was refused on is the other actor; the same component on another object is not."""
    rng = random.Random(seed)
    target = tmp_path / rng.choice(["rg-cache", "spool_dir", "models.d"]) / rng.choice(["c7", "bin"])
    error = _stamped(raised_and_logged(lambda: _exists(target), rng.choice(["tools.code_search", "src.uploads"]),
                                       "prepare failed"))
    component = rng.choice(["argo-rollouts", "src.jobs.installer", "cache-warmer"])
    for other, race in ((target, True), (tmp_path / "elsewhere", False)):
        case = "\n".join([f"{_at(-0.3)} INFO {component}: created {other}", error])
        got = diagnose(case)
        assert (got.category == "concurrency") is race and ("contention" in got.rule) is race, (case, got.rule)


@pytest.mark.parametrize("seed", range(2))
def test_two_requests_at_one_generic_step_do_not_make_a_create_of_an_old_directory_a_race(seed: int,
                                                                                          tmp_path: Path) -> None:
    """Near-miss of the same-step link: the directory was created at start-up, long before either request, and
    both requests' shared step names nothing the refusal names. Every request that takes this path fails (a
    create without exist_ok): the code's answer must stand, not concurrency."""
    rng = random.Random(seed)
    ours, theirs = _two(rng)
    logger = rng.choice(["src.file_management.uploads", "tools.code_search", "src.jobs.compaction"])
    target = tmp_path / rng.choice(["spool", "cache", "rg-install"]) / rng.choice(["c7", "a1", "0f"])
    error = raised_and_logged(lambda: _exists(target), logger, f"{ours} create failed")
    step = rng.choice(["handling upload", "request received", "starting search"])
    case = "\n".join([f"{_at(-rng.randint(1800, 7200))} INFO src.daemon.main: created {target} at start-up",
                      f"{_at(-0.6)} INFO {logger}: {ours} {step}", f"{_at(-0.5)} INFO {logger}: {theirs} {step}",
                      _stamped(error)])
    got = diagnose(case)
    assert got.category != "concurrency", (case, got.rule, got.summary)
