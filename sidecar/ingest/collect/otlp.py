"""OpenTelemetry logs over OTLP/HTTP (`POST /v1/logs`): protobuf or JSON, as error events.

Per the OTLP specification (opentelemetry.io/docs/specs/otlp/#otlphttp) and the log data model
(opentelemetry.io/docs/specs/otel/logs/data-model/): a record is an error event when its
SeverityNumber is ERROR or above (17-24), or when it carries `exception.*` attributes (the
semantic conventions for exceptions: `exception.type`, `exception.message`,
`exception.stacktrace`), at any severity, as a log line with a traceback is. The Python SDK's
LoggingHandler puts the formatted traceback in `exception.stacktrace`; it is parsed with the same
parser as log files, so the error groups with its log-file twin.

In OTLP/JSON, trace and span ids are hex strings and 64-bit integers are decimal strings; in
protobuf they are bytes and integers. Both are read into the same plain dict shape first.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from ..record import ErrorEvent
from ..tracebacks import parse_traceback_text
from .bodies import CollectError

SEVERITY_ERROR = 17
LEVEL_BY_SEVERITY = ((21, "CRITICAL"), (17, "ERROR"), (13, "WARNING"), (9, "INFO"), (1, "DEBUG"))
RESOURCE_KEYS = ("service.name", "service.version", "service.namespace", "service.instance.id",
                 "deployment.environment", "deployment.environment.name", "host.name")


def parse_request(body: bytes, content_type: str) -> list[dict[str, Any]]:
    """The request's log records, each with its resource and scope attributes, as plain dicts."""
    ctype = content_type.split(";")[0].strip().lower()
    if ctype == "application/json":
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise CollectError(400, f"body is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise CollectError(400, "body must be an ExportLogsServiceRequest JSON object")
        return _records_from_json(data)
    if ctype in ("application/x-protobuf", "application/protobuf"):
        return _records_from_protobuf(body)
    raise CollectError(415, f"unsupported Content-Type {content_type!r} (use application/x-protobuf or application/json)")


def _any_value(value: Any) -> Any:
    """An OTLP AnyValue (JSON mapping form) as a plain Python value."""
    if not isinstance(value, dict):
        return value
    for key in ("stringValue", "boolValue", "doubleValue"):
        if key in value:
            return value[key]
    if "intValue" in value:
        try:
            return int(value["intValue"])
        except (TypeError, ValueError):
            return value["intValue"]
    if "arrayValue" in value:
        return [_any_value(v) for v in (value["arrayValue"] or {}).get("values", [])]
    if "kvlistValue" in value:
        return _attributes((value["kvlistValue"] or {}).get("values", []))
    if "bytesValue" in value:
        return value["bytesValue"]
    return None


def _attributes(items: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kv in items if isinstance(items, list) else []:
        if isinstance(kv, dict) and isinstance(kv.get("key"), str):
            out[kv["key"]] = _any_value(kv.get("value"))
    return out


def _records_from_json(data: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for rl in data.get("resourceLogs") or []:
        if not isinstance(rl, dict):
            raise CollectError(400, "resourceLogs entries must be objects")
        resource = _attributes((rl.get("resource") or {}).get("attributes"))
        for sl in rl.get("scopeLogs") or rl.get("instrumentationLibraryLogs") or []:
            scope = (sl.get("scope") or sl.get("instrumentationLibrary") or {}) if isinstance(sl, dict) else {}
            for rec in (sl.get("logRecords") or []) if isinstance(sl, dict) else []:
                if not isinstance(rec, dict):
                    raise CollectError(400, "logRecords entries must be objects")
                out.append({
                    "resource": resource, "scope": scope.get("name") if isinstance(scope, dict) else None,
                    "time": _int(rec.get("timeUnixNano")) or _int(rec.get("observedTimeUnixNano")),
                    "severity": _int(rec.get("severityNumber")) or 0,
                    "severity_text": rec.get("severityText") or "",
                    "body": _any_value(rec.get("body")),
                    "attributes": _attributes(rec.get("attributes")),
                    "trace_id": rec.get("traceId") or "", "span_id": rec.get("spanId") or "",
                })
    return out


def _records_from_protobuf(body: bytes) -> list[dict[str, Any]]:
    try:
        from google.protobuf.json_format import MessageToDict
        from google.protobuf.message import DecodeError
        from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
    except ImportError:  # pragma: no cover - a dependency of the package
        raise CollectError(415, "protobuf bodies need the opentelemetry-proto package; send JSON") from None
    request = ExportLogsServiceRequest()
    try:
        request.ParseFromString(body)
    except DecodeError as exc:
        raise CollectError(400, f"body is not a valid ExportLogsServiceRequest: {exc}") from None
    out = []
    for rl in request.resource_logs:
        resource = _attributes(MessageToDict(rl.resource).get("attributes"))
        for sl in rl.scope_logs:
            for rec in sl.log_records:
                attrs = MessageToDict(rec).get("attributes")
                body_value = MessageToDict(rec.body) if rec.HasField("body") else None
                out.append({
                    "resource": resource, "scope": sl.scope.name or None,
                    "time": rec.time_unix_nano or rec.observed_time_unix_nano,
                    "severity": int(rec.severity_number), "severity_text": rec.severity_text,
                    "body": _any_value(body_value), "attributes": _attributes(attrs),
                    "trace_id": rec.trace_id.hex(), "span_id": rec.span_id.hex(),
                })
    return out


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def is_error_record(record: dict[str, Any]) -> bool:
    attrs = record["attributes"]
    return record["severity"] >= SEVERITY_ERROR or any(
        k in attrs for k in ("exception.type", "exception.stacktrace"))


def to_error_event(record: dict[str, Any], received_at: float) -> ErrorEvent:
    """An OTLP log record as an `ErrorEvent` (logger: the `code.namespace`, else the scope name)."""
    attrs = record["attributes"]
    body = record["body"]
    message = body if isinstance(body, str) else json.dumps(body, default=str) if body is not None else ""
    stacktrace = attrs.get("exception.stacktrace")
    parsed = parse_traceback_text(stacktrace) if isinstance(stacktrace, str) and stacktrace else None
    fields: dict[str, Any] = parsed.event_fields() if parsed is not None else {}
    if not fields.get("exception_type") and attrs.get("exception.type"):
        fields["exception_type"] = str(attrs["exception.type"])
        fields["exception_message"] = str(attrs.get("exception.message") or "")
    raw = message if not isinstance(stacktrace, str) else f"{message}\n{stacktrace.rstrip()}"
    time_ns = record["time"]
    timestamp = datetime.fromtimestamp(time_ns / 1e9, UTC) if time_ns else None
    resource = record["resource"]
    service = str(resource.get("service.name") or "otlp")
    identity = hashlib.sha256(f"{time_ns}|{record['trace_id']}|{record['span_id']}|{raw}".encode(
        errors="replace")).hexdigest()[:32]
    extra: dict[str, Any] = {"sdk_source": "otlp", "service": service}
    for key in RESOURCE_KEYS:
        if resource.get(key) not in (None, ""):
            extra[key] = str(resource[key])[:300]
    if extra.get("service.version"):
        extra["release"] = extra["service.version"]
    env = extra.get("deployment.environment") or extra.get("deployment.environment.name")
    if env:
        extra["environment"] = env
    if record["trace_id"]:
        extra["trace"] = {"trace_id": record["trace_id"], "span_id": record["span_id"]}
    other = {k: str(v)[:500] for k, v in attrs.items() if not k.startswith("exception.")}
    if other:
        extra["attributes"] = dict(list(other.items())[:50])
    level = next((name for floor, name in LEVEL_BY_SEVERITY if record["severity"] >= floor), "ERROR")
    if record["severity"] == 0 and fields.get("exception_type"):
        level = "ERROR"
    return ErrorEvent(
        source=f"otlp:{service}", file=f"otlp:{service}", line=1, offset=0, end_offset=0,
        timestamp=timestamp, level=level,
        logger=str(attrs.get("code.namespace") or record["scope"] or "") or None,
        message=message, raw=raw, received_at=received_at, file_key=f"otlp:{service}:{identity}",
        extra=extra, **fields,
    )
