"""The offending value's origin decides code vs config vs unknown (origin.py), generated over origin contexts.

Real errors (the standard library's and PyYAML's, raised for real from this file, an application frame) are
placed in each origin context with generated setting names and values (several seeds): the error names the
setting, a config-loading record before it holds the value, a "not set" warning before a local failure, the
user supplied the value, and near-misses (key=value records that are not settings, a setting whose value is not
the failing one, a gateway error code in UPPER_SNAKE). A setting -> config at <= 0.5; the user's input ->
unknown <= 0.4; otherwise the class's own answer stands (never config).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
from collections.abc import Callable
from datetime import datetime

import pytest

from .logged import diagnose, raised_and_logged, text_of

SEEDS = range(6)
PREFIXES = ["KIMI", "GLM", "CACHE", "UPLOAD", "WS", "REDIS", "SUPABASE", "ROUTER", "METRICS"]
WORDS = ["LIMIT", "RATIO", "MODE", "WINDOW", "FORMAT", "STAGE", "BUDGET", "DEPTH", "LEVEL", "ZONE"]


def _setting(rng: random.Random) -> str:
    return "_".join([rng.choice(PREFIXES), *rng.sample(WORDS, rng.randint(1, 2))])


def _value(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghkmnpqrstuvwxyz") for _ in range(rng.randint(4, 9)))


def _int_of(value: str) -> Callable[[], None]:
    def run() -> None:
        int(value)
    return run


def _strptime_of(value: str) -> Callable[[], None]:
    def run() -> None:
        datetime.strptime(value, "%Y-%m-%d")
    return run


def _own_check(name: str, value: str) -> Callable[[], None]:
    def run() -> None:
        raise ValueError(f"{name} must be one of 'fast', 'slow', got {value!r}")
    return run


def _wait_empty() -> None:
    async def run() -> None:
        await asyncio.wait(set())
    asyncio.run(run())


def _json_circular() -> None:
    payload: dict[str, object] = {}
    payload["self"] = payload
    json.dumps(payload)


def _excerpt(raise_it: Callable[[], None], before: list[str], logger: str = "tools.worker") -> str:
    return "\n".join([*before, raised_and_logged(raise_it, logger, "request failed")])


def _line(level: str, logger: str, text: str) -> str:
    return f"2026-12-06 07:00:00 {level} {logger}: {text}"


@pytest.mark.parametrize("seed", SEEDS)
def test_a_value_loaded_from_a_setting_is_config(seed: int) -> None:
    rng = random.Random(seed)
    name, value = _setting(rng), _value(rng)
    loads = rng.choice([
        _line("INFO", "src.bootstrap.settings", f"settings loaded: {name}={value}"),
        _line("INFO", "src.providers.kimi", f"provider ready: timeout=45s, mode={value} ({name})"),
        _line("INFO", "src.bootstrap.settings", f"format from {name}: '{value}'"),
    ])
    for raise_it in (_int_of(value), _strptime_of(value)):
        d = diagnose(_excerpt(raise_it, [loads, _line("INFO", "tools.worker", "processing 3 items")]))
        assert d.category == "config" and 0.4 <= d.confidence <= 0.5, (loads, d.rule, d.summary)
        assert name in text_of(d) or value in text_of(d), text_of(d)


@pytest.mark.parametrize("seed", SEEDS)
def test_an_error_naming_the_setting_is_config(seed: int) -> None:
    rng = random.Random(seed)
    name, value = _setting(rng), _value(rng)
    d = diagnose(_excerpt(_own_check(name, value), [_line("INFO", "tools.worker", "starting")]))
    assert d.category == "config" and d.confidence <= 0.5 and name in text_of(d), (d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_local_failure_after_a_not_set_warning_is_config_at_low_confidence(seed: int) -> None:
    rng = random.Random(seed)
    name = _setting(rng)
    warn = _line("WARNING", "src.bootstrap.env", f"{name} not set; feature disabled")
    d = diagnose(_excerpt(_wait_empty, [warn]))  # a failure of absence: what a setting that never arrived looks like
    assert d.category == "config" and d.confidence == 0.4 and name in text_of(d), (d.rule, d.summary)
    # the same error without the warning is the code's own (base_family.py)
    assert diagnose(_excerpt(_wait_empty, [_line("INFO", "src.bootstrap.env", "ready")])).category == "code"


@pytest.mark.parametrize("seed", SEEDS)
def test_a_not_set_warning_does_not_explain_an_unrelated_local_bug(seed: int) -> None:
    """An optional setting's warning ("SENTRY_DSN not set; error reporting disabled") before a failure that is not
    one of absence and does not name the setting: the answer is the one without the warning (review of round 7)."""
    rng = random.Random(seed)
    name = _setting(rng)
    warn = _line("WARNING", "src.bootstrap.env", f"{name} not set; error reporting disabled")

    def index_error() -> None:
        [][rng.randint(1, 9)]

    for raise_it in (_json_circular, index_error):
        d = diagnose(_excerpt(raise_it, [warn]))
        alone = diagnose(_excerpt(raise_it, [_line("INFO", "src.bootstrap.env", "ready")]))
        assert d.category != "config" and name not in text_of(d), (d.rule, d.summary)
        assert (d.category, d.rule) == (alone.category, alone.rule)  # the warning changes nothing


@pytest.mark.parametrize("seed", SEEDS)
def test_a_value_the_user_supplied_is_an_honest_unknown(seed: int) -> None:
    rng = random.Random(seed)
    value = _value(rng)
    said = _line("INFO", "tools.explain", rng.choice(["explaining a value supplied by the user",
                                                     "parsing the date the user pasted", "checking user-provided input"]))
    for raise_it in (_int_of(value), _strptime_of(value), _json_circular):
        d = diagnose(_excerpt(raise_it, [said], "tools.explain"))
        assert d.category != "config" and d.confidence <= 0.4, (d.rule, d.summary)
        assert d.category in ("unknown", "code")
    assert diagnose(_excerpt(_json_circular, [said], "tools.explain")).category == "unknown"


@pytest.mark.parametrize("seed", SEEDS)
def test_near_misses_stay_with_the_code(seed: int) -> None:
    """key=value records that are not settings, a setting whose value is not the failing one, an error code."""
    rng = random.Random(seed)
    name, value, other = _setting(rng), _value(rng), _value(rng)
    contexts = [
        [_line("INFO", "tools.worker", f"processing batch size={rng.randint(2, 90)} request_id={other}")],
        [_line("INFO", "src.bootstrap.settings", f"settings loaded: {name}={other}")],  # not the failing value
        [_line("ERROR", "src.daemon.ws_server", f"[PROVIDER_ERROR] call failed for {other}")],
        [_line("INFO", "tools.worker", f"{name.lower()}: {value} received")],  # a logger-ish word, no setting
    ]
    for before in contexts:
        for raise_it in (_json_circular, _wait_empty):
            d = diagnose(_excerpt(raise_it, before))
            assert d.category == "code", (before, d.rule, d.summary)
        d = diagnose(_excerpt(_int_of(value), before))
        assert d.category != "config", (before, d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_an_upper_snake_id_or_code_in_the_error_is_not_a_setting_said_wrong(seed: int) -> None:
    """An error that quotes an UPPER_SNAKE field with its value ("TRACE_ID=ab12cd34") or a code the code judges
    ("MODEL_OVERLOADED is not retryable") does not say a setting is wrong: no config from the name alone (review r7)."""
    rng = random.Random(seed)
    ident = "".join(rng.choice("0123456789abcdef") for _ in range(8))
    for text in (f"upload rejected: TRACE_ID={ident}", f"{rng.choice(['MODEL', 'UPSTREAM'])}_OVERLOADED is not retryable"):
        def raise_it(text: str = text) -> None:
            raise RuntimeError(text)

        d = diagnose(_excerpt(raise_it, [_line("INFO", "src.bootstrap.env", "ready")]))
        assert d.category != "config", (text, d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_setting_said_invalid_at_the_start_of_a_sentence_is_config(seed: int) -> None:
    """'Invalid NAME=...' / 'Missing NAME' as a message starts: the judgement word capitalised is still one."""
    rng = random.Random(seed)
    name, value = _setting(rng), _value(rng)
    text = rng.choice([f"Invalid {name}={value}", f"Missing {name}", f"Bad {name}: {value!r}"])

    def raise_it() -> None:
        raise RuntimeError(text)

    d = diagnose(_excerpt(raise_it, [_line("INFO", "src.bootstrap.env", "ready")]))
    assert d.category == "config" and name in text_of(d), (text, d.rule, d.summary)


def _change(rng: random.Random, key: str, old: str, new: str) -> str:
    """A record announcing a setting's change, in the shapes config reloaders, deploy tools and operators print."""
    # a config key path (lower case, dotted or snake) is a key only with its ':' or '=' (`providers.kimi.model: a -> b`);
    # bare before a value it reads as a logger or a path (`src.providers.router kimi -> glm-4.6`: a run-time failover)
    bare = f"{key} {old} -> {new}" if key.isupper() else f"{key}: {old} -> {new}"
    said = rng.choice([bare, f"{key}: '{old}' → '{new}'", f"{key}={old} => {new}",
                       f"{key} changed from {old} to {new}", f"set {key} to {new}", f"{key} was switched from {old} to {new}"])
    return _line("INFO", rng.choice(["src.daemon.main", "src.core.env_config", "ops.reloader"]),
                 rng.choice(["config reloaded from /etc/gateway/gateway.yaml: {} (by ops-bot)", "deploy 4b8e2c7: {}",
                             "{}", "settings changed ({})"]).format(said))


