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

What is returned beside the message: the level when the grammar prints one (syslog's `<PRI>`
as its number, RFC 5424 §6.2.1; postgres's
DETAIL/HINT/CONTEXT/STATEMENT lines return that word, so each keeps its own template space), and
no logger: a syslog tag or a Java class is a constant of the source, and keying groups on it would
split one message printed by two programs (`sshd` and `sshd(pam_unix)`), so the message alone is
the identity here, as it is for Drain on Loghub's `Content` column.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .timestamps import ISO_TIME

_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
# RFC 3339 / ISO 8601 (RFC 5424 §6.2.3, journald short-iso, log4j %d{ISO8601} with its comma).
_ISO = ISO_TIME
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
# Possessive (`*+`, `++`) everywhere a repeat could split the same run two ways: log text is
# attacker-controlled, and `(?:[A-Z][A-Za-z0-9]*)+` took 6.7 s on `... INFO Ab` + 24 x `C` + `!`.
_JLOGGER = (r"(?:[A-Za-z_$][\w$]*+(?:\.[A-Za-z_$][\w$]*+)++|[A-Z][a-z0-9]++[A-Z][A-Za-z0-9]*+(?:\$[\w$]*+)?)"
            r"(?:[@:]\d+)?")
# log4j %d variants: ISO8601 (`yyyy-MM-dd HH:mm:ss,SSS`), Spark's `yy/MM/dd HH:mm:ss`, HDFS's
# `yyMMdd HHmmss`, %d{ABSOLUTE} and logback's default `HH:mm:ss.SSS`, %d{DATE} `dd MMM yyyy HH:mm:ss,SSS`.
_JTIME = (rf"(?:{_ISO}|\d\d/\d\d/\d\d \d\d:\d\d:\d\d|\d{{6}} \d{{6}}|\d\d:\d\d:\d\d[.,]\d{{3}}"
          rf"|\d\d {_MON} \d{{4}} \d\d:\d\d:\d\d,\d{{3}})")
# JBoss LogManager's `[%c] (%t)` after the level: the category is a dotted logger name or the captured
# `stdout`/`stderr`; the thread name holds blanks and parentheses of its own (`(Controller Boot Thread)`,
# `(ServerService Thread Pool -- 67)`, `(MSC service thread 1-2)`). Its twin: log4j's `[%t] %m` whose
# message starts with a parenthesis (`[main] (spawning) child`): a thread name there is no dotted name.
_JBOSS = r" +\[(?:[\w$-]++\.[\w.$-]++|stdout|stderr)\] \((?:[^()\n]|\([^()\n]*\))*+\)"
_PG_LEVEL = r"DEBUG[1-5]|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|QUERY|LOCATION"

