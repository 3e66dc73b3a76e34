"""A strict parser's refusal is the user's input when the same request's argument reproduces it, and config when a
printed setting does (reparse.py, CLASSES10 H4 and its twin).

Real refusals: ipaddress.ip_network (host bits set), uuid.UUID, date.fromisoformat, httpx.URL raised by the real
libraries inside a tool's frame. What varies by seed: the parser and the bad value, the field and setting names, the
logger, the carrier (the traceback, or the message `invalid <field>: <Type>: <msg>`), the request id, noise records.
Twins that must keep the first answer: the argument is a well-formed value (the parser accepts it) and no setting
holds the bad one; the user's bad value sits in ANOTHER request's tool call.
"""

from __future__ import annotations

import ipaddress
import random
import uuid
from collections.abc import Callable
from datetime import date

import httpx
import pytest

from sidecar.diagnose.model import Diagnosis
from tests.diagnose.logged import diagnose, logged

# (parser, bad values, a good value, field names, setting names)
CASES: tuple[tuple[Callable[[str], object], tuple[str, ...], str, tuple[str, ...], tuple[str, ...]], ...] = (
    (lambda v: ipaddress.ip_network(v, strict=True), ("10.1.2.3/8", "172.18.0.3/12", "192.168.1.77/24"), "10.0.0.0/8",
     ("network", "allow-list entry", "cidr"), ("EXAI_ALLOWED_NETWORKS", "TRUSTED_PROXY_CIDR")),
    (uuid.UUID, ("c0ffee-not-a-uuid", "1234567890abcdef123", "zz" * 16), "12345678-1234-5678-1234-567812345678",
     ("conversation id", "tenant", "session_id"), ("EXAI_TENANT_ID", "DEFAULT_PROJECT_UUID")),
    (date.fromisoformat, ("2026-13-01", "2026-02-30", "2026-00-10"), "2026-01-31", ("since", "until", "day"),
     ("AUDIT_SINCE", "REPORT_START_DATE")),
    (httpx.URL, ("http://example.org:80a/x", "https://reports.example.org:8o8o/", "http://[::1/x"),
     "https://example.org/x", ("url", "callback", "target"), ("ALERT_RELAY_URL", "WEBHOOK_TARGET_URL")),
)
LOGGERS = ("tools.web_fetch", "src.tools.conversation_lookup", "tools.audit_query", "app.tools.net_scan")


def _stamp(s: int) -> str:
    return f"2026-12-06 09:{s // 60:02d}:{s % 60:02d}"


def _excerpt(rng: random.Random, *, user: str | None, setting: tuple[str, str] | None, other_req: bool = False,
             parser: Callable[[str], object], bad: str, field: str) -> str:
    req = f"{rng.randrange(16**6):06x}"
    logger = rng.choice(LOGGERS)
    lines = [f"{_stamp(1)} INFO src.core.env_config: " + (f"{setting[0]}={setting[1]} (from environment)" if setting
                                                         else "settings loaded (EXAI_ENV=docker)")]
    lines += [f"{_stamp(2 + i)} INFO src.monitoring.metrics: [METRICS] flushed {rng.randrange(99)} samples"
              for i in range(rng.randrange(3))]
    args = {field: user} if user is not None else {}
    call_req = f"{rng.randrange(16**6):06x}" if other_req else req
    lines.append(f"{_stamp(10)} INFO ws_daemon: [req:{call_req}] tool call {logger.rsplit('.', 1)[-1]} args={args!r}")
    try:
        parser(bad)
    except (ValueError, httpx.InvalidURL) as exc:
        if rng.random() < 0.5:
            text = logged(logger, f"[req:{req}] invalid {field}")
        else:
            text = logged(logger, f"[req:{req}] invalid {field}: {type(exc).__name__}: {exc}").split("\nTraceback")[0]
    else:
        raise AssertionError(f"{bad!r} parsed")
    lines.append(_stamp(11) + text[19:])
    return "\n".join(lines)


def _same(a: Diagnosis, b: Diagnosis) -> bool:
    return (a.category, a.rule, a.confidence) == (b.category, b.rule, b.confidence)


@pytest.mark.parametrize("seed", range(1, 9))
def test_the_value_the_parser_refuses_again_decides_whose_it_is(seed: int) -> None:
    rng = random.Random(seed)
    parser, bads, good, fields, names = CASES[seed % len(CASES)]
    bad, field, name = rng.choice(bads), rng.choice(fields), rng.choice(names)
    kw = {"parser": parser, "bad": bad, "field": field}

    users = diagnose(_excerpt(random.Random(seed), user=bad, setting=None, **kw))
    assert users.category == "unknown" and users.confidence <= 0.4, (seed, users.rule, users.summary)

    setting = diagnose(_excerpt(random.Random(seed), user=None, setting=(name, bad), **kw))
    assert setting.category == "config" and name in setting.summary and setting.confidence < 0.6, (seed, setting.rule)

    # twins: a well-formed argument and no bad setting; the bad value in another request's call
    alone = diagnose(_excerpt(random.Random(seed), user=None, setting=None, **kw))
    well_formed = diagnose(_excerpt(random.Random(seed), user=good, setting=None, **kw))
    assert "+reparse" not in (well_formed.rule or "") and _same(well_formed, alone), (seed, well_formed.rule)
    elsewhere = diagnose(_excerpt(random.Random(seed), user=bad, setting=None, other_req=True, **kw))
    assert "+reparse" not in (elsewhere.rule or ""), (seed, elsewhere.rule)
