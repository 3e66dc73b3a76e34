"""JVM and V8 stack-trace lines fed one by one (as a line-oriented reader and the grouping benches see them).

Class, from the printers' source (sidecar.errors.frame_lines.py cites each): a frame line is
`\\tat [loader/][module[@version]/]Class.method(location)` with an optional packaging suffix (logback/log4j2
`%xEx`); runtime-generated classes carry counters and addresses. One group per CALL SITE (class + method):
the location, the suffix, the prefix and the generated counters vary within it. Near-miss twins that must
stay apart: the same method in another class, another method of the same class, a compiler-named lambda or
anonymous class of another number, and a `Caused by:` / `Suppressed:` / `Exception in thread` line naming
another exception type with the same message (exception_texts.exception_types). Lines of all sites are
shuffled together; 3 seeds. V8 (Node): `    at [async ][new ]Type.fn [as m] (location)` and `    at file:line:col`,
one group per function (per file for an unnamed one), whatever the location. JUL SimpleFormatter's first line
(`Dec 07, 2026 2:15:03 AM org.x.Cls method`): one group per source (class + method, or the logger alone).
"""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from sidecar.errors.cli_fingerprint import split_line
from sidecar.errors.frame_lines import frame_form
from sidecar.errors.grouper import MessageGrouper

_WORDS = ("order", "billing", "cache", "session", "ledger", "invoice", "gateway", "queue", "token", "payment")
_VERBS = ("place", "cancel", "run", "invoke", "doFilter", "service", "handle", "apply", "get", "lambda$run$0",
          "<init>", "invoke0", "call", "accept")
_JARS = ("spring-webmvc", "tomcat-embed-core", "HikariCP", "jackson-databind", "netty-handler")


def _cls(rng: random.Random) -> str:
    pkg = ".".join(rng.sample(_WORDS, rng.randint(1, 3)))
    name = rng.choice(_WORDS).capitalize() + rng.choice(("Service", "Impl", "Handler", "Filter", "Repository"))
    return f"{rng.choice(('com', 'org', 'io'))}.{pkg}.{name}"


_GENERATED = ("lambda17", "lambda21", "lambda8", "proxy", "accessor", "cglib", "hibernate", "javassist", "jvst")


def _generated(rng: random.Random, base: str) -> tuple[str, str]:
    """(class as printed with a fresh counter/address, the class's kind) for a generated class of `base`."""
    kind = rng.choice(_GENERATED)
    n = rng.randint(1, 9999)
    printed = {
        "lambda17": f"{base}$$Lambda${n}/0x{rng.getrandbits(40):016x}",
        "lambda21": f"{base}$$Lambda/0x{rng.getrandbits(40):016x}",
        "lambda8": f"{base}$$Lambda${n}/{rng.randint(10**6, 10**9)}",
        "proxy": f"jdk.proxy{rng.randint(1, 9)}/jdk.proxy{rng.randint(1, 9)}.$Proxy{n}",
        "accessor": f"jdk.internal.reflect.GeneratedMethodAccessor{n}",
        "cglib": f"{base}$$EnhancerBySpringCGLIB$${rng.getrandbits(32):08x}",
        "hibernate": f"{base}$HibernateProxy${''.join(rng.choices('abcdefghXYZ0123456789', k=8))}",
        "javassist": f"{base}_$$_javassist_{n}",  # javassist ProxyFactory before 3.18
        "jvst": f"{base}_$$_jvst{rng.getrandbits(12):x}_{n:x}",  # since 3.18: hashCode & 0xFFF, counter in hex
    }[kind]
    return printed, kind


def _location(rng: random.Random, cls: str) -> str:
    file = cls.rpartition(".")[2].split("$")[0] + rng.choice((".java", ".kt"))
    return rng.choice((f"{file}:{rng.randint(1, 2000)}", file, "Unknown Source", "Native Method",
                       f"Unknown Source:{rng.randint(1, 99)}", "<generated>"))


def _prefix(rng: random.Random) -> str:
    v = f"{rng.randint(11, 25)}.0.{rng.randint(1, 9)}"
    return rng.choice(("", "", "java.base/", f"java.base@{v}/", "app//", f"com.x.loader/app@{v}/"))


