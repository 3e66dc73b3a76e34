"""Labeled logs of 8 "systems" generated from installed packages' own log statements (held-out grouping bench).

Written by a writer who never read the grouping code; the grouping's author must NOT read or run this module
or bench/grouping_heldout.py (it would stop being held out). Each system is one top-level package's call
sites (bench/heldout_templates.py), so the true template of every line is known by construction:

    aiohttp      network / HTTP client+server     psycopg     database (PostgreSQL driver)
    websockets   protocol                         redis       database (key-value client)
    uvicorn      web server (ASGI)                pip         packaging
    setuptools   packaging / build                asyncio     scheduling (event loop, tasks)

A system log takes up to 120 of its package's templates (chosen by the seed), gives them Zipf-like
frequencies (weight 1/rank^1.1, rank order shuffled), and fills each slot from a per-slot pool whose size is
drawn too (1, 2-5, 6-40 values with Zipf weights, or a fresh value every line), as real logs repeat a few
hosts and users and never repeat request ids. Each system has its own header shape (timestamp, level,
logger/component), and a regex that gives the message back (Loghub's log_format, in effect).
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from random import Random

from heldout_templates import Template, package_templates
from heldout_values import slot_source

MAX_TEMPLATES = 120
ZIPF_S = 1.1
LETTER = {"DEBUG": "D", "INFO": "I", "WARNING": "W", "ERROR": "E", "CRITICAL": "F"}
SYSLOG = {"DEBUG": "debug", "INFO": "info", "WARNING": "warning", "ERROR": "err", "CRITICAL": "crit"}
REDIS = {"DEBUG": ".", "INFO": "-", "WARNING": "*", "ERROR": "#", "CRITICAL": "#"}

# a slot's value source: a Zipf pick from its pool of values, or a fresh value every line
Pool = Callable[[], str]
Header = Callable[[dt.datetime, str, str, int, str], str]  # (time, level, logger, pid, message) -> line


@dataclass(frozen=True)
class System:
    package: str
    kind: str
    header: Header
    pattern: re.Pattern[str]  # names the message `content`


def _ms(t: dt.datetime) -> str:
    return f"{t.microsecond // 1000:03d}"


SYSTEMS: dict[str, System] = {
    "aiohttp": System("aiohttp", "network/HTTP",
                      lambda t, lv, lg, pid, m: f"{t:%Y-%m-%d %H:%M:%S},{_ms(t)} {lv} {lg}: {m}",
                      re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ \S+: (?P<content>.*)")),
    "websockets": System("websockets", "protocol",
                         lambda t, lv, lg, pid, m: f"[{t:%Y-%m-%d %H:%M:%S %z}] [{pid}] [{lv}] {lg}: {m}",
                         re.compile(r"\[[^\]]+\] \[\d+\] \[[A-Z]+\] \S+: (?P<content>.*)")),
    "psycopg": System("psycopg", "database",
                      lambda t, lv, lg, pid, m: f"{t.isoformat()} [{lg}] {lv}: {m}",
                      re.compile(r"\S+ \[\S+\] [A-Z]+: (?P<content>.*)")),
    "redis": System("redis", "database (key-value)",
                    lambda t, lv, lg, pid, m: f"{pid}:C {t:%d %b %Y %H:%M:%S}.{_ms(t)} {REDIS[lv]} {lg} {m}",
                    re.compile(r"\d+:C \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} [.\-*#] \S+ (?P<content>.*)")),
    "uvicorn": System("uvicorn", "web server",
                      lambda t, lv, lg, pid, m: f"{t:%Y-%m-%d %H:%M:%S}.{_ms(t)} | {lv:<8} | {lg} - {m}",
                      re.compile(r"\S+ \S+ \| [A-Z]+ *\| \S+ - (?P<content>.*)")),
    "pip": System("pip", "packaging",
                  lambda t, lv, lg, pid, m: f"{t:%Y-%m-%dT%H:%M:%S},{_ms(t)} {lv} {lg} {m}",
                  re.compile(r"\S+ [A-Z]+ \S+ (?P<content>.*)")),
    "setuptools": System("setuptools", "packaging/build",
                         lambda t, lv, lg, pid, m: f"{t:%b} {t.day:>2} {t:%H:%M:%S} build-7 setuptools[{pid}]: "
                                                   f"<{SYSLOG[lv]}> {lg}: {m}",
                         re.compile(r"\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ \w+\[\d+\]: <\w+> \S+: (?P<content>.*)")),
    "asyncio": System("asyncio", "scheduling (event loop)",
                      lambda t, lv, lg, pid, m: f"{LETTER[lv]}{t:%m%d %H:%M:%S}.{t.microsecond:06d} {pid:>6} "
                                                f"{lg.rsplit('.', 1)[-1]}.py:{zlib.crc32(lg.encode()) % 900 + 10}] {m}",
                      re.compile(r"[DIWEF]\d{4} \S+ +\d+ \S+:\d+\] (?P<content>.*)")),
}


@cache
def system_templates(name: str) -> tuple[Template, ...]:
    return tuple(package_templates(SYSTEMS[name].package))


def _zipf_pick(r: Random, n: int) -> Callable[[], int]:
    order = list(range(n))
    r.shuffle(order)
    weights = [0.0] * n
    for rank, i in enumerate(order, 1):
        weights[i] = 1 / rank**ZIPF_S
    cum: list[float] = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    return lambda: min(n - 1, _bisect(cum, r.random() * total))


def _bisect(cum: list[float], x: float) -> int:
    lo, hi = 0, len(cum)
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _message(t: Template, pools: dict[tuple[int, int], Pool],
             ti: int, r: Random) -> str:
    out: list[str] = []
    si = 0
    for p in t.parts:
        if isinstance(p, str):
            out.append(p)
            continue
        key = (ti, si)
        si += 1
        if key not in pools:
            size = r.choice((1, r.randint(2, 5), r.randint(6, 40), 0))
            source = slot_source(p, r)
            if size:
                values, pick = [source() for _ in range(size)], _zipf_pick(r, size)
                source = lambda values=values, pick=pick: values[pick()]  # noqa: E731
            pools[key] = source
        out.append(pools[key]())
    return "".join(out)


def generate(name: str, seed: int, n: int = 2000, raises: bool = True) -> tuple[list[str], list[str]]:
    """`n` log lines of system `name` and each line's true template text, deterministic by `seed`.

    `raises=False` leaves out the templates of raised messages (logger calls and warnings only).
    """
    if name not in SYSTEMS:
        raise ValueError(f"unknown system {name!r}; known: {', '.join(SYSTEMS)}")
    system = SYSTEMS[name]
    r = Random(f"heldout:{name}:{seed}")
    everything = [t for t in system_templates(name) if raises or t.via != "raise"]
    chosen = r.sample(everything, min(MAX_TEMPLATES, len(everything)))
    pick = _zipf_pick(r, len(chosen))
    pools: dict[tuple[int, int], Pool] = {}
    t = dt.datetime(2026, 11, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=r.randint(0, 86400 * 20))
    lines: list[str] = []
    truth: list[str] = []
    for _ in range(n):
        ti = pick()
        tpl = chosen[ti]
        t += dt.timedelta(milliseconds=r.expovariate(1 / 400))
        pid = 1000 + r.randint(0, 3)
        lines.append(system.header(t, tpl.level, tpl.logger, pid, _message(tpl, pools, ti, r)))
        truth.append(tpl.text)
    return lines, truth


def content(name: str, line: str) -> str:
    """The message of a generated line (the part a grouper is fed, as Loghub's Content column)."""
    m = SYSTEMS[name].pattern.fullmatch(line)
    if m is None:
        raise ValueError(f"line does not have {name}'s header shape: {line[:120]!r}")
    return m.group("content")


def template_regex(template_text: str) -> re.Pattern[str]:
    """A message matches its true template when the literal text is in place and every `<*>` spans >= 1 char."""
    return re.compile("(?s)" + ".+?".join(re.escape(piece) for piece in template_text.split("<*>")))
