"""The LLM answer's code fence is removed by plain string operations (prompt._unfenced), with the same result as the
regex it replaced (`^\\s*```(?:json)?\\s*|\\s*```\\s*$`, quadratic on long blank runs) on generated answers."""

from __future__ import annotations

import random
import re

import pytest

from sidecar.diagnose.prompt import _unfenced

OLD = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$", re.IGNORECASE)
PARTS = ["```", "```json", "```JSON", "\n", "  ", "\t", '{"a": 1}', "[]", "text", "`", "``"]


@pytest.mark.parametrize("seed", range(40))
def test_the_same_text_as_the_old_fence_regex(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        answer = "".join(rng.choice(PARTS) for _ in range(rng.randint(1, 7)))
        if not answer.strip():
            continue
        assert _unfenced(answer) == OLD.sub("", answer.strip()).strip(), repr(answer)
