"""Round-11 review: near-misses of user_value.py where a tool-call argument's text occurs in the failure but is NOT
the refused value (were strict xfails; user_value._named now requires the value to stand whole: not a longer path's
tail, not a part of a dotted name).

user_value.py downgrades a code/config answer to unknown when `_named(value, said)`: the argument's text as a whole
word anywhere in what the failure says. Two near-miss shapes, each with real errors raised by the real library:
- a PATH: the user's argument is a bare file name (`config.yaml`) and the failure refuses a longer path of ours that
  merely ends with it (`/…/gateway/config.yaml`): `(?<![\\w])` accepts the '/' before it. The refused value is the
  setting's path, not the user's argument: config must stay.
- a WORD: the user's argument is a word (`json`, `csv`) that is also a module name in the exception's dotted type
  (`json.decoder.JSONDecodeError`): the refusal names no user value at all; code must stay.
What varies by seed: the file or word, the tool, the carrier of the tool call (tools/call k=v, args={...},
toolcalls.jsonl, Docker json-file), the request id. The twin (must hold today and after the fix): the argument IS
the refused path, which user_value.py rightly reads as the user's.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.diagnose.logged import diagnose, logged, logged_lookup_failure
from tests.diagnose.test_user_value import _call_record

SEEDS = range(1, 7)
NAMES = ("config.yaml", "settings.toml", "providers.json", "routes.yaml", "secrets.env")
TOOLS = ("read_path", "file_inspect", "project_scan", "export_chat")


def _missing_setting_file(tmp: Path, name: str, req: str) -> str:
    path = tmp / "gateway" / name
    try:
        open(path)  # noqa: SIM115 - raises FileNotFoundError
    except FileNotFoundError:
        return logged("src.core.paths", f"[req:{req}] loading gateway settings failed")
    raise AssertionError("no FileNotFoundError")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_bare_name_argument_is_not_our_longer_path(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    name, req = rng.choice(NAMES), f"{rng.randrange(16**6):06x}"
    err = _missing_setting_file(tmp_path, name, req)
    alone = diagnose(err)
    assert alone.category == "config", (seed, alone.rule)
    call = _call_record(rng.randrange(4), req, rng.choice(TOOLS), "path", name, rng.randrange(1, 50))
    d = diagnose(call + "\n" + err)
    assert d.category == "config", (seed, name, d.rule)


@pytest.mark.parametrize("seed", SEEDS)
def test_twin_the_argument_is_the_refused_path(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    name, req = rng.choice(NAMES), f"{rng.randrange(16**6):06x}"
    err = _missing_setting_file(tmp_path, name, req)
    call = _call_record(rng.randrange(4), req, rng.choice(TOOLS), "path", str(tmp_path / "gateway" / name),
                        rng.randrange(1, 50))
    d = diagnose(call + "\n" + err)
    assert d.category == "unknown" and "+user-value" in (d.rule or ""), (seed, d.rule)


@pytest.mark.parametrize("seed", SEEDS)
def test_an_argument_word_in_the_exception_type_is_no_user_value(seed: int) -> None:
    rng = random.Random(seed)
    req = f"{rng.randrange(16**6):06x}"
    reply = rng.choice(("", "<html>502 Bad Gateway</html>", "{'ok': True}", "data: [DONE]"))
    try:
        json.loads(reply)
    except ValueError:
        err = logged(rng.choice(("src.providers.kimi", "src.providers.glm")), f"[req:{req}] parsing reply failed")
    alone = diagnose(err)
    call = _call_record(rng.randrange(4), req, rng.choice(TOOLS), "format", "json", rng.randrange(1, 50))
    d = diagnose(call + "\n" + err)
    assert d.category == alone.category, (seed, alone.rule, d.rule)


# recovered.py + following.py: a later record of the same LOGGER is tied to the error whatever it says it did, and
# _success accepts any success word in it; the "another remote" check only fires when both records name a known
# service (situation.remote), so a success on ANOTHER host of an arbitrary name, or an unrelated "health check ok",
# reads as this operation recovering. The test_recovered twin varies the host AND the logger; these keep the logger.
LOGGERS = ("src.storage.file_download", "tools.repo_fetch", "src.export.archive", "app.workers.fetcher")


@pytest.mark.parametrize("seed", SEEDS)
async def test_a_same_logger_success_elsewhere_is_not_this_name_resolving(seed: int) -> None:
    rng = random.Random(seed)
    host = f"api-{rng.randrange(10**4)}.example.invalid"
    other = f"{rng.choice(('backup', 'mirror', 'eu'))}-{rng.randrange(99)}.example.org"
    logger = rng.choice(LOGGERS)
    excerpt = await logged_lookup_failure(host, logger, f"call to https://{host}/v1/items failed")
    stamp = " ".join(excerpt.split(" ", 2)[:2])
    alone = diagnose(excerpt)
    assert alone.category == "config", (seed, alone.rule)
    success = rng.choice((f'HTTP Request: POST https://{other}/v1/items "HTTP/1.1 200 OK"',
                          f"call to https://{other}/v1/items ok", f"reconnected to {other}",
                          f"health check ok (uptime {rng.randrange(999)} s)"))
    d = diagnose("\n".join([excerpt, f"{stamp} INFO {logger}: {success}"]))
    assert d.category == "config" and "+recovered" not in (d.rule or ""), (seed, success, d.rule)


# pool_trend.py compares the rate figures as bare numbers: `requests/min=40` and `req/s=44` read as flat (ratio 1.1),
# though the second is 66 times the first. (tests/diagnose/test_pool_trend.py's _sample draws the unit PER SAMPLE, so
# its "flat" series mixes units too: its leak case is flat only if units are ignored.) And a flat rate is not yet a
# leak: by Little's law in-use = rate x time held, so a flat rate with the query time rising (a slow database) fills
# the pool too - capacity/storage, not code. Real psycopg_pool TooManyRequests from the test PostgreSQL.
def _pool_excerpt(error: str, samples: list[str]) -> str:
    return "\n".join([*samples, "2026-12-06 10:30:00" + error[19:]])


@pytest.mark.parametrize("seed", range(1, 5))
async def test_a_rate_that_rose_from_per_minute_to_per_second_is_no_leak(pg_dsn: str, seed: int) -> None:
    from tests.diagnose.test_pool_trend import _refused

    rng = random.Random(seed)
    name, bound = rng.choice(("audit", "uploads", "sessions")), rng.choice((5, 10, 20))
    error = await _refused(pg_dsn, name)
    n = rng.randrange(3, 6)
    figures = [rng.randrange(40, 48) for _ in range(n)]
    samples = [f"2026-12-06 10:{i:02d}:00 INFO src.monitoring.metrics: pool {name} in_use={bound if i else bound // 2}"
               f"/{bound} waiting=0 " + (f"requests/min={r}" if i < n - 2 else f"req/s={r}")
               for i, r in enumerate(figures)]
    d = diagnose(_pool_excerpt(error, samples))
    assert d.category == "capacity", (seed, d.rule)


@pytest.mark.parametrize("seed", range(1, 5))
async def test_a_flat_rate_with_slower_queries_is_no_leak(pg_dsn: str, seed: int) -> None:
    from tests.diagnose.test_pool_trend import _refused

    rng = random.Random(seed)
    name, bound = rng.choice(("audit", "uploads", "sessions")), rng.choice((5, 10, 20))
    error = await _refused(pg_dsn, name)
    n = rng.randrange(3, 6)
    unit = rng.choice(("requests/min", "req/s"))
    held = rng.choice(("query_p95_ms", "hold_ms", "db_p95_ms"))
    samples = [f"2026-12-06 10:{i:02d}:00 INFO src.monitoring.metrics: pool {name} in_use={bound if i else bound // 2}"
               f"/{bound} waiting=0 {unit}={rng.randrange(40, 48)} {held}={40 * 4 ** i}" for i in range(n)]
    samples.insert(rng.randrange(1, n), f"2026-12-06 10:0{n}:30 WARNING src.storage.db: slow query took "
                                        f"{rng.randrange(2, 9)}.{rng.randrange(10)} s (autovacuum running)")
    d = diagnose(_pool_excerpt(error, samples))
    assert d.category != "code", (seed, d.rule)


# aggregate.py takes EVERY breaker record (a logger or message with "circuit"/"breaker") as a provider path: a breaker
# of another service (Supabase, Redis, a cache) opened by our exception makes "no provider could serve" code, though
# the provider breakers' own records name no cause. test_aggregate's twin puts our TypeError in an unrelated
# component's plain record, not in another service's breaker record.
@pytest.mark.parametrize("seed", SEEDS)
def test_another_services_breaker_is_no_provider_path(seed: int) -> None:
    from tests.diagnose.test_aggregate import AGGREGATES

    rng = random.Random(seed)
    service = rng.choice(("supabase", "redis", "embeddings-cache", "storage-upload"))
    exc = rng.choice(("TypeError", "AttributeError", "KeyError"))
    logger = rng.choice(("src.resilience.circuit_breaker_manager", "src.resilience.breakers"))
    opened = rng.choice(("circuit {s} CLOSED -> OPEN after 3 consecutive failures{c}",
                         "breaker '{s}' opened{c}"))

    def rec(t: int, level: str, who: str, msg: str) -> str:
        return f"2026-12-06 10:00:{t:02d} {level} {who}: {msg}"

    lines = [rec(2 * i + 1, "WARNING", logger, opened.format(s=p, c="")) for i, p in enumerate(("kimi", "glm"))]
    other = rec(rng.randrange(0, 5), "WARNING", logger, opened.format(s=service, c=f" (last: {exc})"))
    aggregate = rng.choice(AGGREGATES).format(r=f"{rng.randrange(16**4):04x}", model="kimi-k2")
    last = rec(9, "ERROR", "src.daemon.error_handling", aggregate)
    alone = diagnose("\n".join([*lines, last]))
    d = diagnose("\n".join([*lines[:1], other, *lines[1:], last]))
    assert d.category == alone.category and "+aggregate:ours" not in (d.rule or ""), (seed, alone.rule, d.rule)


# reparse.py gives the same request's tool-call arguments to the parser WITHOUT the guard its settings branch has:
# a refusal that does not quote the value ("badly formed hexadecimal UUID string") is reproduced by ANY string of the
# wrong shape, so a free-text argument (a search query) "refuses the same way", and the user branch runs first: a
# malformed SETTING printed before the failure loses to the user's unrelated query (config -> unknown).
# (fixed in round 11 by i17: a value-free refusal reads a kind-named setting that reproduces it before the user branch)
@pytest.mark.parametrize("seed", SEEDS)
def test_a_free_text_argument_does_not_take_a_malformed_settings_refusal(seed: int) -> None:
    import uuid

    from tests.diagnose.test_reparse import CASES
    from tests.diagnose.test_reparse import _excerpt as reparse_excerpt

    rng = random.Random(seed)
    parser, bads, _, fields, names = CASES[1]
    assert parser is uuid.UUID
    bad, field, name = rng.choice(bads), rng.choice(fields), rng.choice(names)
    query = rng.choice(("my notes from monday", "summarise the last call", "invoices 2026", "what did we decide"))
    kw = {"parser": parser, "bad": bad, "field": field}
    setting_only = diagnose(reparse_excerpt(random.Random(seed), user=None, setting=(name, bad), **kw))
    assert setting_only.category == "config", (seed, setting_only.rule)
    both = diagnose(reparse_excerpt(random.Random(seed), user=query, setting=(name, bad), **kw))
    assert both.category == "config" and "+reparse:input" not in (both.rule or ""), (seed, query, both.rule)


# recovered.py: the same REQUEST completing is not the same OPERATION succeeding. The gateway's request-level record
# ("request completed status=200", "served from cache", "response delivered") follows a fallback or a cache hit as
# well as a retry; it names no remote, so the "another remote" check cannot fire, and a Kimi host that never resolves
# (a wrong KIMI_BASE_URL: config) reads as a transient DNS failure.
@pytest.mark.parametrize("seed", SEEDS)
async def test_the_request_completing_is_not_the_failed_call_recovering(seed: int) -> None:
    rng = random.Random(seed)
    host = f"api-{rng.randrange(10**4)}.example.invalid"
    req = f"{rng.randrange(16**8):08x}"
    provider, logger = rng.choice((("kimi", "src.providers.kimi_chat"), ("glm", "src.providers.glm_chat")))
    excerpt = await logged_lookup_failure(host, logger, f"[req:{req}] {provider} call to https://{host}/v1/chat/completions failed")
    stamp = " ".join(excerpt.split(" ", 2)[:2])
    alone = diagnose(excerpt)
    assert alone.category == "config", (seed, alone.rule)
    later = rng.choice((f"request completed status=200 latency_ms={rng.randrange(900, 9000)}",
                        "chat completed (served from semantic cache)", "response delivered to client",
                        f"stream finished ok ({rng.randrange(20, 900)} chunks)"))
    d = diagnose(f"{excerpt}\n{stamp} INFO {rng.choice(('src.daemon.ws_server', 'src.daemon.router'))}: "
                 f"[req:{req}] {later}")
    assert d.category == "config" and "+recovered" not in (d.rule or ""), (seed, later, d.rule)


# user_data.py (d8868fe): its docstring's negative condition "a printed setting names the object (config stays)" is
# not in the code - _users_record takes ANY tool call of the same request with any argument as "the user's object",
# so a setting written in a notation int()/float() refuses (origin:setting, config) turns unknown as soon as the
# request carried a tool call, whatever its arguments (a search query). Real int()/float() refusals.
# (i17's guard fixed the seeds whose refusal quotes the value; b17's tie - a tool call counts only when an argument
# names a file, a path or a name with an extension - fixes the rest: the markers are gone)
@pytest.mark.parametrize("seed", SEEDS)
def test_a_settings_notation_stays_config_beside_an_unrelated_tool_call(seed: int) -> None:
    from tests.diagnose.test_user_value import _call_record

    rng = random.Random(seed)
    name, value, conv = rng.choice((("REQUEST_TIMEOUT", f"{rng.randrange(5, 90)}s", float),
                                    ("EXAI_WORKERS", rng.choice(("auto", "max", "4x")), int)))
    req = f"{rng.randrange(16**6):06x}"
    setting = f"2026-12-06 09:00:00 INFO src.core.env_config: {name}={value} (from environment)"
    try:
        conv(value)
    except ValueError:
        err = logged(rng.choice(("src.providers.kimi_chat", "src.daemon.ws_server")), f"[req:{req}] request failed")
    alone = diagnose(setting + "\n" + err)
    assert alone.category == "config", (seed, name, alone.rule)
    query = rng.choice(("notes from monday", "invoices 2026", "what did we decide"))
    call = _call_record(rng.randrange(4), req, rng.choice(TOOLS), "query", query, rng.randrange(1, 50))
    d = diagnose("\n".join([setting, call, err]))
    assert d.category == "config", (seed, name, d.rule)