# (the first two characters a line of the grammar can start with, as a regex; the grammar): `_BY_START`.
_GRAMMARS: tuple[tuple[str, str], ...] = (
    # H2 RFC 5424 §6: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]`, NILVALUE `-` anywhere;
    # SD-PARAM values escape `]`, `"` and `\` with a backslash (§6.3.3); MSG may start with a BOM.
    # Over TCP, RFC 6587 §3.4.1 octet counting puts `LEN ` first (GROUPING_CLASSES2 H20).
    (r"<\d|\d\d", rf"(?:\d+ )?<(?P<level>\d{{1,3}})>1 (?:-|{_ISO}) \S+ \S+ \S+ \S+ (?:-|(?:\[(?:[^\]\\\"]|\\.|\"(?:[^\"\\]|\\.)*\")*\])+)"
    r"(?: \ufeff?(?P<msg>.*)|$)"),
    # H4 PostgreSQL: whatever log_line_prefix prints, elog.c's send_message_to_server_log then
    # writes `SEVERITY:` and TWO blanks. The prefix is bounded and starts as a prefix does (a
    # time, `[pid]`, an epoch `%n`); an empty prefix leaves the bare `LEVEL:  `.
    (r"\d\d|\[.|[DILWNEFPHCSQ][A-Z]", rf"(?:(?:{_ISO}|\d{{10}}\.\d{{3}}|\[)[^\n]{{0,200}}? )?(?P<level>{_PG_LEVEL}):  (?P<msg>.*)"),
    # H22 Kubernetes CRI container log (kubelet-cri-logging.md): `RFC3339Nano STREAM F|P MSG`; MSG is
    # often a whole line of another grammar (klog, log4j): the next layer.
    (r"\d\d", rf"{_ISO} (?:stdout|stderr) [FP] (?P<msg>.*)"),
    # H17 Windows servicing logs (CBS.log, DISM.log): `yyyy-mm-dd hh:mm:ss, LEVEL<pad>COMPONENT<pad>MSG`.
    (r"\d\d", r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d, (?P<level>Info|Warning|Error|Perf|Debug|Trace) +(?:[A-Z]{2,5} +)?"
     r"(?P<msg>.*)"),
    # OpenStack oslo.log defaults (`logging_context_format_string` / `logging_default_format_string`):
    # `%(asctime)s.%(msecs)03d %(process)d %(levelname)s %(name)s [%(request_id)s %(user_identity)s] `
    # or `... [-] `; the request context is header, `%(instance)s` (`[instance: uuid] `) is left.
    (r"\d\d", rf"{_ISO} \d+ (?P<level>TRACE|DEBUG|INFO|AUDIT|WARNING|ERROR|CRITICAL) [\w.]+ \[(?:-|req-[^\]]*)\] "
     r"(?P<msg>.*)"),
    # A PatternLayout that starts with the level: Apache Cassandra's default logback.xml `%-5level [%thread]
    # %date{ISO8601} %F:%L - %msg%n` (the file and line of the call site, or a logger `%c` there). The ` - `
    # separator is required: a message that merely opens with a level word keeps it.
    (r"IN|WA|ER|DE|TR|FA", rf"(?P<level>{_JLEVEL}) +{_BRACKET} {_JTIME}(?: (?:[\w$]++\.java:\d+|{_JLOGGER}))? - "
     r"(?P<msg>.*)"),
    # H5 log4j/logback PatternLayout: a time, then level, thread `[%t]`, pid fields in the pattern's
    # order (at least the level), then `%c: ` / `%c - ` or a bare ` - ` separator. log4j 1.x TTCC
    # starts with `%r` (millis since start) before `[%t]`; Spring Boot (H13) right-aligns the level,
    # prints `PID --- [app] [  thread]` and pads the logger before ` : ` (GROUPING_CLASSES2 H12/H13).
    # logback >= 1.3's BasicConfigurator pattern `%logger{36} -%kvp- %msg` prints ` -- ` when no pairs.
    # JBoss LogManager (WildFly / JBoss EAP's default `%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c] (%t) %s%e%n`):
    # the thread in parentheses after the bracketed category (`_JBOSS`).
    (r"\d[\d ]", rf"(?:{_JTIME}|\d+(?= \[)),?(?: -)?(?: +(?:{_BRACKET}|\d+|---))* +(?P<level>{_JLEVEL})"
    rf"(?:{_JBOSS}|(?: +(?:{_BRACKET}|\d+|---))*(?: +(?:{_JLOGGER}) *(?::| --?)| +-)?)(?: +|$)(?P<msg>.*)"),
    # Jetty's own loggers, after log4j's grammar (which cannot match them: its level follows a blank), so
    # that a log4j line does not try them first. 9.x StdErrLog.tag (`yyyy-MM-dd HH:mm:ss.SSS` glued to `:INFO:`/`:WARN:`/`:DBUG:`,
    # the abbreviated logger `oejs.Server`, `:`, the thread name, `: `) and 10+ StdErrAppender.emit (the
    # level padded to 5: `:INFO :`). A thread name may hold blanks, `@`, braces and colons (an acceptor's
    # `qtp1-17-acceptor-0@1b6d-ServerConnector@7a81{HTTP/1.1, (http/1.1)}{0.0.0.0:8080}`), never `: `.
    (r"\d\d", r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}:(?P<level>INFO|WARN|DBUG|DEBUG|ERROR|TRACE|IGNORED) ?"
     r":[^\s:]++:[^\n]*?: (?P<msg>.*)"),
    # Tomcat JULI OneLineFormatter (Tomcat docs, "Logging in Tomcat"): `dd-MMM-yyyy HH:mm:ss.SSS LEVEL [thread]
    # class.method MSG`, java.util.logging's level names; the class and method are the call site's.
    (r"\d\d", rf"\d\d-{_MON}-\d{{4}} \d\d:\d\d:\d\d\.\d{{3}} (?P<level>SEVERE|WARNING|INFO|CONFIG|FINE|FINER|FINEST) "
     rf"{_BRACKET} [\w.$<>]++ (?P<msg>.*)"),
    # H1/H3 BSD syslog (RFC 3164 §4.1), rsyslog's file format, journalctl -o short/short-iso/
    # short-precise: `[<PRI>]TIMESTAMP [HOST ]TAG: MSG` (a relayed line may lack HOST, or carry a second
    # `TIMESTAMP HOST` pair when a relay re-stamps it, GROUPING_CLASSES2 H24). sysklogd
    # tags its own lines with its version (`syslogd 1.4.1: restart.`). journald short-monotonic
    # `[ SSSS.uuuuuu]` and short-unix `epoch.uuuuuu` times (H21: HOST always there, or a bare dmesg
    # stamp before `W: msg` would read `W` as a tag); Apple's system.log `proc[pid] <Level>:` (H16).
    (r"<\d|\d\d|Ja|Fe|Ma|Ap|Ju|Au|Se|Oc|No|De|\[[ \d]",
     rf"(?:<(?P<level>\d{{1,3}})>)?(?:(?:{_BSD}|{_ISO}) +(?:[^\s:\[\]]+ )?(?:{_BSD} [^\s:\[\]]+ )?|(?:\[ *\d+\.\d{{6}}\]|\d{{10}}\.\d{{6}}) +[^\s:\[\]]+ ){_TAG}"
     r"(?: \d+(?:\.\d+)+)?(?: <\w+>)?:(?: (?P<msg>.*)|$)"),
    # klog (k8s.io/klog `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`; glog >= 0.7 `Lyyyymmdd`).
    (r"[IWEF]\d", r"(?P<level>[IWEF])\d{4}(?:\d{4})? \d\d:\d\d:\d\d\.\d{6} +\d+ [^\s:\]]+:\d+\] (?P<msg>.*)"),
    # Android logcat -v threadtime `[yyyy-]MM-DD HH:MM:SS.mmm PID TID L TAG: msg`, and -v brief /
    # -v time `[time ]L/TAG( PID): msg` (logcat's documentation, "Control log output format").
    # `-v uid` adds a uid before the pid, `-v epoch` prints seconds.millis (H10).
    (r"\d\d", r"(?:(?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}|\d{9,}\.\d{3})(?: [+-]\d{4})?(?: +\w+)? +\d+ +\d+ "
    r"(?P<level>[VDIWEFA]) "
    r"[^:\n]{0,100}?: (?P<msg>.*)"),
    # brief `L/TAG(  PID): `, `-v tag` `L/TAG: ` (H11).
    (r"\d\d|[VDIWEFA]/", r"(?:(?:\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} )?(?P<level>[VDIWEFA])/[^(:\n]{1,100}?"
     r"(?:\( *\d+\))?: (?P<msg>.*)"),
    # H6 GLib g_log_default_handler: `(prg:pid): Domain-LEVEL **: [hh:mm:ss.mmm: ]msg`, and with no
    # domain `** (prg:pid): LEVEL **: msg` (domain parts possessive: no backtracking).
    (r"\(.|\*\*", r"(?:\*\* )?\([^\s:()]+:\d+\): (?:[A-Za-z]\w*+-)*+(?P<level>ERROR|CRITICAL|WARNING|Message|INFO|DEBUG) \*\*: "
    r"(?:\d\d:\d\d:\d\d\.\d{3}: )?(?P<msg>.*)"),
    # H8 Apache httpd ErrorLog (2.2 and 2.4's default ErrorLogFormat): `[ctime] [module:level] [pid N:tid N] `,
    # 2.4 then `[client ip:port] ` when there is a connection (H19; `AHnnnnn:` is the message's own).
    (r"\[[MTWFS]", rf"\[{_DAY} {_MON} \d\d \d\d:\d\d:\d\d(?:\.\d+)? \d{{4}}\] \[(?:[\w-]+:)?(?P<level>\w+)\] "
    r"(?:\[pid \d+(?::tid \d+)?\] (?:\[client [^\]\s]+\] )?)?(?P<msg>.*)"),
    # nginx error log (ngx_log_error_core): `yyyy/mm/dd hh:mm:ss [level] pid#tid: [*cid ]msg`.
    (r"\d\d", r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[(?P<level>debug|info|notice|warn|error|crit|alert|emerg)\] "
    r"\d+#\d+: (?:\*\d+ )?(?P<msg>.*)"),
    # Go's `log` (log.go formatHeader: `yyyy/mm/dd hh:mm:ss[.uuuuuu] [file.go:NN: ]`) and log/slog's
    # default handler (`... LEVEL msg`), H15.
    (r"\d\d", r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d{6})? (?:(?P<level>DEBUG|INFO|WARN|ERROR) )?(?:\S+\.go:\d+: )?"
     r"(?P<msg>.*)"),
    # HotSpot unified logging (JEP 158, H25): `[time][uptime][level][tags] MSG`, decorators glued, the
    # first a time or uptime; the level and tags columns are padded (`[info ]`).
    (r"\[\d", r"\[\d[^\]\n]{0,40}\](?:\[[^\]\n]{1,60}\])+ (?P<msg>.*)"),
    # curl --trace-time (curl(1)): `hh:mm:ss.uuuuuu ` then `* ` (info), `> `/`< ` headers, `{ `/`} `
    # data, or `== Info: ` with --trace-ascii (H26).
    (r"\d\d", r"\d\d:\d\d:\d\d\.\d{6} (?:[*<>{}]|== Info:) (?P<msg>.*)"),
    # The kernel's own stamp (dmesg; repeated inside journald's `kernel:` messages), H21.
    (r"\[[ \d]", r"\[ *\d+\.\d{6}\] (?P<msg>.*)"),
    # H8 Sandia/LANL supercomputer logs (Oliner & Stearley, DSN 2007): `ALERT EPOCH yyyy.mm.dd NODE `
    # then the node's own line (a BGL RAS record, or syslog: Thunderbird), cut as the next layer.
    (r"- |[A-Z][A-Z0-9_ ]", r"(?:-|[A-Z][A-Z0-9_]*) \d{9,10} \d{4}\.\d\d\.\d\d \S+ (?P<msg>.*)"),
    # BGL RAS record: `yyyy-mm-dd-hh.mm.ss.uuuuuu NODE TYPE COMPONENT LEVEL msg`.
    (r"\d\d", r"\d{4}-\d\d-\d\d-\d\d\.\d\d\.\d\d\.\d{6} \S+ \w+ \w+ (?P<level>INFO|WARNING|SEVERE|ERROR|FATAL|FAILURE) "
    r"(?P<msg>.*)"),
)
_MAX_LAYERS = 3


