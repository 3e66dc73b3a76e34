"""Fixtures for ingest tests: a recording sink, a condition poller, record writers, an Ingest factory."""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Collection
from pathlib import Path
from typing import Any

import pytest

from sidecar.clock import ManualClock
from sidecar.config import Config
from sidecar.ingest.record import ErrorEvent
from sidecar.ingest.tail import Ingest
from sidecar.telemetry import Telemetry

SEQ = re.compile(r"seq=(\d+)")
TS = "2026-11-23 10:00:00"


def line(seq: int, level: str = "ERROR", logger: str = "app.mod", extra: str = "") -> str:
    return f"{TS} {level} {logger}: event seq={seq}{extra}\n"


def error_with_tb(seq: int) -> str:
    return (
        f"{TS} ERROR app.mod: failed seq={seq}\n"
        "Traceback (most recent call last):\n"
        '  File "/app/src/x.py", line 10, in handler\n'
        "    do()\n"
        f"ValueError: bad value {seq}\n"
    )


def records(start: int, n: int, every: int = 2) -> tuple[str, list[int]]:
    """n records with sequence ids start..start+n-1; every `every`-th is an ERROR (returned)."""
    out = []
    errors = []
    for s in range(start, start + n):
        if s % every == 0:
            out.append(line(s))
            errors.append(s)
        else:
            out.append(line(s, "INFO"))
    return "".join(out), errors


def write_records(path: Path, start: int, n: int) -> list[int]:
    """Replace `path` with `records(start, n)`; return their error sequence ids."""
    body, errors = records(start, n)
    path.write_text(body)
    return errors


class Recorder:
    """The sink: records every accepted batch; can be told to fail or to block."""

    def __init__(self) -> None:
        self.events: list[ErrorEvent] = []
        self.fail: Exception | None = None
        self.calls = 0
        self.gate: asyncio.Event | None = None

    async def __call__(self, batch: list[ErrorEvent]) -> None:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        self.events.extend(batch)

    def seqs(self) -> list[int]:
        out = []
        for e in self.events:
            m = SEQ.search(e.message) or SEQ.search(e.raw)
            if m:
                out.append(int(m.group(1)))
        return out

    def assert_exactly_once(self, expected: list[int], lost: Collection[int] = ()) -> None:
        """Every expected record once; `lost` ones (destroyed before any tailer could read them) at most once."""
        counts = Counter(self.seqs())
        dupes = sorted(s for s, c in counts.items() if c > 1)
        missing = sorted(set(expected) - set(counts))
        extra = sorted(set(counts) - set(expected) - set(lost))
        where = [(e.file, e.offset) for e in self.events
                 if (m := SEQ.search(e.message) or SEQ.search(e.raw)) and int(m.group(1)) in dupes[:2]]
        assert not dupes and not missing and not extra, (
            f"dupes={dupes[:10]} missing={missing[:10]} extra={extra[:10]} dupes found in {where}")


async def wait_for(cond: Callable[[], bool], within: float = 10.0, clock: ManualClock | None = None,
                   step: float = 0.05) -> None:
    """Poll `cond` every 5 ms of real time; with a ManualClock, move it forward `step` per poll."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not cond():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        if clock is not None and step:
            clock.advance(step)
        await asyncio.sleep(0.005)


def make_config(tmp_path: Path, paths: list[str], ckdir: str | None = None, **source: Any) -> Config:
    source.setdefault("start_at", "beginning")
    return Config.model_validate({
        "sources": [{"paths": paths, **source}],
        "ingest": {"checkpoint_dir": ckdir or str(tmp_path / "ck"), "checkpoint_interval": 1.0,
                   "rescan_interval": 0.5},
    })


class Harness:
    """Starts/stops Ingest instances sharing one sink, clock and telemetry."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.sink = Recorder()
        self.telemetry = Telemetry()
        self.running: list[Ingest] = []
        self.wall_ahead = 0.0  # seconds the tailers' kernel clock (Ingest `wall`, compared with mtimes) is ahead

    def wall(self) -> float:
        return time.time() + self.wall_ahead

    async def start(self, config: Config, store: Any = None) -> Ingest:
        ing = Ingest(config, self.sink, self.clock, self.telemetry, store, wall=self.wall)
        await ing.start()
        self.running.append(ing)
        return ing

    async def stop(self, ing: Ingest) -> None:
        await ing.stop()
        self.running.remove(ing)

    async def start_after(self, path: Path, n: int, config: Config | None = None) -> tuple[Ingest, list[int]]:
        """Write records 0..n-1 to `path`, start tailing it and wait for their errors (returned)."""
        errs = write_records(path, 0, n)
        ing = await self.start(config or make_config(path.parent, [str(path)]))
        await self.wait_events(len(errs))
        return ing, errs

    async def wait_events(self, n: int, within: float = 10.0, step: float = 0.05) -> None:
        await wait_for(lambda: len(self.sink.events) >= n, within, self.clock, step)

    async def idle(self, rounds: int = 10, step: float = 0.5) -> None:
        """Move the clock `step` forward `rounds` times, letting the tailer's tasks run after each move, so that
        anything read twice lands before the caller asserts. (`wait_events(0)` / `wait_for(lambda: True)` return
        without awaiting anything: the loop never ran the tailer, and a second read could not show.)"""
        for _ in range(rounds):
            self.clock.advance(step)
            await asyncio.sleep(0.005)  # one poll of wait_for's: the tailer looks at the moved time

    def metric(self, name: str, **labels: str) -> float:
        v = self.telemetry.registry.get_sample_value(name, labels)
        return v or 0.0


@pytest.fixture
async def harness(clock: ManualClock) -> AsyncIterator[Harness]:
    h = Harness(clock)
    try:
        yield h
    finally:
        for ing in list(h.running):
            await ing.stop()


def open_in(d: Path, *, ignore: str | None = None) -> list[str]:
    """The paths under `d` this process holds open (from /proc/self/fd), sorted; `ignore`: a part
    of the path (e.g. the checkpoint directory) whose descriptors are not counted."""
    out = []
    for n in os.listdir("/proc/self/fd"):
        try:
            t = os.readlink(f"/proc/self/fd/{n}")
        except OSError:
            continue
        if t.startswith(str(d) + os.sep) and (ignore is None or ignore not in t):
            out.append(t)
    return sorted(out)


async def wait_while_polled(harness: Harness, proc: asyncio.subprocess.Process) -> None:
    """Wait for a writer process while the tailer's (manual) clock moves on, so it polls meanwhile."""
    while proc.returncode is None:
        harness.clock.advance(0.05)
        try:
            await asyncio.wait_for(proc.wait(), 0.005)
        except TimeoutError:
            pass
