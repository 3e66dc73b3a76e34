"""The parts of a record that DENY a cause, left out of a quote: a thing reported absent, a measure well below its limit.

A quoted record is read as support for the answer it sits under; a part of it that rules the cause out reads as the
cause (round 13: must_not rose with the quotes). Two classes, both field or measure grammars, never prose:
- ABSENT (round 14, class 1 of issue 17): a field reporting a thing absent - `OOMKilled=false`, `"evicted": 0`,
  `retried: no`, `throttled=None` (logfmt, Docker/Kubernetes state, JSON fields, Python reprs). Only the field
  grammars (`key=value`, a JSON `"key": value`): prose's `key: none` is a sentence, and an absence said in words can
  be the fact itself (held-out 12's 'text layer: none'; 'refused by the pooler: no such user'). A setting
  (UPPER_SNAKE: `STREAMING_UPLOADS=false`) is no such field: a config answer rests on it; `off` is a mode. What is
  LEFT at zero (available=0, remaining: 0, healthy=false) is the exhaustion itself (own_record.LEFT_KEY): kept.
- BELOW ITS LIMIT (round 15): a measure stated with the limit it is read against in the same record, well under it -
  `memory 210Mi of 2Gi`, `pool 3/20 in use`, `disk 41% used`, `p99 80ms (slo 500ms)` - and a readiness count with
  none missing (`replicas 3/3 ready`). The limit is the record's own (the resource's size, the pool's bound, 100% of
  a disk, the SLO it names); "well under" is below BELOW of it: a reading near its limit (18/20, 95%) may be the
  cause on its way and stays quoted, as does one at or over it (20/20, 2.1Gi of 2Gi, 2/3 ready: the shortage).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .own_record import LEFT_KEY
from .slot_figures import IN_USE_OF_BOUND, used_and_bound

BELOW = 0.8  # a share of the limit under which a measure denies running out (a reading above it may be on its way)

_DENIAL = re.compile(r"""(?<![\w.\-])(?-i:(?![A-Z][A-Z0-9]*_[A-Z0-9_]*\b))"""
                     r"""(?!"?[\w.\-]*(?:""" + LEFT_KEY.pattern + r"""))"""  # what is LEFT at zero is a fact
                     r"""(?:[A-Za-z_][\w.\-]{1,60}\s*=|"[A-Za-z_][\w.\-]{1,60}"\s*:)"""
                     r"""\s*"?(?:false|no|none|null|nil|0+(?:\.0+)?)"?(?=[\s,;)}\]"']|\.(?!\d)|$)[,;]?""", re.I)

_NUM = r"\d+(?:\.\d+)?"
_SIZE_UNIT = r"(?:[KMGT]i?B?|B|bytes)"
_TIME_UNIT = r"(?:ms|seconds|sec|min|s)\b"  # longest first: "2 seconds" is not "2 s" + "econds"
# the measure's name before it (memory, pool, disk_used=) - never the tail of a path ("/app/.cache: 1% used" keeps
# its path: held-out 8's 8048)
_KEY = r"(?:(?<![\w./\-])[A-Za-z_][\w.\-]{0,40}\s*[=:]?\s*)?"
# a size of a size: "memory 210Mi of 2Gi", "rss=300MB/2GB"
_SIZES = re.compile(rf"{_KEY}(?P<a>{_NUM})\s?(?P<ua>{_SIZE_UNIT})\s*(?:of|/)\s*(?P<b>{_NUM})\s?(?P<ub>{_SIZE_UNIT})\b"
                    r"(?:\s+(?:used|in use))?", re.I)
