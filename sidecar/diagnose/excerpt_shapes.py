"""An excerpt in the other shapes the sidecar reads, as the text records `excerpt.py` cuts.

`sidecar run` reads the gateway's log as text, as JSON lines (ingest/jsonl.py), inside Docker's json-file
(ingest/docker.py), and in exported captures with a prefix before every line (ingest/exportprefix.py). An excerpt
handed to `sidecar eval` (or to a wrapper) in any of those shapes is turned back into the gateway's text format,
`<time> <LEVEL> <logger>: <message>` with the traceback under it, with the ingest stage's own key lists and prefix
rules, so a record is diagnosed the same whatever shape carried it (round 11: JSON lines and Docker json-file
excerpts answered "the excerpt has no log header line" and got no diagnosis at all).
"""

from __future__ import annotations

import json
import re
from datetime import UTC
from typing import Any

from ..ingest.exportprefix import line_prefix, strip_export_prefix
from ..ingest.jsonl import EXC_KEYS, LEVEL_KEYS, LOGGER_KEYS, MESSAGE_KEYS, TIME_KEYS
from ..ingest.levels import normalize_level
from ..ingest.timestamps import timestamp_from_value

_NO_TIME = "1970-01-01 00:00:00"
# the lines after the record kept as its later records (model.DiagnosisInput.after): what the sidecar could have read
# from the file by the time it diagnoses (context.read_after reads the same bound there); excerpt.py and
# bare_excerpt.py cut with it (defined here, the leaf both import: excerpt.py imports bare_excerpt.py)
AFTER_LINES = 40
# an exception line printed without its traceback (the last line of a record, a runtime's or tool's own print)
EXC_LINE = re.compile(r"^(?P<type>[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Timeout)): ?(?P<msg>.*)$")


def json_object(line: str) -> dict[str, Any] | None:
    """The JSON object a line holds whole, or None."""
    text = line.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return None
    try:
        obj = json.loads(text)
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def _first(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((obj[k] for k in keys if obj.get(k) not in (None, "")), None)


def _first_key(obj: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    return next((k for k in keys if obj.get(k) not in (None, "")), None)


def _docker(lines: list[str]) -> list[str]:
    """The container's own lines out of Docker's json-file records (`{"log": "...\\n", "stream": ..., "time": ...}`:
    a record per write, a long line split over several records without a newline); other lines kept."""
    logs = [docker_log(ln) for ln in lines]
    found = sum(log is not None for log in logs)
    if not found or found * 2 < sum(1 for ln in lines if ln.strip()):
        return lines
    return "".join(ln + "\n" if log is None else log for log, ln in zip(logs, lines, strict=True)).splitlines()


def docker_log(line: str) -> str | None:
    """The container's own text of one Docker json-file record, or None for another line."""
    obj = json_object(line)
    if obj is None or not isinstance(obj.get("log"), str) or not ("stream" in obj or "time" in obj):
        return None
    return str(obj["log"])


def _exported(lines: list[str]) -> list[str]:
    """Lines without the prefix an export put before each (`service-1  | `, `docker logs -t`, Docker Desktop)."""
    prefix = line_prefix("\n".join(lines[:16]).encode("utf-8", "replace") + b"\n")
    if prefix is None:
        return lines
    return [strip_export_prefix(ln.encode("utf-8", "replace"), prefix).decode("utf-8", "replace") for ln in lines]


def _json_record(obj: dict[str, Any]) -> list[str] | None:
    """A JSON-lines log record as the gateway's text lines, or None when the object is not a log record."""
    message = _first(obj, MESSAGE_KEYS)
    raw_level = _first(obj, LEVEL_KEYS)
    if message is None or raw_level is None:
        return None
    message = message if isinstance(message, str) else json.dumps(message)
    when = timestamp_from_value(_first(obj, TIME_KEYS), UTC)
    stamp = when.strftime("%Y-%m-%d %H:%M:%S") if when is not None else _NO_TIME
    logger = _first(obj, LOGGER_KEYS)
    out = [f"{stamp} {normalize_level(raw_level)} {logger if logger is not None else 'root'}: {message}"]
    # the record's other fields (request_id, response, channel, file...) stay in the record, on the line under its
    # header: `sidecar run` keeps the whole JSON line as the record's raw text (ingest/jsonl.py), so the rules and the
    # records around an error read them there too (held-out 12: a Slack reply's "channel_is_archived" was dropped here)
    used = {_first_key(obj, keys) for keys in (MESSAGE_KEYS, LEVEL_KEYS, TIME_KEYS, LOGGER_KEYS, EXC_KEYS)}
    extra = {k: v for k, v in obj.items() if k not in used}
    if extra:
        out.append(json.dumps(extra, ensure_ascii=False, default=str))
    exc = _first(obj, EXC_KEYS)
    if isinstance(exc, str) and exc.strip() not in ("", "True", "true", "None"):
        out.extend(exc.replace("\r\n", "\n").rstrip("\n").splitlines())
    return out


def as_text_lines(lines: list[str]) -> list[str]:
    """`lines` of any shape the sidecar reads, as the gateway's text log lines (text lines pass unchanged)."""
    lines = _exported(_docker(lines))
    out: list[str] = []
    changed = False
    for ln in lines:
        obj = json_object(ln)
        record = _json_record(obj) if obj is not None else None
        if record is None:
            out.append(ln)
        else:
            out.extend(record)
            changed = True
    return out if changed else lines
