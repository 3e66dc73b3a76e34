"""The NAME=value settings the records before a failure print, each with its own clause.

Startup and config records print settings in a few shapes: `NAME=value`, `NAME: value`, and a key with its setting
after it (`base_url=http://... (KIMI_BASE_URL)`). A word saying a setting changed counts only in that setting's own
clause of the line (see `clause`). Pure and bounded: the last 40 context lines, each read to 2 KB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import DiagnosisInput

LINE = 2048
CONTEXT = 40

# an env-style name with an underscore (one word in capitals is a level or a label: 'ERROR: ...'), or one of libpq's
# documented environment variables, which have none (PGOPTIONS, PGHOST, PGSSLMODE: libpq-envars)
_NAME = r"(?:[A-Z][A-Z0-9]{1,30}(?:_[A-Z0-9]{1,30}){1,6}|PG[A-Z]{2,20}(?![\w]))"
_VALUE = r"'[^'\n]{0,300}'|\"[^\"\n]{0,300}\"|[^\s,;()]{1,300}"
# NAME=value, NAME: value, and a key printed with its setting after it ("base_url=http://... (KIMI_BASE_URL)")
_SET = re.compile(rf"(?<![\w.])(?P<name>{_NAME})\s*[=:]\s*(?P<value>{_VALUE})")
SETTING_PAIR = _SET  # public: deciding_facts.py reads a printed setting with the same grammar
SETTING_NAME = re.compile(rf"(?<![\w.\[]){_NAME}(?![\w\]])")  # a setting named anywhere ('SENTRY_DSN not set'; a [TAG] is none)
_KEYED = re.compile(rf"(?<![\w.])(?P<key>[a-z][\w.]{{1,40}})\s*=\s*(?P<value>{_VALUE})\s*\((?:env\s+|from\s+)?(?P<name>{_NAME})\b")


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    value: str
    line: str
    clause: str = ""  # the setting's own clause of the line: where a word that it changed must be (see clause)


def settings_before(inp: DiagnosisInput) -> list[Setting]:
    """Every NAME=value (or key=value (NAME)) the records before print, nearest first."""
    out: list[Setting] = []
    for raw in reversed(inp.context[-CONTEXT:]):
        line = raw[:LINE]
        for m in _KEYED.finditer(line):
            out.append(Setting(m.group("name"), m.group("value"), line.strip(), clause(line, m.start(), m.end())))
        for m in _SET.finditer(line):
            out.append(Setting(m.group("name"), m.group("value"), line.strip(), clause(line, m.start(), m.end())))
    return out


_BEFORE_CUT = re.compile(r"[,;|:(]\s|\)\s*$")
_AFTER_CUT = re.compile(r"[,;|]\s|\s[A-Z][A-Z0-9]{1,30}(?:_[A-Z0-9]{1,30})+\s*[=:]")


def clause(line: str, start: int, end: int) -> str:
    """The setting's own clause: from the last separator before its name to the next one (or the next setting)
    after its value. "settings (env overrides .env): KIMI_BASE_URL=..." or "provider switched from glm to kimi,
    KIMI_BASE_URL=..." say nothing about this setting having changed (review r8); "KIMI_BASE_URL=X (changed from
    Y)" and "overriding KIMI_BASE_URL=X" do."""
    before = line[max(0, start - 60):start]
    cuts = [m.end() for m in _BEFORE_CUT.finditer(before)]
    head = before[cuts[-1]:] if cuts else before
    after = line[end:end + 80]
    cut = _AFTER_CUT.search(after)
    return head + line[start:end] + (after[:cut.start()] if cut is not None else after)
