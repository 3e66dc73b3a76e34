"""The bases of an exception class named in a log: its ancestors, most derived first.

classes.py names a class's family by the first ancestor its table knows; this module finds those
ancestors. A dotted name in an installed package of `IMPORTABLE` is resolved to the real class and its
MRO; a bare name to the builtin; a library the sidecar does not install (redis-py, zhipuai/zai, h2,
aliases such as `asyncio.TimeoutError`) through the written-down tree `STATIC_BASES`.

Decision: only packages in `IMPORTABLE` are imported, and only their top package; a submodule is used
only when the package loaded it. The class name comes from the log (attacker-controlled), so it never
chooses what code is loaded.
"""

from __future__ import annotations

import builtins
import importlib
import sys
from functools import lru_cache

from .redis_classes import REDIS_BASES

# zhipuai / zai (zai-sdk) core/_errors.py: the same classes as openai's, under Z.ai's names
_ZHIPU: dict[str, tuple[str, ...]] = {
    "APITimeoutError": ("openai.APITimeoutError",), "APIConnectionError": ("openai.APIConnectionError",),
    "APIStatusError": ("openai.APIStatusError",),
    "APIReachLimitError": ("openai.RateLimitError", "openai.APIStatusError"),
    "APIRequestFailedError": ("openai.BadRequestError", "openai.APIStatusError"),
    "APIAuthenticationError": ("openai.AuthenticationError", "openai.APIStatusError"),
    "APIInternalError": ("openai.InternalServerError", "openai.APIStatusError"),
    # zhipuai core/_http_client.py _make_status_error: 400 RequestFailed, 401 Authentication, 429 ReachLimit,
    # 500 Internal, 503 ServerFlowExceed (the service is over its capacity: a 5xx, not the account's rate limit)
    "APIServerFlowExceedError": ("openai.InternalServerError", "openai.APIStatusError"),
    "APIResponseValidationError": ("openai.APIResponseValidationError",),
}

# Libraries the sidecar does not install: their class -> bases (redis-py redis/exceptions.py;
# zhipuai/zai mirror openai's classes, zhipuai/core/_errors.py).
STATIC_BASES: dict[str, tuple[str, ...]] = {
    # redis-py redis/exceptions.py (not installed here): its whole tree, redis_classes.py
    "gotrue.AuthApiError": ("gotrue.AuthApiError", "gotrue.AuthError"),
    **{name: (name, *bases) for name, bases in REDIS_BASES.items()},
    "zoneinfo.ZoneInfoNotFoundError": ("zoneinfo.ZoneInfoNotFoundError", "KeyError"),
    **{f"{sdk}.{name}": bases for sdk in ("zhipuai", "zai") for name, bases in _ZHIPU.items()},
    "json.JSONDecodeError": ("json.JSONDecodeError", "ValueError"),
    "json.decoder.JSONDecodeError": ("json.JSONDecodeError", "ValueError"),
    "asyncio.TimeoutError": ("TimeoutError",),  # an alias of the builtin since Python 3.11
    "concurrent.futures.TimeoutError": ("TimeoutError",),
    "asyncio.exceptions.TimeoutError": ("TimeoutError",),
    "asyncio.CancelledError": ("asyncio.CancelledError",),
    "asyncio.exceptions.CancelledError": ("asyncio.CancelledError",),
    "asyncio.QueueFull": ("asyncio.QueueFull",), "asyncio.queues.QueueFull": ("asyncio.QueueFull",),
    "socket.timeout": ("TimeoutError",), "socket.gaierror": ("socket.gaierror", "OSError"),
    "ssl.SSLCertVerificationError": ("ssl.SSLCertVerificationError", "ssl.SSLError", "OSError"),
    "ssl.SSLError": ("ssl.SSLError", "OSError"), "ssl.SSLZeroReturnError": ("ssl.SSLError", "OSError"),
    "ssl.SSLEOFError": ("ssl.SSLError", "OSError"),
    "asyncio.IncompleteReadError": ("asyncio.IncompleteReadError", "EOFError"),
    "asyncio.exceptions.IncompleteReadError": ("asyncio.IncompleteReadError", "EOFError"),
    "asyncio.LimitOverrunError": ("asyncio.LimitOverrunError",),
    "asyncio.InvalidStateError": ("asyncio.InvalidStateError",),
    "asyncio.exceptions.InvalidStateError": ("asyncio.InvalidStateError",),
    "concurrent.futures.CancelledError": ("concurrent.CancelledError",),
    "concurrent.futures.BrokenExecutor": ("concurrent.BrokenExecutor", "RuntimeError"),
    "concurrent.futures.process.BrokenProcessPool": ("concurrent.BrokenExecutor", "RuntimeError"),
    "concurrent.futures.thread.BrokenThreadPool": ("concurrent.BrokenExecutor", "RuntimeError"),
    # h2/exceptions.py (httpcore imports h2 only for HTTP/2, so it is not resolved by import)
    **{f"h2.{name}": ("h2.ProtocolError", "h2.H2Error") for name in (
        "ProtocolError", "FlowControlError", "FrameTooLargeError", "FrameDataMissingError", "TooManyStreamsError",
        "NoSuchStreamError", "StreamClosedError", "StreamIDTooLowError", "InvalidBodyLengthError",
        "NoAvailableStreamIDError", "UnsupportedFrameError", "DenialOfServiceError")},
    "sqlite3.OperationalError": ("sqlite3.OperationalError", "sqlite3.DatabaseError"),
    "aiosqlite.OperationalError": ("sqlite3.OperationalError", "sqlite3.DatabaseError"),
    "sqlite3.DatabaseError": ("sqlite3.DatabaseError",), "aiosqlite.DatabaseError": ("sqlite3.DatabaseError",),
    "subprocess.CalledProcessError": ("subprocess.CalledProcessError",),
    "subprocess.TimeoutExpired": ("subprocess.TimeoutExpired",),
}