def _suffix(rng: random.Random) -> str:
    jar = f"{rng.choice(_JARS)}-{rng.randint(1, 6)}.{rng.randint(0, 9)}.{rng.randint(0, 30)}"
    return rng.choice(("", "", f" ~[{jar}.jar:{jar.rpartition('-')[2]}]", f" [{jar}.jar!/:{rng.randint(1, 9)}.0]",
                       " ~[?:?]", f" [?:1.8.0_{rng.randint(100, 400)}]", " ~[na:na]"))


def _frame(rng: random.Random, site: tuple[str, str, str | None]) -> str:
    cls, method, gen = site
    printed = cls
    if gen is not None:  # a fresh counter/address for every line of this generated-class site
        while True:
            printed, kind = _generated(rng, cls)
            if kind == gen:
                break
    indent = rng.choice(("\t", "\t", "    ", "\t\t"))
    return f"{indent}at {_prefix(rng) if gen is None else ''}{printed}.{method}({_location(rng, cls)}){_suffix(rng)}"


def _sites(rng: random.Random) -> list[tuple[str, str, str | None]]:
    sites: set[tuple[str, str, str | None]] = set()
    while len(sites) < 8:
        cls, method = _cls(rng), rng.choice(_VERBS)
        sites.add((cls, method, None))
        sites.add((cls, rng.choice([v for v in _VERBS if v != method]), None))  # twin: another method
        sites.add((_cls(rng), method, None))  # twin: the same method in another class
    sites.add((f"{_cls(rng)}$1", "call", None))
    sites.add((f"{_cls(rng)}$2", "call", None))  # anonymous classes: compiler-named, two classes
    for gen in _GENERATED:
        sites.add((_cls(rng) if gen not in ("proxy", "accessor") else "", "invoke" if gen == "accessor" else "apply", gen))
    return sorted(sites, key=str)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_group_per_call_site_whatever_location_suffix_prefix_or_counter(seed: int) -> None:
    rng = random.Random(f"jvm-frames-{seed}")
    sites = _sites(rng)
    lines = [(site, _frame(rng, site)) for site in sites for _ in range(rng.randint(3, 6))]
    lines += [(("more",), f"\t... {rng.randint(1, 300)} more") for _ in range(4)]
    lines += [(("omitted",), f"\t... {rng.randint(1, 300)} common frames omitted") for _ in range(4)]
    rng.shuffle(lines)
    grouper = MessageGrouper()
    by_site: dict[object, set[str]] = defaultdict(set)
    for site, line in lines:
        by_site[site].add(grouper.fingerprint(*split_line(line)))
    split = {str(s): len(f) for s, f in by_site.items() if len(f) != 1}
    assert not split, split
    groups = [next(iter(f)) for f in by_site.values()]
    assert len(set(groups)) == len(groups), "two call sites share a group"


