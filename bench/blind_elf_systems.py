"""The 8 ELF programs of the blind ELF benchmark: binaries, the header each deployment writes, the cut back.

Written by a writer who never read the grouping; its author must not read or run this. None of the 8 has a
gettext catalog that holds its log messages (systemd's `systemd.mo` holds polkit texts only), so their format
strings come from the binaries (bench/blind_elf_strings.py). Each writes its lines as a real deployment of it
does, in one grammar of bench/GROUPING_CLASSES2.md:

    systemd   libsystemd-core + libsystemd-shared   journalctl -o short-monotonic (H21); PID1 prefixes the
                                                    unit (`log_unit_*`: `unit: message`)
    dbus      dbus-daemon + libdbus-1               RFC 5424 with structured data from rsyslog (H20), then
                                                    dbus-daemon's own `[system] ` / `[session uid=N pid=N] `
                                                    (per template: system 70%, session 20%, both 10%)
    ssh       OpenSSH client `ssh -v`               Docker json-file in a CI job (H9 carrier, JSON-escaped,
                                                    `<>&` as \\u003c.. as Go's encoder writes), `debugN: `
    curl      libcurl (`curl -v --trace-time`)      curl's own verbose lines: `hh:mm:ss.uuuuuu * msg`
                                                    (curl(1), --trace-time)
    sqlite    libsqlite3 under Android              logcat -v threadtime (H10), tag SQLiteLog, `(code) msg`
                                                    (Android's sqlite3_log callback prints `(%d) %s`)
    jvm       HotSpot libjvm.so (OpenJDK 17)        unified logging -Xlog:...:time,uptime,level,tags (JEP
                                                    158): `[time][uptime][level][tags] msg`, the level and tags
                                                    columns padded to the widest value printed so far (checked
                                                    on this machine's `java -Xlog:...`)
    alsa      libasound                             journalctl -o short-unix (H21) of a sound server, with
                                                    alsa-lib's default error handler prefix
                                                    `ALSA lib file.c:line:(function) ` (one call site each)
    ip        iproute2 `ip`                         Kubernetes CRI container log (H22) of a CNI/init container

Each system has ONE cut that gives the message back, as Loghub's `log_format` does (the level word, the
dbus context, the ALSA call site prefix are header: the program or its handler adds them to every line).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from random import Random

# (time, meta, program, pid, host, message, r) -> line; `meta` is fixed per template (level, tags, call site)
Header = Callable[[dt.datetime, str, str, int, str, str, Random], str]
LIB = "/usr/lib/x86_64-linux-gnu/"


@dataclass(frozen=True)
class ElfSystem:
    binaries: tuple[str, ...]
    kind: str
    grammar: str
    programs: tuple[str, ...]
    lead: str  # the kind of a `%s` that opens a message (bench/blind_elf_values.py)
    meta: Callable[[Random], str]  # the header fields fixed per template
    header: Callable[[Random, dt.datetime], Header]  # a fresh (stateful) header writer per log
    cut: Callable[[str], str]  # a line -> its message; ValueError when the line is not of this grammar
    prefix: str = ""  # a format prefix every message of this system carries (part of the template)
    unit_prefix: float = 0.0  # share of templates that get `%s: ` (systemd's log_unit_*)
    size_pairs: bool = False  # `%lu%s` is a size and its unit letter (HotSpot's byte_size_in_proper_unit)


def _regex_cut(pattern: str) -> Callable[[str], str]:
    rx = re.compile(pattern)

    def cut(line: str) -> str:
        m = rx.fullmatch(line)
        if m is None:
            raise ValueError(f"line does not have this system's header: {line[:120]!r}")
        return m.group("content")
    return cut


def _weighted(*choices: tuple[str, float]) -> Callable[[Random], str]:
    return lambda r: r.choices([c for c, _ in choices], [w for _, w in choices])[0]


def _nano(t: dt.datetime, r: Random) -> str:
    """RFC 3339 with nanoseconds as Go's `time.RFC3339Nano` writes it: trailing zeros trimmed."""
    frac = f"{t.microsecond:06d}{r.randint(0, 999):03d}".rstrip("0")
    return f"{t:%Y-%m-%dT%H:%M:%S}" + (f".{frac}" if frac else "") + "Z"


def _monotonic(r: Random, t0: dt.datetime) -> Header:
    boot = t0 - dt.timedelta(seconds=r.choice((r.uniform(3, 90), r.uniform(100, 9e5))))

    def header(t: dt.datetime, meta: str, prog: str, pid: int, host: str, m: str, r: Random) -> str:
        up = t - boot
        return f"[{int(up.total_seconds()):>5}.{up.microseconds:06d}] {host} {prog}[{1 if prog == 'systemd' else pid}]: {m}"
    return header


