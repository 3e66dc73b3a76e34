"""A record announcing that a setting CHANGED, and the value the change put in place (split from origin.py).

origin.value_origin reads a change record before the error as the origin of the failing value when the error names
the NEW value: the process runs with what the change set. The grammar is the one config reloaders, deploy tools and
operators print (below); a setting's name (UPPER_SNAKE: SETTING) and a value too trivial to tie anything
(TRIVIAL_VALUE) are shared with origin.py, which imports them from here.
"""

from __future__ import annotations

import re

SETTING = re.compile(r"\b(?:[A-Z][A-Z0-9]{1,30}_){1,6}[A-Z0-9]{2,30}\b")
_NAME = rf"(?-i:{SETTING.pattern})"  # case-sensitive inside the case-insensitive patterns below
TRIVIAL_VALUE = re.compile(r"^(?:true|false|none|null|yes|no|on|off|\d{1,2}|https?://[^/]+/?)$", re.I)


# A record announcing that a setting CHANGED, in the shapes config reloaders, deploy tools and operators print: "KEY old
# -> new" (also → and =>; see _ARROW_KEY for what may follow the key), "KEY changed/switched/updated from old to new",
# "set KEY to new", "KEY set to new". The key is a setting's name (UPPER_SNAKE) or a config file's key path
# (providers.kimi.model, kimi_model: a '.' or '_' in it); a plain word before an arrow ("routing kimi -> glm", a
# failover announced at run time) names no setting, and an arrow right after a name is a mapping, not a change (a
# handler 'ws_daemon' -> its file: no OLD value). The NEW value is the one the running process uses.
_LOWER_KEY = r"[a-z][a-z0-9]*(?:[._][a-z0-9]+){1,6}"
_KEY = rf"(?P<key>{_NAME}|{_LOWER_KEY})"
# the arrow form: an UPPER_SNAKE setting then a space, ':' or '='; a lower-case key path only with its ':' or '='
# (`providers.kimi.model: a -> b`) - bare, a dotted lower name before a value is a logger or a path
# (`INFO src.providers.router kimi -> glm-4.6`: a failover at run time, review r14)
_ARROW_KEY = rf"(?P<key>{_NAME}(?=\s*[:=]|\s)|{_LOWER_KEY}(?=\s*[:=]))"
_VAL = r"'[^'\n]{1,200}'|\"[^\"\n]{1,200}\"|[^\s,;()]{1,200}"
_CHANGES = (
    re.compile(rf"(?<![\w./\-]){_ARROW_KEY}(?:\s*[:=]\s*|\s+)(?!->|→|=>)(?:{_VAL})\s*(?:->|→|=>)\s*(?P<value>{_VAL})"),
    re.compile(rf"(?<![\w./\-]){_KEY}\s+(?:was\s+)?(?:changed|switched|updated|moved)\s+from\s+(?:{_VAL})\s+to\s+"
               rf"(?P<value>{_VAL})", re.I),
    re.compile(rf"\bset\s+{_KEY}\s+to\s+(?P<value>{_VAL})", re.I),
    re.compile(rf"(?<![\w./\-]){_KEY}\s+(?:was\s+)?(?:set|changed)\s+to\s+(?P<value>{_VAL})", re.I),
)


def changed_to(line: str, error: str) -> str | None:
    """The setting a change record (`_CHANGES`) set to a value the error names, or None: the error runs into the
    value the change put in place (Moonshot's "image input is not supported by model moonshot-v1-32k" after
    "KIMI_VISION_MODEL kimi-latest -> moonshot-v1-32k"). A value no longer than 2 characters or a trivial one (a flag,
    a bare host) ties nothing; a change whose new value the error does not name is no link (the twin: the change of
    another setting before the same refusal)."""
    for rx in _CHANGES:
        for m in rx.finditer(line):
            value = m.group("value").strip("'\"").rstrip(".")
            if len(value) < 3 or TRIVIAL_VALUE.match(value) or _LIFECYCLE.search(m.group("key")):
                continue
            if re.search(rf"(?<![\w]){re.escape(value)}(?![\w])", error):  # a whole token: 'fast' is not in 'breakfast'
                return m.group("key")
    return None


def changed_settings(line: str) -> list[tuple[str, str]]:
    """Every (setting, new value) a change record (`_CHANGES`) announces, in order; an object's lifecycle field
    (`_LIFECYCLE`) is data moving, not a setting."""
    return [(m.group("key"), m.group("value").strip("'\"")) for rx in _CHANGES for m in rx.finditer(line)
            if not _LIFECYCLE.search(m.group("key"))]


# An object's lifecycle field (`order.status`, `job.state`, `invoice.phase`): its transitions are the application's
# data moving (pending -> shipped), not a setting the operator changed (review r14: a refusal naming the new state
# read as config).
_LIFECYCLE = re.compile(r"[._](?:status|state|phase|stage|step)$", re.I)


def without_changes(line: str) -> str:
    """`line` without its change announcements (`_CHANGES`): the other settings it prints still load values."""
    for rx in _CHANGES:
        line = rx.sub(" ", line)
    return line
