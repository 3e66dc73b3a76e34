"""A generic family for an exception class no table knows: its BASE class and the ROLE of the package that raised it.

The named families (classes.py) cover the classes earlier cases met; a fresh log names classes nobody listed
(`openai`'s own file check, `websockets`' send() type check, `psycopg`'s "didn't produce records", pydantic_core's
serialiser). Their ancestors and where they were raised still say what kind of failure it is, by the libraries'
own contracts:
- PEP 249 (the DB-API every driver implements: psycopg, sqlite3, asyncpg's `InterfaceError`): `ProgrammingError`
  and `InterfaceError` are "errors related to the program's use of the API" (a wrong statement, a fetch with no
  result, a closed cursor). Where the driver attached no SQLSTATE, our code misused the driver: code.
- `TypeError` (CPython: "an operation or function is applied to an object of inappropriate type", and every
  call with an unexpected keyword): the gateway's code passed the wrong kind of object; the doctrine names type
  and shape mismatches under code.
- A `RuntimeError`/`ValueError` raised inside a library's or the standard library's own API checks, directly
  under an application frame (asyncio's queues, futures and tasks, contextlib, json's encoder, pydantic_core's
  serialiser, openai's file check): the library refusing how it was called: code.
- asyncio/threading lock and semaphore bookkeeping (`locks.py`: "Lock is not acquired", "Semaphore released too
  many times"): concurrency, the doctrine's lock category.
A verdict here rests on the class alone, so it stays low (`BASE_CONFIDENCE`), and its text names the class and the
component, never a cause the record does not show. Where the offending value came from (a setting, the client's
input) is origin.py's question: it can overturn these answers.
"""

from __future__ import annotations

import re

from .class_bases import ancestors
from .frames import STDLIB, app_source_line, raised_at
from .model import Category, DiagnosisInput, one_line
from .own_wrapper import wrapped_cause
from .verdict import Verdict, _verdict

BASE_CONFIDENCE = 0.4
# PEP 249's program-use errors, in any driver's namespace (psycopg.ProgrammingError, sqlite3.InterfaceError...)
_DBAPI_USE = re.compile(r"(?:^|\.)(?:ProgrammingError|InterfaceError)$")
_SQLSTATE = re.compile(r"\bSQLSTATE\b|\bpgcode\b|'code': '[0-9A-Z]{5}'")
# the standard library's modules whose ValueError/RuntimeError is an API-use check, not a data parse
# (not enum, datetime, ipaddress...: their ValueError is a value lookup or parse, the value's origin decides)
_STDLIB_API = re.compile(r"/(?:asyncio|concurrent/futures|queue|contextlib|json/encoder|threading|weakref|"
                         r"multiprocessing)(?:/|\.py)")
# besides RuntimeError/ValueError, the classes those modules raise as their OWN state check (their source: `raise
# QueueEmpty` in asyncio/queues.py get_nowait, `raise Empty` in queue.py, `raise ProcessLookupError()` in
# asyncio/base_subprocess.py _check_proc once the child has exited, `raise InvalidStateError` in futures):
# the caller asked for something the object's state does not allow (held-out 7: 7029, 7030 answered the catch-all).
# NOT here: TimeoutError/CancelledError (a wait that ran out: waits.py), the streams' IncompleteReadError, any OSError
# that carries an errno (the kernel's answer, not the library's check)
# (QueueFull/Full are not: a bounded queue that is full is capacity, classes.py's resource.queue)
_STATE_CHECKS = frozenset({"QueueEmpty", "Empty", "ProcessLookupError", "InvalidStateError", "BrokenBarrierError"})
# a blocking get with a timeout (queue.py get(block=True, timeout=N) raises Empty when it runs out)
_TIMED_GET = re.compile(r"\.get\((?:[^)]*\btimeout\s*=|\s*(?:True|block\s*=\s*True)\s*,\s*[\w.]+)")
_LOCKS = re.compile(r"/(?:asyncio/locks|threading)\.py")
# _thread's C locks raise from the caller's frame (Modules/_threadmodule.c: Lock.release "release unlocked lock",
# RLock.release "cannot release un-acquired lock"): their fixed texts say what the frame cannot (CLASSES9 K1)
_C_LOCK_TEXT = re.compile(r"^(?:release unlocked lock|cannot release un-acquired lock)$")
# serialisers refusing an object the code gave them (pydantic_core, json's encoder, orjson, PyYAML's representer)
_SERIALISE = re.compile(r"(?:^|\.)(?:PydanticSerializationError|JSONEncodeError|RepresenterError)$")
# a library's module that parses data handed to it: its ValueError is about the data, whose origin decides
# (`load`/`read` start a word: "thread" and "download" are not parsers - review r7: threading's checks never applied)
_PARSERS = re.compile(r"decod|pars|(?<![a-z])(?:load|read)|scan|json/decoder|_strptime|/jwt/|/email/|/base64|/urllib/")