def _rfc5424_sd(r: Random, t0: dt.datetime) -> Header:
    """rsyslog's RFC 5424 output with its timeQuality and meta SD elements (the sequence id grows per line, the
    sync state flips rarely), then dbus-daemon's bus context. The context belongs to the daemon instance: a
    template is printed by the system bus or by session buses (`meta` = `PRI|bus`), and by both for `mixed`."""
    seq = [r.randint(1, 10**6)]
    synced = [r.choice((0, 1))]
    accuracy = r.randint(1000, 900000)

    def header(t: dt.datetime, meta: str, prog: str, pid: int, host: str, m: str, r: Random) -> str:
        pri, bus = meta.split("|")
        seq[0] += 1
        if r.random() < 0.02:
            synced[0] = 1 - synced[0]
        sd = "-" if r.random() < 0.1 else (f'[timeQuality tzKnown="1" isSynced="{synced[0]}" '
                                             f'syncAccuracy="{accuracy}"][meta sequenceId="{seq[0]}"]')
        if bus == "mixed":
            bus = r.choice(("system", "session"))
        context = "[system]" if bus == "system" else f"[session uid={1000 + pid % 2} pid={pid + 7}]"
        return f"<{pri}>1 {t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}+00:00 {host} {prog} {pid} - {sd} {context} {m}"
    return header


def _docker_json(r: Random, t0: dt.datetime) -> Header:
    def header(t: dt.datetime, meta: str, prog: str, pid: int, host: str, m: str, r: Random) -> str:
        text = json.dumps({"log": f"{meta}{m}\n", "stream": "stderr", "time": _nano(t, r)},
                          ensure_ascii=False, separators=(",", ":"))
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return header


def _ssh_cut(line: str) -> str:
    try:
        log = json.loads(line)["log"]
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(f"not a Docker json-file line: {line[:120]!r}") from e
    return re.sub(r"^debug[123]: ", "", log.removesuffix("\n"))


def _curl(r: Random, t0: dt.datetime) -> Header:
    return lambda t, meta, prog, pid, host, m, r: f"{t:%H:%M:%S}.{t.microsecond:06d} * {m}"


def _logcat(r: Random, t0: dt.datetime) -> Header:
    def header(t: dt.datetime, meta: str, prog: str, pid: int, host: str, m: str, r: Random) -> str:
        tid = pid if r.random() < 0.5 else pid + r.randint(1, 60)
        return f"{t:%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} {pid:>5} {tid:>5} {meta} SQLiteLog: {m}"
    return header


def _xlog(r: Random, t0: dt.datetime) -> Header:
    pad = {"level": 0, "tags": 0}
    start = t0 - dt.timedelta(seconds=r.uniform(0.01, 4000))

    def header(t: dt.datetime, meta: str, prog: str, pid: int, host: str, m: str, r: Random) -> str:
        level, tags = meta.split("|")
        pad["level"] = max(pad["level"], len(level))
        pad["tags"] = max(pad["tags"], len(tags))
        return (f"[{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}+0000][{(t - start).total_seconds():.3f}s]"
                f"[{level:<{pad['level']}}][{tags:<{pad['tags']}}] {m}")
    return header


def _alsa(r: Random, t0: dt.datetime) -> Header:
    def header(t: dt.datetime, meta: str, prog: str, pid: int, host: str, m: str, r: Random) -> str:
        return f"{int(t.timestamp())}.{t.microsecond:06d} {host} {prog}[{pid}]: ALSA lib {meta} {m}"
    return header


def _cri(r: Random, t0: dt.datetime) -> Header:
    return lambda t, meta, prog, pid, host, m, r: f"{_nano(t, r)} {meta} F {m}"


ALSA_FILES = ("pcm.c", "pcm_hw.c", "pcm_dmix.c", "pcm_direct.c", "pcm_plug.c", "pcm_route.c", "pcm_rate.c",
              "conf.c", "confmisc.c", "control.c", "control_hw.c", "hcontrol.c", "mixer.c", "simple.c", "seq.c",
              "seq_hw.c", "dlmisc.c", "main.c", "parser.c", "utils.c", "rawmidi.c", "timer.c", "pcm_params.c")
ALSA_VERBS = ("open", "parse", "load", "hook", "config", "get", "set", "add", "free", "find", "search", "expand",
              "evaluate", "refer", "card", "driver", "slave", "params", "hw", "elem")


def _alsa_site(r: Random) -> str:
    """One call site of alsa-lib's SNDERR: `file.c:line:(function)`, fixed per format string."""
    f = r.choice(ALSA_FILES)
    func = f"snd_{f.split('.')[0].split('_')[0]}_{r.choice(ALSA_VERBS)}" + r.choice(("", "_noupdate", "1", "_conf"))
    if r.random() < 0.3:
        func = f"{r.choice(ALSA_VERBS)}_{r.choice(ALSA_VERBS)}"
    return f"{f}:{r.randint(90, 9000)}:({func})"


