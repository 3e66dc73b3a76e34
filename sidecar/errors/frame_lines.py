"""A stack frame line (JVM, V8, CPython) or a JUL record's source line as the learner's form: one template per
frame PRINTER shape (the Decision below), the place it names being values.

Class (the printers' own source, not bench templates). JVM:
* `Throwable.printStackTrace` prints every frame as `"\\tat " + StackTraceElement.toString()` (JDK 25
  java/lang/Throwable.java `printStackTrace`/`printEnclosedStackTrace`), and a frame is
  `[loader/][module[@version]/]declaring.Class.method(location)` where the location is `File.java:123`,
  `File.java` (no line), `Unknown Source` or `Native Method` (java/lang/StackTraceElement.java
  `toString`; Android prints `Unknown Source:12`, generated code `<generated>`).
* logback's extended throwable converter (`%xEx`, the default with packaging data) and log4j2's
  `%xEx` add the jar after the frame: ` ~[spring-webmvc-5.3.20.jar:5.3.20]` (`~` when the jar was
  guessed), ` [tomcat-embed-core.jar!/:9.0.63]`, ` ~[?:?]`, ` [?:1.8.0_121]`, `na` for unknown.
* Runtime-generated classes carry counters and addresses that differ per run: lambdas
  `Outer$$Lambda$14/0x0000000800c0b040` (JDK 15-20), `Outer$$Lambda/0x...` (JDK 21+,
  InnerClassLambdaMetafactory: `targetClass + "$$Lambda"` as a hidden class), `Outer$$Lambda$14/1234`
  (JDK 8); proxies `$Proxy12` in `com.sun.proxy` or module/package `jdk.proxy2` (java/lang/reflect/
  Proxy.java: `"$Proxy" + num`, `"jdk.proxy" + counter`); reflection accessors `GeneratedMethodAccessor12`,
  `GeneratedConstructorAccessor3`, `GeneratedSerializationConstructorAccessor7` (jdk.internal.reflect.
  MethodAccessorGenerator, JDK <= 17); byte-code generators' ids `$$EnhancerBySpringCGLIB$$a1b2c3d4`,
  `$$SpringCGLIB$$0`, `$HibernateProxy$AbC12xYz`, `$ByteBuddy$k3Jd9a`, `$MockitoMock$123456`; javassist
  proxies (javassist.util.proxy.ProxyFactory's name generator: `classname + "_$$_jvst" +
  Integer.toHexString(hashCode() & 0xFFF) + "_" + Integer.toHexString(counter++)` since 3.18, and
  `classname + "_$$_javassist_" + counter++` before, as Hibernate 3/4 entities print: `Order_$$_jvst3a1_2f`,
  `Order_$$_javassist_41`; round 15). Since round 18 the whole declaring class is a value (Decision below),
  so these ids need no rule of their own any more (round 15's `_GENERATOR_ID` and `_file_form` are gone);
  only the lambda's `/0x...` address is still read, so that its `/` is not taken for a module separator.

V8 (Node.js, Chrome; https://v8.dev/docs/stack-trace-api "Stack trace format", v8 src/objects/
call-site-info.cc `SerializeJSStackFrame`): `    at [async ][new ]Type.function [as method] (location)`,
where the location is `file:line:column`, `node:internal/...:line:column`, `native`, `<anonymous>`,
`index N` (Promise.all) or `eval at f (location), <anonymous>:1:1`; a frame without a function name is
`    at location`: its call site is then its file (the line and column are values). A file's per-build
and per-run parts are values too (round 15): a bundler's content hash in the file name (webpack
`output.filename` `[name].[contenthash].js` and `[chunkhash]`, hex, 8-20 characters by `hashDigestLength`;
Vite/Rollup `[name]-[hash].js`, 8 base64url characters; Parcel `name.[hash].js`; Next.js
`chunks/pages/index-[16 hex].js`) and the digits of a directory made per run or per deploy (Jest's and
pytest's temporary directories `/tmp/jest-8123/`, `/tmp/pytest-of-ci/pytest-41/`, release directories
`/srv/releases/20261207081500/`): the same function of the next deploy is the same call site. (Since round
18 the whole location is a value, so these need no rule of their own either.)

JUL (java.util.logging.SimpleFormatter, JDK 25 jdk/internal/logger/SimpleConsoleLogger DEFAULT_FORMAT
`%1$tb %1$td, %1$tY %1$tl:%1$tM:%1$tS %1$Tp %2$s%n%4$s: %5$s%6$s%n`): a record's FIRST line is its date
and its source, `getSourceClassName() + " " + getSourceMethodName()` (the logger name when no caller is
known); the level and message follow on the next line. The source line is a call site as a frame is:
`Dec 07, 2026 2:15:03 AM org.x.Cls start` (JDK 20+ put U+202F before AM/PM) has the form `\t<*> org.x.Cls
start`, never compared (another class with the same method name is another call site).

CPython (Lib/traceback.py `StackSummary.format_frame_summary`): `  File "path", line N, in name`, the
frame's source line on the next line (that one is the program's own text: not a frame line).

Decision (round 18, replacing round 14's "one template per call site"): a frame line met alone is ONE
statement of the runtime's frame PRINTER, whatever place it names - its template is the printer's form,
and the declaring class, method, function, file, line, loader and module are its values (the class spec
bench/GROUPING_CLASSES3.md H33: "its template is the frame/section shape, its values the class, method,
file, line, count"; Loghub's labelling does the same). Why not per call site: a trace the ingest could not
join arrives as 20-60 frame lines, every one a different call site, so each trace made dozens of groups -
each a Kimi call and an alert (issue 15's over-splitting); the blind JVM benches measured it (jetty: one
true template split 100-700 ways per seed). A frame is context of its trace's event; the event's identity
is the exception line (`Caused by:`, exception_texts.py), which keeps its type.
What stays in the form is what the printer itself branches on (its own constant text): the JDK's `Native
Method` / `Unknown Source` locations, the presence of a `loader/` and `module[@version]/` prefix (one `<*>/`
per segment, `//` for the unnamed module), a packaging suffix (logback/log4j2 print it on every frame or
none), V8's `async ` / `new ` / ` [as <*>]` and the named / unnamed shape; so a native frame and a Java
frame, a JDK-module frame and an application frame, stay the printer's different lines.
The form starts with the JDK's own `\\t` (`\\tat ...`, `\\tFile ...`): masking never leaves a leading tab,
so frames get their own shelf in the learner (never compared with `at <word>` messages: `is_frame_tokens`).
A JUL first line (below) stays its source's call site: it is a record's header, one per log statement.
"""

