"""Structured records in the two CONSOLE layouts of Go loggers: logrus on a terminal and zap's development
encoder. Read into the same (key, value) pairs as a logfmt or JSON record (`records.py` gives them their
statement identity: the message plus its key set).

* logrus `TextFormatter` on a TTY or with `ForceColors` (GROUPING_CLASSES3 H31, H38; logrus
  `text_formatter.go` `printColored`): `LEVL[NNNN] MSG<pad> k=v k2=v2` - the level cut to 4 capitals
  (`ERRO`, `WARN`, `INFO`, `DEBU`, `TRAC`, `FATA`, `PANI`), `[%04d]` the SECONDS since start (varies on
  every line), MSG padded `%-44s` (so the blanks before the pairs vary with its length), then the data
  fields sorted by key; with colours, the level and every key are wrapped in `ESC[NNm ... ESC[0m`.
* zap `NewDevelopmentConfig` console encoder (H30; zapcore `consoleEncoder.EncodeEntry`):
  `TIME<TAB>LEVEL<TAB>[logger.name<TAB>]pkg/file.go:NN<TAB>MSG[<TAB>{"k": "v", ...}]` - the logger
  column only for a named logger, the JSON context only when there are fields.
Both are read only when the whole line has the layout (the level word and counter of logrus, the TAB
columns with a level and a `file:line` caller of zap); anything else is not a record.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .logfmt import PAIR, unquote

__all__ = ["console_pairs"]

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_LOGRUS_TTY = re.compile(r"(PANI|FATA|ERRO|WARN|INFO|DEBU|TRAC)\[\d{4,}\] ")
_PAIR = re.compile(PAIR)
_ZAP_LEVELS = frozenset({"DEBUG", "INFO", "WARN", "ERROR", "DPANIC", "PANIC", "FATAL"})
_CALLER = re.compile(r"\S+\.\w+:\d+")


def console_pairs(text: str) -> list[tuple[str, Any]] | None:
    """The record's pairs (`level`, `logger`, `caller`, `msg`, then its fields), or None."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)
    m = _LOGRUS_TTY.match(text)
    if m is not None:
        return _logrus(m.group(1), text[m.end():])
    if "\t" in text:
        return _zap(text.split("\t"))
    return None


def _logrus(level: str, rest: str) -> list[tuple[str, Any]]:
    """`MSG<pad> k=v ...`: the fields are the run of pairs that ends the line (a message that itself
    ends in `a=b` words loses them to the fields: the layout cannot tell)."""
    matches = [p for p in _PAIR.finditer(rest) if p.start() == 0 or rest[p.start() - 1] == " "]
    end = len(rest.rstrip())
    start = end
    for p in reversed(matches):
        if p.end() != start and rest[p.end():start].strip():
            break
        start = p.start()
    if start == end:
        start = len(rest)
    fields = [(k, unquote(v)) for k, v in _PAIR.findall(rest[start:])]
    return [("level", level), ("msg", rest[:start].strip()), *fields]


def _zap(cols: list[str]) -> list[tuple[str, Any]] | None:
    if len(cols) < 4 or not cols[0][:4].isdigit() or cols[1] not in _ZAP_LEVELS:
        return None
    pairs: list[tuple[str, Any]] = [("level", cols[1])]
    i = 2
    if not _CALLER.fullmatch(cols[i]):
        pairs.append(("logger", cols[i]))
        i += 1
    if i >= len(cols) or not _CALLER.fullmatch(cols[i]):
        return None
    pairs.append(("caller", cols[i]))
    rest = cols[i + 1:]
    if not rest:
        return None
    fields: dict[str, Any] = {}
    if len(rest) > 1 and rest[-1].startswith("{"):
        try:
            loaded = json.loads(rest[-1])
        except ValueError:
            loaded = None
        if isinstance(loaded, dict):
            fields = loaded
            rest = rest[:-1]
    return [*pairs, ("msg", "\t".join(rest)), *fields.items()]
