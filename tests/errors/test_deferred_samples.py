"""The recorder builds stored texts only for what the store keeps (DeferredSamples): the database
must end up byte-identical to storing every event built in full by `to_occurrence`.

Generated batches: several groups with more occurrences than `samples_per_group`, secrets in
messages and in traceback text (redaction must still run on what is kept), NUL bytes and lone
surrogates (cleaning), tracebacks, events repeated inside a batch and re-delivered across
batches (receipts skip them, so the store keeps a different subset than the batch's order
suggests), with keep_raw off and on.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from typing import Any

import pytest

from sidecar.bus import Bus
from sidecar.clock import utc
from sidecar.config import GroupingConfig
from sidecar.errors.groups import GroupRecorder, to_occurrence
from sidecar.errors.learning import StoredLearning
from sidecar.ingest.record import ErrorEvent
from sidecar.store.sqlite import open_sqlite
from sidecar.telemetry import Telemetry

from .conftest import capture, load_module, log_text, parse_events

SECRETS = ["password=hunter2-{n}", "Authorization: Bearer sk-proj-{n}AbCdEfGhIjKlMnOpQrStUvWx",
           "contact ops{n}@example.com", "token ghp_{n}aBcDeFgHiJkLmNoPqRsTuVwXyZ012345", "no secret {n}"]
TEMPLATES = ["upload failed for file {n}: {s}", "kimi returned 429 for request {n} ({s})",
             "socket.send() raised exception {s}", "db write failed: {s}\x00tail", "bad header {n} {s}"]


def _events(rng: random.Random, tmp_path, n: int) -> list[ErrorEvent]:
    mod = load_module(tmp_path / "m", "src/gw/h.py", "def f(d):\n    return d['k']\n")
    exc = capture(mod.f, {})
    text = []
    for _ in range(n):
        secret = rng.choice(SECRETS).format(n=rng.randrange(10**6))
        msg = rng.choice(TEMPLATES).format(n=rng.randrange(1000), s=secret)
        logger = rng.choice(["src.a", "src.b", "src.c"])
        text.append(log_text(logger, msg, exc_info=exc if rng.random() < 0.15 else None))
    # A JSON log's `\ud800` escape reaches the recorder as a lone surrogate (text logs cannot carry one).
    return [dataclasses.replace(e, message=e.message + " \ud800") if rng.random() < 0.1 else e
            for e in parse_events("".join(text))]


def _batches(rng: random.Random, events: list[ErrorEvent]) -> list[list[ErrorEvent]]:
    out, i = [], 0
    while i < len(events):
        k = rng.randrange(1, 40)
        batch = list(events[i:i + k])
        if i and rng.random() < 0.4:  # re-delivered: some events of the batches before
            batch = rng.sample(events[:i], min(i, rng.randrange(1, 10))) + batch
        if rng.random() < 0.3:
            batch += batch[: rng.randrange(1, 4)]  # the same record twice in one batch
        out.append(batch)
        i += k
    return out


async def _dump(store) -> dict[str, Any]:
    tables = {
        "error_investigations": "SELECT error_hash, error_message, error_type, error_context, created_at, "
                                "occurrence_count, last_occurrence_at, status, level, logger, title "
                                "FROM error_investigations ORDER BY error_hash",
        "error_samples": "SELECT error_hash, seen_at, source, file, line, level, logger, message, raw, data, "
                         "event_key FROM error_samples ORDER BY id",
        "error_occurrences": "SELECT * FROM error_occurrences ORDER BY error_hash, minute",
        "error_loggers": "SELECT * FROM error_loggers ORDER BY error_hash, logger",
    }
    return {name: await store.db.fetchall(sql) for name, sql in tables.items()}


@pytest.mark.parametrize("keep_raw", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_deferred_texts_store_exactly_what_full_occurrences_store(tmp_path, clock, seed, keep_raw):
    rng = random.Random(seed)
    events = _events(rng, tmp_path, 300)
    assert len(events) == 300
    grouping = GroupingConfig(samples_per_group=3)
    lazy_store = await open_sqlite(str(tmp_path / "lazy.db"))
    full_store = await open_sqlite(str(tmp_path / "full.db"))
    try:
        recorder = GroupRecorder(lazy_store, Bus(), clock, Telemetry(), grouping, keep_raw=keep_raw)
        learning = StoredLearning(full_store, grouping, Telemetry(), clock)
        for batch in _batches(rng, events):
            now = clock.time()
            await recorder.record(batch)
            groups = await learning.group(batch, now)
            full = [to_occurrence(e, grouping, GroupRecorder._placed_at(e, now, {}, Counter()), g, keep_raw=keep_raw)
                    for e, g in zip(batch, groups, strict=True)]
            await full_store.groups.record_batch(full, samples_per_group=3, at=utc(clock.time()))
            clock.advance(7)
        lazy, reference = await _dump(lazy_store), await _dump(full_store)
    finally:
        await lazy_store.close()
        await full_store.close()
    assert recorder.recorded == 300
    assert len(reference["error_investigations"]) >= 5 and len(reference["error_samples"]) >= 15
    assert lazy == reference
    stored = repr(reference["error_samples"]) + repr(reference["error_investigations"])
    assert ("hunter2" in stored) == keep_raw  # the kept texts were redacted (or kept raw) as configured
    assert "\x00" not in stored
