"""A bare MAC is kept only when its OWN timestamp / nonce field binds it to one request (webhooksigs.bound_signature_at,
CLASSES20 D55). Review r18: any `ts=`/`"timestamp"`/`nonce` in the line bound any `...sig` value, and a structured
log's own timestamp field is on nearly every record; the JSON form of a bound `oauth_signature` was never seen."""

from __future__ import annotations

import json
import random
import string

import pytest

from sidecar.redaction import redact


def _mac(r: random.Random) -> str:
    return "".join(r.choice(string.ascii_letters + string.digits) for _ in range(43)) + "="


_UNBOUND = (  # a timestamp in the record that is not the signature's own
    lambda s: json.dumps({"timestamp": "2026-12-07T10:11:12Z", "msg": "upload", "sig": s}),
    lambda s: json.dumps({"ts": 1765102272, "level": "info", "msg": "presign", "signature": s}),
    lambda s: f'ts=2026-12-07T10:11:12Z level=info msg="presign" sig={s}',
    lambda s: f"X-Twilio-Signature: {s} ts=1765102272",
    lambda s: f"GET /img.png?Signature={s} Key-Pair-Id=K2JCJMDEHXQW5F Expires=1765102272 ts=2026-12-07",
    lambda s: f"2026-12-07 10:11:12 INFO webhook nonce=abc123 received, X-Hub-Sig: {s}",
)
_BOUND = (  # the documented pairs: the same family's timestamp / nonce, or the next field of the signature's own list
    lambda s: f"x-app-access-ts: 1765102272 x-app-access-sig: {s}",
    lambda s: "{'X-App-Access-Sig': '" + s + "', 'X-App-Access-Ts': '1765102272'}",
    lambda s: f"oauth_consumer_key=abc&oauth_nonce=kllo9940pd9333jh&oauth_signature={s}&oauth_timestamp=1765102272",
    lambda s: json.dumps({"oauth_signature": s, "oauth_nonce": "kllo9940pd9333jh", "oauth_timestamp": "1765102272"}),
    lambda s: json.dumps({"headers": json.dumps({"oauth_signature": s, "oauth_timestamp": "1765102272"})}),
    lambda s: f"Authorization: EAN APIKey=[REDACTED],Signature={s},timestamp=1765102272",
    lambda s: json.dumps({"sig": s, "ts": 1765102272, "path": "/resources/applicants"}),
)


@pytest.mark.parametrize("shape", range(len(_UNBOUND)))
def test_a_timestamp_elsewhere_in_the_record_binds_nothing(shape: int) -> None:
    r = random.Random(shape)
    for _ in range(5):
        s = _mac(r)
        out = redact(_UNBOUND[shape](s))
        assert s not in out and json.dumps(s)[1:-1] not in out, out


@pytest.mark.parametrize("shape", range(len(_BOUND)))
def test_the_signatures_own_binding_keeps_it(shape: int) -> None:
    r = random.Random(100 + shape)
    for _ in range(5):
        s = _mac(r)
        assert s in redact(_BOUND[shape](s))

