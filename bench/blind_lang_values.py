"""Printed values of Go, Java, JavaScript and Perl log statements (blind language benchmark).

Part of bench/grouping_heldout_lang.py: written by a writer who never read the grouping; the grouping's author
must not read or run it. A slot's KIND is set when the statement is read (from the verb, the words around it,
the key name, the placeholder's expression or the Perl variable's name: `*_kind` below); `draw(conv, r)` prints
one value of that kind in the NOTATION of the language, as bench/GROUPING_CLASSES3.md S30-S38 and V1-V5
describe (each notation's source is named there and at its function): Go `%v` of slices, maps, structs,
durations, times and error chains; Java `toString` of collections, records, exceptions, Jetty components;
`util.inspect` of objects and arrays; Perl interpolation of arrays, `$!`, `$@` and references. The number of
tokens of list, map and chain values varies per line (V1-V4). Plain words, paths, hosts, numbers and errno texts
come from the blind C benchmark's value classes (bench/blind_c_values.py, by import), chosen by the same words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from random import Random

import blind_c_values as cv
import heldout_values as hv
from blind_c_catalog import Conv

Chains = dict[str, tuple[str, ...]]
CHAINS: Chains = {}  # per Go binary: its `...: %w` error formats (filled by bench/blind_lang_logs.py)
LEAVES = ("EOF", "unexpected EOF", "context deadline exceeded", "context canceled", "i/o timeout",
          "connection refused", "no such host", "broken pipe", "connection reset by peer", "permission denied",
          "no such file or directory", "file already closed", "http: server closed idle connection")
GO_TYPES = ("*tsdb.Block", "*scrape.Target", "map[string]string", "[]string", "*url.URL", "labels.Labels",
            "*chunkenc.XORChunk", "int64", "*http.Request", "*cluster.Peer", "[]*types.Alert", "string")
JAVA_EXC = ("java.io.IOException", "java.lang.IllegalStateException", "java.lang.IllegalArgumentException",
            "java.util.concurrent.TimeoutException", "java.net.ConnectException", "java.io.EOFException",
            "java.nio.channels.ClosedChannelException", "org.eclipse.jetty.io.EofException",
            "java.lang.NullPointerException", "java.net.SocketTimeoutException")
JETTY_STATES = ("STARTED", "STOPPED", "STARTING", "STOPPING", "FAILED", "AVAILABLE", "OPEN", "CLOSED")
_CRock = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _c(spec: str, before: str, after: str, r: Random) -> str:
    """A C-printf value chosen by the words around it (bench/blind_c_values.py's classes)."""
    return cv.draw(Conv(spec, spec[-1], 0, "", None, None, before=before, after=after), r)


def _name(r: Random) -> str:
    return r.choice((hv._word, cv._ident, cv._user, hv._host))(r) if r.random() < 0.8 else _c("%s", "", "", r)


def _few(r: Random, item: Callable[[Random], str], empty: float = 0.08) -> list[str]:
    """0-9 items, mostly 1-3, with a long tail (V1)."""
    if r.random() < empty:
        return []
    return [item(r) for _ in range(min(9, 1 + int(r.expovariate(0.7))))]


def go_duration(r: Random) -> str:
    """`time.Duration.String` (go doc time): `1h2m3.5s`, `2m0s`, `150ms`, `2.5µs`, `0s`."""
    ns = int(r.choice((r.expovariate(1 / 2e6), r.expovariate(1 / 3e9), r.expovariate(1 / 4e11), 0.0)))
    if ns == 0:
        return "0s"
    if ns < 1000:
        return f"{ns}ns"
    if ns < 1_000_000:
        return f"{ns / 1e3:g}µs"
    if ns < 1_000_000_000:
        return f"{ns / 1e6:g}ms"
    h, rest = divmod(ns, 3_600_000_000_000)
    m, rest = divmod(rest, 60_000_000_000)
    s = f"{rest / 1e9:.9f}".rstrip("0").rstrip(".")
    return (f"{h}h" if h else "") + (f"{m}m" if h or m else "") + f"{s}s"


def go_time(r: Random) -> str:
    """`time.Time.String`: fraction trimmed, zone, and ` m=+N` when it carries a monotonic reading."""
    sec = r.randint(1_760_000_000, 1_770_000_000)
    frac = f".{r.randint(0, 999_999_999):09d}".rstrip("0").rstrip(".")
    import datetime as dt
    t = dt.datetime.fromtimestamp(sec, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    mono = f" m=+{r.uniform(0, 9e5):.9f}" if r.random() < 0.4 else ""
    return f"{t}{frac} +0000 UTC{mono}"


def go_error(r: Random, binary: str, depth: int = 0) -> str:
    """An error chain (S32, V4): 0-4 of the binary's `...: %w` formats wrapped around a leaf."""
    formats = CHAINS.get(binary, ())
    if formats and depth < 4 and r.random() < (0.75 if depth == 0 else 0.45):
        fmt = r.choice(formats)
        t_parts = re.split(r"(%[-+# 0]*\d*(?:\.\d+)?[a-zA-Z])", fmt)
        out = []
        last = max((i for i, p in enumerate(t_parts) if p.startswith("%")), default=-1)
        for i, p in enumerate(t_parts):
            if not p.startswith("%"):
                out.append(p.replace("%%", "%"))
            elif i == last:
                out.append(go_error(r, binary, depth + 1))
            else:
                out.append(go_value(p, t_parts[i - 1], t_parts[i + 1] if i + 1 < len(t_parts) else "", r, binary))
        return "".join(out)
    leaf = r.random()
    if leaf < 0.4:
        return r.choice(LEAVES)
    if leaf < 0.6:
        return f"open {hv._path(r)}: {r.choice(('no such file or directory', 'permission denied', 'too many open files'))}"
    if leaf < 0.8:
        return f"dial tcp {hv._ip(r)}:{r.choice((9090, 9093, 9100, 443, 8080, r.randint(1024, 65535)))}: " \
               f"connect: {r.choice(('connection refused', 'no route to host', 'i/o timeout'))}"
    return f"Get \"http://{hv._host(r)}:{r.randint(1024, 65535)}/{r.choice(('metrics', 'api/v2/alerts', '-/ready'))}\":" \
           f" {r.choice(('context deadline exceeded', 'EOF', 'net/http: request canceled'))}"


def go_value(verb: str, before: str, after: str, r: Random, binary: str = "") -> str:
    """One Go `fmt` value for `verb` (go doc fmt), its kind read from the words around it."""
    kind = go_kind(verb, before, after)
    return GO_DRAW.get(kind, lambda r, b: _c("%s", before, after, r))(r, binary)


def go_kind(verb: str, before: str, after: str) -> str:
    """The kind of a Go verb's argument: the verb letter first, then the words before/after it."""
    v = verb[-1]
    b = before.lower()[-40:]
    if v == "w" or (v in "vs" and re.search(r"(err(or)?|failed|fail|cannot|couldn't|unable)[^%]{0,12}[:=] ?$", b)):
        return "gerr"
    if v in "dxXob":
        return "ghex" if v in "xX" else "gint"
    if v in "fFgGeE":
        return "gfloat"
    if v == "t":
        return "gbool"
    if v == "T":
        return "gtype"
    if v == "q":
        return "gquote"
    if v == "p":
        return "gptr"
    if re.search(r"(duration|timeout|interval|took|after|every|elapsed|in|for|backoff|delay)[ =:]*$", b):
        return "gdur"
    if re.search(r"(labels?|series|labelset)[ =:]*$", b):
        return "glabels"
    if re.search(r"(time|timestamp|at|since|until|deadline)[ =:]*$", b):
        return "gtime"
    if re.search(r"(targets|peers|hosts|addresses|members|nodes|receivers|names|ids|keys|files|items)[ =:]*$", b):
        return "gslice"
    if re.search(r"(map|headers|params|annotations|options)[ =:]*$", b):
        return "gmap"
    if "+" in verb or "#" in verb or re.search(r"(config|state|message|entry|struct|value|object)[ =:]*$", b):
        return "gstruct"
    if re.search(r"(addr(ess)?|host|endpoint|peer|url|target|node|server|to|from)[ =:]*$", b):
        return "gaddr"
    return "gstr"


def _gslice(r: Random, _: str) -> str:
    item = r.choice((hv._host, lambda r: f"{hv._ip(r)}:{r.randint(1024, 65535)}", hv._word, lambda r: str(r.randint(1, 9999))))
    return "[" + " ".join(_few(r, item)) + "]"


def _gmap(r: Random, _: str) -> str:
    keys = sorted({hv._word(r) for _ in range(len(_few(r, hv._word)))})  # fmt prints maps key-sorted
    return "map[" + " ".join(f"{k}:{r.choice((hv._word(r), str(r.randint(0, 500))))}" for k in keys) + "]"


def _glabels(r: Random, _: str) -> str:
    names = sorted({"__name__", "job", "instance"} | {hv._word(r) for _ in range(r.randint(0, 4))})
    vals = {"__name__": lambda: r.choice(("up", "node_cpu_seconds_total", "http_requests_total", "go_goroutines")),
            "instance": lambda: f"{hv._host(r)}:{r.choice((9100, 9090, 8080))}", "job": lambda: hv._word(r)}
    drop = {"__name__"} if r.random() < 0.3 else set()
    return "{" + ", ".join(f'{n}="{vals.get(n, lambda: hv._word(r))()}"' for n in names if n not in drop) + "}"


def _gstruct(r: Random, _: str) -> str:
    fields = [("Name", hv._word(r)), ("Count", str(r.randint(0, 900))), ("Enabled", r.choice(("true", "false"))),
              ("Addr", f"{hv._ip(r)}:{r.randint(1024, 65535)}"), ("Timeout", go_duration(r))][: r.randint(2, 5)]
    named = r.random() < 0.5
    body = " ".join(f"{k}:{v}" if named else v for k, v in fields)
    return ("&" if r.random() < 0.3 else "") + "{" + body + "}"


GO_DRAW: dict[str, Callable[[Random, str], str]] = {
    "gerr": lambda r, b: go_error(r, b),
    "gint": lambda r, b: str(r.choice((r.randint(0, 9), r.randint(10, 5000), r.randint(1_000_000, 99_999_999)))),
    "ghex": lambda r, b: f"{r.getrandbits(r.choice((8, 16, 32))):x}",
    "gfloat": lambda r, b: r.choice((f"{r.uniform(0, 1):g}", f"{r.expovariate(0.01):g}", f"{r.uniform(0, 100):.2f}")),
    "gbool": lambda r, b: r.choice(("true", "false")),
    "gtype": lambda r, b: r.choice(GO_TYPES),
    "gquote": lambda r, b: '"' + r.choice((hv._word(r), hv._path(r), hv._host(r), f"{hv._word(r)} {hv._word(r)}",
                                           f'{hv._word(r)}\\"{hv._word(r)}\\"')) + '"',
    "gptr": lambda r, b: f"0xc{r.getrandbits(36):09x}",
    "gdur": lambda r, b: go_duration(r),
    "gtime": lambda r, b: go_time(r),
    "gslice": _gslice,
    "gmap": _gmap,
    "glabels": _glabels,
    "gstruct": _gstruct,
    "gaddr": lambda r, b: r.choice((f"{hv._ip(r)}:{r.randint(1024, 65535)}", f"{hv._host(r)}:{r.choice((9093, 9094))}",
                                    f"http://{hv._host(r)}:{r.randint(1024, 65535)}/{hv._word(r)}", f"[::1]:{r.randint(1024, 65535)}")),
    "ulid": lambda r, b: "01" + "".join(r.choice(_CRock) for _ in range(24)),
    "unixms": lambda r, b: str(r.randint(1_760_000_000_000, 1_770_000_000_000)),
}


def kv_kind(key: str) -> str:
    """The kind of a go-kit key's value, from the key name."""
    table = {"err": "gerr", "duration": "gdur", "took": "gdur", "timeout": "gdur", "interval": "gdur",
             "mint": "unixms", "maxt": "unixms", "ulid": "ulid", "block": "ulid", "labels": "glabels",
             "series": "glabels", "targets": "gslice", "peers": "gslice", "addr": "gaddr", "url": "gaddr",
             "peer": "gaddr", "time": "gtime", "count": "gint", "segment": "gint", "num": "gint",
             "samples": "gint", "size": "gint", "version": "gstr", "file": "path", "path": "path",
             "dir": "path", "receiver": "gstr", "integration": "gstr", "aggrGroup": "glabels", "alerts": "gslice"}
    return table.get(key, "gstr")


# ---- Java (GROUPING_CLASSES3.md S33, S34; Jetty's AbstractLifeCycle/ContainerLifeCycle toString) ----

def _jclass(r: Random) -> str:
    return r.choice(("org.eclipse.jetty.server.Server", "org.eclipse.jetty.server.ServerConnector",
                     "org.eclipse.jetty.servlet.ServletContextHandler", "org.eclipse.jetty.io.ManagedSelector",
                     "org.eclipse.jetty.util.thread.QueuedThreadPool", "org.eclipse.jetty.server.HttpChannel",
                     "org.apache.maven.project.MavenProject", "com.example.orders.OrderService"))


def _jobj(r: Random) -> str:
    """`Object.toString` `Cls@hash`, Jetty components `Cls@hash{STATE}`/`{k=v,...}`, a record `N[a=1, b=x]`."""
    cls = _jclass(r).rsplit(".", 1)[1]
    h = f"{r.getrandbits(r.choice((28, 32))):x}"
    pick = r.random()
    if pick < 0.3:
        return f"{cls}@{h}{{{r.choice(JETTY_STATES)}}}"
    if pick < 0.55:
        pairs = [f"{k}={v}" for k, v in (("s", r.choice(JETTY_STATES)), ("r", r.randint(0, 9)), ("to", f"{r.randint(0, 30000)}/30000"),
                                         ("fill", r.choice("-FI")), ("flush", r.choice("-W")))][: r.randint(1, 5)]
        return f"{cls}@{h}{{{','.join(pairs)}}}"
    if pick < 0.75:
        return f"{cls}@{h}"
    return f"{cls}[id={r.randint(1, 9999)}, name={hv._word(r)}, state={r.choice(JETTY_STATES)}]"


def java_exception(r: Random) -> str:
    """`Throwable.toString`: `pkg.Cls: msg`, or just `pkg.Cls` (null message), or a wrapped cause chain."""
    cls = r.choice(JAVA_EXC)
    msg = r.choice((cv._errmsg(r), f"{hv._host(r)}/{hv._ip(r)}:{r.randint(1024, 65535)}", hv._path(r), ""))
    own = f"{cls}: {msg}" if msg else cls
    return f"{r.choice(JAVA_EXC)}: {own}" if r.random() < 0.25 else own


JAVA_DRAW: dict[str, Callable[[Random], str]] = {
    "jcoll": lambda r: "[" + ", ".join(_few(r, _name)) + "]",
    "jmap": lambda r: "{" + ", ".join(f"{hv._word(r)}={_name(r)}" for _ in _few(r, _name)) + "}",
    "jobj": _jobj,
    "jexc": java_exception,
    "jaddr": lambda r: r.choice((f"{hv._host(r)}/{hv._ip(r)}:{r.randint(1024, 65535)}", f"/{hv._ip(r)}:{r.randint(1024, 65535)}",
                                 f"0.0.0.0:{r.choice((8080, 8443, 9090))}")),
    "jdur": lambda r: r.choice((f"PT{r.randint(1, 59)}S", f"PT{r.randint(1, 59)}M{r.randint(1, 59)}S",
                                f"PT{r.uniform(0, 5):.3f}S", f"{r.randint(0, 30000)}ms")),
    "jany": lambda r: r.choice((_name, _jobj, _name, lambda r: str(r.randint(0, 5000))))(r),
    "jint": lambda r: str(r.choice((r.randint(0, 9), r.randint(10, 70000), -1))),
    "juri": lambda r: f"http://{hv._host(r)}:{r.randint(1024, 65535)}/{'/'.join(hv._word(r) for _ in range(r.randint(0, 4)))}",
    "jgav": lambda r: f"{r.choice(('org.apache', 'com.example', 'io.netty'))}.{hv._word(r)}:{hv._word(r)}-"
                      f"{hv._word(r)}:{r.randint(1, 9)}.{r.randint(0, 30)}.{r.randint(0, 9)}"
                      + r.choice(("", "", ":jar", ":pom", ":jar:sources")),
}


def java_kind(before: str, after: str) -> str:
    """The kind of a slf4j `{}` or a concatenation slot, from the words around it."""
    b, a = before.lower()[-30:], after.lower()[:20]
    if re.search(r"(exception|error|failed|cause|caused by|failure)[ :=]*['\"]?$", b):
        return "jexc"
    if re.search(r"(took|after|in|timeout|idle|delay|period)[ =:]*$", b) or re.match(r"\s*ms\b", a):
        return "jdur" if not re.match(r"\s*ms\b", a) else "jint"
    if re.search(r"(port|count|size|length|#|id|=)[ =:]*$", b) and not b.endswith("=="):
        return "jint"
    if re.search(r"(address|bound to|to|from|remote|local|connect(ed)?)[ :]*$", b):
        return "jaddr"
    if re.search(r"(uri|url|request|path)[ =:]*$", b):
        return "juri"
    if re.search(r"(artifacts?|dependency|dependencies|plugin|project|coordinates|version of|pom)[ :'\"]*$", b):
        return "jgav"
    if re.search(r"(list|set|of|for|modules|entries|beans|\[)[ =:]*$", b) and "{" not in a:
        return "jcoll" if r"s" in b[-4:] else "jobj"
    if re.search(r"(map|properties|headers|params)[ =:]*$", b):
        return "jmap"
    return "jany" if not re.search(r"['\"]$", b) else "jname"


# ---- JavaScript (util.inspect / util.format; GROUPING_CLASSES3.md S36) and npm's values ----

def js_inspect(r: Random, depth: int = 0) -> str:
    """`util.inspect` short forms: `{ a: 1, b: 'x' }`, `[ 'a', 'b' ]`, `[Object]` beyond depth 2."""
    if depth > 2:
        return r.choice(("[Object]", "[Array]"))
    pick = r.random()
    if pick < 0.4:
        keys = [hv._word(r) for _ in range(r.randint(1, 4))]
        vals = [r.choice((f"'{hv._word(r)}'", str(r.randint(0, 999)), "true", "null", "undefined"))
                if r.random() < 0.8 else js_inspect(r, depth + 1) for _ in keys]
        return "{ " + ", ".join(f"{k}: {v}" for k, v in zip(keys, vals, strict=True)) + " }"
    if pick < 0.7:
        items = _few(r, lambda r: f"'{_name(r)}'" if r.random() < 0.7 else str(r.randint(0, 99)))
        return "[ " + ", ".join(items) + " ]" if items else "[]"
    return r.choice(("null", "undefined", "[Function: anonymous]", f"Map({r.randint(1, 5)}) {{ '{hv._word(r)}' => {r.randint(0, 9)} }}"))


def npm_spec(r: Random) -> str:
    """An npm package spec (npm docs "package spec"): `name@1.2.3`, `@scope/name@^1.0.0`, `name@latest`."""
    name = f"@{hv._word(r)}/{hv._word(r)}" if r.random() < 0.3 else r.choice((hv._word(r), f"{hv._word(r)}-{hv._word(r)}"))
    ver = r.choice((f"{r.randint(0, 20)}.{r.randint(0, 40)}.{r.randint(0, 30)}", f"^{r.randint(1, 9)}.{r.randint(0, 9)}.0",
                    "latest", f"~{r.randint(1, 9)}.{r.randint(0, 9)}.{r.randint(0, 9)}", f">={r.randint(8, 22)}"))
    return f"{name}@{ver}" if r.random() < 0.85 else name


JS_DRAW: dict[str, Callable[[Random], str]] = {
    "jsobj": js_inspect,
    "jspkg": npm_spec,
    "jsurl": lambda r: f"https://registry.npmjs.org/{npm_spec(r).rsplit('@', 1)[0]}" + r.choice(("", "/-/x.tgz", "")),
    "jsnum": lambda r: str(r.choice((r.randint(0, 9), r.randint(10, 9999)))),
    "jsms": lambda r: f"{r.randint(0, 9000)}ms",
    "jscode": lambda r: r.choice(("E404", "EACCES", "ENOENT", "ETARGET", "ERESOLVE", "EBADENGINE", "ECONNRESET", "E401")),
    "jsver": lambda r: f"v{r.randint(14, 24)}.{r.randint(0, 20)}.{r.randint(0, 9)}",
    "jsjoin": lambda r: ",".join(_few(r, hv._word, 0.0)),  # `${array}`: String(array) joins with commas, no blank
}


def js_kind(expr: str) -> str:
    """The kind of a `${expr}` or an argument expression, from its identifiers."""
    e = expr.lower()
    if re.search(r"(spec|pkg|name|package|dep|edge|node\.)", e):
        return "jspkg"
    if re.search(r"(url|uri|registry|resolved|href)", e):
        return "jsurl"
    if re.search(r"(time|ms|elapsed|duration)", e):
        return "jsms"
    if re.search(r"(count|length|size|num|total|\bn\b|index|code\b)", e):
        return "jsnum"
    if re.search(r"(version|engine)", e):
        return "jsver"
    if re.search(r"(err\.code|\.code|errno)", e):
        return "jscode"
    if re.search(r"(opts|options|config|obj|data|manifest|\{)", e):
        return "jsobj"
    if re.search(r"(path|dir|file|cwd|prefix|folder|where|location)", e):
        return "path"
    if re.search(r"(list|names|\.join|keys|array|args)", e):
        return "jsjoin"
    return "word"


# ---- Perl (GROUPING_CLASSES3.md S37, H37) ----

def perl_kind(var: str) -> str:
    """The kind of an interpolated Perl variable, from its sigil and name."""
    v = var.lower()
    if v in ("$!", "$^e"):
        return "plerrno"
    if v == "$@":
        return "plat"
    if v.startswith("@"):
        return "pllist"
    if re.search(r"(file|path|dir|fn|fh|name\b|filename|target|dest|src|source)", v):
        return "path"
    if re.search(r"(count|num|n\b|len|size|line|pos|offset|\bi\b|max|min|version|ver)", v):
        return "plint"
    if re.search(r"(class|pkg|package|module|self|obj|ref)", v):
        return "plref"
    if re.search(r"(cmd|command|prog)", v):
        return "plcmd"
    return "word"


PERL_SCRIPTS = ("/usr/bin/dh_installdocs", "/usr/sbin/update-info-dir", "/usr/bin/cpan", "/usr/local/bin/backup.pl",
                "/usr/bin/debconf-set-selections", "/opt/tools/sync-mirror.pl", "/usr/bin/lintian", "script.pl")

PERL_DRAW: dict[str, Callable[[Random], str]] = {
    "plcaller": lambda r: f"{r.choice(PERL_SCRIPTS)} line {r.randint(5, 900)}",
    "plerrno": lambda r: r.choice(cv.ERRNOS),
    "plat": lambda r: f"{r.choice(('Cannot', 'Could not'))} {hv._word(r)} {hv._path(r)}: {r.choice(cv.ERRNOS)} at "
                      f"{r.choice(('/usr/share/perl5', '/usr/lib/x86_64-linux-gnu/perl5/5.36'))}/{hv._word(r).capitalize()}"
                      f"/{hv._word(r).capitalize()}.pm line {r.randint(10, 2000)}.",
    "pllist": lambda r: " ".join(_few(r, _name, 0.0)),
    "plint": lambda r: str(r.choice((r.randint(0, 9), r.randint(10, 5000)))),
    "plref": lambda r: r.choice((f"{hv._word(r).capitalize()}::{hv._word(r).capitalize()}", f"HASH(0x{r.getrandbits(44):x})",
                                 f"{hv._word(r).capitalize()}::{hv._word(r).capitalize()}=HASH(0x{r.getrandbits(44):x})",
                                 f"ARRAY(0x{r.getrandbits(44):x})")),
    "plcmd": lambda r: " ".join([r.choice(("dpkg-deb", "tar", "gzip", "/usr/bin/make", "git"))] + _few(r, lambda r: r.choice(("-x", "-f", hv._path(r), hv._word(r))), 0.2)),
}


def draw(c: Conv, r: Random) -> str:
    """One printed value of slot `c`; `c.conv` is its kind (`gerr:<binary>` carries the Go binary)."""
    kind, _, binary = c.conv.partition(":")
    if kind in GO_DRAW:
        return GO_DRAW[kind](r, binary)
    if kind in JAVA_DRAW:
        return JAVA_DRAW[kind](r)
    if kind in JS_DRAW:
        return JS_DRAW[kind](r)
    if kind in PERL_DRAW:
        return PERL_DRAW[kind](r)
    if kind == "path":
        return hv._path(r)
    if kind == "jname":
        return _name(r)
    spec = "%d" if kind in ("int",) else "%s"
    return cv.draw(replace(c, spec=spec, conv=spec[-1], flags="", width=None, prec=None), r)


