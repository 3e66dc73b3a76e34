"""Sentry's ingestion protocol: envelopes, the legacy store endpoint, auth, and events as `ErrorEvent`s.

Written against the protocol documentation (develop.sentry.dev/sdk/data-model/envelopes/,
/sdk/data-model/event-payloads/, /sdk/expected-features/rate-limiting/) and what the Python SDK
(sentry_sdk/envelope.py, transport.py, utils.py) actually sends:

- An envelope is a JSON header line, then items: a JSON item header line (`type`, optional
  `length`) and a payload of `length` bytes, or up to the next newline when `length` is absent.
- Auth: `X-Sentry-Auth: Sentry sentry_key=<key>, sentry_version=7, ...`, the `sentry_key` query
  parameter, or the envelope header's `dsn`. The key must belong to the URL's project.
- Item types `event` become error events; `transaction`, `session(s)`, `client_report`, `span`,
  `check_in`, `attachment`, `profile`, `log`... are acknowledged and dropped (counted).

An event becomes an `ErrorEvent` shaped like the same error read from a log file, so both land in
one group: the exception type is qualified as Python's traceback prints it (`module.Class`, bare
for builtins), frames keep their absolute path, function, line and source line, and the chain is
ordered oldest cause first. Event identity for exactly-once counting is the SDK's `event_id`: an
envelope the SDK retries after a timeout counts once.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from ..record import ErrorEvent, ExceptionInfo, Frame
from .bodies import CollectError

EVENT_ITEM_TYPES = frozenset({"event"})
LEVELS = {"fatal": "CRITICAL", "critical": "CRITICAL", "error": "ERROR", "warning": "WARNING",
          "info": "INFO", "log": "INFO", "debug": "DEBUG"}
ERROR_LEVELS = frozenset({"ERROR", "CRITICAL"})
MAX_BREADCRUMBS = 30
MAX_VAR_CHARS = 500
MAX_EXTRA_CHARS = 2000
_AUTH_PAIR = re.compile(r"(\w+)\s*=\s*([^,\s]+)")


@dataclass(frozen=True, slots=True)
class Item:
    """One envelope item: its type and decoded payload (JSON items parsed, others as bytes)."""

    type: str
    payload: Any


def auth_key(header: str | None, query_key: str | None, envelope_dsn: str | None = None) -> str | None:
    """The public key the client presented, from the header, the query string or the envelope's DSN."""
    if header:
        _, _, rest = header.partition(" ")
        pairs: dict[str, str] = dict(_AUTH_PAIR.findall(rest if header.lower().startswith("sentry") else header))
        if pairs.get("sentry_key"):
            return pairs["sentry_key"]
    if query_key:
        return query_key
    if envelope_dsn:
        user = urlsplit(envelope_dsn).username
        return user or None
    return None


def parse_envelope(body: bytes) -> tuple[dict[str, Any], list[Item]]:
    """Split an envelope into its header and items; CollectError 400 on anything malformed."""
    header_line, _, rest = body.partition(b"\n")
    header = _json_line(header_line, "envelope header")
    if not isinstance(header, dict):
        raise CollectError(400, "envelope header must be a JSON object")
    items: list[Item] = []
    pos = 0
    while pos < len(rest):
        if rest[pos:pos + 1] == b"\n":  # blank line between items
            pos += 1
            continue
        nl = rest.find(b"\n", pos)
        item_header = _json_line(rest[pos:nl if nl >= 0 else len(rest)], "item header")
        if not isinstance(item_header, dict) or not isinstance(item_header.get("type"), str):
            raise CollectError(400, "envelope item header must be a JSON object with a type")
        pos = len(rest) if nl < 0 else nl + 1
        length = item_header.get("length")
        if length is not None:
            if not isinstance(length, int) or length < 0 or pos + length > len(rest):
                raise CollectError(400, f"envelope item length {length!r} runs past the end of the body")
            payload = rest[pos:pos + length]
            pos += length
        else:
            end = rest.find(b"\n", pos)
            payload = rest[pos:end if end >= 0 else len(rest)]
            pos = len(rest) if end < 0 else end
        kind = item_header["type"]
        if kind in EVENT_ITEM_TYPES:
            event = _json_line(payload, f"{kind} item")
            if not isinstance(event, dict):
                raise CollectError(400, f"{kind} item must be a JSON object")
            items.append(Item(kind, event))
        else:
            items.append(Item(kind, payload))
    return header, items


