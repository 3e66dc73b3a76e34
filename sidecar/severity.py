"""One severity for an error group: the diagnosis' severity when there is one, else the level's class.

Two vocabularies meet here. A diagnosis says low | medium | high | critical (sidecar.diagnose.model);
a log record only has its level, whose class is critical (CRITICAL, FATAL, CRIT, ALERT, EMERG[ENCY]),
error (ERROR, ERR, EXCEPTION, SEVERE), warning (WARNING, WARN) or info (anything else: INFO, NOTICE,
DEBUG, TRACE, unknown words). The spellings are those sidecar.errors.fingerprint.level_class groups by
(Python logging, log4j/logback, java.util.logging, syslog); a test keeps the two tables in step.
A group with no level at all is an error: groups are only made for detected errors (a traceback
without a level header, a row another writer left without one), and the recorder stores a missing
level as ERROR too. The list sort, the severity column and the alert `severity` label all use
`effective()`, so a "page on critical" route, the dashboard and the API agree.

Ranks put both vocabularies on one ladder (most severe first when sorted descending). ERROR sits
with medium and WARNING with low: the rules engine itself maps ERROR to medium and uses low for
expected noise, so an undiagnosed ERROR neither outranks a diagnosed `high` nor hides under `low`.
"""

from __future__ import annotations

from collections.abc import Mapping

DIAGNOSIS_SEVERITIES = ("low", "medium", "high", "critical")
LEVEL_CLASSES: Mapping[str, str] = {
    "CRITICAL": "critical", "FATAL": "critical", "CRIT": "critical", "ALERT": "critical", "EMERG": "critical",
    "EMERGENCY": "critical",
    "ERROR": "error", "ERR": "error", "EXCEPTION": "error", "SEVERE": "error",
    "WARNING": "warning", "WARN": "warning",
}
# What a group with no level (NULL or '') counts as: see the module docstring.
MISSING_LEVEL_CLASS = "error"
RANKS: Mapping[str, int] = {
    "critical": 4, "high": 3, "medium": 2, "error": 2, "low": 1, "warning": 1, "info": 0,
}


def _ascii_fold(text: str | None, upper: bool) -> str:
    """Case-fold like SQL's UPPER()/LOWER() in SQLite: ASCII only ('ı'.upper() is 'I' in Python)."""
    if not text or not text.isascii():
        return text or ""
    return text.upper() if upper else text.lower()


def level_class(level: str | None) -> str:
    """critical | error | warning | info for a log level name (ASCII case-insensitive; unknown -> info;
    no level at all -> error)."""
    if not level:
        return MISSING_LEVEL_CLASS
    return LEVEL_CLASSES.get(_ascii_fold(level, True), "info")


def effective(diagnosis_severity: str | None, level: str | None) -> str:
    """The diagnosis' severity when it is one of the known four, else the level's class."""
    sev = _ascii_fold(diagnosis_severity, False)
    return sev if sev in DIAGNOSIS_SEVERITIES else level_class(level)


def rank(severity: str | None) -> int:
    """Position on the shared ladder (4 = critical ... 0 = info/unknown)."""
    return RANKS.get((severity or "").lower(), 0)


def _sql_rank() -> str:
    """`rank(effective(severity, level))` as one SQL expression over error_investigations' columns.

    Written out from the tables above so the SQL cannot drift from `effective()`; the migration
    that indexes it (0018, which replaced 0013's) holds the same text, and a test compares the two.
    """
    parts = [f"WHEN LOWER(severity) = '{s}' THEN {RANKS[s]}" for s in reversed(DIAGNOSIS_SEVERITIES)]
    parts.append(f"WHEN level IS NULL OR level = '' THEN {RANKS[MISSING_LEVEL_CLASS]}")
    parts += [f"WHEN UPPER(level) = '{lvl}' THEN {RANKS[cls]}" for lvl, cls in LEVEL_CLASSES.items()]
    return "(CASE " + " ".join(parts) + " ELSE 0 END)"


SQL_RANK = _sql_rank()
