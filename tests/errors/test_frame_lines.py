"""JVM, V8 and CPython stack-trace lines fed one by one (as a line-oriented reader and the grouping benches see them).

Class, from the printers' source (sidecar.errors.frame_lines.py cites each): a frame line is
`\\tat [loader/][module[@version]/]Class.method(location)` with an optional packaging suffix (logback/log4j2
`%xEx`); runtime-generated classes carry counters and addresses. Decision (round 18, the class spec
bench/GROUPING_CLASSES3.md H33): one group per PRINTER FORM - the class, method, file, line, loader, module and
generated counters are values; what the printer itself branches on stays (a `loader/`/`module/` prefix or
none, `Native Method` / `Unknown Source`, a packaging suffix or none). Lines of many call sites (other methods,
other classes, compiler-named and generated classes) are shuffled together; 3 seeds. Twins that must stay
apart: the printer's forms, `... N more` / `... N common frames omitted`, and a `Caused by:` line (the
exception is the event). V8 (Node): `    at [async ][new ]Type.fn [as m] (location)` and `    at file:line:col`,
one group per form whatever the function and file; prose `at X (words)` is no frame. CPython: the real
`traceback` printer's `  File "p", line N, in f`, one group. JUL SimpleFormatter's first line (`Dec 07, 2026
2:15:03 AM org.x.Cls method`): one group per source (class + method, or the logger alone): a record's header.
"""

from __future__ import annotations

import random
import traceback
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


# The printer's forms: (loader/module prefixes, locations, suffixes) whose lines must share one group.
_FORMS = {
    "plain": (("",), ("file:line", "file"), ("",)),
    "module": (("java.base/", "java.base@17.0.2/", "jdk.internal.vm.ci/"), ("file:line", "file", "<generated>"), ("",)),
    "loader+module": (("com.x.loader/app@2.1/", "platform/java.sql/"), ("file:line",), ("",)),
    "loader, unnamed module": (("app//", "com.x.loader//"), ("file:line", "file"), ("",)),
    "native": (("",), ("Native Method",), ("",)),
    "module native": (("java.base/",), ("Native Method",), ("",)),
    "unknown": (("",), ("Unknown Source", "Unknown Source:N"), ("",)),
    "packaged": (("",), ("file:line", "file"), ("jar", "~jar", "na", "?")),
}


def _frame(rng: random.Random, site: tuple[str, str, str | None], form: str) -> str:
    cls, method, gen = site
    printed = cls
    if gen is not None:  # a fresh counter/address for every line of this generated-class site
        while True:
            printed, kind = _generated(rng, cls)
            if kind == gen:
                break
    prefixes, locations, suffixes = _FORMS[form]
    file = cls.rpartition(".")[2].split("$")[0] + rng.choice((".java", ".kt"))
    loc = {"file:line": f"{file}:{rng.randint(1, 2000)}", "file": file, "Unknown Source:N": f"Unknown Source:{rng.randint(1, 99)}"
           }.get(where := rng.choice(locations), where)
    jar = f"{rng.choice(_JARS)}-{rng.randint(1, 6)}.{rng.randint(0, 9)}.{rng.randint(0, 30)}"
    suffix = {"": "", "jar": f" [{jar}.jar!/:{rng.randint(1, 9)}.0]", "~jar": f" ~[{jar}.jar:{jar.rpartition('-')[2]}]",
              "na": " ~[na:na]", "?": f" [?:1.8.0_{rng.randint(100, 400)}]"}[rng.choice(suffixes)]
    indent = rng.choice(("\t", "\t", "    ", "\t\t"))
    return f"{indent}at {rng.choice(prefixes)}{printed}.{method}({loc}){suffix}"


def _sites(rng: random.Random) -> list[tuple[str, str, str | None]]:
    sites: set[tuple[str, str, str | None]] = set()
    while len(sites) < 8:
        cls, method = _cls(rng), rng.choice(_VERBS)
        sites.add((cls, method, None))
        sites.add((cls, rng.choice([v for v in _VERBS if v != method]), None))  # another method
        sites.add((_cls(rng), method, None))  # the same method in another class
    sites.add((f"{_cls(rng)}$1", "call", None))
    sites.add((f"{_cls(rng)}$2", "call", None))  # anonymous classes: compiler-named, two classes
    for gen in _GENERATED:
        if gen != "proxy":  # jdk.proxyN/ is a module prefix: the proxy's frames are the module form
            sites.add((_cls(rng) if gen != "accessor" else "", "invoke" if gen == "accessor" else "apply", gen))
    return sorted(sites, key=str)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_group_per_printer_form_whatever_class_method_location_or_counter(seed: int) -> None:
    rng = random.Random(f"jvm-frames-{seed}")
    sites = _sites(rng)
    lines = [((form,), _frame(rng, site, form)) for form in _FORMS for site in sites for _ in range(rng.randint(1, 3))]
    lines += [(("module",), f"\tat jdk.proxy{rng.randint(1, 9)}/jdk.proxy{rng.randint(1, 9)}.$Proxy{rng.randint(1, 999)}"
                            ".invoke(Proxy.java)") for _ in range(3)]  # Proxy.java: `jdk.proxyN` is a module
    lines += [(("more",), f"\t... {rng.randint(1, 300)} more") for _ in range(4)]
    lines += [(("omitted",), f"\t... {rng.randint(1, 300)} common frames omitted") for _ in range(4)]
    lines += [(("caused", t), f"Caused by: {t}: connection reset") for t in
              ("java.io.IOException", "java.util.concurrent.TimeoutException") for _ in range(2)]
    rng.shuffle(lines)
    grouper = MessageGrouper()
    by_form: dict[object, set[str]] = defaultdict(set)
    for form, line in lines:
        by_form[form].add(grouper.fingerprint(*split_line(line)))
    split = {str(s): len(f) for s, f in by_form.items() if len(f) != 1}
    assert not split, split
    groups = [next(iter(f)) for f in by_form.values()]
    assert len(set(groups)) == len(groups), "two printer forms share a group"


