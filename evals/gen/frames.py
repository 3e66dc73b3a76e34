"""Raise a REAL library exception through synthesised gateway frames and format it as CPython does.

Why: a case's traceback must come from the installed library (its class, its message, its own frames), so a
library upgrade changes the generated cases. Only the gateway's frames are synthesised: each one is a real Python
function compiled under a gateway file name (`/app/src/...`), with its source registered in `linecache` so
`traceback.format_exception` prints it exactly as it would print the gateway's own file (CPython 3.11
`Lib/traceback.py`: `FrameSummary.line` reads `linecache.getline`). The statement shown IS the statement run: the
names it reads are bound to real objects (the library module, the real value) or to the next gateway frame, so the
column markers CPython 3.11 prints under a sub-expression are the true ones.

Paths: the venv's and the interpreter's own prefixes are rewritten to the gateway image's
(`/usr/local/lib/python3.11/...`, research upstream-gateway.md §1.1: `python:3.11` image), and object addresses
(`0x7f...`) to values drawn from the case's rng, so the same seed gives byte-identical text.
"""

from __future__ import annotations

import ast
import asyncio
import builtins
import linecache
import re
import sys
import sysconfig
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random
from typing import Any

SITE = "/usr/local/lib/python3.11/site-packages/"
STDLIB = "/usr/local/lib/python3.11/"


@dataclass
class Frame:
    """One gateway frame: file, function, the statement shown and run, and the real objects it reads."""

    path: str
    func: str
    line: str
    env: dict[str, Any] = field(default_factory=dict)
    is_async: bool = False


_SOURCES: dict[str, dict[int, str]] = {}


class _Anything:
    """The value of a name a shown statement reads but the case does not care about (`step.sql`, `args`): any
    attribute is itself, so reading it never raises (and never adds a frame: the lookup returns)."""

    def __getattr__(self, name: str) -> _Anything:
        return self

    def __repr__(self) -> str:
        return "None"


_ANY = _Anything()


def _bind_chain(expr: ast.expr, target: Any, env: dict[str, Any]) -> None:
    """Bind the name (or attribute chain `a.b.c`) of a call's callee so that evaluating it yields `target`."""
    chain: list[str] = []
    node = expr
    while isinstance(node, ast.Attribute):
        chain.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise ValueError(f"callee must be a name or attribute chain: {ast.dump(expr)}")
    if not chain:
        env[node.id] = target
        return
    obj: Any = target
    for attr in chain:
        obj = types.SimpleNamespace(**{attr: obj})
    env.setdefault(node.id, obj)


def _compile(frame: Frame, lineno: int, nxt: Callable[..., Any] | None) -> Callable[..., Any]:
    """Compile `frame` at `lineno` of its file; the first call in its statement not bound by env calls `nxt`."""
    stmt = frame.line.strip()
    env: dict[str, Any] = {"__name__": frame.path.rsplit("/", 1)[-1].removesuffix(".py"), "__builtins__": __builtins__}
    env.update(frame.env)
    parsed = stmt.removeprefix("async ") + ("\n    pass" if stmt.endswith(":") else "")
    tree = ast.parse(parsed)
    if nxt is not None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                root = node.func
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name) and root.id not in frame.env:
                    _bind_chain(node.func, nxt, env)
                    break
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in env \
                and not hasattr(builtins, node.id):
            env[node.id] = _ANY
    kw = "async def" if frame.is_async else "def"
    body = f"{kw} {frame.func}(*_a, **_k):\n    {stmt}\n"
    if stmt.endswith(":"):
        body += "        pass\n"
    src = "\n" * (lineno - 2) + body
    code = compile(src, frame.path, "exec")
    exec(code, env)
    known = _SOURCES.setdefault(frame.path, {})
    known[lineno - 1] = f"{kw} {frame.func}(*_a, **_k):\n"
    known[lineno] = "    " + stmt + "\n"
    shown = ["\n"] * (max(known) + 2)
    for i, text in known.items():
        shown[i - 1] = text
    linecache.cache[frame.path] = (len("".join(shown)), None, shown, frame.path)
    fn: Callable[..., Any] = env[frame.func]
    return fn


