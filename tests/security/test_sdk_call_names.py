"""An SDK call's quoted argument is a credential only when it looks generated: names a person chose (a job, a
bot, a service: words, numbers and short tags joined by - _ . :) stay, in every call the rule knows (review of
round 6: `client.run('nightly-report-2026-12-06')` and `Bot('support-bot-v2-prod-eu1')` were redacted)."""

from __future__ import annotations

import random
import string

import pytest

from sidecar.redaction import redact
from tests.security.test_carried_credentials import SDK_CALLS

WORDS = ("nightly", "report", "support", "bot", "prod", "staging", "worker", "billing", "Sync", "Export",
         "eu", "west", "daily", "backup", "Ingest", "metrics", "alpha", "release", "canary", "Main")
TAGS = ("v2", "eu1", "prod01", "2026", "12", "06", "us2", "r3", "0042")


def _name(r: random.Random) -> str:
    parts = [r.choice(WORDS) for _ in range(r.randint(1, 3))] + [r.choice(TAGS) for _ in range(r.randint(1, 3))]
    r.shuffle(parts)
    name = r.choice("-_.").join(parts)
    return name if len(name) >= 16 else name + "-" + r.choice(WORDS) + "-" + r.choice(TAGS) + "-" + r.choice(WORDS)


@pytest.mark.parametrize("seed", range(5))
def test_a_chosen_name_in_an_sdk_call_stays(seed: int) -> None:
    r = random.Random(seed)
    for call in SDK_CALLS:
        name = _name(r)
        line = f"2026-12-06 06:10:00,000 ERROR src.jobs: {call.format(v=name)} failed: job not found"
        assert name in redact(line), line


def _telegram(r: random.Random) -> str:
    return str(r.randint(10**8, 10**10)) + ":" + "".join(r.choice(string.ascii_letters + string.digits + "_-")
                                                           for _ in range(35))


def _discord(r: random.Random) -> str:
    part = string.ascii_letters + string.digits + "_-"
    return ".".join("".join(r.choice(part) for _ in range(n)) for n in (24, 6, 27))


@pytest.mark.parametrize("seed", range(5))
def test_documented_bot_tokens_with_separators_still_go(seed: int) -> None:
    r = random.Random(seed)
    for call in ("Bot('{v}')", "Application.builder().token('{v}').build()", "client.run('{v}')", "bot.run(\"{v}\")"):
        for token in (_telegram(r), _discord(r)):
            out = redact(f"2026-12-06 06:10:00,000 ERROR src.bots: {call.format(v=token)} failed: 401")
            assert token not in out, out