def _combined(grammars: list[tuple[int, str]]) -> tuple[re.Pattern[str], dict[int, tuple[str, str | None]]]:
    """One regex of the given grammars, tried in their order (alternation is ordered), and for the
    outer group of each, the names of its message and level groups (renamed `m<i>` / `l<i>`)."""
    parts, names = [], {}
    for i, g in grammars:
        parts.append(f"(?P<g{i}>" + g.replace("(?P<msg>", f"(?P<m{i}>").replace("(?P<level>", f"(?P<l{i}>") + ")")
        names[i] = (f"m{i}", f"l{i}" if "(?P<level>" in g else None)
    rx = re.compile("|".join(parts))
    return rx, {rx.groupindex[f"g{i}"]: names[i] for i, _ in grammars}


_STARTS = tuple(re.compile(st) for st, _ in _GRAMMARS)
_Entry = tuple[re.Pattern[str], dict[int, tuple[str, str | None]]] | None
# The first two characters of a line choose the grammars it may be (each grammar declares them): a
# line that is a message alone, the common case of `sidecar fingerprint` on Loghub `Content` or a
# gateway message, costs one dict hit (`Failed password`: `Fa` starts no grammar). Callgrind per
# pass over Linux+OpenSSH+BGL distinct `Content` lines (bench/grouping_callgrind.py): no cut 98.9 M,
# every grammar tried in turn 152.2 M, one regex of all 130.4 M, this dispatch 104.2 M. Filled on
# first sight of a start (at most 95 x 95 ASCII pairs; all up front cost ~50 ms at every start-up).
# tests/errors/test_header_cut.py checks the dispatch against trying every grammar in order.
_BY_START: dict[str, _Entry] = {}
_BY_SET: dict[tuple[int, ...], _Entry] = {(): None}
# The starts seen that begin no grammar: a caller on a hot path tests `line[:2] in NO_HEADER` before
# calling `cut_header` (a Python call per line was half of what the cut cost on Loghub `Content`).
NO_HEADER: set[str] = set()


