"""Helpers the CLASSES11 generators share: a real server error through psycopg's own re-raise line, the carrier
and wrap axes, the placement of a deciding record (CLASSES11 J: before, after, far before, absent), a service line.

Nothing here decides a category: each class module does, by the doctrine of evals/TAXONOMY.md.
"""

from __future__ import annotations

import asyncio
from random import Random

import psycopg

from evals.gen.c10_more import _logger
from evals.gen.c10_storage import _cursor
from evals.gen.frames import WRAPS, Frame, _compile_src, build_chain, run_wrapped, trim
from evals.gen.render import Record

DB_SERVICES = ("gateway-db-1", "supabase-db", "postgres-1", "db")


def logger_of(path: str) -> str:
    """The gateway's logger name for a module path (`/app/src/storage/events.py` -> `src.storage.events`)."""
    return _logger(path)


def pg_exc(sqlstate: str, message: str, **diag: str) -> BaseException:
    """psycopg's own class for `sqlstate` (psycopg.errors.lookup) carrying the server's message.

    The server's DETAIL/HINT travel in the message as psycopg prints them (`str(exc)` is the primary message; the
    traceback's last line shows only it), so `diag` is appended as the server's extra lines."""
    cls = psycopg.errors.lookup(sqlstate)
    text = message + "".join(f"\n{k.upper()}:  {v}" for k, v in diag.items())
    return cls(text)


def pg_frames(path: str, caller: str, stmt: str, exc: BaseException) -> list[Frame]:
    """Our caller frame, our statement on an async cursor whose `execute` is psycopg's real re-raise line.

    `stmt` names our SQL constant (`INSERT_TOOL_EVENTS`); the helper that runs it is named after it
    (`_insert_tool_events`), as the gateway names its storage helpers."""
    func = "_" + stmt.lower()
    return [Frame(path, caller, f"await self.{func}(row)", is_async=True),
            Frame(path, func, f"await cur.execute({stmt}, row)", {"cur": _cursor(exc), "row": ()}, is_async=True)]


def pick_carrier(rng: Random, wrap: str, carriers: tuple[str, ...] = ("exception", "exception", "message", "block",
                                                                        "excepthook")) -> str:
    """A carrier that still shows the cause (a TaskGroup's group printed by str() alone would hide it)."""
    carrier = rng.choice(carriers)
    return "exception" if wrap == "group" and carrier == "message" else carrier


_WRAPPERS = (("/app/src/daemon/ws_server.py", "ToolExecutionError", "tool call failed"),
             ("/app/src/server/handlers/request_handler.py", "ToolError", "tool execution failed"),
             ("/app/src/daemon/error_handling.py", "GatewayError", "request failed"))


def raise_through(frames: list[Frame], rng: Random, wraps: tuple[str, ...] = WRAPS) -> tuple[BaseException, str]:
    """Run `frames` under one of `wraps` (as is, `raise ... from`, an asyncio.TaskGroup); the exception and the wrap.

    `frames.run_wrapped` re-raises a sync chain `from`; an async chain gets the same wrapper as a coroutine here."""
    wrap = rng.choice(wraps)
    path, name, msg = rng.choice(_WRAPPERS)
    if wrap != "from" or not any(f.is_async for f in frames):
        return run_wrapped(frames, rng, wrap, path, name, msg), wrap
    top = build_chain(frames, rng)
    err = type(name, (Exception,), {"__module__": path.removeprefix("/app/").removesuffix(".py").replace("/", ".")})
    fn = _compile_src(path, rng.randint(30, 700), [
        "async def execute(*_a, **_k):",
        "    try:",
        "        return await run(request)",
        "    except Exception as exc:",
        f"        raise {name}(f\"{msg}: {{exc}}\") from exc",
    ], {"run": top, "request": None, name: err}, "execute")
    try:
        asyncio.run(fn())
    except BaseException as exc:  # noqa: BLE001 - the exception is the product
        return trim(exc), wrap
    raise AssertionError("wrapped async chain did not raise")


def db_service(rng: Random) -> str:
    """The database container's name as compose prints it."""
    return rng.choice(DB_SERVICES)


def service_line(t: float, service: str, text: str) -> Record:
    """A line of another container; `{pg_ts}`/`{nginx_ts}` in `text` become that service's own timestamp."""
    return Record(t, "", "", text, service=service)


def place(rng: Random, lo: float, err: float, hi: float) -> tuple[str, float]:
    """Where a deciding record sits relative to the error at `err`: long before, just before, or after."""
    where = rng.choice(("long-before", "before", "after"))
    if where == "long-before":
        return where, rng.uniform(lo, lo + (err - lo) * 0.2)
    if where == "before":
        return where, err - rng.uniform(0.5, min(20.0, (err - lo) * 0.5))
    return where, err + rng.uniform(1.0, hi - err)