# Suite time (e22da45e): 2 rounds per seed, one refusal each. The full sweep (round 14's 4 rounds x both refusals:
# SIDECAR_ORIGIN_CHANGE_ROUNDS=8) runs on demand: the rounds alternate the two refusals.
CHANGE_ROUNDS = int(os.environ.get("SIDECAR_ORIGIN_CHANGE_ROUNDS", "2"))


@pytest.mark.parametrize("seed", range(3))
def test_a_change_record_that_set_the_failing_value_is_config_and_its_twins_are_not(seed: int) -> None:
    """origin._changed_to: the NEW value of a changed setting (UPPER_SNAKE or a config key path) that the error names is
    the value the running process got from configuration. Twins: the OLD value is the failing one (the change is not
    what put it there), or the arrow follows a plain word, a path or a logger's dotted name with no ':'/'=' (a failover
    at run time, a copy: no setting), or a name with no old value (a mapping: a handler -> its file)."""
    rng = random.Random(seed)
    for i in range(CHANGE_ROUNDS):
        key = rng.choice([_setting(rng), f"providers.{rng.choice(['kimi', 'glm'])}.{rng.choice(['model', 'mode'])}",
                          f"{rng.choice(PREFIXES).lower()}_{rng.choice(WORDS).lower()}"])
        old, new = _value(rng), _value(rng)
        filler = [_line("INFO", "tools.worker", f"processing {rng.randint(2, 90)} items")] * rng.randint(0, 3)
        for raise_it in ((_int_of(new), _strptime_of(new))[i % 2],):  # one real refusal per round (suite time)
            d = diagnose(_excerpt(raise_it, [_change(rng, key, old, new), *filler]))
            assert d.category == "config" and d.confidence <= 0.5 and key in text_of(d), (key, d.rule, d.summary)
            d = diagnose(_excerpt(raise_it, [_change(rng, key, new, old), *filler]))  # the old value failed
            assert d.category != "config", (key, d.rule, d.summary)
            logger = rng.choice(["src.providers.router", "gateway.failover", "app.routing.fallback_chain"])
            for said in (f"routing {old} -> {new}", f"[COPY] copy /mnt/{old}/{key}.md -> /mnt/{new}/{key}.md",
                         f"handler '{key}' -> {new}", f"{key} -> {new}", f"{logger} {old} -> {new}"):
                d = diagnose(_excerpt(raise_it, [_line("INFO", "src.router", said), *filler]))  # no setting changed
                assert d.category != "config", (said, d.rule, d.summary)


