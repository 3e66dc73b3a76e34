"""A cache service evicting keys under its memory policy (evals/CLASSES11.md C4): storage.

Redis at `maxmemory` with an evicting `maxmemory-policy` (allkeys-lru, volatile-lfu, ...) removes keys before their
TTL to make room (Redis docs "Key eviction"; INFO stats `evicted_keys`, INFO memory `used_memory`, `maxmemory`,
`maxmemory_policy`). The cache itself returns no error: the symptom is in our code after a key it wrote is gone - a
lock whose token vanished (`SP/redis/lock.py`: `do_release`/`do_extend`/`do_reacquire` raise LockNotOwnedError
"Cannot release|extend|reacquire a lock that's no longer owned"), a read that finds nothing (a KeyError, "not
found", "missing", a None where a value was stored), a counter that reset. Read alone a lost lock is concurrency
(library_causes.py: its TTL ran out during the work) and a missing key is our code's; what decides is the cache's
own figures in the window (a metrics or INFO record around the error): evicted keys RISING (a "+N" delta above 0,
or two readings that grow), or used memory at its maximum under an evicting policy with evictions counted. Then the
cache service's memory size or policy must change: storage. Twins (CLASSES11 K, C4): evictions zero or flat, or the
policy noeviction (our own TTL shorter than the use, or a write refused with OOM: another class) - unchanged.
Confidence 0.55: the figure and the symptom are tied by time and component, not by the key's name.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import CONTEXT, LINE
from .situation import situation

_EVICTED = re.compile(r"\bevicted[_ ]keys\W{0,3}(?P<n>\d+)(?:\s*\(?\s*\+\s*(?P<d>\d+))?", re.I)
_USED = re.compile(r"\bused_memory\W{0,3}(?P<u>\d+)\b", re.I)
_MAX = re.compile(r"\bmaxmemory\W{0,3}(?P<m>\d+)\b", re.I)
_POLICY = re.compile(r"\bmaxmemory[-_]policy\W{0,3}(?P<p>[a-z-]+)", re.I)
# the symptom: a lock or key our code wrote is gone
_LOST = re.compile(r"no longer owned|LockNotOwnedError|\b(?:key|lock|session|token|counter|entry|value)\b[^\n]{0,80}?"
                   r"\b(?:not found|missing|vanished|gone|disappeared|was None|is None|expired)\b|KeyError|cache miss",
                   re.I)
_CACHE = re.compile(r"\b(?:redis|cache|lock|session|rate[ _-]?limit)", re.I)


def _evicting(lines: list[str]) -> tuple[str | None, bool]:
    """(the record showing evictions rising, whether a record shows them flat or zero)."""
    readings: list[tuple[int, str]] = []
    flat = False
    for line in lines:
        m = _EVICTED.search(line)
        if m is None:
            continue
        n, delta = int(m.group("n")), m.group("d")
        policy = _POLICY.search(line)
        if policy is not None and policy.group("p").lower() == "noeviction":
            flat = True
            continue
        if delta is not None:
            if int(delta) > 0:
                return line, False
            flat = True
            continue
        if readings and n > readings[-1][0]:
            return line, False
        if readings and n == readings[-1][0]:
            flat = True
        used, top = _USED.search(line), _MAX.search(line)
        if n > 0 and used is not None and top is not None and int(top.group("m")) > 0 and \
                int(used.group("u")) >= 0.95 * int(top.group("m")):
            return line, False
        if n == 0:
            flat = True
        readings.append((n, line))
    return None, flat


def cache_eviction_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or storage when a lost key or lock of the cache meets its evictions rising in the window."""
    said = "\n".join([*inp.messages(), inp.traceback[-8192:]])
    symptom = _LOST.search(said)
    if symptom is None or d.category == "storage":
        return d
    if situation(inp).remote != "redis" and "redis" not in said.lower() and _CACHE.search(said) is None:
        return d
    lines = [raw[:LINE] for raw in (*inp.context[-CONTEXT:], *inp.after[:CONTEXT])]
    shown, flat = _evicting(lines)
    if shown is None or flat:
        return d
    policy = _POLICY.search(shown)
    how = f" (maxmemory-policy {policy.group('p')})" if policy is not None else ""
    return d.model_copy(update={
        "category": "storage", "severity": "medium", "confidence": 0.55, "rule": f"{d.rule}+cache-eviction",
        "summary": f"The cache is evicting keys at its memory limit{how}: a key our code wrote was evicted before its "
                   f"TTL ({symptom.group(0)})",
        "root_cause": ("The cache's own figures around the error show evicted keys rising while it sits at its "
                       "maxmemory: under an evicting policy Redis removes keys (locks, sessions, counters) before they "
                       "expire, so the code later finds its key gone. The cache service's memory limit or policy, "
                       "not the code's lock or TTL, has to change."),
        "suggested_fix": ["Give the cache more memory (maxmemory) or keep locks and state in a separate Redis/db with "
                          "maxmemory-policy noeviction (or volatile-* with TTLs only on cache entries); find what "
                          "filled it (a bulk warm-up, keys without TTL)."],
        "evidence": list(dict.fromkeys([symptom.group(0), shown, *d.evidence]))})
