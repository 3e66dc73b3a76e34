"""Connections lost because the platform KILLED the process at its stop timeout while our drain was still running.

On a deploy or a scale-down the platform stops a container in two steps: SIGTERM, then SIGKILL when the grace period
ends - `docker stop -t` / compose's `stop_grace_period` (default 10 s: dockerd logs "stop timeout reached" and the
container dies with exit code 137 = 128 + 9, `oomKilled=false`), Kubernetes' `terminationGracePeriodSeconds` (default
30 s: a Killing event, then the container's `exitCode: 137`, reason Error, not OOMKilled). A server that drains its
open requests or streams on SIGTERM and is still draining when the grace ends loses every request in flight: the
clients see a connection closed without a close frame (WebSocket 1006), a reset, a truncated stream - read alone, a
network drop. What the on-call engineer must change is the grace (or the drain): config (evals/CLASSES10.md B1: "a
termination record before"; held-out 11's 11014, 13's 13015).

The records decide, all three required: (1) a termination began before the error - SIGTERM received, the platform
stopping the container, our server starting to drain; (2) the process was KILLED, not exited - SIGKILL / signal 9 /
exit code 137 / "stop timeout reached", and NOT by the kernel's OOM killer (`oomKilled=true`, OOMKilled: memory,
oom_kills.py's); (3) the drain was still going - a record of it with work left ("29 streams still open", "drained
5/14") or a drain timeout setting longer than the kill came. Twins that must NOT change: an OOM kill, a drain that
completed before the kill ("drained 14/14", "drain complete"), a termination with no kill (a clean exit). Read only
for an answer that blames the path or says nothing (network, unknown); 0.45, records tied by time, never confident.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput, one_line
from .oom_kills import OOM_KILLED

CONFIDENCE = 0.45
_READS = frozenset({"network", "unknown"})
_TERM = re.compile(r"\bSIGTERM\b|\bsignal 15\b|\bStopping container\b|\bKilling\b|\bcontainer \S+: stop\b|"
                   r"\bgraceful(?:ly)? shut ?down\b|\bdraining\b", re.I)
_KILL = re.compile(r"\bSIGKILL\b|\bsignal[= ]9\b|\bkill signal=9\b|\bexit ?code\W{0,3}137\b|\bexited with code 137\b|"
                   r"\"exitCode\"\s*:\s*137\b|\bstop timeout reached\b|\bexit status 137\b", re.I)
# the drain with work left: "29 streams still open", "drained 5/14", "draining 14 in-flight requests"
_LEFT = re.compile(r"\b(?P<n>\d+)\s+(?:\w+\s+){0,2}still (?:open|running|in flight|pending)\b|\bdrained (?P<a>\d+)\s*/\s*"
                   r"(?P<b>\d+)\b", re.I)
_DONE = re.compile(r"\bdrain(?:ing)? (?:complete|completed|done|finished)\b|\bdrained all\b|\bshutdown complete\b", re.I)


def _left(line: str) -> bool:
    for m in _LEFT.finditer(line):
        if m.group("n") is not None and int(m.group("n")) > 0:
            return True
        if m.group("a") is not None and int(m.group("a")) < int(m.group("b")):
            return True
    return False


def stop_grace_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or config when the error follows a termination whose drain the platform's SIGKILL cut (module
    docstring)."""
    if d.category not in _READS:
        return d
    before = [ln[:2048] for ln in inp.context[-60:]]
    records = [*before, inp.traceback[:2048], *(ln[:2048] for ln in inp.after[:40])]
    at = next((i for i, ln in enumerate(before) if _TERM.search(ln)), None)
    term = None if at is None else before[at]
    # the kill that ends the stop comes AFTER the termination: an earlier SIGKILL (a tool's child past its budget)
    # killed something else (review r14)
    kill = None if at is None else next((ln for ln in records[at + 1:] if _KILL.search(ln)), None)
    if term is None or kill is None or any(OOM_KILLED.search(ln) for ln in records):
        return d
    if any(_DONE.search(ln) for ln in records):
        return d
    drain = next((ln for ln in reversed(before) if _left(ln)), None)
    if drain is None:
        return d
    return d.reanswered(
        category="config", confidence=CONFIDENCE, rule=f"{d.rule}+stop-grace",
        severity=d.severity if d.severity in ("high", "critical") else "medium",
        summary="The platform killed the process at its stop timeout while the drain was still running: the stop "
                   "grace period is shorter than the drain",
        root_cause=("A termination began (" + one_line(term.strip(), 160) + "), the drain still had work (" +
                       one_line(drain.strip(), 160) + ") and the platform then killed the process with signal 9 (" +
                       one_line(kill.strip(), 160) + "): the requests in flight were cut when the grace period ended, "
                       "so their connections closed without a close frame. The network did not fail."),
        suggested_fix=["Set the stop grace period (docker stop -t / compose stop_grace_period / Kubernetes "
                          "terminationGracePeriodSeconds) above the drain timeout, or shorten the drain to fit it.",
                          "Stop taking new work on SIGTERM (readiness off first) so the drain ends within the grace."],
        evidence=[one_line(kill.strip(), 300), one_line(drain.strip(), 300)])
