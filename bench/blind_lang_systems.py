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

import datetime as dt
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
    layouts: int  # documented variants of the layout; one per log, drawn by the seed


_LEVEL = r"(?:TRACE|DEBUG|INFO|WARN|ERROR)"
SYSTEMS: dict[str, System] = {
    "prometheus": System("Go go-kit", "go-kit JSON (keys sorted)", None, 1),
    "alertmanager": System("Go go-kit", "go-kit logfmt, ts/caller/level or level/ts/caller",
                           re.compile(r'(?:level=\w+ )?ts=\S+ caller=\S+ (?:level=\w+ )?(?:component=(?:"[^"]*"|\S+) )?'),
                           2),
    "k8s-sd": System("Go klog", "klog `Lmmdd hh:mm:ss.uuuuuu tid file:line]`, bare or in a CRI container log",
                     re.compile(r"(?:\S+ (?:stdout|stderr) [FP] )?[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [\w.-]+:\d+\] "), 2),
    "memberlist": System("Go log", "Go log LstdFlags (+Lmicroseconds, +Lshortfile)",
                         re.compile(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d{6})? (?:[\w.-]+\.go:\d+: )?"), 3),
    "npm": System("Node npm", "npm debug log `N level ` or terminal `npm level `",
                  re.compile(r"(?:\d+|npm) (?:error|warn|notice|http|info|verbose|silly|timing) "), 2),
    "jetty": System("Java slf4j", "jetty StdErr `date:LEVEL:logger:thread: `",
                    re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}:(?:TRACE|DEBUG|INFO |WARN |ERROR):[\w.$]+:[^:]+: "), 1),
    "java-app": System("Java slf4j", "logback `HH:mm:ss.SSS [thread] LEVEL logger -` or Spring Boot's default",
                       re.compile(r"\d\d:\d\d:\d\d\.\d{3} \[[^\]]+\] (?:TRACE|DEBUG|INFO |WARN |ERROR) \S+ - |"
                                  r"\d{4}-\d\d-\d\dT\S+ +" + _LEVEL + r" \d+ --- (?:\[[^\]]*\] )?\[[^\]]{15}\] \S+ *: "), 2),
    "perl": System("Perl", "journald short-iso or BSD syslog `time host prog[pid]: `",
                   re.compile(r"(?:\S+|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) \S+ [\w.-]+\[\d+\]: "), 2),
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


def spring_boot(t: dt.datetime, level: str, pid: int, app: str, thread: str, logger: str) -> str:
    """Spring Boot 3's default console layout (docs "Logging", "Log Format"): `%5p`, `[%15.15t]` (truncated
    from the left, right-aligned), `%-40.40logger{39}` (abbreviated, padded)."""
    name = logback_abbrev(logger, 39)[-40:]
    return (f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}Z {level.upper():>5} {pid} --- "
            + (f"[{app}] " if app else "") + f"[{thread[-15:]:>15}] {name:<40} : ")


def header(name: str, layout: int, t: dt.datetime, level: str, site: str, logger: str, thread: str, pid: int,
           host: str, counter: int) -> str:
    """The header system `name` writes before a message, in layout variant `layout` (SYSTEMS' grammar)."""
    ms = f"{t.microsecond // 1000:03d}"
    if name == "k8s-sd":
        klog = f"{ {'error': 'E', 'warn': 'W'}.get(level, 'I')}{t:%m%d %H:%M:%S}.{t.microsecond:06d} {pid:>7} {site}] "
        nano = f"{t.microsecond * 1000 + pid % 1000:09d}".rstrip("0")  # RFC3339Nano trims trailing zeros
        return (f"{t:%Y-%m-%dT%H:%M:%S}" + (f".{nano}" if nano else "") + "Z stderr F " if layout else "") + klog
    if name == "memberlist":
        return f"{t:%Y/%m/%d %H:%M:%S}" + (f".{t.microsecond:06d}" if layout == 1 else "") + \
            (f" {site}: " if layout == 2 else " ")
    if name == "npm":
        return f"{counter if layout == 0 else 'npm'} {level} "
    if name == "jetty":
        return f"{t:%Y-%m-%d %H:%M:%S}.{ms}:{level.upper():<5}:{jetty_condensed(logger)}:{thread}: "
    if name == "java-app":
        if layout:
            return spring_boot(t, level, pid, "orders" if pid % 2 else "", thread, logger)
        return f"{t:%H:%M:%S}.{ms} [{thread}] {level.upper():<5} {logback_abbrev(logger)} - "
    if name == "perl":
        stamp = f"{t:%Y-%m-%dT%H:%M:%S}+0000" if layout == 0 else f"{t:%b} {t.day:>2} {t:%H:%M:%S}"
        return f"{stamp} {host} {logger}[{pid}]: "
    raise ValueError(f"{name}: structured system, no text header")