def _raises(message: str) -> Callable[[], None]:
    def run() -> None:
        raise RuntimeError(message)
    return run


@pytest.mark.parametrize("seed", range(3))
def test_a_numeric_limit_the_error_reports_enforced_is_not_the_failing_value(seed: int) -> None:
    """A bare number a setting holds (a limit, a size, a count) quoted by the error as the bound it enforced ("count
    121/120" after NAME=120) is the setting doing its job, not its value refused; the same number refused by name
    ("NAME must be <= 100, got 120") is the setting's (origin.py rule 1)."""
    rng = random.Random(seed)
    name, n = _setting(rng), rng.randint(100, 5000)
    loads = _line("INFO", "src.bootstrap.settings", rng.choice([f"settings loaded: {name}={n}",
                                                                f"limits configured: {name}={n}, window=60s"]))
    enforced = rng.choice([f"[user:{rng.randint(1000, 9999)}] 429 rate limited (count {n + 1}/{n})",
                           f"queue refused item: {n} of {n} slots in use", f"batch rejected: {n + 7} rows over {n}"])
    d = diagnose(_excerpt(_raises(enforced), [loads]))
    assert d.category != "config", (enforced, d.rule, d.summary)
    d = diagnose(_excerpt(_own_check(name, str(n)), [loads]))
    assert d.category == "config" and name in text_of(d), (d.rule, d.summary)


@pytest.mark.parametrize("seed", range(3))
def test_a_changed_value_inside_another_word_is_no_link(seed: int) -> None:
    rng = random.Random(seed)
    key = _setting(rng)
    new, word = rng.choice([("fast", "breakfast"), ("run", "rerunning"), ("lite", "sqlite3"), ("mini", "minimum")])
    change = _line("INFO", rng.choice(["src.core.env_config", "ops.reloader"]), f"{key} {_value(rng)} -> {new}")
    refusal = _raises(f"{word} step refused for item {rng.randint(10, 999)}")
    plain = diagnose(_excerpt(refusal, [])).category
    d = diagnose(_excerpt(refusal, [change]))
    assert d.category == plain, (key, new, word, d.rule, d.summary)


@pytest.mark.parametrize("seed", range(3))
def test_a_domain_objects_state_transition_is_no_setting_change(seed: int) -> None:
    rng = random.Random(seed)
    obj, old, new = rng.choice([("order.status", "pending", "shipped"), ("job.state", "queued", "running"),
                                ("invoice.state", "draft", "finalized"), ("ticket.status", "open", "resolved")])
    said = rng.choice([f"{obj} changed from {old} to {new}", f"{obj} {old} -> {new}", f"{obj} set to {new}"])
    record = _line("INFO", rng.choice(["src.app.orders", "app.jobs.worker", "billing.events"]),
                   f"[id:{rng.randint(1000, 9999)}] {said}")
    refusal = _raises(f"cannot cancel {obj.split('.')[0]} {rng.randint(10, 9999)}: already {new}")
    plain = diagnose(_excerpt(refusal, [])).category
    d = diagnose(_excerpt(refusal, [record]))
    assert d.category == plain, (said, d.rule, d.summary)
