"""The prompt is bounded whatever the group holds: a huge group read from a real SQLite store
(10 MB message, 500 long context lines, many long samples and neighbours, a huge resolution
note, huge rollout and metrics blocks) gives a user message under MAX_USER_CHARS, redacted,
with the error's own last line and the nearest context line kept."""

from __future__ import annotations

import json

from sidecar.clock import utc
from sidecar.diagnose.context import input_from_store
from sidecar.diagnose.model import Diagnosis
from sidecar.diagnose.prompt import MAX_USER_CHARS, build_prompt
from sidecar.diagnose.surroundings import gather

from .conftest import seed_group

FP = "d" * 32
T0 = 1_763_900_000.0
SECRET = "sk-live-abcdefghijklmnopqrstuvwx1234567890"


async def test_a_huge_group_gives_a_bounded_redacted_prompt(sqlite_store):
    store = sqlite_store
    head = f"[req:7f3a9c] Kimi call failed with key {SECRET}: "
    tail = "\nopenai.APIStatusError: Error code: 500 - the final line"
    message = head + "x" * 10_000_000 + tail
    context = [f"[req:7f3a9c] step {i} " + "y" * 2000 + f" {SECRET}" for i in range(2000)] + ["the nearest line"]
    for i in range(60):  # earlier samples of the group (the huge one below is the latest)
        await store.db.execute(
            "INSERT INTO error_samples (error_hash, seen_at, source, file, line, level, logger, message, raw, data) "
            "VALUES (?, ?, 'test', NULL, NULL, 'ERROR', 'k', ?, ?, ?)",
            (FP, utc(T0 + i), f"sample {i} " + "z" * 100_000, "r", {}))
        await seed_group(store, f"{i:032x}", f"neighbour {i} " + "w" * 100_000, at=T0 + i)
    await seed_group(store, FP, message, at=T0, count=10**9, regression_count=3, context=context,
                     logger="L" * 50_000, error_type="E" * 50_000, file="/" + "f" * 50_000)
    await store.db.execute("UPDATE error_investigations SET last_occurrence_at = ?, resolution_notes = ? "
                           "WHERE error_hash = ?", (utc(T0 + 600), "note " * 200_000 + SECRET, FP))
    big = Diagnosis(summary="s" * 5000, root_cause="r" * 100_000, suggested_fix=["f" * 100_000] * 50, severity="high",
                    confidence=0.9, category="provider", source="rules", rule="r" * 1000)
    await store.diagnoses.add(FP, "k", big, utc(T0 + 10))

    inp = await input_from_store(store, FP, context_lines=500)
    assert inp is not None
    inp.surroundings = await gather(store, inp)
    huge = {f"k{i}": "v" * 10_000 + SECRET for i in range(1000)}
    prompt = build_prompt(inp, big, context_lines=500, rollout=huge, metrics=huge)
    user = prompt.messages[1]["content"]
    assert len(user) <= MAX_USER_CHARS, len(user)
    assert SECRET not in json.dumps(prompt.messages)
    assert "the final line" in user and "the nearest line" in user  # where it ended, and the closest context
    assert "## Surroundings" in user and "neighbour" in user