IMPORTABLE = frozenset({"httpx", "httpcore", "openai", "psycopg", "psycopg_pool", "postgrest", "storage3",
                        "supabase_auth", "websockets", "aiohttp", "pydantic", "pydantic_core", "anyio", "h11", "yaml",
                        "jinja2"})


def warm() -> None:
    """Import the installed IMPORTABLE libraries now (start-up), so resolving a class named in a log
    never stalls the event loop on a first import (storage3 takes ~0.3 s)."""
    for top in sorted(IMPORTABLE):
        try:
            importlib.import_module(top)
        except Exception:  # noqa: BLE001 - an optional library that is not installed stays unresolved
            continue


def short_name(cls: type) -> str:
    """`httpx._exceptions.ReadTimeout` -> `httpx.ReadTimeout`; builtins stay bare."""
    top = cls.__module__.split(".")[0]
    return cls.__name__ if top == "builtins" else f"{top}.{cls.__name__}"


@lru_cache(maxsize=512)
def ancestors(type_name: str) -> tuple[str, ...]:
    """The class named `type_name` and its bases, short names, most derived first ((type_name,) if unknown)."""
    name = type_name.strip()
    if name in STATIC_BASES:
        return (name, *STATIC_BASES[name])
    parts = name.split(".")
    if len(parts) == 1:
        obj = getattr(builtins, name, None)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            return tuple(short_name(c) for c in obj.__mro__ if c not in (BaseException, Exception, object))
        return (name,)
    top = parts[0]
    if top in IMPORTABLE:
        cls = _resolve(parts)
        if cls is not None:
            return tuple(short_name(c) for c in cls.__mro__ if c not in (BaseException, Exception, object))
    short = f"{top}.{parts[-1]}"
    return (short, *STATIC_BASES.get(short, ()))


def _resolve(parts: list[str]) -> type | None:
    """The class at `parts` inside an IMPORTABLE package, or None. Only the top package is imported;
    a submodule is looked up only when the package itself loaded it (a log never picks a module)."""
    try:
        top = importlib.import_module(parts[0])
    except Exception:  # noqa: BLE001 - a package that fails to import is simply not resolved
        return None
    for cut in range(len(parts) - 1, 0, -1):
        obj: object = sys.modules.get(".".join(parts[:cut])) if cut > 1 else top
        if obj is None:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            return obj
    alt = getattr(top, parts[-1], None)  # `httpx._exceptions.ReadTimeout` is re-exported as httpx.ReadTimeout
    return alt if isinstance(alt, type) and issubclass(alt, BaseException) else None
