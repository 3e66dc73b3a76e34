"""Near-miss of CLASSES11 E3 (diagnose/precondition.py), found by the round-12 review: `version mismatch` is also how
a PROTOCOL, schema or client/server version skew is worded (a deploy running two versions: nothing was written
conditionally). Repeated for one worker or node id, the record is no refused conditional write: precondition_cause
must leave it (the catch-all's unknown without the repeats), never "our conditional write ... stale precondition".

Generated per seed: what is versioned, the object id (hex or UUID), the versions, the logger, how often it repeats."""

from __future__ import annotations

import random
import uuid

import pytest

from .logged import diagnose, logged


class HandshakeError(Exception):
    """Our worker protocol's refusal (raised for real; the class name varies nothing the mechanism reads)."""


@pytest.mark.parametrize("seed", range(6))
def test_a_repeated_protocol_version_mismatch_is_no_stale_precondition(seed: int) -> None:
    r = random.Random(seed)
    what = r.choice(("protocol", "schema", "client/server", "API", "wire format"))
    obj = r.choice((f"{r.getrandbits(48):012x}", str(uuid.UUID(int=r.getrandbits(128)))))
    a = r.randrange(1, 9)
    text = f"{what} version mismatch (ours {a}, theirs {a + r.randrange(1, 3)})"
    msg = f"{r.choice(('worker', 'node', 'peer'))} {obj} rejected: {text}"
    try:
        raise HandshakeError(text)
    except HandshakeError:
        excerpt = logged(r.choice(("src.daemon.workers", "gateway.cluster", "app.peers")), msg,
                         before=(msg,) * r.randrange(2, 4))
    d = diagnose(excerpt)
    assert "precondition" not in d.rule, (d.rule, d.summary)
