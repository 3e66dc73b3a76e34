"""Generated logs of other programs (syslog, journald, klog, postgres, nginx, Apache), seeded, with each
line's level known: what `sidecar run` must make events of (the error-level lines) and what it must not.

Every field is drawn afresh per line (time, host, tag, pid, PRI facility, klog thread id and file,
postgres prefix); the message comes from a per-seed set of templates whose variable parts (ids,
addresses, counts, paths) are drawn per line, so a template prints many different lines.
`family(rng, level, message)` gives the whole line; `level` is Python's name.
"""

from __future__ import annotations

import random
import string

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _word(rng: random.Random, lo: int = 3, hi: int = 9) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(lo, hi)))


def _host(rng: random.Random) -> str:
    return rng.choice([_word(rng), f"{_word(rng)}-{rng.randint(1, 99)}", f"{_word(rng)}.{_word(rng)}.internal"])


def _tag(rng: random.Random) -> str:
    prog = rng.choice([_word(rng), f"{_word(rng)}-{_word(rng)}", f"{_word(rng)}d"])
    return rng.choice([prog, f"{prog}[{rng.randint(1, 99999)}]"])


def _bsd(rng: random.Random) -> str:
    return (f"{rng.choice(MONTHS)} {rng.randint(1, 28):2d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:"
            f"{rng.randint(0, 59):02d}")


def _iso(rng: random.Random) -> str:
    return (f"{rng.randint(2000, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
            f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999999):06d}"
            + rng.choice(["Z", "+00:00", "+0100"]))


def _pri(rng: random.Random, level: str) -> int:
    # RFC 5424 §6.2.1: severity = PRI mod 8; facility * 8 + severity.
    sev = {"DEBUG": [7], "INFO": [5, 6], "WARNING": [4], "ERROR": [3], "CRITICAL": [0, 1, 2]}[level]
    return rng.randint(0, 23) * 8 + rng.choice(sev)


def syslog(rng: random.Random, level: str, message: str) -> str:  # RFC 3164 with PRI (rsyslog, RFC 3164 §4.1)
    return f"<{_pri(rng, level)}>{_bsd(rng)} {_host(rng)} {_tag(rng)}: {message}"


def rfc5424(rng: random.Random, level: str, message: str) -> str:
    sd = rng.choice(["-", f'[origin ip="10.0.0.{rng.randint(1, 254)}"]'])
    return (f"<{_pri(rng, level)}>1 {_iso(rng)} {_host(rng)} {_word(rng)} {rng.randint(1, 99999)} "
            f"{rng.choice(['-', 'ID' + str(rng.randint(1, 99))])} {sd} {message}")


def _klog_head(rng: random.Random, level: str) -> str:
    letter = {"DEBUG": "I", "INFO": "I", "WARNING": "W", "ERROR": "E", "CRITICAL": "F"}[level]
    return (f"{letter}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:"
            f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999999):06d} "
            f"{' ' * rng.randint(1, 6)}{rng.randint(1, 99999)} {_word(rng)}.go:{rng.randint(1, 999)}] ")


def klog(rng: random.Random, level: str, message: str) -> str:
    return _klog_head(rng, level) + message


def journald_klog(rng: random.Random, level: str, message: str) -> str:  # journalctl -o short carrying klog
    stamp = rng.choice([_bsd(rng), _iso(rng)])
    return f"{stamp} {_host(rng)} {_tag(rng)}: " + _klog_head(rng, level) + message


def nginx(rng: random.Random, level: str, message: str) -> str:
    word = {"DEBUG": "debug", "INFO": rng.choice(["info", "notice"]), "WARNING": "warn", "ERROR": "error",
            "CRITICAL": rng.choice(["crit", "alert", "emerg"])}[level]
    return (f"{rng.randint(2000, 2030)}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:"
            f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} [{word}] {rng.randint(1, 99999)}#{rng.randint(0, 9)}: "
            + (f"*{rng.randint(1, 10**6)} " if rng.random() < 0.5 else "") + message)


def apache(rng: random.Random, level: str, message: str) -> str:
    word = {"DEBUG": "debug", "INFO": "notice", "WARNING": "warn", "ERROR": "error",
            "CRITICAL": rng.choice(["crit", "alert", "emerg"])}[level]
    t = (f"{rng.choice(DAYS)} {rng.choice(MONTHS)} {rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:"
         f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999999):06d} {rng.randint(2000, 2030)}")
    return f"[{t}] [{_word(rng)}:{word}] [pid {rng.randint(1, 99999)}:tid {rng.randint(1, 2**40)}] {message}"


def postgres(rng: random.Random, level: str, message: str) -> str:
    word = {"DEBUG": "DEBUG1", "INFO": "LOG", "WARNING": "WARNING", "ERROR": "ERROR",
            "CRITICAL": rng.choice(["FATAL", "PANIC"])}[level]
    pid = rng.randint(1, 99999)
    prefix = rng.choice([f"{_iso(rng)[:19].replace('T', ' ')}.{rng.randint(0, 999):03d} UTC [{pid}] ", f"[{pid}] "])
    return f"{prefix}{word}:  {message}"


FAMILIES = {"syslog": syslog, "rfc5424": rfc5424, "klog": klog, "journald_klog": journald_klog,
            "nginx": nginx, "apache": apache, "postgres": postgres}


def _value(rng: random.Random) -> str:
    return rng.choice([
        str(rng.randint(1, 10**6)), f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        f"{rng.getrandbits(32):08x}", f"/var/lib/{_word(rng)}/{rng.randint(1, 999)}.db",
        f"{_word(rng)}-{rng.randint(100, 999)}"])


def templates(rng: random.Random, n: int) -> list[list[str]]:
    """`n` message templates: word lists with `{}` where a value goes; no two share their words."""
    out: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()
    while len(out) < n:
        words = [_word(rng) for _ in range(rng.randint(3, 7))]
        for _ in range(rng.randint(1, 2)):
            words.insert(rng.randint(1, len(words)), "{}")
        key = tuple(w for w in words if w != "{}")
        if key not in seen:
            seen.add(key)
            out.append(words)
    return out


def message(rng: random.Random, template: list[str]) -> str:
    return " ".join(_value(rng) if w == "{}" else w for w in template)
