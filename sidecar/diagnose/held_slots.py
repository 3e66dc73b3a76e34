"""A wait for a slot of OUR bounded primitive, read by the primitive's own figures: at its bound with work holding it is
capacity; at its bound with NO work running is a leak - code (round 18).

The class (evals/TAXONOMY.md "Round 18: concurrency and capacity as situations"): a resource at its limit. The
error is a wait that ran out for a slot of a bounded primitive of ours - asyncio.Semaphore / BoundedSemaphore /
Lock `acquire` under wait_for (Lib/asyncio/locks.py; the awaited call is the acquire, the TimeoutError is
asyncio's), psycopg_pool's PoolTimeout ("couldn't get a connection after N sec", psycopg_pool/pool.py), or the
gateway's own "waited N s for <name> semaphore|pool|slot". Whether the bound was reached by LOAD or by slots nobody
gives back is not in the error; the primitive's own figures say it: the count in use against the bound ("10/10 in
use", "in_use=20 max=20") and the work running at that moment ("active_requests=0", "inflight=3", "0 active").
- at the bound while work holds the slots (active > 0, or waiters piling up with no active figure): the load filled
  it - capacity (more slots or less load); a timeout reading that blamed the remote is re-read so;
- at the bound while NO work runs (active/inflight/running = 0 in the same figure): every slot is held by nothing -
  an acquire whose release never ran (an exception path, a cancelled task skipping `finally`): code.
The figure must be the SAME primitive's: it names the kind (semaphore, pool, slots) and, when the error names the
primitive ("kimi semaphore"), that name; the latest such figure within WINDOW before the error decides.
Twins that must NOT change: the figure BELOW its bound (free slots: the wait was not for a slot - another reading
stands); a figure of another primitive (the database pool beside a Kimi semaphore wait); no figure at all; an answer
already config or concurrency. 0.45: a figure beside an error, never confident.
"""

from __future__ import annotations

import re

from .honest_unknown import lent
from .model import Diagnosis, DiagnosisInput, one_line
from .record_time import of_episode, record_time
from .slot_figures import IN_USE_OF_BOUND, used_and_bound

CONFIDENCE = 0.45
WINDOW = 600.0  # seconds between the primitive's figure and the error
_READS = frozenset({"capacity", "provider", "network", "storage", "unknown"})
_KIND = r"semaphore|pool|slots?"
# the error is a wait for a slot: the acquire frame asyncio's wait_for cancelled, a pool's own timeout, or our words
_ACQUIRE = re.compile(r"asyncio/locks\.py\", line \d+, in acquire|\bPoolTimeout\b|couldn't get a connection after")
_NAMED_WAIT = re.compile(rf"\bwait(?:ed|ing)?\b[^\n]{{0,40}}?\bfor (?:an? |the )?(?:free )?(?P<name>[\w.-]+ )?"
                         rf"(?P<kind>{_KIND})\b", re.I)
_FIGURE = re.compile(rf"(?:(?P<name>[\w.-]+) )?(?P<kind>{_KIND})\b[^\n]{{0,60}}?(?:\b{IN_USE_OF_BOUND})", re.I)
_ACTIVE = re.compile(r"\b(?:active(?:_requests)?|inflight|in_flight|running(?:_requests)?)\s*[=:]\s*(?P<n>\d{1,6})\b|"
                     r"\b(?P<m>\d{1,6}) (?:active|in flight|running)\b", re.I)
# Another primitive named on the same line ("db pool", "tools semaphore") ends this one's clause, as do ";" and "|":
# an "active"/"waiting" count is the figure's own only inside its clause (before, "0 active" of the db pool beside a
# full kimi semaphore read as the semaphore's leak). A function word before the kind ("waiting for slots") is no name.
_OTHER = re.compile(rf"[;|]|\b(?P<name>[\w.-]+) (?:{_KIND})\b", re.I)
_NO_NAME = frozenset({"for", "the", "a", "an", "of", "free", "in", "no", "its", "our", "same", "per", "each", "every"})
_WAITING = re.compile(r"\b(?P<n>\d{1,6}) waiting\b|\b(?:waiting|queued|requests_waiting)\s*[=:]\s*(?P<m>\d{1,6})\b",
                      re.I)


