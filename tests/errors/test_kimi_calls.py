"""One Kimi call per true error: a generated stream with letters-only variable parts, through the
errors stage and the diagnosis service, against the local OpenAI-compatible test server."""

from __future__ import annotations

import asyncio
import random
import string

from sidecar.bus import Bus
from sidecar.diagnose.kimi import KimiClient
from sidecar.diagnose.rules import load_rules
from sidecar.diagnose.service import DiagnosisService
from sidecar.errors.groups import GroupRecorder
from sidecar.telemetry import Telemetry
from tests.diagnose.conftest import fake_llm, good, llm_config  # noqa: F401 - fake_llm is a fixture

from .conftest import make_event

RNG = random.Random(1515)


def _letters(n: int, alphabet: str = string.ascii_lowercase) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


# Each kind: (logger, message factory). The variable parts are what split groups before issue 15:
# letters-only hex suffixes, AWS key ids, bearer tokens, host names, worker names, uuids, enum values.
KINDS = [
    ("src.providers.kimi", lambda: "Kimi API error 429 exceeded_current_quota_error for key ending "
     + RNG.choice([_letters(4, "abcdef"), _letters(4, "0123456789abcdef")])),
    ("src.providers.kimi", lambda: "Kimi API error 401 invalid_authentication_error for key ending "
     + _letters(4, "abcdef")),
    ("src.storage.s3", lambda: f"AccessDenied for access key AKIA{_letters(16, string.ascii_uppercase)} on bucket "
     f"{_letters(6)}-uploads"),
    ("src.auth", lambda: f"rejected bearer token {_letters(32, string.ascii_letters)} for tenant "
     f"{_letters(5)}_{_letters(4)}"),
    ("src.daemon.ws_server", lambda: f"Connection closed for {_letters(4)}-{_letters(3)}.internal.example: "
     "no close frame received or sent"),
    ("src.daemon.supervisor", lambda: f"worker {RNG.choice(['uvicorn', 'celery', 'rq'])}-{_letters(5)} exited "
     "with signal SIGKILL"),
    ("src.jobs", lambda: f"job handler crashed state={RNG.choice(['RUNNING', 'PENDING', 'QUEUED'])} "
     "retries exhausted"),
    ("src.tools", lambda: f"tool call failed for session {_letters(8)}-{_letters(4)}-{_letters(4)}: "
     "upstream timed out"),
]


async def test_kimi_is_called_once_per_true_error(sqlite_store, clock, fake_llm):  # noqa: F811
    fake_llm.default = good()
    bus, telemetry = Bus(), Telemetry()
    groups = GroupRecorder(sqlite_store, bus, clock, telemetry)
    config = llm_config(fake_llm.base_url)
    svc = DiagnosisService(config=config, store=sqlite_store, bus=bus, clock=clock,
                           rules=load_rules("rules/diagnoses.yaml"), llm=KimiClient(config, clock, telemetry),
                           telemetry=telemetry)
    await svc.start()
    stream = [(k, *KINDS[k]) for k in range(len(KINDS)) for _ in range(25)]
    RNG.shuffle(stream)
    events = [make_event(factory(), logger=logger, offset=i * 200) for i, (_, logger, factory) in enumerate(stream)]
    for i in range(0, len(events), 40):
        await groups.record(events[i:i + 40])
    rows = await sqlite_store.db.fetchall("SELECT error_hash FROM error_investigations")
    assert len(rows) == len(KINDS)
    for _ in range(2000):
        done = [await sqlite_store.diagnoses.claim(r["error_hash"]) for r in rows]
        if all(c is not None and c["state"] == "done" for c in done):
            break
        await asyncio.sleep(0.01)
    await svc.stop()
    assert len(fake_llm.requests) == len(KINDS)
