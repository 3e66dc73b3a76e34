"""Log levels: the words and numbers loggers print, normalised to Python's five names.

`ERROR` and `CRITICAL` (after normalising: `FATAL`, `SEVERE`, 40, 50, ...) are what makes a record an
error event; every format (text headers, JSON fields, Docker records) asks here.
"""

from __future__ import annotations

ERROR_LEVELS = frozenset({"ERROR", "CRITICAL"})

_LEVEL_ALIASES = {
    "WARN": "WARNING",
    "FATAL": "CRITICAL",
    "CRIT": "CRITICAL",
    "ALERT": "CRITICAL",
    "EMERG": "CRITICAL",
    "EMERGENCY": "CRITICAL",
    "ERR": "ERROR",
    "SEVERE": "ERROR",
    "EXCEPTION": "ERROR",
    "NOTICE": "INFO",
    "INFORMATION": "INFO",
    "TRACE": "DEBUG",
}


def normalize_level(raw: object) -> str:
    """'error' -> 'ERROR', 'FATAL' -> 'CRITICAL', 40 -> 'ERROR' (Python levelno), 'warn' -> 'WARNING'."""
    if isinstance(raw, bool):
        return "INFO"
    if isinstance(raw, int | float):
        n = int(raw)
        if n >= 50:
            return "CRITICAL"
        if n >= 40:
            return "ERROR"
        if n >= 30:
            return "WARNING"
        if n >= 20:
            return "INFO"
        return "DEBUG"
    s = str(raw).strip().upper()
    return _LEVEL_ALIASES.get(s, s)


def is_error_level(level: str | None) -> bool:
    return level in ERROR_LEVELS
