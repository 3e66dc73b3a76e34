"""Labeled logs of 8 non-Python, non-C programs, generated from their real log statements (blind language benchmark).

Written by a writer who never read the grouping; the grouping's author must NOT read or run this module or
bench/grouping_heldout_lang.py. The statements come from the installed programs (bench/blind_lang_go.py,
bench/blind_lang_jvm.py, bench/blind_lang_scripts.py; per system in bench/blind_lang_systems.py); the true
template of a line is the statement that printed it, so labels are known by construction:
  - a format string / slf4j pattern / template literal / Perl string: its text with `<*>` per slot;
  - a go-kit call: the `msg` constant AND its key names, written as the content the system's cut leaves (the
    key set of a call is fixed per statement, drawn once from the statement's text: a program does not change
    its keys between runs); the values are slots;
  - a Perl die/warn: the text plus perl's ` at FILE line N.` (constant: the statement's real file and line),
    Carp's caller location and the `<$fh> line M` counter as slots;
  - Java stack traces after a logged Throwable (20-35% of WARN/ERROR statements, half of their lines): the
    exception line is `Cls: <recipe>` (a `"..." + x` recipe of the same jars, class fixed per recipe), each frame
    line one of `StackTraceElement.toString`'s branches (file:line, module prefix, Native Method, Unknown
    Source), `Caused by: ...` and `\\t... N more` their own templates (GROUPING_CLASSES2.md T14).
Sampling is the blind C benchmark's (bench/blind_c_logs.py `choose_from`, `slot_source`, by import): per seed
30-100 statements with one-token twin families, Zipf frequencies, per-slot pools of 1, 2-5, 6-40 values or fresh.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from random import Random

import blind_lang_go as go
import blind_lang_jvm as jvm
import blind_lang_scripts as scripts
import blind_lang_values as values
from blind_c_catalog import Conv, Template
from blind_c_logs import choose_from, slot_source, twin_index
from blind_lang_systems import SYSTEMS, go_json, header, logfmt
from heldout_logs import _zipf_pick

MIN_TEMPLATES, MAX_TEMPLATES = 30, 100
PROM, AM = "/usr/bin/prometheus", "/usr/bin/prometheus-alertmanager"
GOKIT_KEYS = ("err", "duration", "mint", "maxt", "ulid", "file", "segment", "count", "labels", "addr", "url",
              "version", "receiver", "integration", "num", "samples", "peers", "dir", "time", "aggrGroup", "alerts")
NUMERIC = ("gint", "unixms")
GO_FILES = ("main.go", "db.go", "head.go", "compact.go", "manager.go", "scrape.go", "wal.go", "notifier.go",
            "dispatch.go", "cluster.go", "delegate.go", "silence.go", "nflog.go", "api.go", "reflector.go",
            "endpoints.go", "pod.go", "klog.go", "tls_config.go", "kubernetes.go", "retry.go")
COMPONENTS = ("tsdb", "web", "notifier", "scrape manager", "discovery manager scrape", "rule manager",
              "remote", "dispatcher", "cluster", "silences", "nflog", "configuration")
PROGS = ("backup", "cpan", "dh_perl", "mirror-sync", "lintian", "update-info", "logrotate-hook")
HOSTS = ("node-3", "web-12", "build-7", "db-1", "k8s-worker-2", "mon-1")
JDK_FRAMES = (("java.lang.Thread", "run", "Thread.java"), ("java.util.concurrent.ThreadPoolExecutor", "runWorker",
              "ThreadPoolExecutor.java"), ("java.util.concurrent.ThreadPoolExecutor$Worker", "run", "ThreadPoolExecutor.java"),
              ("java.util.concurrent.FutureTask", "run", "FutureTask.java"), ("sun.nio.ch.Net", "connect0", None),
              ("java.net.Socket", "connect", "Socket.java"), ("java.io.FileInputStream", "open0", None))
JAVA_GROUPS = {"jetty": ("org/eclipse/jetty",), "java-app": ("com/zaxxer", "io/netty", "org/apache/httpcomponents",
                                                              "org/apache/velocity", "org/apache/curator")}
RECIPE_GROUPS = {"jetty": ("org/eclipse/jetty",), "java-app": ("com/h2database", "com/zaxxer", "com/diffplug")}


@dataclass
class Meta:
    """What is fixed per call site in one log: level, location, logger/component, thread pool."""

    level: str
    site: str = ""
    logger: str = ""
    threads: list[str] = field(default_factory=list)
    throws: float = 0.0


# ---------------------------------------------------------------- statement pools (cached per system)

def _kv_template(msg: str, binary: str) -> Template:
    """A go-kit call: `msg` and 0-4 keys, drawn from the message text (module docstring)."""
    r = Random(f"keys:{msg}")
    keys: list[str] = []
    if re.search(r"(?i)fail|error|unable|cannot|could not|invalid|corrupt", msg):
        keys.append("err")
    for k in r.sample(GOKIT_KEYS[1:], r.choice((0, 0, 1, 1, 2, 3))):
        keys.append(k)
    parts: list[str | Conv] = [msg]
    for i, k in enumerate(keys):
        kind = values.kv_kind(k)
        parts.append(Conv(k, f"{kind}:{binary}" if kind == "gerr" else kind, i, "", None, None, before=k, after=""))
    return Template(tuple(parts), "gokit", msg)


def _go_format(fmt: str, binary: str) -> Template:
    def kind(verb: str, before: str, after: str) -> str:
        k = values.go_kind(verb, before, after)
        return f"{k}:{binary}" if k == "gerr" else k
    return go.parse_go(fmt, "go", kind)


@cache
def pool(name: str) -> tuple[Template, ...]:
    """The statements system `name` can print (bench/blind_lang_systems.py's table)."""
    if name in ("prometheus", "alertmanager"):
        binary = PROM if name == "prometheus" else AM
        _chains(binary)
        return tuple(_kv_template(m, binary) for m in go.messages(binary))
    if name == "k8s-sd":
        _chains(PROM)
        return tuple(_go_format(f, PROM) for f in go.formats(PROM) if not f.startswith("["))
    if name == "memberlist":
        _chains(AM)
        return tuple(_go_format(f, AM) for f in go.formats(AM) if f.startswith("[") or f[0].isupper())
    if name == "npm":
        return tuple(c.template for c in scripts.npm_calls())
    if name in JAVA_GROUPS:
        seen: dict[str, Template] = {}
        for c in jvm.classes(JAVA_GROUPS[name]):
            for p in c.patterns:
                seen.setdefault(p, jvm.parse_pattern(p, "{}", c.name, values.java_kind))
        return tuple(seen.values())
    if name == "perl":
        return tuple(_perl_template(s) for s in scripts.perl_statements())
    raise ValueError(f"unknown system {name!r}; known: {', '.join(SYSTEMS)}")


def _chains(binary: str) -> None:
    """The binary's own `...: %w` formats, the links of its error chains (bench/blind_lang_values.py)."""
    if binary not in values.CHAINS:
        values.CHAINS[binary] = tuple(f for f in go.formats(binary)
                                      if re.search(r": %[wvs]$", f) and f[0].islower() and f.count("%") <= 3)


def _perl_template(s: scripts.PerlStmt) -> Template:
    """The statement plus perl's location suffix (module docstring)."""
    parts = list(s.template.parts)
    if not s.located:
        return s.template
    r = Random(f"perl:{s.file}:{s.line}")
    if s.func in ("croak", "carp"):
        parts += [" at ", Conv("caller", "plcaller", 90, "", None, None, before=" at ", after=".")]
    else:
        parts.append(f" at {s.file} line {s.line}")
    if r.random() < 0.15:
        parts += [f", <{r.choice(('$fh', 'STDIN', 'FH', '$in'))}> line ",
                  Conv("$.", "plint", 91, "", None, None, before="line ", after=".")]
    parts.append(".")
    return Template(tuple(parts), "perl", s.template.msgid)


@cache
def _levels(name: str) -> dict[str, str]:
    return {c.template.msgid: c.level for c in scripts.npm_calls()} if name == "npm" else {}


@cache
def _recipes(name: str) -> tuple[tuple[str, Template], ...]:
    """Exception messages (concat recipes) of the system's jars, each with its exception class."""
    out = []
    for c in jvm.classes(RECIPE_GROUPS[name]):
        for rc in c.recipes:
            cls = Random(rc).choice(values.JAVA_EXC)
            out.append((cls, jvm.parse_pattern(rc, "\x01", c.name, values.java_kind)))
    return tuple(sorted(set(out), key=lambda x: x[1].msgid))


@cache
def _frames(name: str) -> tuple[tuple[str, str], ...]:
    return tuple((c.name, m) for c in jvm.classes(JAVA_GROUPS[name]) for m in c.methods if m != "<clinit>")


# ---------------------------------------------------------------- per-log metadata and rendering

def _meta(name: str, t: Template, r: Random) -> Meta:
    text = t.text.lower()
    bad = re.search(r"fail|error|unable|cannot|can't|could not|invalid|corrupt|refused|timeout", text)
    level = r.choice(("error", "warn")) if bad and r.random() < 0.8 else r.choice(("info", "info", "debug"))
    m = Meta(level, site=f"{r.choice(GO_FILES)}:{r.randint(40, 1400)}")
    if name in ("prometheus", "alertmanager") and r.random() < 0.7:
        m.logger = r.choice(COMPONENTS)
    if name == "npm":
        m.level = _levels(name).get(t.msgid, "verbose")
    if name in JAVA_GROUPS:
        m.logger = t.domain.split("$")[0]  # inner classes log through the outer class's static LOG
        kind = r.choice(("main", "pool", "pool", "sched"))
        if name == "jetty":
            qtp = r.randint(10**8, 2 * 10**9)
            m.threads = {"main": ["main"], "pool": [f"qtp{qtp}-{i}" for i in range(r.randint(12, 40), r.randint(41, 60))],
                         "sched": [f"Scheduler-{r.randint(10**8, 2 * 10**9)}-1"]}[kind]
        else:
            m.threads = {"main": ["main"], "pool": [f"nioEventLoopGroup-{r.randint(2, 4)}-{i}" for i in range(1, 9)]
                         + [f"pool-{r.randint(1, 5)}-thread-{i}" for i in range(1, 6)],
                         "sched": [f"HikariPool-{r.randint(1, 3)} housekeeper", f"HikariPool-{r.randint(1, 3)} connection adder"]}[kind]
        m.throws = r.choice((0.0, 0.0, 0.5)) if m.level in ("warn", "error") else 0.0
    if name == "perl":
        m.logger = r.choice(PROGS)
    return m


def _ts(t: dt.datetime, fmt: str) -> str:
    return t.strftime(fmt)


def _structured(name: str, t: Template, vals: list[str], m: Meta, t0: dt.datetime, layout: int) -> tuple[str, str]:
    """A go-kit line and its truth (the content with `<*>` per value)."""
    msg = t.parts[0]
    assert isinstance(msg, str)
    convs = t.convs
    if name == "prometheus":
        obj: dict[str, object] = {"caller": m.site, "level": m.level, "msg": msg,
                                  "ts": t0.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t0.microsecond // 1000:03d}Z"}
        if m.logger:
            obj["component"] = m.logger
        truth_obj: dict[str, object] = {"msg": msg}
        for c, v in zip(convs, vals, strict=True):
            numeric = c.conv in NUMERIC and v.lstrip("-").isdigit()
            # go-kit's JSONLogger: errors and Stringers as their text, numbers and slices as JSON values
            obj[c.spec] = int(v) if numeric else v[1:-1].split() if c.conv == "gslice" else v
            truth_obj[c.spec] = f"\x00{'n' if c.conv in NUMERIC + ('gslice',) else 's'}"
        truth = go_json(truth_obj).replace('"\\u0000n"', "<*>").replace('"\\u0000s"', '"<*>"')
        return go_json(obj), truth
    stamp = f"ts={t0.strftime('%Y-%m-%dT%H:%M:%S.')}{t0.microsecond // 1000:03d}Z caller={m.site} "
    # promlog wrote `level=` first in older releases (go-kit `level.Info` is a WithPrefix), after `caller=` later
    head = (f"level={m.level} {stamp}" if layout else f"{stamp}level={m.level} ") + \
        (f"component={logfmt(m.logger)} " if m.logger else "")
    body = f"msg={logfmt(msg)}" + "".join(f" {c.spec}={logfmt(v)}" for c, v in zip(convs, vals, strict=True))
    truth = f"msg={logfmt(msg)}" + "".join(f" {c.spec}=<*>" for c in convs)
    return head + body, truth


def _fill(t: Template, vals: list[str]) -> str:
    it = iter(vals)
    return "".join(p if isinstance(p, str) else next(it) for p in t.parts)


def _trace(name: str, r: Random) -> list[tuple[str, str]]:
    """A stack trace after a logged Throwable (module docstring), lines and their templates."""
    out: list[tuple[str, str]] = []
    frames = _frames(name)
    recipes = _recipes(name)
    for depth in range(1 + (r.random() < 0.35)):
        cls, rt = r.choice(recipes)
        vals = [values.draw(c, r) for c in rt.convs]
        prefix = "Caused by: " if depth else ""
        out.append((f"{prefix}{cls}: {_fill(rt, vals)}", f"{prefix}{cls}: {rt.text}"))
        for _ in range(r.randint(2, 14 if not depth else 6)):
            fcls, meth = r.choice(frames)
            file = fcls.rsplit(".", 1)[-1].split("$")[0] + ".java"
            out.append((f"\tat {fcls}.{meth}({file}:{r.randint(20, 2400)})", "\tat <*>.<*>(<*>.java:<*>)"))
        for jcls, meth, jfile in r.sample(JDK_FRAMES, r.randint(0, 3)):
            if jfile is None:
                out.append((f"\tat java.base/{jcls}.{meth}(Native Method)", "\tat java.base/<*>.<*>(Native Method)"))
            else:
                out.append((f"\tat java.base/{jcls}.{meth}({jfile}:{r.randint(100, 1300)})",
                            "\tat java.base/<*>.<*>(<*>.java:<*>)"))
        if depth:
            out.append((f"\t... {r.randint(3, 40)} more", "\t... <*> more"))
    return out


def _line(name: str, t: Template, vals: list[str], m: Meta, t0: dt.datetime, r: Random, counter: int,
          pid: int, host: str, layout: int) -> list[tuple[str, str]]:
    """The physical line(s) of one event and their true templates."""
    if name in ("prometheus", "alertmanager"):
        return [_structured(name, t, vals, m, t0, layout)]
    thread = r.choice(m.threads) if m.threads else ""
    out = [(header(name, layout, t0, m.level, m.site, m.logger, thread, pid, host, counter) + _fill(t, vals), t.text)]
    if m.throws and r.random() < m.throws:
        out += _trace(name, r)
    return out


Source = Callable[[], str]


def generate(name: str, seed: int, n: int = 2000) -> tuple[list[str], list[str]]:
    """`n` lines of system `name` and each line's true template, deterministic by `seed`."""
    if name not in SYSTEMS:
        raise ValueError(f"unknown system {name!r}; known: {', '.join(SYSTEMS)}")
    templates = pool(name)
    if not templates:
        raise RuntimeError(f"{name}: no statements found (its program is not installed here?)")
    r = Random(f"blind-lang:{name}:{seed}")
    chosen = choose_from(templates, _twins(name), r, MIN_TEMPLATES, MAX_TEMPLATES)
    r.shuffle(chosen)
    pick = _zipf_pick(r, len(chosen))
    metas = [_meta(name, t, r) for t in chosen]
    sources: dict[int, list[Source]] = {}
    pids = [r.randint(300, 4_000_000) for _ in range(r.randint(1, 6))]
    host = r.choice(HOSTS)
    t0 = dt.datetime(2026, 11, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=r.randint(0, 86400 * 20))
    layout = r.randrange(SYSTEMS[name].layouts)
    lines: list[str] = []
    truth: list[str] = []
    while len(lines) < n:
        i = pick()
        if i not in sources:
            sources[i] = [slot_source(c, r, singular=False, draw=values.draw) for c in chosen[i].convs]
        t0 += dt.timedelta(milliseconds=r.expovariate(1 / 900))
        for line, label in _line(name, chosen[i], [s() for s in sources[i]], metas[i], t0, r, len(lines),
                                 r.choice(pids), host, layout):
            lines.append(line)
            truth.append(label)
    return lines[:n], truth[:n]


@cache
def _twins(name: str) -> dict[tuple[str, ...], list[int]]:
    return twin_index(pool(name))