def build_chain(frames: list[Frame], rng: Random) -> Callable[[], Any]:
    """Compile the frames outermost first; each calls the next; the last one's statement calls the library."""
    nxt: Callable[..., Any] | None = None
    used: set[tuple[str, int]] = set()
    for frame in frames:
        _SOURCES.pop(frame.path, None)
    for frame in reversed(frames):
        lineno = rng.randint(18, 460)
        while any((frame.path, n) in used for n in range(lineno - 3, lineno + 4)):
            lineno = rng.randint(18, 460)
        used.add((frame.path, lineno))
        nxt = _compile(frame, lineno, nxt)
    assert nxt is not None
    return nxt


def trim(exc: BaseException) -> BaseException:
    """Drop the generator's own leading frames (and asyncio's runner) so the traceback starts in a gateway frame."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        tb = e.__traceback__
        while tb is not None and not tb.tb_frame.f_code.co_filename.startswith("/app/") and tb.tb_next is not None \
                and _has_app(tb.tb_next):
            tb = tb.tb_next
        e.__traceback__ = tb
        todo += [e.__cause__, e.__context__]
        if isinstance(e, BaseExceptionGroup):
            todo += list(e.exceptions)
    return exc


def _has_app(tb: types.TracebackType | None) -> bool:
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith("/app/"):
            return True
        tb = tb.tb_next
    return False


def run_chain(frames: list[Frame], rng: Random) -> BaseException:
    """Run the compiled chain and return the real exception it raised (trimmed to the gateway's frames)."""
    top = build_chain(frames, rng)
    try:
        result = top()
        if asyncio.iscoroutine(result):
            asyncio.run(result)
    except BaseException as exc:  # noqa: BLE001 - every exception is the product here
        return trim(exc)
    raise AssertionError(f"chain {[f.func for f in frames]} did not raise")


_PREFIXES = sorted({p for p in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"])} , key=len,
                   reverse=True)
_STD = sorted({sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]}, key=len, reverse=True)
# Repr addresses (`0x...`), and ids printed in hex WITHOUT 0x: anyio's `f"Cancelled via cancel scope {id(self):x}"`,
# `f"Unclosed <... at {id(self):x}>"` and `f"{backend}-portal-{id(portal):x}"` (anyio/_backends/_asyncio.py,
# streams/memory.py, from_thread.py). Those are found by the phrase before them, not by a `7f` prefix: an object's
# address starts with 7f only while the process's mmap base does (ASLR places it anywhere in a 1 TiB range, and a
# large heap grows below it), so a prefix rule left some runs' ids raw and the same seed wrote other bytes.
_ADDR = re.compile(r"0x[0-9a-f]{8,16}|(?<=cancel scope )[0-9a-f]{6,16}\b|(?<= at )[0-9a-f]{6,16}(?=>)"
                   r"|(?<=-portal-)[0-9a-f]{6,16}\b|\b7f[0-9a-f]{10}\b")


def paths(text: str) -> str:
    """`text` with the venv's and the interpreter's prefixes rewritten to the gateway image's."""
    for p in _PREFIXES:
        text = text.replace(p.rstrip("/") + "/", SITE)
    for p in _STD:
        text = text.replace(p.rstrip("/") + "/", STDLIB)
    return text.replace(sys.prefix + "/", "/usr/local/")


def addresses(text: str, rng: Random) -> str:
    """Replace every object address by one drawn from `rng` (the same address maps to the same new one).

    Exactly one draw from `rng` whatever the text holds, so a case and its twin stay in step."""
    seen: dict[str, str] = {}
    rng = Random(rng.getrandbits(64))

    def sub(m: re.Match[str]) -> str:
        if m.group(0) not in seen:
            prefix = "0x" if m.group(0).startswith("0x") else ""
            seen[m.group(0)] = f"{prefix}7f{rng.getrandbits(40):010x}"
        return seen[m.group(0)]

    return _ADDR.sub(sub, text)


def format_exc(exc: BaseException, rng: Random) -> str:
    """`traceback.format_exception` of the real exception with the image's paths; no trailing newline."""
    text = "".join(traceback.format_exception(exc))
    return addresses(paths(text), rng).rstrip("\n")


def format_only(exc: BaseException) -> str:
    """The exception's last line as CPython prints it (`module.Class: message`)."""
    return paths("".join(traceback.format_exception_only(exc))).strip()


def _compile_src(path: str, lineno: int, lines: list[str], env: dict[str, Any], name: str) -> Callable[..., Any]:
    """Compile a multi-line gateway function starting at `lineno` of `path` and register its text in linecache."""
    src = "\n" * (lineno - 1) + "\n".join(lines) + "\n"
    glb: dict[str, Any] = {"__name__": path.rsplit("/", 1)[-1].removesuffix(".py"), **env}
    exec(compile(src, path, "exec"), glb)
    known = _SOURCES.setdefault(path, {})
    for i, text in enumerate(lines):
        known[lineno + i] = text + "\n"
    shown = ["\n"] * (max(known) + 2)
    for i, text in known.items():
        shown[i - 1] = text
    linecache.cache[path] = (len("".join(shown)), None, shown, path)
    fn: Callable[..., Any] = glb[name]
    return fn


WRAPS = ("none", "from", "group")


def run_wrapped(frames: list[Frame], rng: Random, wrap: str, path: str = "/app/src/daemon/ws_server.py",
                err_name: str = "ToolExecutionError", err_msg: str = "tool call failed") -> BaseException:
    """Run the chain under one of `WRAPS`: as is; caught and re-raised as our error `raise ... from exc`; or as a
    task of a real `asyncio.TaskGroup` whose ExceptionGroup escapes (CPython 3.11 Lib/asyncio/taskgroups.py)."""
    if wrap == "none":
        return run_chain(frames, rng)
    top = build_chain(frames, rng)
    lineno = rng.randint(30, 700)
    if wrap == "from":
        err = type(err_name, (Exception,), {"__module__": path.removeprefix("/app/").removesuffix(".py")
                                            .replace("/", ".")})
        fn = _compile_src(path, lineno, [
            "def execute_tool(*_a, **_k):",
            "    try:",
            "        return run_tool(request)",
            "    except Exception as exc:",
            f"        raise {err_name}(f\"{err_msg}: {{exc}}\") from exc",
        ], {"run_tool": top, "request": None, err_name: err}, "execute_tool")
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001
            return trim(exc)
        raise AssertionError("wrapped chain did not raise")
    if wrap == "group":
        import asyncio as _asyncio
        fn = _compile_src(path, lineno, [
            "async def run_batch(*_a, **_k):",
            "    async with asyncio.TaskGroup() as tg:",
            "        tg.create_task(step())",
        ], {"asyncio": _asyncio, "step": _as_coroutine(top)}, "run_batch")
        try:
            _asyncio.run(fn())
        except BaseException as exc:  # noqa: BLE001
            return trim(exc)
        raise AssertionError("grouped chain did not raise")
    raise ValueError(f"unknown wrap {wrap!r}")


def _as_coroutine(top: Callable[..., Any]) -> Callable[..., Any]:
    """`top` as a coroutine function: async chains as they are, sync ones run by a compiled async frame."""
    if asyncio.iscoroutinefunction(top):
        return top
    return _compile_src("/app/src/daemon/ws_server.py", 990, ["async def step(*_a, **_k):", "    return call()"],
                        {"call": top}, "step")


def library_reraise(module: Any, func: str, statement: str, exc: BaseException,
                    env: dict[str, Any] | None = None) -> Callable[..., Any]:
    """A stand-in for the installed library's own frame that re-raises a server's error, compiled at the REAL
    file and line of `statement` inside `func` (so the traceback prints the library's own source line, read by
    linecache from the installed file). Used where the library's frame cannot run without a server, e.g. psycopg
    `AsyncCursor.execute` re-raising the server's error with `raise ex.with_traceback(None)`."""
    import inspect

    path = inspect.getsourcefile(module)
    assert path is not None
    lines = open(path, encoding="utf-8").read().splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip().startswith((f"def {func}(", f"async def {func}(")))
    lineno = next(i for i in range(start, len(lines)) if lines[i].strip() == statement) + 1
    is_async = lines[start].strip().startswith("async")
    src = "\n" * (lineno - 2) + f"{'async ' if is_async else ''}def {func}(*_a, **_k):\n    {statement}\n"
    glb: dict[str, Any] = {"ex": exc, "__name__": module.__name__, **(env or {})}
    exec(compile(src, path, "exec"), glb)
    fn: Callable[..., Any] = glb[func]
    return fn