def _clause(line: str, m: re.Match[str]) -> str:
    """The figure's own clause: from its start to the next other primitive's mention or separator."""
    own = (m.group("name") or "").lower()
    for o in _OTHER.finditer(line, m.end()):
        name = (o.group("name") or "").lower()
        if o.group("name") is None or (name not in _NO_NAME and name != own):
            return line[m.start():o.start()]
    return line[m.start():]


def held_slots_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or capacity / code from the waited primitive's own figure (module docstring)."""
    if d.category not in _READS:
        return d
    error = "\n".join([*inp.messages(), inp.traceback])
    named = _NAMED_WAIT.search("\n".join(inp.messages()))
    if named is None and not _ACQUIRE.search(error):
        return d
    want = (named.group("name") or "").strip().lower() if named else ""
    error_at = record_time(inp.traceback or inp.message)
    figure: tuple[str, str, int, int] | None = None
    for raw in inp.context:
        for ln in raw.splitlines():
            if not of_episode(ln, error_at, WINDOW, before_only=True):
                continue
            for m in _FIGURE.finditer(ln):
                clause = _clause(ln, m)
                if want and want not in clause.lower() and (m.group("name") or "").lower() != want:
                    continue  # another primitive's figure (the db pool beside a kimi semaphore wait)
                used, bound = used_and_bound(m)
                figure = (ln.strip(), clause, used, bound)
                break  # a line's first figure of the wanted primitive is its subject; a later line supersedes it
    if figure is None:
        return d
    line, clause, used, bound = figure
    if bound <= 0 or used < bound:
        return d  # free slots: the wait was not for one
    act = _ACTIVE.search(clause)
    active = None if act is None else int(act.group("n") or act.group("m"))
    quoted = one_line(line, 240)
    if active == 0:
        return d.reanswered(
            # never above the answer it re-reads: one figure line does not make an unknown 0.2 surer
            category="code", confidence=min(CONFIDENCE, lent(d, inp)), rule=f"{d.rule}+held-slots",
            severity="high",
            summary=one_line(f"Every slot is held with no work running ({used}/{bound} in use, 0 active): slots "
                             "acquired and never released", 300),
            root_cause=(f'The primitive waited on was at its bound while nothing ran: "{quoted}". Slots held by no '
                        "work are acquires whose release never ran - an exception or a cancellation between acquire "
                        "and release (no `async with` / `finally`), so the bound shrinks until every call waits."),
            suggested_fix=["Acquire with `async with sem:` (or release in `finally`) on every path, including "
                           "cancellation; log acquires and releases per request to find the path that skips it.",
                           "Restart to recover the slots now; alert when in-use stays at the bound with 0 active."],
            evidence=[line[:300]])
    waiting = _WAITING.search(clause)
    if d.category == "capacity" or (active is None and waiting is None):
        return d  # already capacity, or nothing in the figure says work holds the slots
    return d.reanswered(
        category="capacity", confidence=min(CONFIDENCE, lent(d, inp)), rule=f"{d.rule}+held-slots",
        severity=d.severity if d.severity in ("high", "critical") else "medium",
        summary=one_line(f"The wait was for one of our own slots, all {bound} in use under load - not the remote", 300),
        root_cause=(f'The call waited for a slot of our bounded primitive, and its figure shows it full with work '
                    f'holding it: "{quoted}". The time ran out in our queue before any remote was called.'),
        suggested_fix=["Raise the bound where the remote and our memory allow, or cut/shape the load (queue limits, "
                       "429 with Retry-After) - and alert on in-use at the bound with waiters."],
        evidence=[line[:300]])
