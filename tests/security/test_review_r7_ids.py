"""Review r7's items on ids announced by a provider's name or cut by pydantic (round 8): Twilio SIDs and Sentry release
names stay (Twilio docs "What is a SID?": two letters for the object type + 32 hex; Sentry docs "Releases"), while
the provider's credentials next to them go; a `chatcmpl-` id pydantic cut in the middle stays whole, a cut key goes."""

from __future__ import annotations

import random
import string

import pytest

from sidecar.redaction import redact

from .gitleaks_gen import pydantic_cut_report

SEEDS = range(6)
HEX = "0123456789abcdef"
AN = string.ascii_letters + string.digits


def rnd(r: random.Random, chars: str, n: int) -> str:
    return "".join(r.choice(chars) for _ in range(n))


@pytest.mark.parametrize("seed", SEEDS)
def test_twilio_sids_and_sentry_releases_stay_their_secrets_go(seed: int) -> None:
    r = random.Random(seed)
    sid = r.choice(["SM", "MM", "CA", "RE", "PN", "MG", "AC"]) + rnd(r, HEX, 32)  # AC: the Account SID (Twilio docs)
    release = r.choice(["backend@2026.12.06+", "web-frontend-", "gw@1.4.2-"]) + rnd(r, HEX, 12)
    for text in (f"twilio_sid={sid} status=sent", f"TWILIO_MESSAGE_SID={sid}", f'{{"twilio_sid": "{sid}"}}',
                 f"SENTRY_RELEASE={release}", f"sentry_release: {release}"):
        assert redact(text) == text
    token, dsn_key = rnd(r, HEX, 32), rnd(r, HEX, 64)
    for text, secret in ((f"TWILIO_AUTH_TOKEN={token}", token), (f"twilio_secret={rnd(r, AN, 32)}", None),
                         (f"SENTRY_AUTH={dsn_key}", dsn_key)):
        out = redact(text)
        assert (secret or text.split("=", 1)[1]) not in out, out


@pytest.mark.parametrize("seed", SEEDS)
def test_a_cut_completion_id_stays_a_cut_key_goes(seed: int) -> None:
    r = random.Random(seed)
    for prefix in ("chatcmpl-", "file-", "msg_", "req_"):
        value = prefix + rnd(r, AN, r.randint(50, 80))
        report = pydantic_cut_report(r.choice(["id", "item", "completion_id"]), value)
        assert redact(report) == report, redact(report)
    key = rnd(r, AN, r.randint(50, 80))
    assert key[:16] not in redact(pydantic_cut_report("item", key))