def _v8_location(rng: random.Random, file: str) -> str:
    return rng.choice((f"{file}:{rng.randint(1, 900)}:{rng.randint(1, 80)}", "native", "<anonymous>",
                       f"index {rng.randint(0, 9)}", f"eval at run ({file}:{rng.randint(1, 99)}:3), <anonymous>:1:1"))


def _v8_lines(rng: random.Random) -> list[tuple[tuple[str, ...], str]]:
    files = [f"/srv/{rng.choice(_WORDS)}/src/{w}.js" for w in rng.sample(_WORDS, 4)] + ["node:internal/process/task_queues"]
    files += [f"/tmp/jest-{rng.randint(100, 99999)}/src/a.test.js", f"https://cdn.x.io/js/main.{rng.getrandbits(32):08x}.js"]
    lines: list[tuple[tuple[str, ...], str]] = []
    for _ in range(12):
        typ = rng.choice(_WORDS).capitalize() + rng.choice(("Service", "Router", ""))
        fn = f"{typ}.{rng.choice(_VERBS[:9])}" if typ else rng.choice(_VERBS[:9])
        fn = rng.choice((fn, fn, "Object.<anonymous>"))
        for kind in ("", "async ", "new "):
            lines.append(((kind,), f"    at {kind}{fn} ({_v8_location(rng, rng.choice(files))})"))
        lines.append((("as",), f"    at {fn} [as {rng.choice(_VERBS[:9])}] ({_v8_location(rng, rng.choice(files))})"))
        lines.append((("anon",), f"    at {rng.choice(files)}:{rng.randint(1, 900)}:{rng.randint(1, 80)}"))
        lines.append((("async anon",), f"    at async {rng.choice(files)}:{rng.randint(1, 900)}:{rng.randint(1, 80)}"))
    return lines


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_v8_one_group_per_printer_form(seed: int) -> None:
    rng = random.Random(f"v8-frames-{seed}")
    lines = _v8_lines(rng)
    rng.shuffle(lines)
    grouper = MessageGrouper()
    by_form: dict[object, set[str]] = defaultdict(set)
    for form, line in lines:
        by_form[form].add(grouper.fingerprint(*split_line(line)))
    assert all(len(f) == 1 for f in by_form.values()), {str(k): len(f) for k, f in by_form.items() if len(f) > 1}
    groups = [next(iter(f)) for f in by_form.values()]
    assert len(set(groups)) == len(groups), "two printer forms share a group"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_cpython_frame_lines_are_one_group(seed: int) -> None:
    """CPython's own printer (traceback.format_list), any file, line and function; its source line (the next
    physical line: the program's own code) is not a frame line."""
    rng = random.Random(f"py-frames-{seed}")
    summary = traceback.StackSummary.from_list(
        [(f"/{rng.choice(_WORDS)}/{rng.choice(_WORDS)}/{rng.choice(_WORDS)}.py", rng.randint(1, 3000),
          rng.choice((*_VERBS[:9], "<module>", "<lambda>", "<listcomp>")), None) for _ in range(30)])
    lines = [entry.splitlines()[0] for entry in traceback.format_list(summary)]
    grouper = MessageGrouper()
    assert len({grouper.fingerprint(*split_line(x)) for x in lines}) == 1, lines[:3]
    assert frame_form("    return self.cache.get(key)") is None
    assert frame_form('File "/app/x.py", line 12, in run: failed') is None  # words after it: not a frame alone


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
    "at capacity (queue full)",  # prose shaped like a V8 frame: no V8 location
    "    at startup (phase two)",
    "at Foo.bar(Foo.java:1) failed",  # a frame followed by the statement's own words
])
def test_not_a_frame_line(line: str) -> None:
    assert frame_form(line) is None
