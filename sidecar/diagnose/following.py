"""The records logged AFTER an error that belong to it: a general evidence source for the second looks.

Round 10's note: no mechanism read the records after the error, yet the deciding record of many near-misses comes
after it - the retry that succeeded, the fallback provider's answer, the pool's later "reconnected", the shutdown that
followed. `DiagnosisInput.after` holds the lines after the record (excerpt.py in `sidecar eval`, context.read_after
in `sidecar run`); this module cuts them into records with the ingest stage's own header parser (one definition of a
header, excerpt.py) and keeps those TIED to the error:

- the same request: both carry a request id (the gateway's `[req:<id>]`, `request_id=<id>`, its tool-call block's
  `Request ID: <id>`) and it is the same. A different id is another request and never tied (round-10 review: another
  client's record says nothing about this error).
- else the same logger (the component that failed logs its own retry), or the same remote named by both records (the
  httpx request line of the SDK's retry names the host the error's record concerns, situation.py).

Bounded: at most MAX_RECORDS records, each read to LINE characters, and only within WINDOW of the error's own time
stamp when both are stamped (a record an hour later is another episode).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..ingest.formats import TextDialect
from .model import DiagnosisInput
from .record_time import record_time
from .situation import situation

LINE = 2048
MAX_RECORDS = 12
WINDOW = timedelta(minutes=10)

_DIALECT = TextDialect()
# the request-id spellings: the gateway's "[req:<id>]" (research upstream-gateway.md 1.2), key=value forms, the
# tool-call block's "Request ID: <id>" line (research 1.4) and a JSON-lines record's field ('"request_id": "e71c"':
# structlog's bound request_id, excerpt_shapes.py keeps the fields on the record's line)
_REQUEST = re.compile(r"\[req:(?P<a>[\w-]{4,64})\]|\b(?:request|req)[_ -]?id['\"]?\s*[=:]\s*['\"]?(?P<b>[\w-]{4,64})", re.I)
_URL_HOST = re.compile(r"\b(?:https?|wss?)://(?P<h>[\w.-]{3,200})", re.I)


def request_id(text: str) -> str | None:
    """The first request id `text` names, in any of the spellings above; None when it names none."""
    m = _REQUEST.search(text[:65536])
    return None if m is None else (m.group("a") or m.group("b"))


@dataclass(frozen=True, slots=True)
class Later:
    """One record after the error: its header fields and how it is tied to the error."""

    line: str  # the header line, cut to LINE
    level: str
    logger: str | None
    message: str
    at: datetime | None
    tie: str  # "request" | "logger" | "remote"


def _remote(text: str, logger: str | None) -> str | None:
    return situation(DiagnosisInput(fingerprint="", message=text, logger=logger, traceback=text)).remote


def _hosts(text: str) -> set[str]:
    return {m.group("h").lower().rstrip(".") for m in _URL_HOST.finditer(text[:LINE * 4])}


def later_records(inp: DiagnosisInput) -> list[Later]:
    """The records after `inp`'s error that are tied to it (module docstring), in order."""
    if not inp.after:
        return []
    ours = request_id("\n".join(inp.messages()) + "\n" + inp.traceback[:LINE * 4])
    own_remote = situation(inp).remote
    own_hosts = _hosts("\n".join((*inp.messages(), inp.traceback[:LINE * 4], *inp.context[-3:])))
    first = inp.traceback.lstrip().split("\n", 1)[0][:LINE]
    then = record_time(first) if first else None
    out: list[Later] = []
    seen = 0
    for raw in inp.after:
        header = _DIALECT.parse_header(raw[:LINE])
        if header is None:
            continue
        seen += 1
        if seen > MAX_RECORDS:
            break
        at = record_time(raw[:LINE])
        if then is not None and at is not None and at - then > WINDOW:
            break
        line = raw[:LINE]
        theirs = request_id(line)
        if ours is not None and theirs is not None:
            tie = "request" if theirs == ours else None
        elif theirs is not None and ours is None:
            tie = None  # a record of a request the error does not name: another request's, by default
        elif inp.logger and header.logger == inp.logger:
            tie = "logger"
        elif (own_remote is not None and _remote(line, header.logger) == own_remote) or own_hosts & _hosts(line):
            tie = "remote"
        else:
            tie = None
        if tie is not None:
            out.append(Later(line=line, level=header.level, logger=header.logger, message=header.message[:LINE],
                             at=at, tie=tie))
    return out


def between(inp: DiagnosisInput, record: Later) -> list[str]:
    """Every header line after the error up to and including `record` (tied or not): what happened in between."""
    out: list[str] = []
    for raw in inp.after:
        if _DIALECT.parse_header(raw[:LINE]) is None:
            continue
        out.append(raw[:LINE])
        if raw[:LINE] == record.line:
            break
    return out
