"""The 8 systems of the blind language benchmark: where each one's statements come from, its header layout and
its own cut (bench/grouping_heldout_lang.py).

Written by a writer who never read the grouping; the grouping's author must not read or run it. Each layout is
the logging library's documented default (bench/GROUPING_CLASSES3.md H28-H37 names the sources):

| system       | statements from                                   | layout                                  |
|--------------|---------------------------------------------------|-----------------------------------------|
| prometheus   | /usr/bin/prometheus go-kit `msg` constants        | go-kit JSONLogger (`--log.format=json`) |
| alertmanager | /usr/bin/prometheus-alertmanager `msg` constants  | go-kit logfmt (promlog)                 |
| k8s-sd       | /usr/bin/prometheus printf formats with Go verbs  | klog text header                        |
| memberlist   | /usr/bin/prometheus-alertmanager printf formats   | Go `log` LstdFlags                      |
| npm          | npm 11 sources' `log.<level>(...)` calls          | npm's debug log file (`N level title`)  |
| jetty        | ~/.m2 Jetty jars' slf4j `{}` patterns + frames    | jetty-slf4j-impl StdErr appender        |
| java-app     | ~/.m2 HikariCP/Netty/Apache jars' `{}` patterns   | logback `%d [%t] %-5level %logger{36} -`|
| perl         | /usr/share/perl5, /usr/share/perl/5.* die/warn    | journald short-iso (stderr of a tool)   |

`content(name, line)` is the system's own cut (a regex anchored on the header, as Loghub's `log_format`; for
go-kit JSON the header KEYS `ts`, `caller`, `level`, `component` are removed from the object), so that
content mode measures grouping of messages and raw mode the whole lines.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

HEADER_KEYS = ("caller", "component", "level", "ts")


@dataclass(frozen=True)
class System:
    """One system: what kind of program, its layout, and the regex its own cut removes (None: JSON cut)."""

    kind: str
    grammar: str
    cut: re.Pattern[str] | None


SYSTEMS: dict[str, System] = {
    "prometheus": System("Go go-kit", "go-kit JSON (keys sorted)", None),
    "alertmanager": System("Go go-kit", "go-kit logfmt ts/caller/level/component",
                           re.compile(r'ts=\S+ caller=\S+ level=\w+ (?:component=(?:"[^"]*"|\S+) )?')),
    "k8s-sd": System("Go klog", "klog `Lmmdd hh:mm:ss.uuuuuu tid file:line]`",
                     re.compile(r"[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [\w.-]+:\d+\] ")),
    "memberlist": System("Go log", "Go log LstdFlags", re.compile(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d ")),
    "npm": System("Node npm", "npm debug log `N level `",
                  re.compile(r"\d+ (?:error|warn|notice|http|info|verbose|silly|timing) ")),
    "jetty": System("Java slf4j", "jetty StdErr `date:LEVEL:logger:thread: `",
                    re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}:(?:TRACE|DEBUG|INFO |WARN |ERROR):[\w.$]+:[^:]+: ")),
    "java-app": System("Java slf4j", "logback `HH:mm:ss.SSS [thread] LEVEL logger -`",
                       re.compile(r"\d\d:\d\d:\d\d\.\d{3} \[[^\]]+\] (?:TRACE|DEBUG|INFO |WARN |ERROR) \S+ - ")),
    "perl": System("Perl", "journald short-iso `time host prog[pid]: `", re.compile(r"\S+ \S+ [\w.-]+\[\d+\]: ")),
}


def content(name: str, line: str) -> str:
    """The message of `line` by system `name`'s own cut (module docstring); a line the cut does not match (a
    stack frame, a continuation) is its own message."""
    system = SYSTEMS[name]
    if system.cut is None:
        try:
            obj = json.loads(line)
        except ValueError:
            return line
        return go_json({k: v for k, v in obj.items() if k not in HEADER_KEYS})
    m = system.cut.match(line)
    return line[m.end():] if m else line


def go_json(obj: dict[str, object]) -> str:
    """encoding/json of a map: keys sorted, no blanks, `<`, `>`, `&` escaped as `\\u003c`... (go doc encoding/json)."""
    text = json.dumps(dict(sorted(obj.items())), ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_LOGFMT_QUOTE = re.compile(r'[\s="\\]|^$')


def logfmt(value: str) -> str:
    """go-logfmt's value encoding: quoted (with `\\"`, `\\\\`, `\\n` escapes) when it holds a blank, `=`, `"`."""
    if not _LOGFMT_QUOTE.search(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def logback_abbrev(logger: str, width: int = 36) -> str:
    """logback `%logger{36}`: leftmost package segments shortened to their initial until it fits (manual ch. 6)."""
    parts = logger.split(".")
    i = 0
    while len(".".join(parts)) > width and i < len(parts) - 1:
        parts[i] = parts[i][:1]
        i += 1
    return ".".join(parts)


def jetty_condensed(logger: str) -> str:
    """jetty-slf4j-impl `condensed` logger names: package initials glued, then `.Class` (`oejs.Server`)."""
    *pkg, cls = logger.split(".")
    return "".join(p[:1] for p in pkg) + "." + cls
