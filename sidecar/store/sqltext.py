"""Finding the `?` placeholders of a portable SQL statement (quotes and comments respected).

A `?` inside a string literal, a quoted identifier or a comment is text, not a placeholder; an
apostrophe inside a `-- comment` must not open a string. Both server adapters use this scan:
PostgreSQL turns each placeholder into `%s` (and doubles `%`, which psycopg reads everywhere),
Supabase into a typed reference into its JSON parameter array.
"""

from __future__ import annotations

from collections.abc import Callable


def replace_placeholders(sql: str, placeholder: Callable[[int], str], *, double_percent: bool = False) -> str:
    """Return `sql` with the n-th placeholder replaced by `placeholder(n)` (n from 0)."""
    out: list[str] = []
    i, n, count = 0, len(sql), 0
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
            out.append(placeholder(count))
            count += 1
            i += 1
            continue
        else:
            chunk = ch
        out.append(chunk.replace("%", "%%") if double_percent else chunk)
        i += len(chunk)
    return "".join(out)

