"""A raised exception's printed form: the type before its message.

Class (Python's own grammar, CPython 3.11):
* `traceback.format_exception_only` prints `f"{qualname}: {str(exc)}"` (Lib/traceback.py,
  `TracebackException.format_exception_only`); Java's `Throwable.toString()` is `getClass().getName() + ": "
  + getLocalizedMessage()`. The type is a class name: CapWords (PEP 8, "Class Names"), with the suffix
  `Error` PEP 8 asks for ("Exception Names") or without it in libraries (`InvalidState`,
  `UnsupportedWheel`), optionally qualified by its module (`psycopg.OperationalError`, `java.io.IOException`).

Who uses it: `slots.py`: the words after a type that OPENS a message are its subject, no `key:` value
(`SecurityError: chunk too large` / `SecurityError: body too large` are two raise sites).
"""

from __future__ import annotations

import re

__all__ = ["exception_prefix", "exception_types"]

# One grammar of a type's name, two uses. The qualifier: module or package names (`psycopg.`, `java.io.`;
# a JVM binary name may hold `$` for a nested class, JLS 13.1).
_QUALIFIER = r"(?:[A-Za-z_][A-Za-z0-9_$]*\.)*"
# An exception type before its message: CapWords of 2+ humps, or a standard suffix.
_NAME = (_QUALIFIER + r"(?:[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*"  # CapWords, 2+ humps
         r"|[A-Z][A-Za-z0-9]*(?:Error|Exception|Warning|Exit|Interrupt|Iteration))")  # or a standard suffix
_TYPE = re.compile(_NAME + ":")
# A type that names itself one (the JDK's and PEP 8's suffixes), printed with or without its message's
# colon: `java.io.IOException:`, `java.lang.NullPointerException`, `ValueError:`, `java.lang.OutOfMemoryError`.
_SUFFIXES = ("Exception", "Error", "Throwable", "Exception:", "Error:", "Throwable:")
_NAMED_TYPE = re.compile(_QUALIFIER + r"[A-Z][A-Za-z0-9_$]*(?:Exception|Error|Throwable):?")


def exception_prefix(token: str) -> bool:
    """Whether `token` is an exception type before its message (`ValueError:`, `InvalidState:`,
    `psycopg.OperationalError:`, `java.io.IOException:`). One-word keys (`Channel:`, `Status:`) are not."""
    return _TYPE.fullmatch(token) is not None


def exception_types(t: str, m: str) -> bool:
    """Whether two different tokens are both exception types that name themselves one (`...Exception`,
    `...Error`, `...Throwable`, qualified or not, with or without the colon). Which exception was
    raised is the event, never a value in its slot: `Caused by: java.net.ConnectException: ...` /
    `Caused by: java.io.IOException: ...` (Throwable.printStackTrace's CAUSE_CAPTION then `toString()`),
    `Exception in thread "main" java.lang.NullPointerException` (ThreadGroup.uncaughtException), logback's
    `Suppressed:` / `Wrapped by:`, and a message that prints its exception (`failed: KeyError: 'x'`).
    Loghub's labels keep them apart too (Hadoop E101 names `java.net.NoRouteToHostException`)."""
    # (the suffix test first: `similarity` asks this of every pair of differing tokens)
    return t.endswith(_SUFFIXES) and m.endswith(_SUFFIXES) and _NAMED_TYPE.fullmatch(t) is not None \
        and _NAMED_TYPE.fullmatch(m) is not None