from __future__ import annotations

import re

__all__ = ["CALL_SITE_HEADS", "FRAME_HEAD", "PY_FRAME_HEAD", "SOURCE_HEAD", "frame_form", "is_frame_tokens"]

FRAME_HEAD = "\tat"
PY_FRAME_HEAD = "\tFile"  # CPython's `  File "path", line N, in name`
SOURCE_HEAD = "\t<*>"  # a JUL record's first line: its date, then the source
CALL_SITE_HEADS = frozenset((FRAME_HEAD, PY_FRAME_HEAD, SOURCE_HEAD))  # first tokens masking never produces

# `at` + frame + optional packaging suffix, the whole line (leading whitespace: the JDK's tab, or spaces
# when a handler re-indents). The body holds no space or parenthesis; the location no parenthesis.
_FRAME = re.compile(r"[ \t]*at (?P<body>[^\s()]+)\((?P<loc>[^()\n]{0,200})\)(?: +~?\[[^\]\s]*\])?[ \t]*")

# A hidden class's address inside the declaring class (`Outer$$Lambda$14/0x...`, `$$Lambda/0x...`, JDK 8's
# `$$Lambda$14/1234`): its `/` is not a loader or module separator.
_LAMBDA = re.compile(r"\$\$Lambda(?:\$\d+)?(?:/(?:0x[0-9a-fA-F]+|\d+))?")

# A binary class name (JLS 13.1: dotted identifiers, `$` for nested and generated classes; Kotlin/Scala
# add `-` in file-level classes) and a method name (identifiers, `<init>`, `<clinit>`, `lambda$run$0`):
# what makes `at X(Y)` a frame and not prose (`at 10.0.0.1(eth0)`).
_NAME = re.compile(r"[A-Za-z_$][\w$<>*-]*(?:\.[A-Za-z_$<][\w$<>*-]*)*")
_METHOD = re.compile(r"[A-Za-z_$<][\w$<>-]*")

