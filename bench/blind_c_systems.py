"""The 8 C/system programs of the blind C benchmark: catalogs, log headers and the regex that cuts each header.

Written by a writer who never read the grouping; its author must not read or run this. Chosen from the
gettext domains installed here because their messages are what the program writes to a log (a daemon's or
a batch job's errors, warnings and progress), not interface text, and because together they span the kinds
of system the hidden check holds (a database, an auth server, packaging, a VCS server, a desktop/IPC runtime,
backup, cron file jobs):

    postgres    postgres-15             PostgreSQL server log, `log_line_prefix = '%m [%p] '` (+ `%q%u@%d `)
    krb5kdc     mit-krb5                MIT Kerberos KDC/kadmind via syslog (RFC 3164, `prog[pid](level):`)
    dpkg        dpkg                    dpkg errors/warnings in the journal (`journalctl -o short-iso`)
    apt         libapt-pkg6.0 + apt     apt/unattended-upgrades as RFC 5424 syslog, apt's `E:`/`W:`/`N:`
    git         git                     git-daemon / hooks in the journal (`-o short-precise`), `fatal:` ...
    glib        glib20                  GLib's own log handler (`(prog:pid): Domain-LEVEL **: time: msg`)
                                        inside a syslog line, as a desktop session's journal holds it
    tar         tar                     a backup script's tar messages via logger(1) (`tar: msg`)
    cron-files  coreutils + findutils   cronie's CMDOUT lines of file jobs (`(user) CMDOUT (cp: msg)`)

Each header is built from the sources named in bench/GROUPING_CLASSES.md (H1-H7) and each system has ONE
regex that gives the message back, as Loghub's `log_format` does; the level words a program always prints in
a fixed place (`fatal:`, `E:`, `warning:`, the tool name) belong to the header.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from random import Random

# (time, level, program, pid, host, message, r) -> line
Header = Callable[[dt.datetime, str, str, int, str, str, Random], str]


@dataclass(frozen=True)
class System:
    domains: tuple[str, ...]
    kind: str
    levels: tuple[tuple[str, float], ...]  # the level words this system prints, with weights
    programs: tuple[str, ...]  # the process names that print these messages
    header: Header
    pattern: re.Pattern[str]  # names the message `content`


def _bsd(t: dt.datetime) -> str:
    """RFC 3164 TIMESTAMP: `Mmm dd hh:mm:ss`, the day padded with a SPACE."""
    return f"{t:%b} {t.day:>2} {t:%H:%M:%S}"


BSD = r"\w{3} [ \d]\d \d\d:\d\d:\d\d"


def _pg(t: dt.datetime, lv: str, prog: str, pid: int, host: str, m: str, r: Random) -> str:
    who = f"{r.choice(('app', 'postgres', 'replicator', 'analytics_ro'))}@{r.choice(('shop', 'postgres', 'billing'))} " \
        if pid % 3 == 0 else ""
    return f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 1000:03d} UTC [{pid}] {who}{lv}:  {m}"


def _krb(t: dt.datetime, lv: str, prog: str, pid: int, host: str, m: str, r: Random) -> str:
    return f"{_bsd(t)} {host} {prog}[{pid}]({lv}): {m}"


def _dpkg(t: dt.datetime, lv: str, prog: str, pid: int, host: str, m: str, r: Random) -> str:
    return f"{t:%Y-%m-%dT%H:%M:%S%z} {host} {prog}[{pid}]: {lv}{m}"


def _apt(t: dt.datetime, lv: str, prog: str, pid: int, host: str, m: str, r: Random) -> str:
    pri = {"E: ": 11, "W: ": 12, "N: ": 13, "": 14}[lv]
    return f"<{pri}>1 {t.isoformat(timespec='microseconds')} {host} {prog} {pid} - - {lv}{m}"


def _git(t: dt.datetime, lv: str, prog: str, pid: int, host: str, m: str, r: Random) -> str:
    return f"{t:%b %d %H:%M:%S}.{t.microsecond:06d} {host} {prog}[{pid}]: {lv}{m}"


def _glib(t: dt.datetime, lv: str, prog: str, pid: int, host: str, m: str, r: Random) -> str:
    domain, level = lv.split("|")
    sep = " **" if level in ("WARNING", "CRITICAL") else ""
    return (f"{_bsd(t)} {host} {prog}[{pid}]: ({prog}:{pid}): {domain}-{level}{sep}: "
            f"{t:%H:%M:%S}.{t.microsecond // 1000:03d}: {m}")


def _tar(t: dt.datetime, lv: str, prog: str, pid: int, host: str, m: str, r: Random) -> str:
    return f"{_bsd(t)} {host} {prog}[{pid}]: tar: {m}"


def _cron(t: dt.datetime, lv: str, prog: str, pid: int, host: str, m: str, r: Random) -> str:
    return f"{_bsd(t)} {host} CROND[{pid}]: ({lv}) CMDOUT ({prog}: {m})"


TOOLS = ("cp", "mv", "rm", "ln", "chmod", "chown", "install", "mkdir", "du", "df", "touch", "stat", "sort",
         "split", "tail", "date", "find", "xargs")

SYSTEMS: dict[str, System] = {
    "postgres": System(("postgres-15",), "database",
                       (("ERROR", 5), ("LOG", 4), ("WARNING", 2), ("FATAL", 1), ("PANIC", 0.05)),
                       ("postgres",), _pg,
                       re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [A-Z]{2,5} \[\d+\] (?:[\w-]+@[\w-]+ )?"
                                  r"(?:DEBUG[1-5]|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|PANIC|DETAIL|HINT|CONTEXT"
                                  r"|STATEMENT):  (?P<content>.*)")),
    "krb5kdc": System(("mit-krb5",), "auth (Kerberos KDC)",
                      (("info", 6), ("Error", 2), ("Notice", 1), ("Warning", 1)), ("krb5kdc", "kadmind", "kpropd"),
                      _krb, re.compile(BSD + r" \S+ [\w.-]+\[\d+\]\((?:info|Error|Notice|Warning|Debug)\): "
                                             r"(?P<content>.*)")),
    "dpkg": System(("dpkg",), "packaging (installer)", (("error: ", 3), ("warning: ", 3), ("", 2)),
                   ("dpkg", "dpkg-divert", "update-alternatives", "dpkg-statoverride"), _dpkg,
                   re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} \S+ [\w.-]+\[\d+\]: (?:(?:error|warning): )?"
                              r"(?P<content>.*)")),
    "apt": System(("libapt-pkg6.0", "apt"), "packaging (fetch, network)", (("E: ", 3), ("W: ", 3), ("N: ", 1),
                                                                             ("", 2)),
                  ("apt-get", "apt", "unattended-upgr", "packagekitd"), _apt,
                  re.compile(r"<\d+>1 \S+ \S+ \S+ \d+ - - (?:[EWN]: )?(?P<content>.*)")),
    "git": System(("git",), "VCS server", (("fatal: ", 3), ("error: ", 4), ("warning: ", 2), ("", 2)),
                  ("git-daemon", "git-upload-pack", "git-receive-pack", "post-receive"), _git,
                  re.compile(r"\w{3} \d\d \d\d:\d\d:\d\d\.\d{6} \S+ [\w.-]+\[\d+\]: (?:(?:fatal|error|warning): )?"
                             r"(?P<content>.*)")),
    "glib": System(("glib20",), "desktop runtime / IPC (D-Bus)",
                   (("GLib-GIO|WARNING", 5), ("GLib|WARNING", 2), ("GLib-GIO|CRITICAL", 2), ("GLib|CRITICAL", 1),
                    ("GLib-GIO|Message", 1), ("GLib-GObject|WARNING", 1)),
                   ("gnome-shell", "gsd-media-keys", "nautilus", "evolution-source-registry", "xdg-desktop-portal"),
                   _glib, re.compile(BSD + r" \S+ [\w.-]+\[\d+\]: \([\w.-]+:\d+\): [\w-]+-(?:WARNING \*\*|CRITICAL \*\*"
                                           r"|Message|DEBUG|INFO): \d\d:\d\d:\d\d\.\d{3}: (?P<content>.*)")),
    "tar": System(("tar",), "backup (archiving)", (("", 1),), ("backup", "nightly-backup", "borg-pre"), _tar,
                  re.compile(BSD + r" \S+ [\w.-]+\[\d+\]: tar: (?P<content>.*)")),
    "cron-files": System(("coreutils", "findutils"), "cron file jobs",
                         (("root", 5), ("backup", 2), ("www-data", 1)), TOOLS, _cron,
                         re.compile(BSD + r" \S+ CROND\[\d+\]: \([\w-]+\) CMDOUT \((?:" + "|".join(TOOLS)
                                    + r"): (?P<content>.*)\)")),
}


def level_for(name: str, fmt: str, r: Random) -> str:
    """The level word a template is logged at (fixed per template): postgres' DETAIL/HINT for full sentences."""
    if name == "postgres" and fmt[:1].isupper() and fmt.endswith("."):
        return r.choice(("DETAIL", "HINT"))
    levels = SYSTEMS[name].levels
    return r.choices([lv for lv, _ in levels], [w for _, w in levels])[0]


def content(name: str, line: str) -> str:
    """The message of a line of system `name` (the part a grouper is fed, as Loghub's Content column)."""
    m = SYSTEMS[name].pattern.fullmatch(line)
    if m is None:
        raise ValueError(f"line does not have {name}'s header shape: {line[:120]!r}")
    return m.group("content")
