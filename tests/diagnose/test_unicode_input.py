"""A lone surrogate in a record (a JSON "\\udcff" escape, as the Sentry/OTLP endpoints decode it) must not cost the
group its diagnosis: the Diagnosis model accepts valid Unicode only, so the stage repairs its input first."""

from __future__ import annotations

import json

import pytest

from sidecar.diagnose.model import DiagnosisInput
from tests.diagnose.logged import RULES

# what json.loads makes of an event whose strings carry lone surrogates
EVENT = json.loads('{"message": "Conversation thread c-\\udcff1 was not found or has expired", '
                   '"logger": "tools.chat\\ud800", "exception": "httpx.ConnectError: [Errno 111] Connection refused '
                   '\\udfff", "context": ["2026-12-06 02:00:00 INFO tools.chat: \\udcfe start"]}')


@pytest.mark.parametrize("field", ["message", "logger", "exception_message", "traceback", "context"])
def test_a_lone_surrogate_anywhere_still_gets_a_diagnosis(field: str) -> None:
    values: dict[str, object] = {"fingerprint": "f", "message": "Conversation thread c-1 was not found or has expired",
                                 "logger": "tools.chat"}
    if field == "message":
        values["message"] = EVENT["message"]
    elif field == "logger":
        values["logger"] = EVENT["logger"]
    elif field == "exception_message":
        values.update(exception_type="httpx.ConnectError", exception_message=EVENT["exception"])
    elif field == "traceback":
        values["traceback"] = "Traceback (most recent call last):\n" + EVENT["exception"]
    else:
        values["context"] = tuple(EVENT["context"])
    d = RULES.diagnose(DiagnosisInput(**values))  # type: ignore[arg-type]
    json.dumps(d.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")  # storable and sendable as UTF-8
    if field in ("message", "logger", "context"):
        assert d.rule == "conversation-expired", d.rule