# V8: `at [async ][new ]name[ [as method]] (location)`, or `at location` for an unnamed function.
_V8_NAMED = re.compile(r"[ \t]*at (?P<async>async )?(?P<new>new )?[^\s()\[\]]+(?P<alias> \[as [^\s\]]+\])?"
                       r" \((?:.{1,400}:\d+:\d+|native|<anonymous>|index \d+)\)[ \t]*")  # V8's locations only: not prose
_V8_ANONYMOUS = re.compile(r"[ \t]*at (?P<async>async )?[^\s()]+?:\d+:\d+[ \t]*")

# SimpleFormatter's first line, English month abbreviations (`%1$tb` in the default locale of servers).
_JUL_SOURCE = re.compile(r"[A-Z][a-z]{2} \d{2}, \d{4} \d{1,2}:\d{2}:\d{2}[ \u202f\u00a0][AP]M "
                         r"(?P<source>[A-Za-z_$][\w$.-]*(?: [A-Za-z_$<][\w$<>-]*)?)[ \t\r]*")
# CPython's frame line (traceback.StackSummary.format_frame_summary).
_PYTHON = re.compile(r'[ \t]*File "[^"\n]+", line \d+, in \S+[ \t\r]*')
# StackTraceElement.toString's own words in the location (Android appends `:N` to `Unknown Source`).
_JDK_LOCATIONS = ("Native Method", "Unknown Source")


def frame_form(line: str) -> str | None:
    """The learner's masked form of a frame line - its printer's form (`\\tat <*>(<*>)`,
    `\\tat <*>/<*>(Native Method)`, `\\tat <*> (<*>)`, `\\tat <*>`, `\\tFile "<*>", line <*>, in <*>`) - or a JUL
    first line's source (`\\t<*> org.x.Cls method`), or None when the line is neither. Pure; every frame of
    one printer form gives the same form whatever place it names (module docstring)."""
    if line.startswith(", ", 6):  # `Dec 07, ...`: a JUL first line?
        m = _JUL_SOURCE.fullmatch(line)
        if m is not None:
            return f"{SOURCE_HEAD} {m.group('source')}"
    if line.find("at ", 0, 64) < 0:
        if line.find('File "', 0, 64) >= 0 and _PYTHON.fullmatch(line):
            return f'{PY_FRAME_HEAD} "<*>", line <*>, in <*>'
        return None
    m = _FRAME.fullmatch(line)
    if m is None:
        return _v8_form(line)
    body = m.group("body")
    if "$$Lambda" in body:
        body = _LAMBDA.sub("$$$$Lambda", body)
    site, _, method = body.rpartition(".")
    prefix, _, site = site.rpartition("/")
    if _NAME.fullmatch(site) is None or _METHOD.fullmatch(method) is None:
        return None
    # One `<*>/` per loader / module segment, `/` for an empty one (`loader//`: the unnamed module).
    shape = "".join("<*>/" if seg else "/" for seg in prefix.split("/")) if prefix or body.startswith("/") else ""
    loc = m.group("loc")
    where = next((w for w in _JDK_LOCATIONS if loc.startswith(w)), "<*>")
    suffix = " [<*>]" if line.rstrip().endswith("]") else ""
    return f"{FRAME_HEAD} {shape}<*>({where}){suffix}"


def _v8_form(line: str) -> str | None:
    m = _V8_NAMED.fullmatch(line)
    if m is not None:
        return (f"{FRAME_HEAD} {m.group('async') or ''}{m.group('new') or ''}<*>"
                f"{' [as <*>]' if m.group('alias') else ''} (<*>)")
    m = _V8_ANONYMOUS.fullmatch(line)
    return None if m is None else f"{FRAME_HEAD} {m.group('async') or ''}<*>"


def is_frame_tokens(tokens: list[str]) -> bool:
    """Whether the learner's tokens are a frame or source form (`frame_form`): never compared with a template."""
    return bool(tokens) and tokens[0] in CALL_SITE_HEADS