def _entry(key: str) -> _Entry:
    """The combined regex of the grammars a line starting with `key` may be (None: none)."""
    which = tuple(i for i, st in enumerate(_STARTS) if st.fullmatch(key)) if key.isascii() else ()
    if which not in _BY_SET:
        _BY_SET[which] = _combined([(i, _GRAMMARS[i][1]) for i in which])
    entry = _BY_SET[which]
    if key.isascii():
        _BY_START[key] = entry
        if entry is None:
            NO_HEADER.add(key)
    return entry


class Cut(NamedTuple):
    """The message after every header layer, and the innermost level any layer printed (or None)."""

    message: str
    level: str | None


def _cut_once(text: str) -> tuple[str, str | None] | None:
    """(message, level or None) after one header layer of `text`, or None."""
    key = text[:2]
    entry = _BY_START[key] if key in _BY_START else _entry(key)
    if entry is None:
        return None
    rx, names = entry
    m = rx.match(text)
    if m is None:
        return None
    msg, level = names[m.lastindex]  # type: ignore[index]  # the outer group of the grammar that matched closes last
    return m.group(msg) or "", m.group(level) if level else None


def cut_header(line: str) -> Cut | None:
    """The message of `line` without its header layers, or None when no grammar matches the line."""
    key = line[:2]  # `_cut_once` written out for the first layer: most lines stop here
    entry = _BY_START[key] if key in _BY_START else _entry(key)
    if entry is None:
        return None
    m = entry[0].match(line)
    if m is None:
        return None
    msg, lvl = entry[1][m.lastindex]  # type: ignore[index]
    message, level = m.group(msg) or "", m.group(lvl) if lvl else None
    for _ in range(_MAX_LAYERS - 1):
        inner = _cut_once(message)
        if inner is None:
            break
        message, level = inner[0], inner[1] or level
    return Cut(message, level)