def _v8_location(rng: random.Random, file: str) -> str:
    return rng.choice((f"{file}:{rng.randint(1, 900)}:{rng.randint(1, 80)}", "native", "<anonymous>",
                       f"index {rng.randint(0, 9)}", f"eval at run ({file}:{rng.randint(1, 99)}:3), <anonymous>:1:1"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_v8_one_group_per_function(seed: int) -> None:
    rng = random.Random(f"v8-frames-{seed}")
    files = [f"/srv/{rng.choice(_WORDS)}/src/{w}.js" for w in rng.sample(_WORDS, 4)] + ["node:internal/process/task_queues"]
    names = set()
    while len(names) < 10:
        typ = rng.choice(_WORDS).capitalize() + rng.choice(("Service", "Router", ""))
        fn = rng.choice(_VERBS[:9])
        names.add(rng.choice(("", "", "async ", "new ")) + (f"{typ}.{fn}" if typ else fn)
                  + rng.choice(("", "", f" [as {rng.choice(_VERBS[:9])}]")))
        names.add(f"{typ or 'Object'}.{rng.choice([v for v in _VERBS[:9] if v != fn])}")  # twin: another method
    lines = [((n,), f"    at {n} ({_v8_location(rng, rng.choice(files))})") for n in sorted(names) for _ in range(4)]
    lines += [(("anon", f), f"    at {f}:{rng.randint(1, 900)}:{rng.randint(1, 80)}") for f in files[:3] for _ in range(3)]
    lines += [(("module", f), f"    at Object.<anonymous> ({f}:{rng.randint(1, 900)}:{rng.randint(1, 80)})")
              for f in files[:3] for _ in range(3)]
    # per-build and per-run parts of a file (frame_lines: bundlers' content hashes, temporary and release
    # directories): every deploy's copy is one call site; two files stay two
    builds = rng.sample(_WORDS, 3)
    for b, (make, anon) in enumerate(((lambda w: f"/tmp/jest-{rng.randint(100, 99999)}/src/{w}.test.js", False),
                                      (lambda w: f"https://cdn.{w}.io/static/js/{w}.{rng.getrandbits(32):08x}.js", True),
                                      (lambda w: f"/srv/releases/2026{rng.randint(10**9, 10**10 - 1)}/dist/"
                                                 f"{w}-{rng.getrandbits(64):016x}.js", True))):
        for w in (builds[b], builds[(b + 1) % 3]):
            for _ in range(3):
                at = f"{make(w)}:{rng.randint(1, 900)}:{rng.randint(1, 80)}"
                lines.append((("build", b, w), f"    at {at}" if anon else f"    at Object.<anonymous> ({at})"))
    rng.shuffle(lines)
    grouper = MessageGrouper()
    by_site: dict[object, set[str]] = defaultdict(set)
    for site, line in lines:
        by_site[site].add(grouper.fingerprint(*split_line(line)))
    assert all(len(f) == 1 for f in by_site.values()), {str(k): len(f) for k, f in by_site.items() if len(f) > 1}
    groups = [next(iter(f)) for f in by_site.values()]
    assert len(set(groups)) == len(groups), "two functions share a group"


_AMPM_SEPS = (" ", "\u202f")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _jul_date(rng: random.Random) -> str:
    """SimpleFormatter's `%1$tb %1$td, %1$tY %1$tl:%1$tM:%1$tS %1$Tp` (JDK 20+: U+202F before AM/PM)."""
    return (f"{rng.choice(_MONTHS)} {rng.randint(1, 28):02d}, {rng.randint(2019, 2027)} {rng.randint(1, 12)}:"
            f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}{rng.choice(_AMPM_SEPS)}{rng.choice(('AM', 'PM'))}")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_jul_source_line_one_group_per_call_site(seed: int) -> None:
    rng = random.Random(f"jul-source-{seed}")
    sources: set[str] = set()
    while len(sources) < 12:
        cls, method = _cls(rng), rng.choice(_VERBS)
        sources.add(f"{cls} {method}")
        sources.add(f"{cls} {rng.choice([v for v in _VERBS if v != method])}")  # twin: another method
        sources.add(f"{_cls(rng)} {method}")  # twin: the same method in another class
        sources.add(cls)  # no caller known: the logger name alone
    lines = [((src,), f"{_jul_date(rng)} {src}") for src in sorted(sources) for _ in range(3)]
    rng.shuffle(lines)
    grouper = MessageGrouper()
    by_site: dict[object, set[str]] = defaultdict(set)
    for site, line in lines:
        by_site[site].add(grouper.fingerprint(*split_line(line)))
    assert all(len(f) == 1 for f in by_site.values()), {str(k): len(f) for k, f in by_site.items() if len(f) > 1}
    groups = [next(iter(f)) for f in by_site.values()]
    assert len(set(groups)) == len(groups), "two sources share a group"


@pytest.mark.parametrize("line", [
    "at the gateway: upstream closed",  # prose that starts with `at`
    "at 10.0.0.1(eth0)",
    "Error at com.example.Foo.run(Foo.java:12)",  # a message that quotes a frame is not a frame line
    "\tat Foo.bar(x) extra words",
    "Dec 07, 2026 2:15:03 AM the gateway restarted twice",  # a JUL-like date before prose
])
def test_not_a_frame_line(line: str) -> None:
    assert frame_form(line) is None
