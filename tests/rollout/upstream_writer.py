"""The gateway's async-upload records, produced call by call the way its writer produces them.

Re-enacted from the source of tools/decorators/async_upload_wrapper.py and
tools/monitoring/async_upload_metrics.py (Zazzles2908/EX-AI-MCP-Server; research/upstream-gateway.md
4.1), not copied. What the writer does, and this module reproduces:
- one `UploadMetrics` per outcome, serialised `json.dumps(asdict(m))` (fields in declaration
  order, `null` for unset `error_type`/`request_id`), appended as one line;
- `timestamp` = `datetime.utcnow().isoformat()` when the record is built (no zone; no fraction
  when the microsecond is 0), `duration_ms` = (time.time() - the call's start) x 1000 just before;
- async selected: attempts up to `max_retries + 1`, retrying only retryable errors; success ->
  one `async`/true record; failure with fallback on -> the sync call runs and writes ONE record
  `sync_fallback` (true, or false with the sync error's class when the sync call fails too);
  failure with fallback off -> the inner handler writes `async`/false and re-raises, the outer
  `except` writes a second `async`/false (same fields, later timestamp and duration);
- not selected: one `sync` record (false with the error class when the call raised);
- `request_id` is the decorator's argument: None (documented usage), or one fixed value for every
  call of a wrapped function; a caller may also build a wrapper per request (unique ids);
- the rollout logger's `{timestamp, event_type: "rollout_stage"|"rollback", ..., metrics: {...}}`
  lines share the file.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

Outcome = Literal["ok", "retryable", "fatal"]
RETRYABLE = ("TimeoutError", "ConnectionError", "OSError")
FATAL = ("ValueError", "APIStatusError", "RuntimeError")


@dataclass
class UploadMetrics:
    execution_type: str
    success: bool
    duration_ms: float
    timestamp: str = ""
    error_type: str | None = None
    fallback_used: bool = False
    file_size_mb: float = 0.0
    provider: str = "unknown"
    request_id: str | None = None


def utc_iso(t: float) -> str:
    """`datetime.utcnow().isoformat()` at epoch `t`."""
    return datetime.fromtimestamp(t, tz=UTC).replace(tzinfo=None).isoformat()


@dataclass
class Call:
    """One call of a wrapped upload function: what happens, and when."""

    start: float
    use_async: bool
    attempts: list[tuple[Outcome, float]] = field(default_factory=list)  # (outcome, seconds) per async attempt
    sync_ok: bool = True
    sync_seconds: float = 0.8
    fallback: bool = True
    max_retries: int = 2
    request_id: str | None = None
    file_size_mb: float = 0.0
    provider: str = "kimi"
    error_names: tuple[str, str] = ("TimeoutError", "RuntimeError")  # (async error, sync error)

    def canary_failed(self) -> bool | None:
        """The truth the sidecar must read: None = not a canary call; else did its async attempt fail."""
        if not self.use_async:
            return None
        return not any(o == "ok" for o, _ in self.attempts[: self.max_retries + 1])

    def baseline_failed(self) -> bool | None:
        return None if self.use_async else not self.sync_ok


def records(call: Call, clock_offset: float = 0.0) -> list[tuple[float, UploadMetrics]]:
    """The records `call` writes, each with the (true) time it is appended."""
    out: list[tuple[float, UploadMetrics]] = []
    t = call.start
    common: dict[str, Any] = {"file_size_mb": call.file_size_mb, "provider": call.provider,
                              "request_id": call.request_id}

    def write(kind: str, ok: bool, **kw: Any) -> None:
        out.append((t, UploadMetrics(kind, ok, (t - call.start) * 1000.0, utc_iso(t + clock_offset + 4e-6),
                                     **kw, **common)))

    kind, fallback_used = "sync", False
    if call.use_async:
        kind = "async"
        for attempt, (outcome, seconds) in enumerate(call.attempts[: call.max_retries + 1]):
            t += seconds
            if outcome == "ok":
                write("async", True)
                return out
            error = call.error_names[0] if outcome == "retryable" else FATAL[attempt % len(FATAL)]
            if attempt < call.max_retries and outcome == "retryable":
                continue
            if call.fallback:
                kind, fallback_used = "sync_fallback", True
                break
            write("async", False, error_type=error)  # inner handler, then re-raise
            t += 3.7e-5
            write("async", False, error_type=error)  # the outer `except`
            return out
    t += call.sync_seconds
    if call.sync_ok:
        write(kind, True, fallback_used=fallback_used)
    else:
        write(kind, False, error_type=call.error_names[1], fallback_used=fallback_used)
    return out


def selected(request_id: str | None, rollout: int, rng: random.Random) -> bool:
    """`should_use_async`: md5(request_id) % 100 < rollout; a random uuid4 without an id."""
    key = request_id if request_id is not None else str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return int(hashlib.md5(key.encode()).hexdigest(), 16) % 100 < rollout


def plan(rng: random.Random, n: int, *, start: float, rate: float, rollout: int, async_fail: float,
         sync_fail: float, fallback: bool, ids: Literal["none", "unique", "fixed"] = "none",
         retry_share: float = 0.5) -> list[Call]:
    """`n` calls arriving at `rate`/s (Poisson), each async with probability `rollout`%."""
    calls = []
    t = start
    fixed = "upload-fn-7"
    for _ in range(n):
        t += rng.expovariate(rate)
        rid = None if ids == "none" else fixed if ids == "fixed" else f"req-{rng.getrandbits(48):x}"
        use_async = selected(rid, rollout, rng)
        attempts: list[tuple[Outcome, float]] = []
        if rng.random() < async_fail:  # every attempt fails
            kind: Outcome = "retryable" if rng.random() < retry_share else "fatal"
            attempts = [(kind, rng.uniform(0.05, 3.0)) for _ in range(3)]
        else:  # maybe a retried error first, then success
            attempts = [("retryable", rng.uniform(0.05, 2.0))] if rng.random() < 0.05 else []
            attempts.append(("ok", rng.lognormvariate(-0.5, 0.6)))
        calls.append(Call(
            start=t, use_async=use_async, attempts=attempts, sync_ok=rng.random() >= sync_fail,
            sync_seconds=rng.lognormvariate(-0.2, 0.5), fallback=fallback, request_id=rid,
            file_size_mb=rng.choice([0.0, 0.0, round(rng.uniform(0.01, 40), 2)]),
            provider=rng.choice(["kimi", "kimi", "glm", "unknown"]),
        ))
    return calls


def stage_event(t: float, stage: int, percentage: int) -> dict[str, Any]:
    return {"timestamp": utc_iso(t), "event_type": "rollout_stage", "stage": stage, "percentage": percentage,
            "metrics": {"total_entries": 10, "successful": 9, "failed": 1, "success_rate": 90.0,
                        "by_execution_type": {"async": {"count": 3, "successful": 3}}}}


def lines(calls: list[Call], clock_offset: float = 0.0) -> list[tuple[float, str]]:
    """Every record of `calls` as (append time, JSON line), in the order they reach the file."""
    out = [(t, json.dumps(asdict(m)) + "\n") for c in calls for t, m in records(c, clock_offset)]
    out.sort(key=lambda x: x[0])
    return out


class Writer:
    """Appends lines to a real file, optionally stopping mid-line (a write the reader sees half of)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._held = ""

    def append(self, text: str, cut: int | None = None) -> None:
        text = self._held + text
        self._held = ""
        if cut is not None and 0 < cut < len(text):
            text, self._held = text[:cut], text[cut:]
        with self.path.open("a", encoding="utf-8") as f:
            f.write(text)