XLOG_TAGS = ("gc", "gc,heap", "gc,init", "gc,phases", "gc,cpu", "gc,ergo", "gc,metaspace", "os", "os,thread",
             "class,load", "class,init", "cds", "safepoint", "jit,compilation", "metaspace", "exceptions", "module",
             "codecache", "stringtable", "gc,task", "os,container", "jni,resolve")

SYSTEMS: dict[str, ElfSystem] = {
    "systemd": ElfSystem(
        (LIB + "systemd/libsystemd-core-252.so", LIB + "systemd/libsystemd-shared-252.so"), "init and service manager",
        "H21 journalctl -o short-monotonic",
        ("systemd", "systemd", "systemd", "systemd-logind", "systemd-udevd", "systemd-networkd", "systemd-resolved",
         "systemd-journald", "systemd-timesyncd"), "unit", lambda r: "", _monotonic,
        _regex_cut(r"\[ *\d+\.\d{6}\] \S+ [\w.@-]+\[\d+\]: (?P<content>.*)"), unit_prefix=0.35),
    "dbus": ElfSystem(
        ("/usr/bin/dbus-daemon", LIB + "libdbus-1.so.3.32.4"), "IPC message bus", "H20 RFC 5424 + SD, dbus context",
        ("dbus-daemon",), "dbus",
        lambda r: f"{_weighted(('30', 5), ('28', 3), ('27', 1), ('31', 1))(r)}|"
                  f"{_weighted(('system', 7), ('session', 2), ('mixed', 1))(r)}", _rfc5424_sd,
        _regex_cut(r'<\d+>1 \S+ \S+ \S+ \d+ - (?:-|(?:\[(?:[^\]"\\]|"(?:[^"\\]|\\.)*")*\])+) '
                   r"(?:\[system\]|\[session uid=\d+ pid=\d+\]) (?P<content>.*)")),
    "ssh": ElfSystem(
        ("/usr/bin/ssh",), "SSH client in CI", "H9 Docker json-file carrier",
        ("ssh",), "path", _weighted(("debug1: ", 5), ("debug2: ", 2), ("debug3: ", 1), ("", 2)), _docker_json,
        _ssh_cut),
    "curl": ElfSystem(
        (LIB + "libcurl.so.4.8.0",), "HTTP client (verbose trace)", "curl --trace-time -v",
        ("curl",), "path", lambda r: "", _curl, _regex_cut(r"\d\d:\d\d:\d\d\.\d{6} \* (?P<content>.*)")),
    "sqlite": ElfSystem(
        (LIB + "libsqlite3.so.0.8.6",), "embedded database (Android app)", "H10 logcat threadtime",
        ("app",), "path", _weighted(("E", 7), ("W", 3)), _logcat,
        _regex_cut(r"\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} +\d+ +\d+ [VDIWEFA] SQLiteLog: (?P<content>.*)"),
        prefix="(%d) "),
    "jvm": ElfSystem(
        ("/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so",), "Java VM runtime", "HotSpot -Xlog",
        ("java",), "path",
        lambda r: f"{_weighted(('info', 6), ('warning', 2), ('debug', 2), ('error', 1), ('trace', 0.5))(r)}|"
                  f"{r.choice(XLOG_TAGS)}", _xlog,
        _regex_cut(r"\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}\]\[\d+\.\d{3}s\]"
                   r"\[(?:trace|debug|info|warning|error) *\]\[[a-z0-9,]+ *\] (?P<content>.*)"), size_pairs=True),
    "alsa": ElfSystem(
        (LIB + "libasound.so.2.0.0",), "sound library under a sound server", "H21 short-unix + ALSA prefix",
        ("pulseaudio", "pipewire", "wireplumber", "firefox", "speech-dispatcher"), "device", _alsa_site, _alsa,
        _regex_cut(r"\d{10}\.\d{6} \S+ [\w.-]+\[\d+\]: ALSA lib [\w.]+:\d+:\(\w+\) (?P<content>.*)")),
    "ip": ElfSystem(
        ("/usr/sbin/ip",), "network configuration (CNI init container)", "H22 Kubernetes CRI",
        ("ip",), "ifname", _weighted(("stderr", 4), ("stdout", 1)), _cri,
        _regex_cut(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z (?:stdout|stderr) F (?P<content>.*)")),
}


def content(name: str, line: str) -> str:
    """The message of a line of system `name` (what a grouper is fed in content mode, Loghub's Content)."""
    return SYSTEMS[name].cut(line)
