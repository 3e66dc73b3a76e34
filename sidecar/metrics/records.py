"""Per-request records as the metrics windows hold them: flat tuples of atoms the GC does not track.

A window holds up to `max_records` (200,000 by default) per stream for 30 minutes. Held as
`(t, {field: value})` every record was a tuple containing a dict, and CPython keeps such a tuple
tracked by the cyclic GC for its whole life (a tuple is untracked only when none of its items
may be tracked, and a dict always may be: Objects/tupleobject.c `_PyTuple_MaybeUntrack`,
Include/internal/pycore_gc.h `_PyObject_GC_MAY_BE_TRACKED`). Every full collection then walked
all of them: ~125 ms per pass at 200,000 records, on the event loop, whenever it happened to run
(bench/rollout_hub_eval.py: /healthz p99 307 ms during rollout evaluations).

So a record is packed as `(t, layout, v0, v1, ...)`: `t` a float, `layout` a str naming the
field names in order (JSON of the name list; interned and shared by every record with the same
fields), the values scalars (str, int, float, bool, None; `compact_record` keeps nothing else).
A tuple of atoms is untracked by the first young collection that sees it, and then costs the
collector nothing. Field lookup goes through a per-layout index (bounded cache, rebuilt from the
layout string on a miss, so adversarial field sets cannot grow memory without bound).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

Record = tuple[Any, ...]  # (t, layout, *values)

MAX_LAYOUTS = 1024  # distinct field-name sets cached; past it the caches restart (still correct)

_LAYOUT_OF: dict[tuple[str, ...], str] = {}  # field names in order -> their layout string
_INDEX: dict[str, dict[str, int]] = {}  # layout string -> field name -> position in the record


def _index(layout: str) -> dict[str, int]:
    idx = _INDEX.get(layout)
    if idx is None:
        if len(_INDEX) >= MAX_LAYOUTS:
            _INDEX.clear()
        idx = _INDEX[layout] = {name: i + 2 for i, name in enumerate(json.loads(layout))}
    return idx


def pack(t: float, fields: Mapping[str, Any]) -> Record:
    """The record of `fields` at time `t`. Values must be scalars (str, int, float, bool, None):
    anything else would make the tuple tracked again (ValueError)."""
    names = tuple(fields)
    layout = _LAYOUT_OF.get(names)
    if layout is None:
        if len(_LAYOUT_OF) >= MAX_LAYOUTS:
            _LAYOUT_OF.clear()
        layout = _LAYOUT_OF[names] = sys.intern(json.dumps(names))
    values = tuple(fields.values())
    for v in values:
        if not (v is None or isinstance(v, str | bool | int | float)):
            raise ValueError(f"record values must be scalars, not {type(v).__name__}")
    return (float(t), layout, *values)


def get(rec: Record, name: str, default: Any = None) -> Any:
    """The value of field `name` in `rec` (`default` when the record has no such field)."""
    i = _index(rec[1]).get(name)
    return default if i is None else rec[i]


def getter(name: str) -> Callable[[Record], Any]:
    """`get(rec, name)` as a function that finds the field's position once per layout (for loops
    over many records: they nearly all share one layout)."""
    positions: dict[str, int | None] = {}

    def read(rec: Record) -> Any:
        i = positions.get(rec[1], -1)
        if i == -1:
            if len(positions) >= MAX_LAYOUTS:
                positions.clear()
            i = positions[rec[1]] = _index(rec[1]).get(name)
        return None if i is None else rec[i]

    return read


def matcher(where: Mapping[str, str]) -> Callable[[Record], bool]:
    """`matches(rec, where)` as a function (same rules), positions found once per layout."""
    reads = [(getter(k), expected) for k, expected in where.items()]

    def match(rec: Record) -> bool:
        for read, expected in reads:
            if not value_matches(read(rec), expected):
                return False
        return True

    return match


def fields(rec: Record) -> dict[str, Any]:
    """The record's fields as a dict (for display and tests; measuring never builds one)."""
    return {name: rec[i] for name, i in _index(rec[1]).items()}


def items(records: Iterator[Record] | list[Record]) -> Iterator[tuple[float, dict[str, Any]]]:
    """(t, fields) of each record."""
    for rec in records:
        yield rec[0], fields(rec)


def norm_value(v: Any) -> str:
    """How a record value compares with a `where` string: booleans as true/false, None as ""."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    return str(v)


def value_matches(v: Any, expected: str) -> bool:
    """One field's comparison of `matches` (booleans true/false case-insensitively, None as "")."""
    if isinstance(v, str):  # the common case: no normalising (this runs per record per filter)
        return v == expected
    have = norm_value(v)
    return have == expected or (isinstance(v, bool) and have == expected.lower())


def matches(rec: Record, where: Mapping[str, str]) -> bool:
    """True when every `where` field of `rec` reads as the expected string (a missing field reads
    as ""; booleans as true/false, case-insensitively)."""
    idx = _index(rec[1])
    for k, expected in where.items():
        i = idx.get(k)
        if not value_matches(None if i is None else rec[i], expected):
            return False
    return True


def truthy(v: Any) -> bool | None:
    """A success flag as the gateway may write it; None when absent or not a flag."""
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return v != 0
    if isinstance(v, str):
        s = v.strip().lower()
        if s in ("true", "1", "yes", "ok", "success"):
            return True
        if s in ("false", "0", "no", "error", "failure", "failed"):
            return False
    return None
