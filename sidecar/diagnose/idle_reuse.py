"""A peer close before any status line on a REUSED keep-alive connection (CLASSES9 N1): the path, not the service.

Every HTTP stack reports a server that closed the connection after the request was written and before a status line
the same way, whatever the remote (protocol_causes.NO_RESPONSE): h11 via httpcore/httpx "Server disconnected without
sending a response" (h11/_connection.py), http.client's RemoteDisconnected "Remote end closed connection without
response" (Lib/http/client.py `_read_status`, wrapped by urllib3/requests as "Connection aborted."), aiohttp's
ServerDisconnectedError "Server disconnected" (client_exceptions.py, client_proto.py `connection_lost`). Read alone
it is the remote's (a restart, an overloaded backend: protocol_causes answers provider/storage). What separates the
keep-alive race is the records BEFORE it:
- the connection was idle longer than a server's idle timeout allows: the previous request to the same host is
  seconds to minutes older than this one (uvicorn's timeout_keep_alive 5 s, nginx keepalive_timeout 75 s, cloud
  load balancers 60-350 s), while the client keeps pooled connections longer (httpx Limits keepalive_expiry,
  aiohttp TCPConnector keepalive_timeout, urllib3's pool reuses until the socket errors: connectionpool.py
  `_get_conn`/`is_connection_dropped`), or a record says the connection was reused after idling;
- and this is not the last of several failures: the record is an attempt that will be retried, and no earlier record
  shows the same close (the twin: every attempt closed the same way is the remote or a proxy limit - unchanged).
Only then is the answer network, low severity (a retry on a new connection succeeds; nothing failed but the race).
One signal only (a gap or a reuse record) answers 0.45; both with a first-attempt record 0.5 - never surer: the
success after it is not visible when the record is diagnosed.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from .model import Diagnosis, DiagnosisInput
from .protocol_causes import NO_RESPONSE
from .record_time import record_time
from .setting_lines import CONTEXT, LINE

IDLE_MIN = timedelta(seconds=5)  # uvicorn's default timeout_keep_alive: the shortest common server idle timeout
_URL = re.compile(r"\bhttps?://[^\s/\"'<>]+", re.I)
# an HTTP client's own request line: httpx "HTTP Request: GET https://...", urllib3 "https://host:443 \"GET /path",
# aiohttp/requests wrappers printing "GET https://..." - a request that used (and returned) a pooled connection
_REQUEST = re.compile(r"\bHTTP Request: [A-Z]+ https?://|https?://[^\s]+ \"[A-Z]+ /|\b(?:GET|POST|PUT|PATCH|DELETE) "
                      r"https?://")
# a record that THIS connection was reused after idling: a reuse of a kept-alive/pooled connection, a connection's own
# idle time; "first <x> call since" only from the failing logger itself. Another component's idle session or worker
# ("session ... idle 120 s", "worker idle for 5 min") says nothing about this connection (review r10)
_REUSED = re.compile(r"\breus\w* (?:an? |the )?(?:kept[- ]alive|keep-?alive|pooled|idle|persistent) connection|"
                     r"\bkept[- ]alive connection \(idle|\bconnection (?:was )?idle (?:for )?\d+", re.I)
_FIRST_SINCE = re.compile(r"\bfirst \w+ (?:call|request) since\b", re.I)
_HEADER = re.compile(r"^\S+[ T]\S+\s+[A-Z]+\s+(?P<logger>[\w.\-]+):")
_ATTEMPT = re.compile(r"\battempt (?P<a>\d+)\s*(?:/|of)\s*(?P<n>\d+)", re.I)
_FINAL = re.compile(r"\b(?:after|all) \d+ (?:attempts|tries|retries)|\bgiving up\b|\bretries exhausted\b|"
                    r"\bno (?:more )?retr(?:y|ies)\b", re.I)
_RETRYING = re.compile(r"\bretrying\b|\bwill retry\b|\bretry (?:in|scheduled)\b", re.I)


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # log text: "http://[logger..." is no URL (urlsplit refuses a bracketed non-address)
        return ""


def _hosts(text: str) -> set[str]:
    return {_host(m.group(0)) for m in _URL.finditer(text)} - {""}


def _idle_gap(inp: DiagnosisInput, before: list[str]) -> timedelta | None:
    """How long the previous request to the same host (or, with no host in the record, the previous request line of
    an HTTP client) is older than this record."""
    now = record_time(inp.traceback.lstrip()[:40] or inp.message)
    if now is None:
        return None
    hosts = _hosts(f"{inp.message}\n{inp.traceback[-16384:]}")
    for c in reversed(before):
        if (hosts and _hosts(c) & hosts) or (not hosts and _REQUEST.search(c)):
            then = record_time(c)
            return None if then is None else now - then
    return None


def idle_reuse_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or network when the peer's close before any response met a connection reused after idling (docstring)."""
    if d.category not in ("storage", "provider", "network", "unknown"):
        return d
    said = "\n".join([*inp.messages(), inp.traceback[-16384:]])
    if not NO_RESPONSE.search(said):
        return d
    before = [c[:LINE] for c in inp.context[-CONTEXT:]]
    attempt = _ATTEMPT.search(inp.message)
    final = _FINAL.search(inp.message) is not None or (
        attempt is not None and int(attempt.group("a")) >= int(attempt.group("n")) > 1)
    if final or any(NO_RESPONSE.search(c) for c in before):
        return d  # every attempt closed the same way: the remote or a limit on the path, not an idle race
    gap = _idle_gap(inp, before)
    reused = next((c for c in reversed(before[-12:]) if _REUSED.search(c) or (
        _FIRST_SINCE.search(c) and (h := _HEADER.match(c)) is not None and h.group("logger") == inp.logger)), None)
    if reused is None and (gap is None or gap < IDLE_MIN):
        return d
    first = (attempt is not None and int(attempt.group("a")) < int(attempt.group("n"))) or bool(_RETRYING.search(inp.message))
    signals = (reused is not None) + (gap is not None and gap >= IDLE_MIN) + first
    idle = f" after {int(gap.total_seconds())} s without a request to it" if gap is not None and gap >= IDLE_MIN else ""
    evidence = [reused.strip()] if reused is not None else []
    return d.reanswered(
        category="network", severity="low", confidence=0.5 if signals >= 3 else 0.45,
        rule=f"{d.rule}+idle-reuse",
        summary=f"A pooled keep-alive connection the server had already closed was reused{idle} "
                   f"({inp.exception_type or 'disconnected'}: no response)",
        root_cause=(f"The request went out on a kept-alive connection{idle}; the server (or a load balancer in "
                       "front of it) had closed it after its own idle timeout, shorter than the client's keep-alive "
                       "expiry, so it closed the connection before any status line. A race on the path: the same "
                       "request on a new connection succeeds; the remote is not shown failing."),
        suggested_fix=["Retry idempotent requests once on a new connection (most clients do for this error).",
                          "Expire pooled connections sooner than the server's idle timeout (httpx Limits "
                          "keepalive_expiry, aiohttp TCPConnector keepalive_timeout)."],
        evidence=[*evidence])
