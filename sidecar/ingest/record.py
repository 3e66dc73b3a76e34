"""The data that leaves the ingest stage: one `ErrorEvent` per detected error record.

Downstream stages (fingerprinting, groups, diagnosis) depend only on these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Frame:
    """One traceback frame as printed by Python (`File "path", line N, in function`)."""

    file: str
    line: int | None
    function: str
    # The text of the source line (what Python prints under `File ...`, Sentry's `context_line`),
    # whitespace as given; None when the producer did not say.
    source_line: str | None = None
    # Whether the producer marked the frame as application code (Sentry's `in_app`). Shown, never
    # used for identity: fingerprints decide in-app by path (grouping.in_app_include/exclude), so
    # the SDK's copy of an error and the log file's copy get one fingerprint.
    in_app: bool | None = None


@dataclass(frozen=True, slots=True)
class ExceptionInfo:
    """One exception of a (possibly chained) traceback; `type` is qualified when the text says so."""

    type: str
    message: str
    frames: tuple[Frame, ...] = ()


@dataclass(slots=True)
class ErrorEvent:
    """An error record: ERROR/CRITICAL/FATAL level, or any record that carries a traceback.

    `line` is the 1-based number of the record's first physical line in `file`; `offset` and
    `end_offset` are byte positions of the record in that file (the checkpoint advances to
    `end_offset` only after the store accepted the event).
    """

    source: str
    file: str
    line: int
    offset: int
    end_offset: int
    timestamp: datetime | None
    level: str
    logger: str | None
    message: str
    raw: str
    exception_type: str | None = None
    exception_message: str | None = None
    frames: tuple[Frame, ...] = ()
    chain: tuple[ExceptionInfo, ...] = ()  # every exception of the traceback, outermost cause first
    truncated: bool = False
    context: tuple[str, ...] = field(default=())  # a few lines before the record, for diagnosis prompts
    # Wall-clock time the sidecar read the record. Groups count an event in this minute, not the
    # minute it was stored: events held in the outage spool must not show up later as a burst.
    # (The header's own timestamp has no zone in the gateway's format, so it cannot be trusted.)
    received_at: float | None = None
    # Identity of the file (device:inode:head-hash). With `offset` it names the event uniquely and
    # stably across restarts: a consumer can use f"{file_key}:{offset}" as an idempotency key, since
    # after a crash between "sink accepted" and "checkpoint written" the batch is delivered again.
    file_key: str = ""
    # What an SDK sent beyond the traceback (collect/: Sentry events, OTLP logs): release,
    # environment, tags, request, breadcrumbs, local variables, trace ids. Redacted before it is
    # stored; None for events read from log files.
    extra: dict[str, Any] | None = None
