"""A secret in a table: the name in a header cell, the value in the same column of a later row (CLASSES10.md A6, B3).

psql's aligned output (`name | token`, a `-----+-----` rule, rows, `(N rows)`), CSV with a header line (RFC 4180),
rich's Table (`┃ name ┃ token ┃` header, `│ ... │` rows between box rules), the cloud CLIs' `--output table`: the
row with the value holds no name. A column whose header cell is a secret name has its cells judged as values after
that name: one token that reads as generated or as a password (a name, a count, a date stays: `KEY` above `kimi`).
The table ends at a blank line or a line without the separator. A Docker json-file record per line (moby writes
one per line of output) is read by its `log` field, so a header one record above the row still counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .providers import generated
from .secret_names import is_secret_name, random_value
from .textstats import password_like

_SEPARATORS = re.compile(r"[|│┃]")
_RULE = re.compile(r"^[\s\-+=─━┼╇╋┡┩┏┓┗┛└┘┌┐┬┴┳┻╞╡├┤╪|│┃:]*$")
_HEADER_CELL = re.compile(r"|[A-Za-z_][A-Za-z0-9_ .\-]{0,40}")  # empty: a border's outer cell
_CELL_VALUE = re.compile(r"[^\s|│┃,]{8,512}")
_DOCKER_LOG = re.compile(r'^\{"log":[ \t]*"(?P<content>(?:[^"\\]|\\.)*?)(?:\\r)?(?:\\n)?"')


def _value(cell: str) -> bool:
    return _CELL_VALUE.fullmatch(cell) is not None and (generated(cell) or random_value(cell) or password_like(cell))


def _split(line: str, csv: bool) -> list[tuple[int, int]]:
    """(start, end) of each cell's text without its padding."""
    spans, at = [], 0
    pieces = line.split(",") if csv else _SEPARATORS.split(line)
    for piece in pieces:
        lead = len(piece) - len(piece.lstrip())
        spans.append((at + lead, at + len(piece.rstrip())))
        at += len(piece) + 1
    return spans


def table_sub(mark: str) -> Callable[[str], str]:
    def sub(text: str) -> str:
        if "\n" not in text:
            return text
        raw = text.split("\n")
        logs = [_DOCKER_LOG.match(line) for line in raw]
        lines = [m.group("content") if m else line for m, line in zip(logs, raw, strict=True)]
        out = list(lines)
        changed = False
        i = 0
        while i < len(lines):
            header = lines[i]
            csv = _SEPARATORS.search(header) is None and header.count(",") >= 1
            if not csv and _SEPARATORS.search(header) is None:
                i += 1
                continue
            cells = _split(header, csv)
            if csv and ": " in header and not all(_HEADER_CELL.fullmatch(header[a:b]) for a, b in cells):
                header = header[header.rfind(": ") + 2:]  # the header after a logging prefix (`%(name)s: name,url,...`)
                cells = _split(header, csv)
            if len(cells) < 2 or not all(_HEADER_CELL.fullmatch(header[a:b]) for a, b in cells):
                i += 1
                continue  # a header row holds column names only (a code line with commas is no CSV header)
            secret_cols = [k for k, (a, b) in enumerate(cells) if b > a and is_secret_name(header[a:b])]
            if not secret_cols:
                i += 1
                continue
            j = i + 1
            while j < len(lines) and lines[j].strip() and (csv and "," in lines[j] or not csv and (
                    _SEPARATORS.search(lines[j]) or _RULE.match(lines[j]))):
                row = lines[j]
                if not _RULE.match(row):
                    spans = _split(row, csv)
                    if len(spans) == len(cells):
                        for k in reversed(secret_cols):
                            a, b = spans[k]
                            if _value(row[a:b]):
                                row = row[:a] + mark + row[b:]
                                changed = True
                        out[j] = row
                j += 1
            i = j
        if not changed:
            return text
        return "\n".join(o if m is None else r[:m.start("content")] + o + r[m.end("content"):]
                         for r, m, o in zip(raw, logs, out, strict=True))
    return sub