def base_verdict(inp: DiagnosisInput) -> Verdict | None:
    """The family implied by the raised class's ancestors and the raising package, or None when they say too little.
    An exception of our own code that only re-raises its cause (own_wrapper.py) is read as its cause."""
    cause = wrapped_cause(inp)
    return (_class_verdict(cause) if cause is not None else None) or _class_verdict(inp)


def _class_verdict(inp: DiagnosisInput) -> Verdict | None:
    cls = inp.exception_type
    if not cls:
        return None
    bases = ancestors(cls)
    names = {b.rsplit(".", 1)[-1] for b in bases} | {cls.rsplit(".", 1)[-1]}
    at = raised_at(inp.traceback)
    where = _component(at.library if at else None, at.frame if at else "")
    said = one_line(f"{cls}: {inp.exception_message}" if inp.exception_message else cls, 200)
    text = "\n".join(inp.messages())
    if any(_DBAPI_USE.search(b) for b in (cls, *bases)) and not _SQLSTATE.search(text + inp.traceback[-4096:]):
        return _base("dbapi.use", cls, "code", f"The database driver refused how the code used it ({said})",
                     f"{where} raised a PEP 249 program-use error with no SQLSTATE: the server did not refuse anything; "
                     "the gateway's code called the driver wrongly (a fetch after a statement that returns no rows, "
                     "a closed cursor or connection, a wrong parameter count).",
                     "Fix the call at the traceback's last application frame.")
    if at is None or at.app_frame is None or any("ValidationError" in n for n in names):
        return None  # no frames: nothing says who called whom; a validation error is about data (its origin decides)
    in_library = at.library is not None
    c_lock = "RuntimeError" in names and _C_LOCK_TEXT.match((inp.exception_message or "").strip()) is not None
    if (in_library and _LOCKS.search(at.frame) and names & {"RuntimeError", "ValueError"}) or c_lock:
        return _base("lock.bookkeeping", cls, "concurrency", f"A lock or semaphore was released or used out of turn ({said})",
                     f"{where} refused a release/acquire: the code releases a lock it does not hold (or a semaphore more "
                     "times than acquired), so concurrent tasks are no longer excluded from each other.",
                     "Acquire and release in one `async with` block; never release in `finally` what was not acquired.")
    if any(_SERIALISE.search(b) for b in (cls, *bases)) or (in_library and "/json/encoder" in at.frame):
        return _base("serialise.object", cls, "code", f"An object the code built could not be serialised ({said})",
                     f"{where} could not serialise a value the gateway's code put into the payload (a type it does "
                     "not know, a structure that refers to itself).",
                     "Convert the value before serialising it (model_dump / a plain dict), or exclude the field.")
    if "TypeError" in names and in_library:
        return _base("type.call", cls, "code", f"The code called {_short(where)} with an argument it does not accept ({said})",
                     f"{where} refused the call's arguments (TypeError: a wrong type or keyword): a type/shape mismatch "
                     "in the gateway's code at the last application frame, raised before anything was sent.",
                     "Fix the call at the traceback's last application frame (the library's signature, the value's type).")
    if "TypeError" in names and not in_library:
        return _base("type.own", cls, "code", f"A type mismatch in the gateway's own code ({said})",
                     f"The interpreter refused an operation at {one_line(at.frame, 160)}: an object of the wrong type "
                     "(a sync/async protocol, an operand, a call) in the gateway's own code.",
                     "Fix the operation at the traceback's last frame.")
    stdlib_api = at.library == STDLIB and _STDLIB_API.search(at.frame) is not None
    own_check = stdlib_api and cls.rsplit(".", 1)[-1] in _STATE_CHECKS and "[Errno" not in (inp.exception_message or "")
    if own_check and cls.rsplit(".", 1)[-1] == "Empty" and _TIMED_GET.search(app_source_line(inp.traceback) or ""):
        return None  # queue.get(timeout=...) ran out: a wait that ended, not a call the queue's state forbids (review r7)
    if own_check or in_library and names & {"RuntimeError", "ValueError"} and not _PARSERS.search(at.frame) and (
            at.library != STDLIB or stdlib_api):
        call = f" - the call {at.called}()" if at.called and not at.called.startswith("<") else ""
        return _base("api.use", cls, "code",
                     f"{_short(where)[:1].upper()}{_short(where)[1:]} refused how it was called ({said}){call}",
                     f"{where} raised its own usage check directly under the gateway's code{call}: the code called it "
                     "in a way or state it does not allow.",
                     "Read the library's contract for the call at the traceback's last application frame and fix the call.")
    return None


def _component(library: str | None, frame: str) -> str:
    if library is None:
        return "The application's own code"
    if library == STDLIB:
        mod = re.search(r"/lib/python3\.\d+/([\w/]+?)(?:/__init__)?\.py", frame)
        return f"The standard library's {mod.group(1).replace('/', '.')}" if mod else "The standard library"
    return f"The {library} library"


def _short(where: str) -> str:
    return where[4:] if where.startswith("The ") else where


def _base(family: str, cls: str, category: Category, summary: str, cause: str, fix: str) -> Verdict:
    return _verdict(f"base.{family}", cls, (category, "medium", summary, cause, (fix,)), BASE_CONFIDENCE)
