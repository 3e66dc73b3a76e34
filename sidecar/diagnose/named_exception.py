"""An exception a record names in its message only ("write failed: ReadOnlySqlTransaction: cannot execute INSERT in a
read-only transaction"), read as the record's exception.

Code that logs `f"...: {type(exc).__name__}: {exc}"` without exc_info leaves no traceback: the class layer, the
SQLSTATE table and every second look that reads `exception_type` saw nothing (round 11's generated message-only
carriers: psycopg's ReadOnlySqlTransaction, psycopg_pool's TooManyRequests answered by the catch-all). The name counts
only when it RESOLVES to an exception class of the standard library or an installed client library (its own module
defines it, e.g. `psycopg.errors.ReadOnlySqlTransaction`), so a word that merely looks like a class name ("Note:
...", a tool's label) is not taken.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import replace
from functools import lru_cache

from .model import DiagnosisInput

# the modules whose exception classes a bare name is looked up in, standard library first (their own source:
# psycopg/errors.py holds one class per SQLSTATE, psycopg_pool/errors.py, httpx/_exceptions.py re-exported by httpx...)
_MODULES = ("builtins", "asyncio", "ssl", "socket", "json", "concurrent.futures", "psycopg.errors", "psycopg_pool",
            "psycopg", "httpx", "httpcore", "openai", "websockets.exceptions", "aiohttp", "postgrest.exceptions",
            "storage3.exceptions", "supabase_auth.errors", "jinja2", "yaml")
_NAMED = re.compile(r"(?:^|:\s|\s-\s|\]\s)(?P<type>(?:[a-z_][a-z0-9_]*\.){0,4}[A-Z][A-Za-z0-9]{2,60}): "
                    r"(?P<msg>[^\n]{1,800})$")
# a package-QUALIFIED class named with no message of its own ("connect failed: httpx.ConnectTimeout (hooks.slack.com)",
# `f"{type(exc).__module__}.{type(exc).__qualname__}"` of an exception whose str() is empty: httpx's timeouts): the
# dotted name is no English word, so it counts without the ": message" a bare name needs; a parenthesised tail is
# kept as its message (the host it names)
_QUALIFIED = re.compile(r"(?:^|:\s|\s-\s|\]\s)(?P<type>(?:[a-z_][a-z0-9_]*\.){1,4}[A-Z][A-Za-z0-9]{2,60})"
                        r"(?:\s\((?P<msg>[^()\n]{1,200})\))?\s*$")
_TOPS = frozenset(m.partition(".")[0] for m in _MODULES)


@lru_cache(maxsize=512)
def resolve(name: str) -> str | None:
    """The qualified name of the exception class `name` denotes (a bare name looked up in _MODULES, a dotted one
    imported), or None when no such exception class exists."""
    if "." in name:
        module, _, attr = name.rpartition(".")
        candidates: tuple[tuple[str, str], ...] = ((module, attr),)
    else:
        candidates = tuple((m, name) for m in _MODULES)
    for module, attr in candidates:
        try:
            mod = importlib.import_module(module)
        except Exception:  # noqa: BLE001 - an absent or broken optional library simply resolves nothing
            continue
        obj = getattr(mod, attr, None)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            return attr if module == "builtins" else f"{module}.{attr}"
    return None


def named_in_message(inp: DiagnosisInput) -> DiagnosisInput:
    """`inp` with the exception its message names as its exception, when it has none of its own (module docstring)."""
    if inp.exception_type is not None:
        return inp
    for text in inp.messages():
        m = _NAMED.search(text[:4096])
        if m is None:
            m = _QUALIFIED.search(text[:4096])  # only a package of _MODULES: a log's words choose no import
            if m is None or m.group("type").partition(".")[0] not in _TOPS:
                continue
        qualified = resolve(m.group("type"))
        if qualified is not None:
            return replace(inp, exception_type=qualified, exception_message=(m.group("msg") or "").strip())
    return inp
