"""One line of a JSONL metrics file as a record: what the line's bytes alone say.

Split out of jsonl.py (which follows the files and places records in time): whether a stamp is
finer than a second (two lines repeating it byte for byte are one record written twice), the whole
record behind a torn write's fragment, and the compact form a record is kept in.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Mapping
from typing import Any

MAX_STRING = 256  # characters kept of a string field (compact_record)
_FRACTION = re.compile(r"\d[T ]\d\d:\d\d:\d\d[.,](\d+)")


def sub_second(value: Any) -> bool:
    """True for a timestamp finer than a second (ISO with a fraction, epoch with decimals): two
    records that repeat such a stamp and every other field byte for byte are one record written twice."""
    if isinstance(value, str):
        m = _FRACTION.search(value)
        return m is not None and m.group(1).strip("0") != ""
    if isinstance(value, float):
        return math.isfinite(value) and not value.is_integer()
    return False


TORN_CANDIDATES = 8  # '{"' positions tried from the right: bounds the work on a hostile line


def after_torn_write(text: bytes) -> tuple[dict[str, Any] | None, int]:
    """The complete record that follows a torn write's fragment on the same line, and where it starts.

    A writer killed (or out of disk) mid-line leaves a fragment without a newline; its next record
    is appended right after it: `{"execution_type": "asy{"execution_type": "async", ...}`. The line
    is not JSON, but its end is the next record, whole: the rightmost '{"' from which the rest of
    the line is exactly one JSON object (an inner object fails on the closing braces after it).
    """
    end = len(text)
    for _ in range(TORN_CANDIDATES):
        i = text.rfind(b'{"', 0, end)
        if i <= 0:
            return None, 0
        try:
            record = json.loads(text[i:])
        except (ValueError, UnicodeDecodeError, RecursionError):
            end = i
            continue
        return (record, i) if isinstance(record, dict) else (None, 0)
    return None, 0


def compact_record(record: Mapping[str, Any], drop: frozenset[str]) -> dict[str, Any]:
    """Keep scalar fields only (nested objects such as a rollback's `metrics` are dropped),
    minus `drop`; long strings are cut and short ones interned (label values repeat)."""
    out: dict[str, Any] = {}
    for k, v in record.items():
        if k in drop:
            continue
        if isinstance(v, str):
            v = sys.intern(v) if len(v) <= 64 else v[:MAX_STRING]
        elif not (v is None or isinstance(v, bool | int | float)):
            continue
        out[sys.intern(k)] = v
    return out
