"""The things an error names (host, port, schema, database, bucket, model, request id), for the cause text.

The on-call engineer's next step is to search for or change the exact thing the failure concerns: the host that
does not resolve, the port that answered, the schema the client was set to. The error's own message often
carries only the reason ("Name or service not known", "HTTP 200"); the thing is in the URL of the record or in the
line the same component logged just before ("Supabase client initialised for https://<ref>.supabase.co",
"connecting to ws://127.0.0.1:8081", "retrying request_id=..."). This module reads those, and only those:

- URLs (scheme://host[:port]) of the record itself; when it has none, of the nearest context lines *logged by the
  same logger* (another component's lines concern another remote: a Kimi request line before a Supabase error
  must never be named in its cause).
- objects named the PostgreSQL way (`database "x"`, `relation "y"`, `column "z"`) in the record itself.
- `key=value` pairs whose key names a configurable thing (schema, database, bucket, model, host, port, pool,
  request_id...), from the record and the same logger's context lines.

Values are quoted verbatim (then redacted by the caller, like every quote of the log), bounded in length and count.
"""

from __future__ import annotations

import re

from .model import DiagnosisInput

MAX_ENTITIES = 4
MAX_VALUE = 80
CONTEXT_LINES = 12
SCAN = 4096  # characters of each line searched: a URL or key=value the cause can name sits near the start

_URL = re.compile(r"\b(?P<scheme>https?|wss?|redis|rediss|postgres(?:ql)?)://(?:[^\s/@'\"]+@)?"
                  r"(?P<host>\[[0-9a-fA-F:]{2,39}\]|[A-Za-z0-9][A-Za-z0-9.-]{0,252})(?::(?P<port>\d{1,5}))?")
# keys that name a thing a setting chooses (or the id of the request that failed), `key=value` or `key: value`
_KEYS = ("schema", "database", "dbname", "db", "bucket", "model", "host", "hostname", "port", "pool", "table",
         "request_id", "continuation_id", "base_url", "url", "region", "project", "user", "role")
_PAIR = re.compile(r"(?<![\w.])(?P<key>" + "|".join(_KEYS) + r")\s*[=:]\s*(?P<q>['\"]?)(?P<value>[A-Za-z0-9_.:/@+-]{1,80})(?P=q)",
                   re.I)


# PostgreSQL's message style guide: an object is named by its kind and its name in double quotes (`database
# "postgress" does not exist`, `relation "messages" does not exist`, `column "x" of relation "y"`, `prepared
# statement "_pg3_0" already exists`); PostgREST and storage-api quote theirs in single quotes after the kind
_OBJECT = re.compile(r"\b(?P<kind>database|relation|table|column|constraint|role|schema|function|index|sequence|type|"
                     r"extension|prepared statement|bucket|operator)\s+(?P<q>[\"'])(?P<name>[^\"'\n]{1,63})(?P=q)", re.I)


def _same_logger_context(inp: DiagnosisInput) -> list[str]:
    """The context lines (nearest first) that the record's own logger wrote."""
    if not inp.logger:
        return []
    mark = f" {inp.logger}: "
    shim = f"] {inp.logger}: "
    return [ln[:SCAN] for ln in reversed(inp.context[-CONTEXT_LINES:]) if mark in ln[:SCAN] or shim in ln[:SCAN]]


def _record_texts(inp: DiagnosisInput) -> list[str]:
    tail = inp.traceback[-SCAN:] if inp.traceback else ""
    return [m[:SCAN] for m in inp.messages()] + [tail]


# a library's pointer to its documentation is no thing the failure concerns (httpx/_models.py raise_for_status:
# "For more information check: https://developer.mozilla.org/...")
_DOC_LINK = re.compile(r"(?:more information|see|docs?|documentation)\W{0,8}$", re.I)
_DOC_HOSTS = re.compile(r"^(?:developer\.mozilla\.org|docs\.[\w.-]+|[\w.-]*readthedocs\.io|www\.postgresql\.org)$", re.I)


def _urls(texts: list[str]) -> list[str]:
    out: list[str] = []
    for text in texts:
        for m in _URL.finditer(text):
            host = m.group("host")
            if _DOC_HOSTS.match(host) or _DOC_LINK.search(text[max(0, m.start() - 40):m.start()]):
                continue
            out.append(f"{host}:{m.group('port')}" if m.group("port") else host)
    return out


def named_entities(inp: DiagnosisInput) -> list[str]:
    """What the record names, as display strings (`host qzvbxkel.supabase.co`, `schema=exai`), at most
    MAX_ENTITIES, the record's own first, then its logger's context lines (nearest first)."""
    record = _record_texts(inp)
    context = _same_logger_context(inp)
    found: list[str] = []
    hosts = _urls(record) or _urls(context)[:1]
    found += [f"host {h}" for h in hosts]
    for text in record[:-1] + record[-1:]:
        for m in _OBJECT.finditer(text):
            found.append(f'{m.group("kind").lower()} "{m.group("name")}"')
    # pairs from what was logged, not from the traceback's source lines (`url=os.environ[...]` is code, not a value)
    for text in [*record[:-1], *context]:
        for m in _PAIR.finditer(text):
            key, value = m.group("key").lower(), m.group("value").rstrip(".,:;)")
            if key in ("url", "base_url", "host", "hostname") and any(value in h for h in hosts):
                continue
            found.append(f"{key}={value[:MAX_VALUE]}")
    return list(dict.fromkeys(found))[:MAX_ENTITIES]


def entities_clause(inp: DiagnosisInput, already: str) -> str:
    """' Named in the record: host x; schema=y.' for the entities the text does not quote already ('' if none)."""
    def shown(e: str) -> str:  # what must already be in the text for the entity to count as quoted
        return e.split(" ", 1)[-1].strip('"') if e.startswith("host ") or '"' in e else e

    fresh = [e for e in named_entities(inp) if shown(e) not in already]
    return f" Named in the record: {'; '.join(fresh)}." if fresh else ""