# a count of its bound in use: "pool 3/20 in use", "in_use=3/20", "connections: 3 of 20 busy" (slot_figures.py's grammar)
_IN_USE = re.compile(rf"{_KEY}(?:{IN_USE_OF_BOUND})", re.I)
# a share of 100%: "disk 41% used", "memory usage: 41%", "cpu=12%"
_PERCENT = re.compile(rf"{_KEY}(?P<p>{_NUM})\s?%\s*(?:used|full|utili[sz]ed|in use|busy)\b|"
                      rf"\b(?:usage|used|utili[sz]ation|cpu|mem(?:ory)?|disk|load)\w*\s*[=:]?\s*(?P<p2>{_NUM})\s?%",
                      re.I)
# a readiness count with none missing: "replicas 3/3 ready", "ready: 3/3", "healthy 5/5"
_READY = re.compile(r"(?:\b[A-Za-z_][\w.\-]{0,40}\s+)?(?P<a>\d+)\s*/\s*(?P<b>\d+)\s+(?:ready|healthy|available|up|"
                    r"running)\b|\b(?:ready|healthy|available|up)\s*[=:]?\s*(?P<a2>\d+)\s*/\s*(?P<b2>\d+)\b", re.I)
# a measure beside the limit it names: "p99 80ms (slo 500ms)", "latency 120ms, threshold 2s", "210Mi (limit 2Gi)"
_UNDER = re.compile(rf"{_KEY}(?P<a>{_NUM})\s?(?P<ua>{_TIME_UNIT}|{_SIZE_UNIT})\s*[(,;]?\s*(?:limit|max|maximum|"
                    rf"threshold|slo|budget)\s*[=:]?\s*(?P<b>{_NUM})\s?(?P<ub>{_TIME_UNIT}|{_SIZE_UNIT}\b)\)?", re.I)

_SEPARATORS = re.compile(r"([,;:])(?:\s*[,;])+")  # the separators a removed part leaves behind
_TIME_FACTORS = {"ms": 0.001, "s": 1.0, "sec": 1.0, "seconds": 1.0, "min": 60.0}


def _amount(n: str, unit: str) -> tuple[str, float]:
    """(dimension, value in its base unit) of a figure: bytes (Ki/Mi binary, K/M decimal) or seconds."""
    u = unit.lower()
    if u in _TIME_FACTORS:
        return "time", float(n) * _TIME_FACTORS[u]
    if u in ("b", "bytes"):
        return "size", float(n)
    binary = len(u) > 1 and u[1] == "i"
    return "size", float(n) * (1024.0 if binary else 1000.0) ** " kmgt".index(u[0])


def _below(a: float, b: float) -> bool:
    return b > 0 and a < BELOW * b


def _sub(rx: re.Pattern[str], text: str, denies: Callable[[re.Match[str]], bool]) -> str:
    return rx.sub(lambda m: " " if denies(m) else m.group(0), text)


def _sizes_deny(m: re.Match[str]) -> bool:
    (da, a), (db, b) = _amount(m.group("a"), m.group("ua")), _amount(m.group("b"), m.group("ub"))
    return da == db and _below(a, b)


def _in_use_denies(m: re.Match[str]) -> bool:
    return _below(*map(float, used_and_bound(m)))


def _percent_denies(m: re.Match[str]) -> bool:
    return float(m.group("p") or m.group("p2")) < BELOW * 100


def _ready_denies(m: re.Match[str]) -> bool:
    a, b = m.group("a") or m.group("a2"), m.group("b") or m.group("b2")
    return int(a) == int(b) and int(b) > 0


def without_denials(text: str) -> str:
    """`text` without the parts that deny a cause (module docstring): a field reporting a thing absent, a measure well
    below the limit the same record names, a readiness count with none missing."""
    text = _DENIAL.sub("", text)
    text = _sub(_UNDER, text, _sizes_deny)
    text = _sub(_SIZES, text, _sizes_deny)
    text = _sub(_IN_USE, text, _in_use_denies)
    text = _sub(_PERCENT, text, _percent_denies)
    text = _sub(_READY, text, _ready_denies)
    return _SEPARATORS.sub(r"\1", text).rstrip(" ,;")  # "stats: memory 210Mi of 2Gi, cpu 12%" -> "stats:"
