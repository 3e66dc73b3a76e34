"""An ingest event as the store records it: `to_occurrence` (pure) and `DeferredSamples` (the
recorder's lazy variant, which builds the redacted texts only for what the store keeps).

Stored texts are cleaned (errors/cleantext.py) and, unless `store.keep_raw`, redacted; the
fingerprint is computed on the text as logged. Bounded: a runaway record must not bloat the store.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..clock import utc
from ..config import GroupingConfig
from ..ingest.record import ErrorEvent
from ..redaction import redact, redact_obj, redacted_cut
from ..store.group_batch import Occurrence
from .cleantext import clean_text
from .fingerprint import event_title, fingerprint_event

__all__ = ["DeferredSamples", "event_key", "to_occurrence", "MAX_SAMPLE_CHARS"]

MAX_SAMPLE_CHARS = 64 * 1024  # a sample's raw text is bounded: a runaway record must not bloat the store


def event_key(event: ErrorEvent) -> str:
    """File identity + byte offset: the same record read twice gets the same key."""
    return f"{_identity(event)}@{event.offset}"


def _identity(event: ErrorEvent) -> str:
    return event.file_key or f"{event.source}:{event.file}"


def _from_file(event: ErrorEvent) -> bool:
    """Read from a file: a record spans bytes. SDK events (ingest/collect: Sentry, OTLP) have
    offset = end_offset = 0 and an id in their file_key, so they keep per-event receipts."""
    return event.end_offset > event.offset and event.extra is None


MAX_FRAMES_KEPT = 100  # per exception: the frames nearest the raise
MAX_CONTEXT_LINE = 2000  # characters per context line kept with a sample
MAX_EXCEPTIONS_KEPT = 10  # of a chain: the last ones


def _frames(frames: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [{"file": f.file, "line": f.line, "function": f.function} for f in frames[-MAX_FRAMES_KEPT:]]


def _exception_data(event: ErrorEvent) -> dict[str, Any]:
    """What a sample keeps besides its raw text, bounded (a runaway record must not bloat the store)."""
    data: dict[str, Any] = {}
    if event.exception_type:
        data["exception"] = {"type": event.exception_type, "message": (event.exception_message or "")[:4000]}
    if event.chain:
        data["chain"] = [{"type": e.type, "message": e.message[:4000], "frames": _frames(e.frames)}
                         for e in event.chain[-MAX_EXCEPTIONS_KEPT:]]
    elif event.frames:
        data["frames"] = _frames(event.frames)
    if event.context:
        data["context"] = [line[:MAX_CONTEXT_LINE] for line in event.context]
    if event.timestamp is not None:
        data["logged_at"] = event.timestamp.isoformat()
    if event.received_at is not None:
        data["received_at"] = utc(event.received_at).isoformat()  # beside the event time (seen_at)
    if event.truncated:
        data["truncated"] = True
    if event.extra:
        data["sdk"] = event.extra  # release, tags, request, breadcrumbs, locals (redacted by collect/)
    return data


def _keep(text: str) -> str:
    return text


def _clean_data(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_data(v) for v in value]
    return value


def _clean_opt(text: str | None) -> str | None:
    return None if text is None else clean_text(text)


def to_occurrence(event: ErrorEvent, grouping: GroupingConfig, seen_at: float,
                  group: tuple[str, str] | None = None, *, keep_raw: bool = False) -> Occurrence:
    """An ingest event as the store records it (pure). `group` is (fingerprint, template) when the
    caller grouped it (with learned templates); else the pure per-event fingerprint. The
    fingerprint is computed on the text as logged; only what is stored is cleaned and, unless
    `keep_raw` (store.keep_raw), redacted: a secret in a log line never reaches the database."""
    fingerprint, title = group if group is not None else (fingerprint_event(event, grouping), event_title(event))
    return _occurrence(event, fingerprint, utc(seen_at), *_sample_texts(event, title, keep_raw))


def _sample_texts(event: ErrorEvent, title: str, keep_raw: bool) -> tuple[str, str, str, dict[str, Any]]:
    """(title, message, raw, data) as stored: cleaned and, unless `keep_raw`, redacted."""
    red = _keep if keep_raw else redact
    raw = event.raw if len(event.raw) <= MAX_SAMPLE_CHARS else event.raw[:MAX_SAMPLE_CHARS]
    # The title is redacted with the text after its cut (redacted_cut: a name can follow its value). The 64 KB
    # bound on message and raw comes first: it bounds the redactor's work on a runaway line.
    return (clean_text(title[:500] if keep_raw else redacted_cut(title, 500)), clean_text(red(event.message[:MAX_SAMPLE_CHARS])), clean_text(red(raw)),
            _clean_data(_exception_data(event) if keep_raw else redact_obj(_exception_data(event))))


def _occurrence(event: ErrorEvent, fingerprint: str, seen_at: datetime, title: str, message: str, raw: str,
                data: dict[str, Any]) -> Occurrence:
    return Occurrence(
        event_key=clean_text(event_key(event)),
        fingerprint=fingerprint,
        seen_at=seen_at,
        title=title,
        message=message,
        error_type=_clean_opt(event.exception_type or (event.chain[-1].type if event.chain else None)),
        level=clean_text((event.level or "ERROR").upper()),
        logger=_clean_opt(event.logger),
        raw=raw,
        source=_clean_opt(event.source),
        file=_clean_opt(event.file),
        line=event.line,
        data=data,
        stream=clean_text(event.stream or _identity(event)) if _from_file(event) else None,
        offset=event.offset if _from_file(event) else None,
        twin=clean_text(event.twin_stream) if event.twin_stream and _from_file(event) else None,
    )


class DeferredSamples:
    """Occurrences whose stored texts (title, message, raw, data) are built only when the store keeps them.

    Redacting and cleaning those texts was most of the errors stage's cost per event, yet a batch
    stores them only for each group's first and last occurrence and its newest samples (a storm of
    one error keeps 5 of thousands). `defer` returns an occurrence holding what counting needs
    (key, fingerprint, time, level, logger, type, place) and empty texts; the store calls this
    object on every occurrence whose texts it writes (`GroupRepo.record_batch(complete=...)`),
    which fills them in exactly as `to_occurrence` would. SDK events (`extra`) are built at once:
    the store reads their release from `data` for every one of them.
    """

    def __init__(self, keep_raw: bool) -> None:
        self.keep_raw = keep_raw
        self._pending: dict[int, tuple[Occurrence, ErrorEvent, str]] = {}  # id(occurrence) -> what fills it
        # Event time -> datetime: a storm's lines share a handful of logged seconds (or one read's time).
        self._times: dict[float, datetime] = {}

    def defer(self, event: ErrorEvent, seen_at: float, group: tuple[str, str]) -> Occurrence:
        fingerprint, title = group
        at = self._times.get(seen_at)
        if at is None:
            at = self._times[seen_at] = utc(seen_at)
        if event.extra:
            return _occurrence(event, fingerprint, at, *_sample_texts(event, title, self.keep_raw))
        occ = _occurrence(event, fingerprint, at, "", "", "", {})
        self._pending[id(occ)] = (occ, event, title)  # the occurrence is held, so its id stays unique
        return occ

    def __call__(self, occ: Occurrence) -> None:
        """Fill in `occ`'s texts if they were deferred (idempotent)."""
        item = self._pending.pop(id(occ), None)
        if item is not None:
            _, event, title = item
            occ.title, occ.message, occ.raw, occ.data = _sample_texts(event, title, self.keep_raw)
