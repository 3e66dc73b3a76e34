"""Keyset cursors for the groups list: a page names the row it starts after (or ends before).

Why: OFFSET reads and discards every row before the page (a deep page at 100,000 groups walks tens
of thousands of index entries), and a group inserted above the reader shifts every later page by
one (a row seen twice, or one never seen). A cursor holds the sort-key values of the page's edge
row; the next page is "rows after these values in sort order", found by seeking the sort index.

The sorts mix directions (count DESC, then fingerprint ASC), so a row-value comparison
`(a, b) < (?, ?)` cannot express them; the predicate is written out:
`k0 <= v0 AND (k0 < v0 OR (k0 = v0 AND (k1 > v1 ...)))`; its first term bounds the leading keys
(a row value when several are sorted the same way) so both SQLite and PostgreSQL seek the index
instead of filtering every row.

A cursor is opaque to clients (the direction, the sort, the values; see `encode`); it is only
ever bound as statement parameters, and one that does not decode to the sort's key types is a
`BadCursor` (the API answers 400).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, unquote

from ..exceptions import SidecarError

MAX_CURSOR = 1000  # characters; a real one is ~100
TIMESTAMP_KEYS = frozenset({"last_occurrence_at", "created_at"})
TEXT_KEYS = frozenset({"error_hash"})
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_INT = re.compile(r"-?[0-9]{1,20}")


class BadCursor(SidecarError, ValueError):
    """The cursor is not one this server made for this sort."""


@dataclass(frozen=True, slots=True)
class Position:
    values: tuple[Any, ...]
    backward: bool  # True: the page ends before `values` (the "newer" page)


def encode(sort: str, values: Sequence[Any], *, backward: bool) -> str:
    """`a,<sort>,<value>,...` (`b` when backward): timestamps as `t<microseconds since epoch>`,
    integers as `i<n>`, text as `s<percent-encoded>`. Readable on purpose: the API's answers pass
    through the secret redactor, which would take a base64 blob for a token."""
    parts = ["b" if backward else "a", sort]
    for v in values:
        if isinstance(v, datetime):
            parts.append(f"t{(v - EPOCH) // timedelta(microseconds=1)}")
        elif isinstance(v, int) and not isinstance(v, bool):
            parts.append(f"i{v}")
        else:
            parts.append("s" + quote(str(v), safe=""))
    return ",".join(parts)


def decode(token: str, sort: str, keys: Sequence[tuple[str, bool]]) -> Position:
    """The position `token` names, checked against the sort's keys (count, types)."""
    if not token or len(token) > MAX_CURSOR:
        raise BadCursor("cursor is empty or too long")
    parts = token.split(",")
    if len(parts) < 3 or parts[0] not in ("a", "b"):
        raise BadCursor("cursor is not one of ours")
    if parts[1] != sort:
        raise BadCursor(f"cursor was made for sort={parts[1][:20]}, not sort={sort}")
    raw = parts[2:]
    if len(raw) != len(keys):
        raise BadCursor("cursor does not match the sort's keys")
    values = tuple(_value(expr, v) for (expr, _), v in zip(keys, raw, strict=True))
    return Position(values, backward=parts[0] == "b")


def _int(text: str) -> int:
    if not _INT.fullmatch(text):
        raise BadCursor("cursor number is malformed")
    n = int(text)
    if not -(2**63) <= n < 2**63:
        raise BadCursor("cursor number is out of range")
    return n


def _value(expr: str, v: str) -> Any:
    kind, body = v[:1], v[1:]
    if expr in TIMESTAMP_KEYS:
        if kind != "t":
            raise BadCursor("cursor timestamp is malformed")
        try:
            return EPOCH + timedelta(microseconds=_int(body))
        except OverflowError:
            raise BadCursor("cursor timestamp is out of range") from None
    if expr in TEXT_KEYS:
        try:
            text = unquote(body, errors="strict") if kind == "s" else ""
        except UnicodeDecodeError:
            raise BadCursor("cursor fingerprint is not UTF-8") from None
        if kind != "s" or not 0 < len(text) <= 200 or "\x00" in text:
            raise BadCursor("cursor fingerprint is malformed")
        return text
    if kind != "i":  # counts and the severity rank
        raise BadCursor("cursor number is malformed")
    return _int(body)


def predicate(keys: Sequence[tuple[str, bool]], values: Sequence[Any], backward: bool, params: list[Any]) -> str:
    """SQL for "rows after `values` in the sort order" (before them when `backward`); appends its
    parameters to `params` in placeholder order."""

    def op(desc: bool, strict: bool) -> str:
        smaller = desc != backward  # DESC walks to smaller values; backward walks the other way
        return ("<" if smaller else ">") + ("" if strict else "=")

    def nested(i: int) -> str:
        expr, desc = keys[i]
        params.append(values[i])
        if i == len(keys) - 1:
            return f"{expr} {op(desc, True)} ?"
        params.append(values[i])
        return f"({expr} {op(desc, True)} ? OR ({expr} = ? AND {nested(i + 1)}))"

    # The seek bound: the longest leading run of keys sorted the same way, as one row value
    # (severity: rank and last seen; PostgreSQL and SQLite both seek an index on a row-value range,
    # so a page deep inside a block of equal ranks does not walk the block from its start).
    run = 1
    while run < len(keys) and keys[run][1] == keys[0][1]:
        run += 1
    params.append(values[0])
    bound = f"{keys[0][0]} {op(keys[0][1], False)} ?"  # SQLite seeks an expression index on this
    if run > 1:  # PostgreSQL seeks on this one (SQLite does not on an expression's row value)
        params.extend(values[:run])
        bound += (f" AND ({', '.join(e for e, _ in keys[:run])}) {op(keys[0][1], False)} "
                  f"({', '.join('?' for _ in range(run))})")
    return f"({bound} AND {nested(0)})"