def _json_line(raw: bytes, what: str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CollectError(400, f"{what} is not valid JSON: {exc}") from None


def parse_store_body(body: bytes) -> dict[str, Any]:
    """The legacy store endpoint's body: one JSON event."""
    event = _json_line(body, "event")
    if not isinstance(event, dict):
        raise CollectError(400, "event must be a JSON object")
    return event


def is_error_event(event: dict[str, Any]) -> bool:
    """What `run` would detect in a log: an exception at any level, or a message at ERROR or above."""
    return bool(_exception_values(event)) or _level(event) in ERROR_LEVELS


def to_error_event(event: dict[str, Any], project_id: int, received_at: float) -> ErrorEvent:
    """A Sentry event as the errors stage's `ErrorEvent` (see the module docstring)."""
    event_id = str(event.get("event_id") or "")
    chain = tuple(_exception(v) for v in _exception_values(event))
    final = chain[-1] if chain else None
    message = _message(event) or (f"{final.type}: {final.message}" if final else "")
    raw = _render(message, event, chain)
    return ErrorEvent(
        source=f"sentry:{project_id}",
        file=f"sentry:{project_id}",
        line=1,
        offset=0,
        end_offset=0,
        timestamp=_timestamp(event.get("timestamp")),
        level=_level(event),
        logger=_str(event.get("logger")) or None,
        message=message,
        raw=raw,
        exception_type=final.type if final else None,
        exception_message=final.message if final else None,
        frames=final.frames if final else (),
        chain=chain if len(chain) > 1 else (),
        received_at=received_at,
        file_key=f"sentry:{project_id}:{event_id or _digest(raw)}",
        extra=_extra(event, project_id),
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode(errors="replace")).hexdigest()[:32]


def _level(event: dict[str, Any]) -> str:
    level = _str(event.get("level")).lower() or "error"
    return LEVELS.get(level, "ERROR")


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _exception_values(event: dict[str, Any]) -> list[dict[str, Any]]:
    exc = event.get("exception")
    values = exc.get("values") if isinstance(exc, dict) else exc
    return [v for v in values if isinstance(v, dict)] if isinstance(values, list) else []


def _exception(value: dict[str, Any]) -> ExceptionInfo:
    name = _str(value.get("type")) or "Exception"
    module = _str(value.get("module"))
    # As traceback.TracebackException.format_exception_only prints it.
    qualified = f"{module}.{name}" if module and module not in ("builtins", "__main__") else name
    stacktrace = value.get("stacktrace")
    frames = stacktrace.get("frames") if isinstance(stacktrace, dict) else None
    return ExceptionInfo(qualified, _str(value.get("value")),
                         tuple(_frame(f) for f in frames if isinstance(f, dict)) if isinstance(frames, list) else ())


def _frame(frame: dict[str, Any]) -> Frame:
    line = frame.get("lineno")
    in_app = frame.get("in_app")
    return Frame(
        file=_str(frame.get("abs_path") or frame.get("filename") or frame.get("module") or "?"),
        line=line if isinstance(line, int) else None,
        function=_str(frame.get("function")) or "?",
        source_line=_str(frame.get("context_line")).strip() or None,
        in_app=in_app if isinstance(in_app, bool) else None,
    )


def _message(event: dict[str, Any]) -> str:
    entry = event.get("logentry")
    if isinstance(entry, dict):
        text = _str(entry.get("formatted") or entry.get("message"))
        if text:
            return text
    message = event.get("message")
    if isinstance(message, dict):
        return _str(message.get("formatted") or message.get("message"))
    return _str(message)


def _timestamp(value: Any) -> datetime | None:
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(float(value), UTC)
        if isinstance(value, str) and value:
            ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def _render(message: str, event: dict[str, Any], chain: tuple[ExceptionInfo, ...]) -> str:
    """The event as a Python log record would show it: the message, then the traceback."""
    lines = [message]
    for i, exc in enumerate(chain):
        if i:
            lines += ["", "The above exception was the direct cause of the following exception:", ""]
        if exc.frames:
            lines.append("Traceback (most recent call last):")
            for f in exc.frames:
                lines.append(f'  File "{f.file}", line {f.line if f.line is not None else "?"}, in {f.function}')
                if f.source_line:
                    lines.append(f"    {f.source_line}")
        lines.append(f"{exc.type}: {exc.message}" if exc.message else exc.type)
    return "\n".join(lines)


def _clip(value: Any, limit: int = MAX_EXTRA_CHARS) -> Any:
    """JSON-safe and bounded: long strings cut, containers cut to 50 entries, depth 4."""
    def walk(v: Any, depth: int) -> Any:
        if isinstance(v, str):
            return v if len(v) <= limit else v[:limit] + "..."
        if isinstance(v, int | float | bool) or v is None:
            return v
        if depth > 4:
            return "..."
        if isinstance(v, dict):
            return {str(k)[:200]: walk(x, depth + 1) for k, x in list(v.items())[:50]}
        if isinstance(v, list | tuple):
            return [walk(x, depth + 1) for x in list(v)[:50]]
        return _str(v)[:limit]
    return walk(value, 0)


def _extra(event: dict[str, Any], project_id: int) -> dict[str, Any]:
    """What the group page shows beside the traceback (redacted by the store path)."""
    out: dict[str, Any] = {"sdk_source": "sentry", "project": project_id}
    for key in ("event_id", "release", "environment", "server_name", "platform", "transaction", "dist"):
        if event.get(key):
            out[key] = _clip(_str(event[key]), 300)
    tags = event.get("tags")
    if isinstance(tags, list):
        tags = {str(p[0]): p[1] for p in tags if isinstance(p, list | tuple) and len(p) == 2}
    if isinstance(tags, dict) and tags:
        out["tags"] = _clip({k: _str(v) for k, v in tags.items()}, 300)
    for key in ("request", "user", "extra"):
        if isinstance(event.get(key), dict) and event[key]:
            out[key] = _clip(event[key])
    contexts = event.get("contexts")
    if isinstance(contexts, dict):
        trace = contexts.get("trace")
        if isinstance(trace, dict):
            out["trace"] = {k: _str(trace[k]) for k in ("trace_id", "span_id") if trace.get(k)}
        runtime = contexts.get("runtime")
        if isinstance(runtime, dict):
            out["runtime"] = _clip(runtime, 200)
    crumbs = event.get("breadcrumbs")
    values = crumbs.get("values") if isinstance(crumbs, dict) else crumbs
    if isinstance(values, list) and values:
        out["breadcrumbs"] = _clip([b for b in values if isinstance(b, dict)][-MAX_BREADCRUMBS:], 500)
    frames_vars = []
    for value in _exception_values(event)[-1:]:
        stacktrace = value.get("stacktrace")
        frames = stacktrace.get("frames") if isinstance(stacktrace, dict) else None
        for f in frames if isinstance(frames, list) else []:
            if isinstance(f, dict) and isinstance(f.get("vars"), dict) and f["vars"]:
                frames_vars.append({"function": _str(f.get("function")), "file": _str(f.get("abs_path") or f.get("filename")),
                                    "line": f.get("lineno"), "vars": _clip(f["vars"], MAX_VAR_CHARS)})
    if frames_vars:
        out["locals"] = frames_vars[-10:]
    return out
