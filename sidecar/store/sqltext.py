"""Finding the `?` placeholders of a portable SQL statement (quotes and comments respected).

A `?` inside a string literal, a quoted identifier or a comment is text, not a placeholder; an
apostrophe inside a `-- comment` must not open a string. Both server adapters use this scan:
PostgreSQL turns each placeholder into `%s` (and doubles `%`, which psycopg reads everywhere),
Supabase into a typed reference into its JSON parameter array.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache


@lru_cache(maxsize=1024)
def split_placeholders(sql: str) -> tuple[str, ...]:
    """The text around the placeholders of `sql`: n placeholders give n + 1 pieces.

    Cached: the adapters' statements are a small set of constant strings, and the Supabase
    backend binds `executemany` row by row, so each statement text is scanned once, not per row.
    """
    pieces: list[str] = []
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"'):
            end = sql.find(ch, i + 1)
            while end != -1 and end + 1 < n and sql[end + 1] == ch:  # doubled quote inside
                end = sql.find(ch, end + 2)
            end = n - 1 if end == -1 else end
            chunk = sql[i:end + 1]
        elif ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n - 1 if end == -1 else end
            chunk = sql[i:end + 1]
        elif ch == "/" and sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n - 1 if end == -1 else end + 1
            chunk = sql[i:end + 1]
        elif ch == "?":
            pieces.append("".join(out))
            out = []
            i += 1
            continue
        else:
            chunk = ch
        out.append(chunk)
        i += len(chunk)
    pieces.append("".join(out))
    return tuple(pieces)


def replace_placeholders(sql: str, placeholder: Callable[[int], str], *, double_percent: bool = False) -> str:
    """Return `sql` with the n-th placeholder replaced by `placeholder(n)` (n from 0)."""
    pieces = split_placeholders(sql)
    if double_percent:
        pieces = tuple(piece.replace("%", "%%") for piece in pieces)
    out = [pieces[0]]
    for index, piece in enumerate(pieces[1:]):
        out.append(placeholder(index))
        out.append(piece)
    return "".join(out)
