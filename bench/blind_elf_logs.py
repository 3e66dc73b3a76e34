"""Labeled logs of 8 ELF programs, generated from the format strings in their binaries (blind ELF benchmark).

Written by a writer who never read the grouping; the grouping's author must NOT read or run this module or
bench/grouping_heldout_elf.py. The true template of every line is its format string (bench/blind_elf_strings.py),
so labels are known by construction. The sampling is the blind C benchmark's (bench/blind_c_logs.py, imported):
per seed 30-100 templates of the program, at most 30% without a conversion, one-token twin families with
probability 0.35, Zipf-like frequencies, per-slot value pools of 1, 2-5, 6-40 values or fresh every line, 75%
of slots keeping one shape. What differs: the values come from bench/blind_elf_values.py (the classes of
binaries), each template carries header fields fixed per call site (level, tags, call-site prefix,
bench/blind_elf_systems.py), systemd PID1's `log_unit_*` messages get a `%s: ` unit prefix (35% of templates),
and SQLite's go through Android's `(%d) %s` callback.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cache, partial
from random import Random

import blind_elf_values as values
from blind_c_catalog import Conv, Template, parse
from blind_c_logs import Filler, choose_from, twin_index
from blind_elf_strings import templates
from blind_elf_systems import SYSTEMS, content
from heldout_logs import _zipf_pick

MIN_TEMPLATES, MAX_TEMPLATES = 30, 100
HOSTS = ("node-3", "web-12", "build-7", "ws-114", "k8s-worker-2", "db-1", "edge-5", "laptop-ana")


@cache
def system_templates(name: str) -> tuple[Template, ...]:
    """The binary's templates whose lines cut back to the message with the system's cut."""
    system = SYSTEMS[name]
    r = Random(0)
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    header = system.header(r, t0)
    kept = []
    for t in templates(system.binaries, name):
        message = t.text.replace("<*>", "x")
        if all(content(name, header(t0, system.meta(r), system.programs[0], 4242, "h", message, r)) == message
               for _ in range(3)):
            kept.append(t)
    return tuple(kept)


def _decorate(name: str, t: Template, r: Random) -> Template:
    """A template as the program prints it: the system's fixed prefix, PID1's unit prefix (module docstring)."""
    system = SYSTEMS[name]
    fmt = t.msgid
    if system.unit_prefix and not fmt.startswith("%s") and r.random() < system.unit_prefix:
        fmt = "%s: " + fmt
    fmt = system.prefix + fmt
    decorated = parse(fmt, t.domain, fmt) if fmt != t.msgid else t
    return _context(t if decorated is None else decorated, system.size_pairs)


def _context(t: Template, size_pairs: bool) -> Template:
    """Each conversion's `after` as printed (`%%` resolved: `%d%%` is a percentage), and the `%lu%s` number +
    unit pairs marked in HotSpot (`SIZE_FORMAT "%s"`: bench/blind_elf_values.py UNIT_PAIR): what the value draw reads around a conversion."""
    parts = list(t.parts)
    for i, p in enumerate(parts):
        if not isinstance(p, Conv):
            continue
        nxt = parts[i + 1] if i + 1 < len(parts) else ""
        if size_pairs and isinstance(nxt, Conv) and p.spec in ("%lu", "%zu", "%ld") and nxt.spec == "%s":
            parts[i] = replace(p, after=values.UNIT_PAIR)
            parts[i + 1] = replace(nxt, before=values.UNIT_PAIR)
        elif isinstance(nxt, str) and nxt.startswith("%"):
            parts[i] = replace(p, after=nxt)
    return replace(t, parts=tuple(parts))


def generate(name: str, seed: int, n: int = 2000) -> tuple[list[str], list[str]]:
    """`n` lines of system `name` and each line's true template, deterministic by `seed`."""
    if name not in SYSTEMS:
        raise ValueError(f"unknown system {name!r}; known: {', '.join(SYSTEMS)}")
    system = SYSTEMS[name]
    pool = system_templates(name)
    if not pool:
        raise RuntimeError(f"{name}: no templates (binaries {system.binaries} missing here?)")
    r = Random(f"blind-elf:{name}:{seed}")
    chosen = [_decorate(name, t, r) for t in choose_from(pool, twin_index(pool), r, MIN_TEMPLATES, MAX_TEMPLATES)]
    r.shuffle(chosen)
    pick = _zipf_pick(r, len(chosen))
    draw = partial(values.draw, lead=system.lead)
    fillers: dict[int, Filler] = {}
    meta = [(system.meta(r), r.choice(system.programs)) for _ in chosen]
    host = r.choice(HOSTS)
    pids = [r.randint(300, 4_000_000) for _ in range(r.randint(1, 8))]
    t = dt.datetime(2026, 11, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=r.randint(0, 86400 * 20))
    header = system.header(r, t)
    lines: list[str] = []
    truth: list[str] = []
    for _ in range(n):
        i = pick()
        if i not in fillers:
            fillers[i] = Filler(chosen[i], r, draw=draw)
        t += dt.timedelta(milliseconds=r.expovariate(1 / 700))
        fields, prog = meta[i]
        lines.append(header(t, fields, prog, r.choice(pids), host, fillers[i].message(), r))
        truth.append(chosen[i].text)
    return lines, truth
