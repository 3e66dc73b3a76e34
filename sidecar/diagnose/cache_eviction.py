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
policy noeviction, leave the answer - except when the record that wrote the key gave it a TTL (`ex=`, `px=`, a
lock's `timeout=`) shorter than the time the error says it was used (`gone after 61s`, or the two records' time
stamps): the key expired by our own TTL, code (0.5).
Confidence 0.55: the figure and the symptom are tied by time and component, not by the key's name.
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .record_time import record_time
from .setting_lines import CONTEXT, LINE
from .situation import situation

_EVICTED = re.compile(r"\bevicted[_ ]keys\W{0,3}(?P<n>\d+)(?:\s*\(?\s*\+\s*(?P<d>\d+))?", re.I)
# a figure in bytes or with Redis's INFO *_human unit (K, M, G)
_SIZE = r"(?P<v>\d+(?:\.\d+)?)\s*(?P<u>[KMGT](?:i?B)?\b)?"
_USED = re.compile(r"\bused_memory(?:_human)?\W{0,3}" + _SIZE, re.I)
_MAX = re.compile(r"\bmaxmemory(?:_human)?\W{0,3}" + _SIZE, re.I)
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_POLICY = re.compile(r"\bmaxmemory[-_]policy\W{0,3}(?P<p>[a-z-]+)", re.I)
# the symptom: a lock or key our code wrote is gone
_GONE = r"\b(?:not found|missing|vanished|gone|disappeared|was None|is None|expired)\b"
_LOST = re.compile(r"no longer owned|LockNotOwnedError|\b(?:key|lock|session|token|counter|entry|value)\b[^\n]{0,80}?"
                   + _GONE + r"|(?P<key>\b[\w-]{1,40}(?::[\w.-]{1,80}){1,4})\s+" + _GONE +
                   # json.loads given the None a GET returned for a vanished key (json/__init__.py loads)
                   r"|KeyError|cache miss|JSON object must be str, bytes or bytearray, not NoneType", re.I)
_TTL = re.compile(r"\b(?P<k>ex|px|ttl|timeout|expire(?:s|_in)?)\s*[=:]?\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<u>ms|s)?\b", re.I)
_HELD = re.compile(r"\b(?:after|held(?: for)?|took|elapsed)\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<u>ms|s)\b")
_KEY = re.compile(r"\b[\w-]{1,40}(?::[\w.-]{1,80}){1,4}")
_NAMED_KEY = re.compile(r"(?<![\w:])[A-Za-z][\w-]{0,39}(?::[\w.-]{1,80}){1,4}")  # conv:state:<id>, not 01:32:39
_REDIS_FRAME = re.compile(r'File "[^"\n]*[/\\]redis[/\\]')
_CACHE = re.compile(r"\b(?:redis|cache|lock|session|rate[ _-]?limit)", re.I)


def _bytes(m: re.Match[str] | None) -> float | None:
    return None if m is None else float(m.group("v")) * _UNITS[(m.group("u") or "")[:1].upper()]


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
        used, top = _bytes(_USED.search(line)), _bytes(_MAX.search(line))
        if n > 0 and used is not None and top and used >= 0.95 * top:
            return line, False
        if n == 0:
            flat = True
        readings.append((n, line))
    return None, flat


def _seconds(n: str, unit: str | None, key: str = "") -> float:
    return float(n) / (1000 if (unit or "").lower() == "ms" or key.lower() == "px" else 1)


def _own_ttl(inp: DiagnosisInput, said: str) -> tuple[str, float, float] | None:
    """(the record that set the key with its TTL, the TTL, the time used) when that TTL is shorter than the use."""
    keys = [k for k in _KEY.findall(said[:2048]) if not k.startswith(("http", "File"))]
    if not keys:
        return None
    error_at = record_time(inp.traceback.lstrip().split("\n", 1)[0][:LINE])
    for raw in reversed(inp.context[-CONTEXT:]):
        line = raw[:LINE]
        ttl = _TTL.search(line)
        if ttl is None or not any(k in line for k in keys):
            continue
        held = _HELD.search(said[:2048])
        if held is not None:
            used = _seconds(held.group("n"), held.group("u"))
        else:
            set_at = record_time(line)
            if set_at is None or error_at is None:
                return None
            used = (error_at - set_at).total_seconds()
            if not 0 < used < 3600:
                return None
        limit = _seconds(ttl.group("n"), ttl.group("u"), ttl.group("k"))
        return (line, limit, used) if limit < used else None
    return None


def cache_eviction_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or storage when a lost key or lock of the cache meets its evictions rising in the window."""
    said = "\n".join([*inp.messages(), inp.traceback[-8192:]])
    symptom = _LOST.search(said)
    if symptom is None or d.category == "storage":
        return d
    if situation(inp).remote != "redis" and "redis" not in said.lower() and _CACHE.search(said) is None:
        return d
    # a bare KeyError or a json.loads of None says nothing about a cache by itself (review r12: a reply-parsing
    # KeyError): it counts only with a cache-shaped key (a:b) or a redis frame in the record
    # (a key starts with a letter - a record header's `01:32:39` is no key - and the frame must be redis-py's own, not
    # the word in a stats line before: review r12)
    if symptom.group(0).lower().startswith(("keyerror", "json object")) and \
            _NAMED_KEY.search(said[:2048]) is None and _REDIS_FRAME.search(inp.traceback) is None:
        return d
    lines = [raw[:LINE] for raw in (*inp.context[-CONTEXT:], *inp.after[:CONTEXT])]
    shown, flat = _evicting(lines)
    if shown is None or flat:
        own = _own_ttl(inp, said)
        # a code answer stands, unless it rests on the raised class alone (base_family.py's `class:base.*`: a
        # TypeError of the lock's own call): the record that set the TTL is the deciding one (spent gen c11-C4 twins,
        # once own_wrapper.py let the base reading see the cause under the gateway's ToolError)
        if own is None or d.category == "code" and not (d.rule or "").startswith("class:base."):
            return d
        line, limit, used = own
        return d.reanswered(
            category="code", severity="medium", confidence=0.5, rule=f"{d.rule}+own-ttl",
            summary=f"The key expired by the TTL our own call gave it ({limit:g} s), shorter than its use "
                       f"({used:g} s): {symptom.group(0)}",
            root_cause=("The record that wrote the key (or took the lock) set its expiry shorter than the time the "
                           "code kept using it, so the cache expired it as told; the cache evicted nothing."),
            suggested_fix=["Give the key or lock a TTL longer than its longest use, or extend/refresh it while "
                              "working (lock.extend, a watchdog)."],
            evidence=[symptom.group(0), line])
    policy = _POLICY.search(shown)
    how = f" (maxmemory-policy {policy.group('p')})" if policy is not None else ""
    return d.reanswered(
        category="storage", severity="medium", confidence=0.55, rule=f"{d.rule}+cache-eviction",
        summary=f"The cache is evicting keys at its memory limit{how}: a key our code wrote was evicted before its "
                   f"TTL ({symptom.group(0)})",
        root_cause=("The cache's own figures around the error show evicted keys rising while it sits at its "
                       "maxmemory: under an evicting policy Redis removes keys (locks, sessions, counters) before they "
                       "expire, so the code later finds its key gone. The cache service's memory limit or policy, "
                       "not the code's lock or TTL, has to change."),
        suggested_fix=["Give the cache more memory (maxmemory) or keep locks and state in a separate Redis/db with "
                          "maxmemory-policy noeviction (or volatile-* with TTLs only on cache entries); find what "
                          "filled it (a bulk warm-up, keys without TTL)."],
        evidence=[symptom.group(0), shown])
