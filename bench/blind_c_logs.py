"""Labeled logs of 8 C/system programs, generated from their own message catalogs (blind C benchmark).

Written by a writer who never read the grouping; the grouping's author must NOT read or run this module or
bench/grouping_heldout_c.py. The true template of every line is its format string (bench/blind_c_catalog.py),
so the labels are known by construction.

One system log, per seed: 40-120 of the program's log-like format strings (the number drawn too), of which
at most 30% print no conversion (real logs hold constant messages: Loghub Linux 51/118, Hadoop 24/114).
Templates come in families as they do in a program: with probability 0.35 a chosen template brings 1-2 of
its ONE-TOKEN twins from the catalog (same words but one: the near misses that must stay apart,
bench/GROUPING_CLASSES.md T1-T3), and a chosen `ngettext` form brings its other form with probability 0.6
(T4). Frequencies are Zipf-like (weight 1/rank^1.1, rank order shuffled, bench/heldout_logs.py's picker).
Each conversion gets a value source of its kind (bench/blind_c_values.py) and a pool drawn per slot: 1,
2-5, 6-40 values (Zipf weights) or a fresh value every line; 75% of slots keep the shape of their first
value (bench/heldout_values.py's `shape_of`), the rest mix shapes. The singular of a plural pair always
prints 1 in its first integer conversion, the plural form never does (English `n == 1`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from functools import cache, partial
from random import Random

import blind_c_values as values
from blind_c_catalog import Conv, Template, templates
from blind_c_systems import SYSTEMS, content, level_for
from heldout_logs import _zipf_pick
from heldout_values import shape_of

MIN_TEMPLATES, MAX_TEMPLATES = 40, 120
CONSTANT_SHARE = 0.30
TWIN_P, PLURAL_P = 0.35, 0.6
MIXED = 0.25
HOSTS = ("db-1", "kdc2", "build-7", "nas2", "ws-114", "git01", "mirror-3", "app-12")


@cache
def system_templates(name: str) -> tuple[Template, ...]:
    """The templates of system `name` whose lines cut back to the message with the system's regex."""
    system = SYSTEMS[name]
    r = Random(0)
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    kept = []
    for t in templates(system.domains):
        message = t.text.replace("<*>", "x")
        ok = all(content(name, system.header(t0, lv, system.programs[0], 4242, "h", message, r)) == message
                 for lv, _ in system.levels)
        if ok:
            kept.append(t)
    return tuple(kept)


def _tokens(t: Template) -> tuple[str, ...]:
    return tuple(t.text.split())


@cache
def _twin_index(name: str) -> dict[tuple[str, ...], list[int]]:
    return twin_index(system_templates(name))


def twin_index(pool: tuple[Template, ...]) -> dict[tuple[str, ...], list[int]]:
    """Templates by their text with one token blanked: two templates sharing a key are one-token twins."""
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, t in enumerate(pool):
        toks = _tokens(t)
        for j in range(len(toks)):
            if "<*>" not in toks[j]:
                index[toks[:j] + ("\0",) + toks[j + 1:]].append(i)
    return index


def choose(name: str, r: Random) -> list[Template]:
    """The templates of one system log (module docstring): a sample with its twin and plural families."""
    return choose_from(system_templates(name), _twin_index(name), r)


def choose_from(pool: tuple[Template, ...], index: dict[tuple[str, ...], list[int]], r: Random,
                low: int = MIN_TEMPLATES, high: int = MAX_TEMPLATES) -> list[Template]:
    """`choose` on any template pool (also the blind ELF benchmark's, bench/blind_elf_logs.py)."""
    by_msgid: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(pool):
        by_msgid[t.msgid].append(i)
    want = r.randint(low, high)
    chosen: dict[int, None] = {}
    constants = 0
    order = list(range(len(pool)))
    r.shuffle(order)
    for i in order:
        if len(chosen) >= want:
            break
        if i in chosen:
            continue
        if not pool[i].convs:
            if constants >= CONSTANT_SHARE * want:
                continue
            constants += 1
        chosen[i] = None
        family: list[int] = []
        if pool[i].plural and r.random() < PLURAL_P:
            family += by_msgid[pool[i].msgid]
        if r.random() < TWIN_P:
            toks = _tokens(pool[i])
            twins = sorted({k for j in range(len(toks)) for k in index.get(toks[:j] + ("\0",) + toks[j + 1:], ())})
            family += r.sample(twins, min(len(twins), r.randint(1, 2)))
        for k in family:
            chosen.setdefault(k, None)
    return [pool[i] for i in chosen]


