"""A store's miss of an object written moments before is not its expiry (unseen_write.py).

Generated per seed: the gateway's conversation-store miss (its own message) for an id of either shape (hex, uuid),
after a record of the same id being written (verb, logger, seconds before and the time format vary); with a setting
record routing reads to a replica (three spellings) -> config, without -> concurrency. Twins that must NOT change
(the TTL's storage reading stands): the id written hours before, and another id written moments before.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

import pytest

from sidecar.diagnose.excerpt import excerpt_to_input

from .logged import RULES

_MISS = ("Conversation thread '{id}' was not found or has expired. This may happen if the conversation was created "
         "more than 3 hours ago or if the server was restarted.")
_WRITES = ("created conversation {id} (write via primary)", "creating thread {id} (transaction open)",
           "saved thread {id} with 3 turns", "stored conversation {id}")
_WRITERS = ("src.conversation.store", "src.conversation.memory", "utils.conversation_threads")
_READERS = ("tools.chat", "tools.thinkdeep", "src.daemon.ws_server")
_ROUTES = ("storage: DATABASE_URL=postgresql://gw@db-primary:5432/gw DATABASE_READ_URL=postgresql://gw@{h}:5432/gw",
           "config loaded: SUPABASE_READ_REPLICA_URL=https://{h}.example.co",
           "db routing: reads=conversation,files replica={h} writes=primary")


def _id(rnd: random.Random) -> str:
    return str(uuid.UUID(int=rnd.getrandbits(128))) if rnd.random() < 0.5 else f"{rnd.getrandbits(32):08x}"


def _stamp(t: datetime, rnd: random.Random) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S") + (f".{t.microsecond // 1000:03d}" if rnd.random() < 0.5 else "")


def _excerpt(seed: int, *, routed: bool, ago: float, same_id: bool = True) -> str:
    rnd = random.Random(seed)
    oid, other = _id(rnd), _id(rnd)
    miss_at = datetime(2026, 12, 6, rnd.randrange(6, 20), rnd.randrange(60), rnd.randrange(60), rnd.randrange(10**6))
    lines = []
    if routed:
        lines.append(f"{_stamp(miss_at - timedelta(hours=5), rnd)} INFO src.core.env_config: "
                     + rnd.choice(_ROUTES).format(h=rnd.choice(("db-replica-2", "pg-ro-1", "replica-eu"))))
    wrote = rnd.choice(_WRITES).format(id=oid if same_id else other)
    lines.append(f"{_stamp(miss_at - timedelta(seconds=ago), rnd)} INFO {rnd.choice(_WRITERS)}: [req:{rnd.getrandbits(16):04x}] {wrote}")
    lines.append(f"{_stamp(miss_at, rnd)} ERROR {rnd.choice(_READERS)}: [req:{rnd.getrandbits(16):04x}] "
                 + _MISS.format(id=oid))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("seed", range(1, 4))
def test_a_miss_of_a_fresh_write_is_the_read_not_the_ttl(seed):
    rnd = random.Random(seed * 7)
    ago = rnd.uniform(0.2, 30.0)
    setting, write, _ = (excerpt := _excerpt(seed, routed=True, ago=ago)).splitlines()
    routed = RULES.diagnose(excerpt_to_input(excerpt))
    assert (routed.category, routed.rule) == ("config", "conversation-expired+unseen-write"), routed.root_cause
    assert routed.confidence < 0.6 and "replica" in routed.root_cause
    assert routed.evidence[:2] == [write, setting], routed.evidence  # the records the answer rests on come first
    write, _ = (excerpt := _excerpt(seed, routed=False, ago=ago)).splitlines()
    raced = RULES.diagnose(excerpt_to_input(excerpt))
    assert (raced.category, raced.rule) == ("concurrency", "conversation-expired+unseen-write"), raced.root_cause
    assert "Not an expiry" in raced.root_cause and raced.evidence[0] == write, raced.evidence


@pytest.mark.parametrize("seed", range(1, 4))
def test_twins_an_old_write_or_another_id_keep_the_expiry(seed):
    for excerpt in (_excerpt(seed, routed=True, ago=4 * 3600.0), _excerpt(seed, routed=False, ago=5.0, same_id=False)):
        d = RULES.diagnose(excerpt_to_input(excerpt))
        assert (d.category, d.rule) == ("storage", "conversation-expired"), d.root_cause
