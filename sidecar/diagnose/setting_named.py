"""A config answer names the setting its deciding record names (issue 17, round 19: held-out 18's right-category
answers that missed the writer's must_mention - "fix the setting" without saying WHICH setting).

By the doctrine (doctrine.py) a `config` answer says "a setting is the cause: change it". The engineer's first question
is which one, and when a record other than the error decides it - a settings reload, a deploy's env line, a change
announcement, a startup echo - that record names it. This step reads the excerpt for that record and, when the answer
names none of the excerpt's settings yet, names it in the summary, the cause and the first fix, and quotes the record
as evidence. It never changes the category, the severity or the confidence.

The deciding record, by its relation to the error (not by a list of known names - the grammar is the env/config
shapes: UPPER_SNAKE env names, a config file's dotted/underscored key inside a settings record):
1. VALUE: a record before the error sets a setting to a value the error names - the whole value, or the host of a
   URL value ("settings reloaded: GLM_BASE_URL=https://apl.z.ai./api/paas/v4" before "Cannot connect to host
   apl.z.ai.:443"). A value too plain to tie anything (a flag, a number, a word under 4 characters) ties nothing:
   a bare number in a log (a port, a count, a duration) matches by accident.
2. ONSET: a record announcing that a setting CHANGED (change_records.py's grammar: `NAME old -> new`, `NAME changed
   from A to B`, `set NAME to X`; and `NAME changed|rotated|updated|reloaded`, `<reloaded|updated>...: NAME=value`)
   before the first failure of the excerpt, with no failure record before it: the failures began after it.
Twins that name nothing: a setting record whose value the error does not name and that announces no change (a
startup echo of an unrelated setting); a change AFTER the first failure (it did not start them); an answer of another
category (by the doctrine it denies that a setting is the cause: naming one reads as "this setting is the cause" -
deciding_facts.py measured the same for its quotes); an answer that already names one of the excerpt's settings.
Pure and bounded: the last CONTEXT lines before the error, each read to LINE characters; the error's text to ERROR_READ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..redaction import redact
from .change_records import TRIVIAL_VALUE, changed_settings
from .model import Diagnosis, DiagnosisInput, one_line

CONTEXT = 40
LINE = 2048
ERROR_READ = 64 * 1024
QUOTE_CHARS = 160

# an environment-style name (two or more UPPER parts joined by '_'): the shape env files and settings classes print
_ENV = r"[A-Z][A-Z0-9]{1,30}(?:_[A-Z0-9]{1,30}){1,6}"
# the gateway's own error codes share the env shape (OVER_CAPACITY, TOOL_CALL_FAILED): a code is no setting
_NOT_SETTING = re.compile(r"_(?:ERROR|FAILED|FAILURE|EXCEEDED|EXCEPTION|DENIED|INVALID|NOT_FOUND|UNAVAILABLE|"
                          r"TIMEOUT|REJECTED|MISMATCH|LIMIT_REACHED)$|^(?:HTTP|SQLSTATE|PGRST|UTF)_?")
_VALUE = r"'[^'\n]{1,300}'|\"[^\"\n]{1,300}\"|[^\s,;()\"']{1,300}"
_ENV_PAIR = re.compile(rf"(?<![\w.])(?P<name>{_ENV})\s*[=:]\s*(?P<value>{_VALUE})")
# a config file's key (providers.glm.base_url, glm_base_url) printed with its value - only inside a record that says
# it prints settings (below): elsewhere `request_id=...` or `conversation.id: ...` is data, not configuration
_KEY_PAIR = re.compile(rf"(?<![\w.\-/])(?P<name>[a-z][a-z0-9]*(?:[._][a-z0-9]+){{1,6}})\s*(?:=|:\s)\s*(?P<value>{_VALUE})")
_SETTINGS_RECORD = re.compile(r"\b(?:settings?|config(?:uration)?|reload(?:ed)?|loaded|env|environment|configured|"
                              r"override[sn]?|overriding|changed|updated|rotated)\b", re.I)
# a change said in words after the setting's name ("FILE_ENCRYPTION_KEY changed (fingerprint a1 -> d1)", "KIMI_API_KEY
# rotated"), or a reload/update record printing NAME=value ("settings reloaded: X=1", "env updated: FLAG=false")
_CHANGED_WORD = re.compile(rf"(?<![\w.])(?P<name>{_ENV})\s+(?:was\s+|has\s+been\s+)?(?:changed|rotated|updated|reloaded|"
                           rf"replaced|modified|switched|overridden|unset|removed)\b")
_CHANGE_RECORD = re.compile(r"\b(?:reload(?:ed)?|updated?|changed?|rotated|overrid(?:den|ing)|switched|applied|"
                            r"rolled (?:out|back)|rollback)\b", re.I)
# a failure record: its level, in the text and JSON shapes
_FAILURE = re.compile(r"\b(?:WARNING|WARN|ERROR|CRITICAL|FATAL)\b|\"level\":\s*\"(?:warn|warning|error|critical)\"|"
                      r"^Traceback \(most recent call last\)", re.I)
_URL_HOST = re.compile(r"^[a-z][\w+.-]*://(?:[^@/\s]*@)?(?P<host>[^/:?#\s]+)", re.I)
_NUMERIC = re.compile(r"^[\d.:+-]+[a-z%]{0,3}$", re.I)  # 120, 1.5, 30s, 512M, 80% - a figure, tied by accident


@dataclass(frozen=True, slots=True)
class DecidingSetting:
    name: str
    line: str  # the record, as logged (evidence quotes it)
    how: str  # "value": it holds a value the error names; "onset": it changed before the first failure


def _values(value: str) -> list[str]:
    """The tokens of a setting's value that may tie it to an error: the value, and a URL's host."""
    v = value.strip("'\"").rstrip("/")
    out = [v]
    m = _URL_HOST.match(v)
    if m is not None:
        out.append(m.group("host"))
    return [t.rstrip(".") for t in out if len(t.rstrip(".")) >= 4 and not TRIVIAL_VALUE.match(t.rstrip("."))
            and not _NUMERIC.match(t)]


# a text record's header up to its message (time, level, logger): its "logger: " is no key-value pair
_HEADER = re.compile(r"^.{0,80}?\b(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)\b:?\s+(?:-\s+)?[\w.\-\[\]]+(?:\s+-\s+|:\s)")


def _pairs(line: str) -> list[tuple[str, str]]:
    line = _HEADER.sub("", line, count=1)
    pairs = [(m.group("name"), m.group("value")) for m in _ENV_PAIR.finditer(line)]
    if _SETTINGS_RECORD.search(line):
        pairs += [(m.group("name"), m.group("value")) for m in _KEY_PAIR.finditer(line)]
    return [(n, v) for n, v in pairs if not _NOT_SETTING.search(n)]


def _names_value(error: str, token: str) -> bool:
    return re.search(rf"(?<![\w\-]){re.escape(token)}(?![\w\-])", error) is not None


def _changed(line: str) -> tuple[str, str] | None:
    """The setting a change record names and its new value ("" when the record prints none), or None."""
    for key, value in changed_settings(line):
        if not _NOT_SETTING.search(key):
            return key, value
    m = _CHANGED_WORD.search(line)
    if m is not None and not _NOT_SETTING.search(m.group("name")):
        return m.group("name"), ""
    if _CHANGE_RECORD.search(line):
        named = _pairs(line)
        if named:
            return named[0]
    return None


# a host the error names: in a URL, before a port, or after "host"/"to"
_ERROR_HOST = re.compile(r"://(?:[^@/\s]*@)?(?P<u>[\w.-]+)|\b(?P<p>[a-z][\w-]*(?:\.[\w-]+)+)\.?:\d{2,5}\b|"
                         r"\b(?:host|to)\s+(?P<h>[a-z][\w-]*(?:\.[\w-]+)+)", re.I)


def _contradicted(value: str, error: str) -> bool:
    """Does the error name another host than the URL a change put in place? Then the change set some other path's
    address (the twin: the webhook's URL changed, the provider's host fails)."""
    m = _URL_HOST.match(value.strip("'\""))
    if m is None:
        return False
    host = m.group("host").rstrip(".")
    hosts = {(h.group("u") or h.group("p") or h.group("h")).rstrip(".") for h in _ERROR_HOST.finditer(error)}
    return bool(hosts) and host not in hosts


def deciding_setting(inp: DiagnosisInput) -> DecidingSetting | None:
    """The setting record that decides `inp`'s error (module docstring), nearest first, or None."""
    before = [c[:LINE] for c in inp.context[-CONTEXT:]]
    error = "\n".join([*(m[:ERROR_READ] for m in inp.messages()), inp.traceback[-ERROR_READ:]])
    for line in reversed(before):
        for name, value in _pairs(line):
            if any(_names_value(error, t) for t in _values(value)):
                return DecidingSetting(name, line.strip(), "value")
    first_failure = next((i for i, c in enumerate(before) if _FAILURE.search(c)), len(before))
    for line in reversed(before[:first_failure]):
        change = _changed(line)
        if change is not None and not _contradicted(change[1], error):
            return DecidingSetting(change[0], line.strip(), "onset")
    return None


