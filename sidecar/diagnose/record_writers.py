"""Who wrote a record: the instance tag of its header, and the Redis server's own log line (deciding_facts.py).

A concurrency failure turns on "another replica/process did X", and a quoted record's message alone drops who acted:
the writer is the bracketed host, pod, replica, process or thread name a logging format prints before the message
(`%(hostname)s`, `%(process)d`, `%(threadName)s` in brackets: `[gw-2]`, `[pid 4410]`, `[worker-3]`).
The Redis server writes its own log in one format (server.c serverLogRaw: "%d:%c %s %c %s" - pid, role X/C/S/M,
"%d %b %Y %H:%M:%S." with milliseconds, one of ".-*#" for debug/verbose/notice/warning, the message; the sentinel
writes the same): a record of the remote's own side, which a bare-line reading scored as nothing.
"""

from __future__ import annotations

import re

_REDIS_LOG = re.compile(r"^(?P<pid>\d+):[XCSM] \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} (?P<lvl>[.\-*#]) "
                        r"(?P<msg>.+)$")
# a header's instance tag: a bracketed name (not a level, not a time) - [gw-2], [pid 4410], [worker-3], [4410]
_WRITER = re.compile(r"\[((?:pid )?[A-Za-z0-9][\w.\-/#]{0,40})\]")
_MODULE = re.compile(r"^[A-Za-z_][A-Za-z_]*(?:\.[A-Za-z_][A-Za-z_]*)+$")
# a bracketed date or request id is no instance (review r17): `[2026-12-07]` is the record's day (a format that
# brackets the date), `[req-9a1]` one request of the many one process serves - two requests are not two writers
_NOT_INSTANCE = re.compile(r"\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/\d{2,4}|"
                           r"(?:req(?:uest)?|rid|trace|corr(?:elation)?)(?:[-_.]?id)?[-_.:#]?[0-9a-f]*\d[0-9a-f]*", re.I)
_LEVEL_WORDS = frozenset("debug info warn warning error err critical crit fatal notice trace alert emerg".split())


def writer(line: str, message: str, logger: str | None = None) -> str | None:
    """The instance tag of the header of `line` (the part before `message`), or None (module docstring). A format
    that brackets the LOGGER (`[%(name)s]`) prints a module's name there: the header's own `logger` and a dotted
    module path (identifiers joined by dots, no digit: `src.core.quota`) are no instance - two modules of one
    process are one writer (review r17). Nor is a bracketed date or request id (`_NOT_INSTANCE`)."""
    at = line.find(message) if message else -1
    head = line[:at] if at > 0 else ""
    tags = [t for t in _WRITER.findall(head) if t.lower() not in _LEVEL_WORDS and t != logger
            and not _MODULE.match(t) and not _NOT_INSTANCE.fullmatch(t)]
    return tags[-1] if tags else None


def redis_server_line(line: str) -> tuple[str, str | None] | None:
    """(message, level) of a Redis server's own log line ('#' is WARNING, the others no level), or None."""
    m = _REDIS_LOG.match(line.strip())
    if m is None:
        return None
    return m.group("msg"), "WARNING" if m.group("lvl") == "#" else None
