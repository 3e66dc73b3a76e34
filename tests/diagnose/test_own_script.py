"""A Redis BUSY reply while the gateway's own script runs is that script (own_script.py), not the cache service.

The BUSY reply comes from the real redis-py asyncio client against the loopback RESP server (test_redis_families);
generated per seed: the logger that failed, the command, our script record's logger, its call (EVAL, EVALSHA, FCALL,
a .lua file), its position (before the error, or its end logged after) and seconds away. Twins that keep the code
table's storage: no script record, a script record of another program (an operator's redis-cli), ours hours away.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
import redis
import redis.asyncio as aredis

from tests.diagnose.logged import diagnose, logged
from tests.diagnose.test_redis_families import _only, resp_server

_BUSY = b"-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT.\r\n"
_FAILING = ("src.session.store", "utils.infrastructure.semantic_cache", "src.conversation.cache")
_SCRIPTS = ("utils.cache_cleanup", "src.maintenance.sweeper", "tools.cache_admin")
_CALLS = ("EVALSHA 9c1e0f2a (cleanup.lua: KEYS semcache:* then DEL expired) keys=0", "EVAL <sweep script> 0",
          "FCALL expire_sessions 0", "running sweep_sessions.lua over conv:* keys")


async def _busy_excerpt(rnd: random.Random) -> str:
    async with resp_server(_only("GET", _BUSY)) as port:
        client = aredis.Redis(host="127.0.0.1", port=port, socket_timeout=2)
        try:
            await client.get(f"conv:state:{rnd.getrandbits(24):06x}")
        except redis.RedisError:
            return logged(rnd.choice(_FAILING), f"[req:{rnd.getrandbits(16):04x}] state load failed")
        finally:
            await client.aclose()
    raise AssertionError("the BUSY reply did not raise")


def _record(logger: str, text: str, seconds: float) -> str:
    return f"{(datetime.now() + timedelta(seconds=seconds)).strftime('%Y-%m-%d %H:%M:%S')} INFO {logger}: {text}"


@pytest.mark.parametrize("seed", range(1, 4))
async def test_busy_while_our_script_runs_is_our_script(seed: int) -> None:
    rnd = random.Random(seed)
    error = await _busy_excerpt(rnd)
    script = _record(rnd.choice(_SCRIPTS), rnd.choice(_CALLS), rnd.uniform(-60, -1))
    ended = _record(rnd.choice(_SCRIPTS), f"{rnd.choice(('cleanup.lua', 'sweep.lua'))} done in 40.8s", rnd.uniform(5, 60))
    before = rnd.random() < 0.5
    d = diagnose(f"{script}\n{error}" if before else f"{error}\n{ended}")
    assert (d.category, d.rule) == ("code", "class:redis.response+own-script"), (d.rule, d.root_cause)
    assert d.confidence < 0.6 and "ours" in d.root_cause
    assert d.evidence[0] == (script if before else ended), d.evidence  # the record the answer rests on comes first


@pytest.mark.parametrize("seed", range(1, 4))
async def test_twins_no_script_of_ours_near_it_keep_the_service_reading(seed: int) -> None:
    rnd = random.Random(seed)
    error = await _busy_excerpt(rnd)
    for excerpt in (error,
                    f"{_record('ops.redis_cli', rnd.choice(_CALLS), -5)}\n{error}",
                    f"{_record(rnd.choice(_SCRIPTS), rnd.choice(_CALLS), -7200)}\n{error}",
                    # our logger printing the server's SLOWLOG entry: the command is the client's that entry names
                    f"{error}\n" + _record(rnd.choice(("utils.observability", "src.monitoring.redis_stats")),
                                           f"redis-cli SLOWLOG GET 1 -> id {rnd.randint(100, 9999)}, "
                                           f"{rnd.randint(2, 12) * 10**6} us, {rnd.choice(('EVALSHA 4f1e 0', 'FCALL export 0'))}"
                                           f", client 10.42.3.{rnd.randint(2, 250)}:51722 name="
                                           f"{rnd.choice(('analytics-export', 'billing-worker'))}", rnd.uniform(2, 40)),
                    # a record saying our code runs NO script
                    f"{error}\n" + _record("utils.observability", rnd.choice(("gateway code: no EVAL/EVALSHA calls "
                                                                               "(grep of src/)", "we never call FCALL")),
                                           rnd.uniform(2, 40))):
        d = diagnose(excerpt)
        assert (d.category, d.rule) == ("storage", "class:redis.response"), (d.rule, d.root_cause)


@pytest.mark.parametrize("seed", range(1, 4))
async def test_an_unfinished_run_or_a_later_unnegated_call_is_our_script(seed: int) -> None:
    # round 16 re-read: a `not` of an unfinished run ("did not finish") was read as "we run none", and only the FIRST
    # call of the line was tried, so a negated mention before the real call hid it
    rnd = random.Random(seed)
    error = await _busy_excerpt(rnd)
    text = rnd.choice((f"cleanup script did not finish EVALSHA {rnd.getrandbits(32):08x} after {rnd.randint(6, 60)}s",
                       f"sweep has not yet returned: FCALL expire_sessions {rnd.randint(0, 3)}",
                       f"no EVAL in the request path; running sweep_{rnd.randint(1, 9)}.lua over conv:* keys"))
    d = diagnose(f"{_record(rnd.choice(_SCRIPTS), text, rnd.uniform(-60, -1))}\n{error}")
    assert (d.category, d.rule) == ("code", "class:redis.response+own-script"), (text, d.rule, d.root_cause)


@pytest.mark.parametrize("seed", range(1, 4))
async def test_twins_a_script_we_could_not_load_or_do_not_call_stay_the_service(seed: int) -> None:
    rnd = random.Random(seed)
    error = await _busy_excerpt(rnd)
    text = rnd.choice(("could not load dedupe.lua: file missing", f"we do not call EVAL (grep of src/, {rnd.randint(2, 9)} "
                       "modules)", "no EVALSHA, no FCALL in the gateway"))
    d = diagnose(f"{_record(rnd.choice(_SCRIPTS), text, rnd.uniform(-60, -1))}\n{error}")
    assert (d.category, d.rule) == ("storage", "class:redis.response"), (text, d.rule, d.root_cause)
