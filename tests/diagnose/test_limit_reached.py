"""A time limit of ours that fired at its configured value (limit_reached.py): config; its twins keep their answer.

A real asyncio deadline (asyncio.wait_for around work that outlives it) raises TimeoutError in this file's frame, and
the gateway's logger reports the cut with its elapsed time. Generated over seeds: the setting's name, its unit (ms, s,
min; in the value or only in the name's suffix), its shape (NAME=value, key=value (NAME)), the logger, filler records
between, the cut's wording. Twins that must NOT change (their answer equals the answer with no setting printed):
another duration in the setting, a setting that is no time limit, the work stalled before the cut, a remote's status.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from .logged import diagnose, raised_and_logged, text_of


def _deadline() -> None:
    async def run() -> None:
        await asyncio.wait_for(asyncio.sleep(1), 0.001)
    asyncio.run(run())


def _line(logger: str, text: str, level: str = "INFO") -> str:
    return f"2026-12-06 07:00:02 {level} {logger}: {text}"


def _setting(rng: random.Random, seconds: int) -> tuple[str, str]:
    """(the name, the printed record) of a time-limit setting holding `seconds`, in one of the shapes startup prints."""
    stem = rng.choice(["KIMI", "GLM", "TOOL", "WORKFLOW", "REQUEST", "STREAM", "CHAT_TOOL"])
    kind, unit = rng.choice([("TIMEOUT_SECS", ""), ("DEADLINE_S", ""), ("TIMEOUT", "s"), ("TIMEOUT_MS", ""),
                             ("STREAM_TIMEOUT", "min")])
    name = f"{stem}_{kind}"
    value = (str(seconds * 1000) if name.endswith("_MS") else f"{seconds // 60}{unit}" if unit == "min"
             else f"{seconds}{unit}")
    said = rng.choice([f"settings: {name}={value}, KIMI_MAX_TOKENS=16384",
                       f"timeouts: {stem.lower()}={value} ({name}) daemon=900s",
                       f"loaded {name}={value} from .env"])
    return name, _line(rng.choice(["src.daemon.main", "config.timeouts", "src.core.env_config"]), said)


def _excerpt(rng: random.Random, before: list[str], seconds: float, words: str = "") -> str:
    logger = rng.choice(["src.providers.kimi", "tools.analyze", "src.daemon.error_handling"])
    cut = rng.choice(["chat cancelled after {:.2f}s", "[TIMEOUT] tool 'analyze' timed out after {:.1f}s",
                      "stream aborted after {:.1f} seconds (deadline)"]).format(seconds)
    filler = [_line("tools.worker", f"[req:{rng.randrange(16**4):04x}] step {i} done") for i in range(rng.randint(0, 4))]
    return "\n".join([*before, *filler, raised_and_logged(_deadline, logger, f"[req:a{rng.randint(100, 999)}] {cut}{words}")])


@pytest.mark.parametrize("seed", range(3))
def test_a_deadline_that_fired_at_its_setting_is_config_and_its_twins_keep_their_answer(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(2):
        seconds = rng.choice([60, 120, 180, 300])
        name, record = _setting(rng, seconds)
        d = diagnose(_excerpt(rng, [record], seconds))
        assert d.category == "config" and d.confidence <= 0.5 and name in text_of(d), (record, d.rule, d.summary)
        plain = diagnose(_excerpt(random.Random(seed), [], seconds)).category  # the answer without the setting
        assert plain != "config"
        twins = [
            _excerpt(random.Random(seed), [_setting(rng, seconds * 2)[1]], seconds),  # another duration: not the cut
            _excerpt(random.Random(seed), [_line("src.daemon.main", f"settings: BATCH_SIZE={seconds}")], seconds),
            _excerpt(random.Random(seed), [record, _line("src.providers.kimi", f"[req:a1] stream chunks=412 "
                                                         f"last_chunk_age={seconds - rng.randint(1, 9)}.0s")], seconds),
            _excerpt(random.Random(seed), [record], seconds, " (Error code: 504 - upstream gateway timeout)"),
        ]
        for twin in twins:
            # this reading leaves each twin alone (another reading may still decide it: origin.py links a bare number
            # to any setting holding it, the situation model guesses - those are theirs, measured on their own)
            got = diagnose(twin)
            assert "limit-reached" not in (got.rule or ""), (twin, got.rule, got.summary)


@pytest.mark.parametrize("seed", range(3))
def test_a_retry_delay_after_the_cut_is_not_the_limit_that_cut(seed: int) -> None:
    """Near-miss twin: the number after the cut is the WAIT before the next try, and the setting holding it is a retry
    delay (a duration, not a limit on the work): the answer without the setting stands."""
    rng = random.Random(seed)
    delay = rng.choice([2, 5, 10, 30])
    name = rng.choice(["RETRY_DELAY_S", "BACKOFF_SECONDS", "RETRY_BACKOFF_S", "RECONNECT_DELAY_SECS"])
    said = rng.choice([f"connect timed out, retrying after {delay}s", f"read timed out; retry 2/3 scheduled after {delay}s",
                       f"upstream timeout, reconnecting after {delay} seconds"])
    record = _line(rng.choice(["src.daemon.main", "src.core.env_config"]), f"settings: {name}={delay}, KIMI_MAX_TOKENS=16384")
    logger = rng.choice(["src.providers.kimi", "tools.analyze"])
    plain = diagnose(raised_and_logged(_deadline, logger, f"[req:a1] {said}")).category
    got = diagnose("\n".join([record, raised_and_logged(_deadline, logger, f"[req:a1] {said}")]))
    assert "limit-reached" not in (got.rule or "") and got.category == plain, (name, said, got.rule, got.summary)


@pytest.mark.parametrize("seed", range(3))
def test_a_lifetime_setting_of_the_same_duration_is_not_the_limit(seed: int) -> None:
    rng = random.Random(seed)
    seconds = rng.choice([60, 120, 300])
    name = rng.choice(["CACHE_TTL_S", "SESSION_TTL", "TOKEN_CACHE_TTL_SECONDS", "RESULT_TTL"])
    record = _line(rng.choice(["src.daemon.main", "src.core.env_config"]), f"settings: {name}={seconds}, KIMI_MAX_TOKENS=16384")
    plain = diagnose(_excerpt(random.Random(seed), [], seconds)).category
    got = diagnose(_excerpt(random.Random(seed), [record], seconds))
    assert "limit-reached" not in (got.rule or "") and got.category == plain, (name, got.rule, got.summary)
