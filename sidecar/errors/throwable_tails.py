"""A JVM Throwable a log statement printed into its text: the type and its message are one value.

Class (the JDK's and slf4j's own grammar): `Throwable.toString()` is `getClass().getName()` followed by
`": " + getLocalizedMessage()` when there is a message (java.lang.Throwable). A statement that prints an
exception it caught into its own text - `log.warn("handleException {} {}", uri, x)` (Jetty HttpChannel),
`"Resolved [" + ex + "]"` (Spring's AbstractHandlerExceptionResolver.buildLogMessage), `"Resolving exception
from handler [" + handler + "]: " + ex`, `"Exception causing close of session {} due to {}"` (ZooKeeper
NIOServerCnxn) - is ONE call site whatever was thrown, and the thrown text has any length (the message is
the exception's own: `Read timed out`, `Idle timeout expired: 25508/30000 ms`). So from a qualified
Throwable name to the end of the message, or to the bracket that closes one opened before it, is one `<*>`
(the title keeps the real text: the sample).

Which names (and where it ends: the name alone when no `": "` follows it) - a binary class name whose package follows the JLS 6.1 naming convention (its first component
a top-level domain or the platform's own: `java.`, `javax.`, `jakarta.`, `org.`, `com.`, `net.`,
`kotlin.`, `scala.`, ...) and whose class ends in `Exception`, `Error` or `Throwable` (the JDK's names and
JLS 11.1.1's convention), a nested one after it (`HttpServerErrorException$BadGateway`, JLS 13.1). Python's qualified names (`requests.exceptions.ConnectionError`, `openai.X`)
are not JVM packages: untouched (the gateway's own errors keep their types and codes).

Keep rules inside it (`502 Bad Gateway`, `status 503`) keep nothing there: the whole text is the value
(`keep_spans`). Twins kept (tests/errors/test_throwable_tails.py): a type that OPENS the message (the message is the
exception: `java.io.IOException: Broken pipe`), a type after a stack-trace caption (`Caused by:`,
`Suppressed:`, `Wrapped by:`, `Exception in thread "main"`: printStackTrace's and ThreadGroup's own
lines, where which exception was raised is the event), an unqualified name (`EofException`), and the
words before the type (`handleException` vs `handleError` stay two call sites).
"""

from __future__ import annotations

import re

from .brackets import BRACKETS, close_at
from .masking_rules import PLACEHOLDER

__all__ = ["mask_throwable_tail", "throwable_span"]

# Not `app`, `dev`, `io` (review r16): Python services name their own packages so (`app.errors.RateLimitError`,
# FastAPI's layout, this gateway's `app.*`), and a Python qualified name must stay; the cost is the JVM's
# `io.netty.`/`io.grpc.` Throwables, which keep their text.
_PACKAGE_ROOTS = ("java|javax|jakarta|jdk|sun|com|org|net|edu|gov|mil|kotlin|kotlinx|scala|akka"
                  "|reactor|software|ch|de|fr|nl|uk|eu|ru|cn|jp|br|it|es|se|no|fi|pl|cz|at|be|dk|au|ca|in|kr")
_THROWABLE = re.compile(
    rf"(?<![\w.$])(?:{_PACKAGE_ROOTS})\.(?:[a-z_][\w]*\.)*[A-Z][\w$]*(?:Exception|Error|Throwable)(?:\$[\w$]+)?(?![\w$])")
# Stack-trace captions (Throwable.printStackTrace: `Caused by: `, `Suppressed: `; logback's `Wrapped by: `;
# ThreadGroup.uncaughtException: `Exception in thread "name" `) right before the type.
_CAPTION = re.compile(r"""(?:Caused by:|Suppressed:|Wrapped by:|Exception in thread\s+(?:"[^"]*"|\S+))\s*$""")
_WORD = re.compile(r"[A-Za-z]{2,}")


def _value_end(t: str, start: int) -> int:
    """Where the Throwable's text that starts at `start` ends: at the bracket closing the innermost one
    still open before it (`Resolved [<ex>]`, `CompletableFuture@h[Completed exceptionally: <ex>]`: the
    printer's own bracket), else at the end of the message."""
    opened: list[str] = []
    for c in t[:start]:
        if c in BRACKETS:
            opened.append(BRACKETS[c])
        elif opened and c == opened[-1]:
            opened.pop()
    if not opened:
        return len(t)
    i = close_at(t, start)
    return i if i >= 0 and t[i] == opened[-1] else len(t)


def throwable_span(t: str) -> tuple[int, int] | None:
    """Where the first JVM Throwable a call site printed into `t` is (its type and message), when the
    call site's own words come before it and no stack-trace caption does (module docstring); or None."""
    if not (("Exception" in t or "Error" in t or "Throwable" in t) and "." in t):
        return None
    for m in _THROWABLE.finditer(t):
        before = t[:m.start()]
        if _WORD.search(before.replace(PLACEHOLDER, " ")) is None or _CAPTION.search(before):
            continue
        if t[m.end():m.end() + 2] != ": ":
            return m.start(), m.end()  # no `": " + message` (Throwable.toString): what follows is the statement's
        return m.start(), _value_end(t, m.start())
    return None


def mask_throwable_tail(t: str) -> str:
    """`t` with its first printed JVM Throwable as one placeholder (`throwable_span`)."""
    span = throwable_span(t)
    return t if span is None else t[:span[0]] + PLACEHOLDER + t[span[1]:]
