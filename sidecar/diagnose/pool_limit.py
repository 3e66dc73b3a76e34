"""A timeout that was really a wait for a free slot in OUR pool (CLASSES9 R3, R4): capacity, not the remote.

Two documented mechanisms make a local queue look like a slow remote:
- aiohttp's `ClientTimeout.connect` covers "acquiring a connection from pool" as well as the connect (client.py,
  ClientTimeout docstring; connector.py `connect` -> `_wait_for_available_connection` while `limit`/`limit_per_host`
  connections are in use, default limit 100): a ConnectionTimeoutError "Connection timeout to host" with no connect
  attempt at all; httpx's PoolTimeout is its own class, but wrappers report it as a connect failure.
- `loop.run_in_executor(None, ...)` / `asyncio.to_thread` queue work on the default ThreadPoolExecutor
  (Lib/asyncio/base_events.py; Lib/concurrent/futures/thread.py: `max_workers` = min(32, cpu_count + 4),
  `_adjust_thread_count`): when every worker is busy, a call waits in the queue and an outer `wait_for` times out
  with no error in the pool itself.
The deciding record is a figure of the pool at its bound, logged before the timeout by the same process: "N/N in
use", "running=N" with max_workers=N, "limit=N" with N in use, together with work waiting (queued/waiting/pending >
0). The figure must be the failing client's own: logged by the same logger as the timeout (the component that owns
the pool reports it), and the latest such figure decides - another pool at its bound (the database pool before an
HTTP connect timeout: review r10) or an older figure since relieved does not explain this wait. The near-miss twin
(the pool far from its bound: a real connect timeout to an unreachable host) is unchanged.
Only a timeout reading (network/storage/provider, or the catch-all) is re-read; 0.45 (a figure, not a stack).
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import LINE

LOOK = 20
_TIMEOUT = re.compile(r"(?:^|\.)(?:TimeoutError|ConnectionTimeoutError|ServerTimeoutError|ConnectTimeout|PoolTimeout|"
                      r"TimeoutException|Empty)$")
# "100/100 connections in use", "in use 8/8", "busy 6 of 6"
_FRACTION = re.compile(r"\b(?P<a>\d{1,6})\s*(?:/|of)\s*(?P<b>\d{1,6})\s*(?:\w+\s+){0,2}?(?:in use|busy|acquired|active|"
                       r"running|taken|occupied)\b|\b(?:in use|busy|acquired|active|running)\s*[=:]?\s*(?P<c>\d{1,6})\s*"
                       r"(?:/|of)\s*(?P<d>\d{1,6})\b", re.I)
# "max_workers=6, running=6", "limit=100 ... in_use=100", "size 10, 10 checked out"
_BOUND = re.compile(r"\b(?:max_workers|limit(?:_per_host)?|max_size|maxsize|pool_size|size|max)\s*[=:]\s*(?P<n>\d{1,6})\b",
                    re.I)
_USED = re.compile(r"\b(?:running|in[_ ]use|busy|acquired|active|checked[_ ]out|workers busy)\s*[=:]\s*(?P<n>\d{1,6})\b|"
                   r"\b(?P<m>\d{1,6}) (?:running|in use|busy|checked out)\b", re.I)
_WAITING = re.compile(r"\b(?:queued|waiting|pending|backlog|qsize)\s*[=:]\s*(?P<n>\d{1,9})\b|\b(?P<m>\d{1,9}) "
                      r"(?:\w+ ){0,2}(?:queued|waiting|pending)\b", re.I)
_HEADER = re.compile(r"^\S+[ T]\S+\s+[A-Z]+\s+(?P<logger>[\w.\-]+):")
_POOLISH = re.compile(r"\b(?:pool|connector|executor|workers?|slots?|connections?|semaphore|threads?)\b", re.I)


def _at_bound(text: str) -> bool:
    for m in _FRACTION.finditer(text):
        a, b = (m.group("a"), m.group("b")) if m.group("a") else (m.group("c"), m.group("d"))
        if int(a) >= int(b) > 0:
            return True
    bound = [int(m.group("n")) for m in _BOUND.finditer(text)]
    used = [int(m.group("n") or m.group("m")) for m in _USED.finditer(text)]
    return any(u >= b > 0 for b in bound for u in used)


def _waiting(text: str) -> bool:
    return any(int(m.group("n") or m.group("m")) > 0 for m in _WAITING.finditer(text))


def pool_limit_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or capacity when a record before this timeout shows our pool/executor at its bound with work waiting."""
    if d.category not in ("network", "storage", "provider", "unknown"):
        return d
    if not any(_TIMEOUT.search(t) for t in inp.exception_types()):
        return d
    own = next((c for c in reversed([c[:LINE] for c in inp.context[-LOOK:]])
                if (h := _HEADER.match(c)) is not None and h.group("logger") == inp.logger and _POOLISH.search(c)
                and (_FRACTION.search(c) or _BOUND.search(c))), None)
    if own is None or not (_at_bound(own) and _waiting(own)):
        return d
    full = own
    return d.reanswered(
        category="capacity", severity="medium", confidence=0.45, rule=f"{d.rule}+pool-at-limit",
        summary=f"{inp.exception_type}: the call waited for a free slot in our own pool/executor, which was at its "
                   "limit rather than on the remote",
        root_cause=("Just before the timeout our own client pool or executor was at its limit with work queued "
                       f"(\"{full.strip()[:200]}\"): the call spent its timeout waiting for a free connection or worker "
                       "(aiohttp's connect timeout includes acquiring a connection from the connector's pool; "
                       "run_in_executor(None, ...) queues on the default thread pool), not talking to the remote."),
        suggested_fix=["Size the pool/executor for the concurrent work (aiohttp TCPConnector limit, a dedicated "
                          "ThreadPoolExecutor for blocking work) or bound the work submitted to it.",
                          "Give the wait for a slot its own timeout, apart from the remote's connect/read timeout."],
        evidence=[full.strip()])
