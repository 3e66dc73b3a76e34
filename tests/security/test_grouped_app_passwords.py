"""Round 18 finding: `token: <lowercase hyphen groups>` before prose was kept - the prose reading of `NAME: text` took
four dash-joined lowercase groups for words joined by a dash. Generated app passwords are printed in exactly that
grammar to be typed (Apple app-specific passwords `xxxx-xxxx-xxxx-xxxx`, Bluesky app passwords; CLASSES19 A145/A148):
four or more groups of exactly four lowercase letters or digits. Before the fix 'token: wxyz-qrst-uvab-cdef retrying'
was kept (this test: 40/40 plantings failed). Twins: dash-joined words of other lengths stay prose."""

from __future__ import annotations

import json
import random
import string

from sidecar.redaction import redact

_NAMES = ("token", "Token", "password", "app password", "Password", "secret", "api token", "auth token")
_AFTER = ("retrying", "for apple id", "rejected by the server", "(expired)", "was revoked", "- see docs")


def _grouped(r: random.Random) -> str:
    alphabet = r.choice((string.ascii_lowercase, string.ascii_lowercase + string.digits))
    return "-".join("".join(r.choice(alphabet) for _ in range(4)) for _ in range(r.choice((4, 4, 5, 6))))


def test_grouped_app_password_before_prose_goes() -> None:
    leaks = []
    for seed in range(40):
        r = random.Random(seed)
        v = _grouped(r)
        line = f"{r.choice(_NAMES)}{r.choice((': ', ' ', ' is '))}{v} {r.choice(_AFTER)}"
        text = line if r.random() < 0.5 else json.dumps({"msg": line})
        if v in redact(text):
            leaks.append(text)
    assert not leaks, leaks[:3]


def test_dashed_words_in_prose_stay() -> None:
    for text, kept in (("token: read-only mode enabled", "read-only"),
                       ("token: gateway-prod-eu-west retrying", "gateway-prod-eu-west"),
                       ("key: north-east-west-side of the map", "north-east-west-side"),
                       ("token: non-renewable-batch-scope issued", "non-renewable-batch-scope")):
        assert kept in redact(text), text