Source = Callable[[], str]
Draw = Callable[[Conv, Random], str]


def slot_source(c: Conv, r: Random, singular: bool, draw: Draw = values.draw) -> Source:
    """The values one conversion of one template prints in this log (pool size, shape stability); `draw` prints
    one value of a conversion (bench/blind_c_values.py here, bench/blind_elf_values.py for the ELF bench)."""
    if singular:
        one = f"%{c.flags.replace(chr(39), '')}{'' if c.width in (None, '*') else c.width}d" % 1
        return lambda: one
    first = draw(c, r)
    if r.random() < MIXED:
        source: Source = lambda: draw(c, r)  # noqa: E731
    else:
        shape = shape_of(first)

        def source() -> str:
            for _ in range(50):
                v = draw(c, r)
                if shape_of(v) == shape:
                    return v
            return first

    size = r.choice((1, r.randint(2, 5), r.randint(6, 40), 0))
    if not size:
        return source
    pool = [first] + [source() for _ in range(size - 1)]
    pick = _zipf_pick(r, size)
    return lambda: pool[pick()]


def _plural_count(c: Conv, r: Random) -> str:
    """The count of a plural form: never 1 (English picks the singular for n == 1)."""
    while True:
        v = values.draw(c, r)
        if v.strip() != "1":
            return v


def plural_count_arg(t: Template) -> int | None:
    """The argument that is `ngettext`'s n: the conversion nearest before the first word on which the singular
    and the plural differ (`%d file` / `%d files`); None when the form prints no conversion before it."""
    forms = t.msgid.split("\x00")
    if len(forms) < 2:
        return None
    one, other = forms[0].split(), forms[1].split()
    diff = next((i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), min(len(one), len(other)))
    best = None
    prefix = ""
    for p in t.parts:
        if isinstance(p, str):
            prefix += p
            continue
        at = len(prefix.split()) - (0 if prefix == "" or prefix[-1].isspace() else 1)
        if at <= diff:
            best = p.arg
        prefix += "X"
    return best


class Filler:
    """Prints messages of one template: one value source per argument (a `%1$s` used twice prints one value)."""

    def __init__(self, t: Template, r: Random, draw: Draw = values.draw) -> None:
        self.t = t
        self.sources: dict[int, Source] = {}
        count_arg = plural_count_arg(t) if t.plural else None
        for c in t.convs:
            if c.arg in self.sources:
                continue
            if c.arg == count_arg and t.plural == "one":
                self.sources[c.arg] = slot_source(c, r, singular=True)
            elif c.arg == count_arg:
                self.sources[c.arg] = partial(_plural_count, c, r)
            else:
                self.sources[c.arg] = slot_source(c, r, singular=False, draw=draw)

    def message(self) -> str:
        printed: dict[int, str] = {}
        out = []
        for p in self.t.parts:
            if isinstance(p, str):
                out.append(p)
            else:
                if p.arg not in printed:
                    printed[p.arg] = self.sources[p.arg]()
                out.append(printed[p.arg])
        return "".join(out)


def generate(name: str, seed: int, n: int = 2000) -> tuple[list[str], list[str]]:
    """`n` log lines of system `name` and each line's true template text, deterministic by `seed`."""
    if name not in SYSTEMS:
        raise ValueError(f"unknown system {name!r}; known: {', '.join(SYSTEMS)}")
    system = SYSTEMS[name]
    r = Random(f"blind-c:{name}:{seed}")
    chosen = choose(name, r)
    if not chosen:
        raise RuntimeError(f"{name}: no templates (gettext catalogs {system.domains} not installed here)")
    r.shuffle(chosen)
    pick = _zipf_pick(r, len(chosen))
    fillers: dict[int, Filler] = {}
    meta = [(level_for(name, t.text, r), r.choice(system.programs)) for t in chosen]
    host = r.choice(HOSTS)
    pids = [r.randint(300, 4_000_000) for _ in range(r.randint(1, 12))]
    t = dt.datetime(2026, 11, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=r.randint(0, 86400 * 20))
    lines: list[str] = []
    truth: list[str] = []
    for _ in range(n):
        i = pick()
        if i not in fillers:
            fillers[i] = Filler(chosen[i], r)
        t += dt.timedelta(milliseconds=r.expovariate(1 / 700))
        level, prog = meta[i]
        line = system.header(t, level, prog, r.choice(pids), host, fillers[i].message(), r)
        lines.append(line)
        truth.append(chosen[i].text)
    return lines, truth