def _names_a_setting(text: str, inp: DiagnosisInput) -> bool:
    """Does the answer already name one of the settings the excerpt's records name?"""
    names = {n for c in inp.context[-CONTEXT:] for n, _ in _pairs(c[:LINE])}
    names |= {n[0] for c in inp.context[-CONTEXT:] if (n := _changed(c[:LINE])) is not None}
    return any(re.search(rf"(?<![\w.]){re.escape(n)}(?![\w])", text) for n in names)


def setting_named(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d` naming the setting its deciding record names (module docstring); `d` itself for another category, when no
    record decides, or when the answer names one of the excerpt's settings already."""
    if d.category != "config":
        return d
    # the summary and the fix are what the engineer reads first: a setting quoted only in the cause's "log around
    # it" (deciding_facts.py) is not named there yet
    found = deciding_setting(inp)
    if found is None or _names_a_setting(" ".join([d.summary, *d.suggested_fix]), inp):
        return d
    quote = redact(one_line(found.line, QUOTE_CHARS))
    if found.how == "value":
        cause = f" The setting that holds the value the error names: {found.name} (\"{quote}\")."
        fix = f"Correct {found.name}: the failing call runs with the value that record set."
    else:
        cause = f" The failures began after {found.name} changed (\"{quote}\")."
        fix = f"Check the change of {found.name} and set it back or complete it (the failures began after it)."
    return d.model_copy(update={
        "summary": f"{d.summary} - setting {found.name}",
        "root_cause": d.root_cause + ("" if found.name in d.root_cause else cause),
        "suggested_fix": [fix, *d.suggested_fix],
        "evidence": [*d.evidence, found.line],
    })
