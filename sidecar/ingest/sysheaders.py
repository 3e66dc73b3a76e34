"""Cut the header of a non-Python log line, so what is fingerprinted is the message, not the line.

Class (bench/GROUPING_CLASSES.md, section H): a header is a prefix of timestamp / host /
program[pid] / level / thread / logger fields in a grammar its writer prints on every line. Each
grammar below is one anchored regex written from the writer's own documentation (cited next to
it); nothing is cut by counting tokens or by "up to the first colon", because messages themselves
start with `W:`, `<v>:` or `[...]` (those must keep that text). A line no grammar matches is
returned unchanged (`cut_header` gives None).

Carriers (H9): one writer's line inside another's (a postgres line under syslog, a syslog line
under the Sandia/LANL supercomputer prefix) are cut layer by layer, at most `_MAX_LAYERS` times.
Every grammar starts with something a message does not start with (a timestamp, `<PRI>`, a klog
`Lmmdd`, logcat's `L/tag(pid):`, GLib's `(prg:pid):`), which is what keeps the twins intact.

What is returned beside the message: the level when the grammar prints one (postgres's
DETAIL/HINT/CONTEXT/STATEMENT lines return that word, so each keeps its own template space), and
no logger: a syslog tag or a Java class is a constant of the source, and keying groups on it would
split one message printed by two programs (`sshd` and `sshd(pam_unix)`), so the message alone is
the identity here, as it is for Drain on Loghub's `Content` column.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
# RFC 3339 / ISO 8601 (RFC 5424 §6.2.3, journald short-iso, log4j %d{ISO8601} with its comma).
_ISO = r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?"
# RFC 3164 §4.1.2 TIMESTAMP `Mmm dd hh:mm:ss`, the day SPACE-padded (`Dec  6`); some writers do not
# pad (`Nov 9`). journald short-precise adds `.uuuuuu` after the seconds.
_BSD = rf"{_MON} {{1,2}}\d{{1,2}} \d\d:\d\d:\d\d(?:\.\d{{1,9}})?"
# RFC 3164 TAG: `prog`, `prog[pid]`, Linux-PAM's `prog(pam_unix)[pid]`; dots, dashes, slashes inside.
_TAG = r"[\w.@/+-]+(?:\([^()\s]*\))?(?:\[\d+\])?"
# A bracketed field with one level of nesting: log4j's %t thread names hold brackets and colons
# (Zookeeper: `[QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774]`).
_BRACKET = r"\[(?:[^\[\]]|\[[^\[\]]*\])*\]"
# log4j Level / logback Level / java.util.logging Level names, upper or title case (Windows CBS: `Info`).
_JLEVEL = (r"(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|SEVERE|FATAL|CRITICAL|"
           r"Trace|Debug|Info|Notice|Warn|Warning|Error|Severe|Fatal|Critical)")
# log4j %c / %C: a dotted Java name, or one CamelCase class name of at least two humps (a message
# word like `Error:` after the level is not a logger); `$Inner` classes and `@line` / `:line` allowed.
_JLOGGER = (r"(?:[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+|[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)+(?:\$[\w$]+)*)"
            r"(?:[@:]\d+)?")
# log4j %d variants: ISO8601 (`yyyy-MM-dd HH:mm:ss,SSS`), Spark's `yy/MM/dd HH:mm:ss`, HDFS's
# `yyMMdd HHmmss`, %d{ABSOLUTE} and logback's default `HH:mm:ss.SSS`, %d{DATE} `dd MMM yyyy HH:mm:ss,SSS`.
_JTIME = (rf"(?:{_ISO}|\d\d/\d\d/\d\d \d\d:\d\d:\d\d|\d{{6}} \d{{6}}|\d\d:\d\d:\d\d[.,]\d{{3}}"
          rf"|\d\d {_MON} \d{{4}} \d\d:\d\d:\d\d,\d{{3}})")
_PG_LEVEL = r"DEBUG[1-5]|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|QUERY|LOCATION"

_GRAMMARS: tuple[re.Pattern[str], ...] = tuple(re.compile(p) for p in (
    # H2 RFC 5424 §6: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]`, NILVALUE `-` anywhere;
    # SD-PARAM values escape `]`, `"` and `\` with a backslash (§6.3.3); MSG may start with a BOM.
    rf"<\d{{1,3}}>1 (?:-|{_ISO}) \S+ \S+ \S+ \S+ (?:-|(?:\[(?:[^\]\\\"]|\\.|\"(?:[^\"\\]|\\.)*\")*\])+)"
    r"(?: \ufeff?(?P<msg>.*)|$)",
    # H4 PostgreSQL: whatever log_line_prefix prints, elog.c's send_message_to_server_log then
    # writes `SEVERITY:` and TWO blanks. The prefix is bounded and starts as a prefix does (a
    # time, `[pid]`, an epoch `%n`); an empty prefix leaves the bare `LEVEL:  `.
    rf"(?:(?:{_ISO}|\d{{10}}\.\d{{3}}|\[)[^\n]{{0,200}}? )?(?P<level>{_PG_LEVEL}):  (?P<msg>.*)",
    # H5 log4j/logback PatternLayout: a time, then level, thread `[%t]`, pid fields in the pattern's
    # order (at least the level), then `%c: ` / `%c - ` or a bare ` - ` separator.
    rf"{_JTIME},?(?: -)?(?: +(?:{_BRACKET}|\d+))* +(?P<level>{_JLEVEL})(?: +(?:{_BRACKET}|\d+))*"
    rf"(?: +(?:{_JLOGGER})(?::| -)| +-)?(?: +|$)(?P<msg>.*)",
    # H1/H3 BSD syslog (RFC 3164 §4.1), rsyslog's file format, journalctl -o short/short-iso/
    # short-precise: `[<PRI>]TIMESTAMP [HOST ]TAG: MSG` (a relayed line may lack HOST). sysklogd
    # tags its own lines with its version (`syslogd 1.4.1: restart.`).
    rf"(?:<\d{{1,3}}>)?(?:{_BSD}|{_ISO}) (?:[^\s:\[\]]+ )?{_TAG}(?: \d+(?:\.\d+)+)?:(?: (?P<msg>.*)|$)",
    # klog (k8s.io/klog `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`).
    r"(?P<level>[IWEF])\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [^\s:\]]+:\d+\] (?P<msg>.*)",
    # Android logcat -v threadtime `[yyyy-]MM-DD HH:MM:SS.mmm PID TID L TAG: msg`, and -v brief /
    # -v time `[time ]L/TAG( PID): msg` (logcat's documentation, "Control log output format").
    r"(?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}(?: [+-]\d{4})? +\d+ +\d+ (?P<level>[VDIWEFA]) "
    r"[^:\n]{0,100}?: (?P<msg>.*)",
    r"(?:(?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} )?(?P<level>[VDIWEFA])/[^(\n]{1,100}\( *\d+\): (?P<msg>.*)",
    # H6 GLib g_log_default_handler: `[** ][(prg:pid): ]Domain-LEVEL **: [hh:mm:ss.mmm: ]msg`.
    r"(?:\*\* )?(?:\([^\s:()]+:\d+\): )?(?:[\w-]+-)?(?P<level>ERROR|CRITICAL|WARNING|Message|INFO|DEBUG) \*\*: "
    r"(?:\d\d:\d\d:\d\d\.\d{3}: )?(?P<msg>.*)",
    # H8 Apache httpd ErrorLog (2.2 and 2.4's default ErrorLogFormat): `[ctime] [module:level] [pid N:tid N] `.
    rf"\[{_DAY} {_MON} \d\d \d\d:\d\d:\d\d(?:\.\d+)? \d{{4}}\] \[(?:[\w-]+:)?(?P<level>\w+)\] "
    r"(?:\[pid \d+(?::tid \d+)?\] )?(?P<msg>.*)",
    # nginx error log (ngx_log_error_core): `yyyy/mm/dd hh:mm:ss [level] pid#tid: [*cid ]msg`.
    r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[(?P<level>debug|info|notice|warn|error|crit|alert|emerg)\] "
    r"\d+#\d+: (?:\*\d+ )?(?P<msg>.*)",
    # H8 Sandia/LANL supercomputer logs (Oliner & Stearley, DSN 2007): `ALERT EPOCH yyyy.mm.dd NODE `
    # then the node's own line (a BGL RAS record, or syslog: Thunderbird), cut as the next layer.
    r"\S+ \d{9,10} \d{4}\.\d\d\.\d\d \S+ (?P<msg>.*)",
    # BGL RAS record: `yyyy-mm-dd-hh.mm.ss.uuuuuu NODE TYPE COMPONENT LEVEL msg`.
    r"\d{4}-\d\d-\d\d-\d\d\.\d\d\.\d\d\.\d{6} \S+ \w+ \w+ (?P<level>INFO|WARNING|SEVERE|ERROR|FATAL|FAILURE) "
    r"(?P<msg>.*)",
))
_MAX_LAYERS = 3


class Cut(NamedTuple):
    """The message after every header layer, and the innermost level any layer printed (or None)."""

    message: str
    level: str | None


def _cut_once(text: str) -> tuple[str, str | None] | None:
    for rx in _GRAMMARS:
        m = rx.match(text)
        if m is not None:
            return m.group("msg") or "", m.groupdict().get("level")
    return None


def cut_header(line: str) -> Cut | None:
    """The message of `line` without its header layers, or None when no grammar matches the line."""
    if not line or line[0] == " ":  # every grammar starts with a non-blank: skip the common miss fast
        return None
    cut = _cut_once(line)
    if cut is None:
        return None
    message, level = cut
    for _ in range(_MAX_LAYERS - 1):
        inner = _cut_once(message)
        if inner is None:
            break
        message = inner[0]
        level = inner[1] or level
    return Cut(message, level)
