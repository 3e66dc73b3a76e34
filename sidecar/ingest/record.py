"""The data that leaves the ingest stage: one `ErrorEvent` per detected error record.

Downstream stages (fingerprinting, groups, diagnosis) depend only on these types.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, overload

from pydantic import PlainSerializer, PlainValidator


class ContextLines(Sequence[str]):
    """The lines just before a record, kept as the bytes read and decoded when first looked at.

    Only sampled events and diagnoses read them, so most events never pay the decode; equal to,
    and printed as, the tuple of its lines (what `ErrorEvent.context` held before).
    """

    __slots__ = ("_lines", "_raw")

    def __init__(self, raw: bytes) -> None:
        self._raw = raw
        self._lines: tuple[str, ...] | None = None

    @property
    def lines(self) -> tuple[str, ...]:
        if self._lines is None:
            self._lines = tuple(self._raw.decode("utf-8", "replace").replace("\r", "").split("\n"))
        return self._lines

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[str, ...]: ...
    def __getitem__(self, i: int | slice) -> str | tuple[str, ...]:
        return self.lines[i]

    def __len__(self) -> int:
        return len(self.lines)

    def __bool__(self) -> bool:
        return bool(self._raw)  # non-empty bytes are at least one line

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ContextLines):
            return self.lines == other.lines
        if isinstance(other, tuple):
            return self.lines == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.lines)

    def __repr__(self) -> str:
        return repr(self.lines)


def _context_in(value: object) -> tuple[str, ...]:
    """A spooled context (a JSON list) back as the tuple it stands for."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError("context: a list of strings")
    return tuple(value)


# What the outage spool's pydantic TypeAdapter (store/spool_codec.py) writes and reads for a
# context: its lines as a JSON list, back as a tuple (equal to the lazy form it was written from).
Context = Annotated[Sequence[str], PlainValidator(_context_in), PlainSerializer(list, return_type=list[str])]


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
    context: Context = field(default=())  # a few lines before the record, for diagnosis prompts (ContextLines)
    # Wall-clock time the sidecar read the record. Groups count an event in this minute, not the
    # minute it was stored: events held in the outage spool must not show up later as a burst.
    # (The header's own timestamp has no zone in the gateway's format, so it cannot be trusted.)
    received_at: float | None = None
    # Identity of the file (device:inode:head-hash). With `offset` it names the event uniquely and
    # stably across restarts: a consumer can use f"{file_key}:{offset}" as an idempotency key, since
    # after a crash between "sink accepted" and "checkpoint written" the batch is delivered again.
    file_key: str = ""
    # The receipt stream (ingest/receiptstream.py): like file_key, but the same for every replica that
    # reads this event, whenever it opened the file. "" for events not read from a file.
    stream: str = ""
    # The same event's stream under another file identity, or "": a copytruncate copy read under its
    # own inode also names its original's (copystreams.py); the store counts it once under either.
    twin_stream: str = ""
    # What an SDK sent beyond the traceback (collect/: Sentry events, OTLP logs): release,
    # environment, tags, request, breadcrumbs, local variables, trace ids. Redacted before it is
    # stored; None for events read from log files.
    extra: dict[str, Any] | None = None
