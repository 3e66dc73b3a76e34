"""Exceptions that only wrap another: the diagnosis answers for the wrapped cause, not the wrapper.

A wrapper's class says how the failure travelled, not what failed; its family is the cause it carries:
- `ExceptionGroup` / `BaseExceptionGroup` (CPython 3.11 exceptions; asyncio.TaskGroup's "unhandled errors in a
  TaskGroup", anyio's task groups, starlette/uvicorn under anyio): traceback.TracebackException.format prints each
  member after a `+-+---------------- 1 ----------------` separator with lines prefixed `| `; the member's own
  last line (`| ValueError: boom`) names it.
- tenacity's `RetryError` (tenacity/__init__.py: `__str__` is `RetryError[<Future at 0x... state=finished raised
  ReadTimeout>]`, and `raise retry_exc from fut.exception()` chains the last attempt's error when the traceback
  is printed): the last attempt's class is the cause.
A wrapper whose members are several different classes keeps its own type: the first member answers only when
every member has the same class (one cause, many tasks).

A record that only announces another's failure answers for that record: uvicorn's "Application startup failed.
Exiting." (uvicorn/lifespan/on.py) follows the ERROR record that carries the startup exception's traceback
(starlette's lifespan sends it as the failure message), so the cause is that record, read from the context lines.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .excerpt import excerpt_to_input
from .model import DiagnosisInput

GROUP_TYPES = frozenset({"ExceptionGroup", "BaseExceptionGroup", "exceptiongroup.ExceptionGroup",
                         "exceptiongroup.BaseExceptionGroup"})
RETRY_TYPES = frozenset({"tenacity.RetryError", "RetryError", "tenacity._asyncio.RetryError"})
# a member's last line inside a printed group: "    | pkg.mod.Class: message" (nested groups add "| " levels)
_MEMBER_LAST = re.compile(r"^[ |]*\| (?P<type>(?:[A-Za-z_][\w]*\.)*[A-Z]\w*(?:Error|Exception|Timeout|Exit|Full|Closed\w*|"
                          r"Interrupt|Warning|Stream|Big|Status|Group|Iteration))(?:: (?P<msg>[^\n]{0,2000}))?$")
_SEPARATOR = re.compile(r"^[ |]*\+(?:-\+)?-{4,} \d+ -{4,}$")
_RETRY_RAISED = re.compile(r"RetryError\[<Future at 0x[0-9a-f]+ state=finished raised (?P<type>[A-Za-z_][\w.]{0,120})>\]")
MAX_SCAN = 256 * 1024


def _members(traceback: str) -> list[tuple[str, str]]:
    """(type, message) of every printed member's last line, in order."""
    out: list[tuple[str, str]] = []
    lines = traceback[-MAX_SCAN:].splitlines()
    in_member = False
    last: tuple[str, str] | None = None
    for line in lines:
        if _SEPARATOR.match(line.strip()) or line.strip().startswith("+------"):
            if last is not None:
                out.append(last)
            last = None
            in_member = True
            continue
        if in_member and (m := _MEMBER_LAST.match(line)) is not None:
            last = (m.group("type"), (m.group("msg") or "").strip())
    if last is not None:
        out.append(last)
    return [(t, msg) for t, msg in out if t not in GROUP_TYPES]


_ANNOUNCES = re.compile(r"^Application (?:startup|shutdown) failed\. Exiting\.$")


def _announced(inp: DiagnosisInput) -> DiagnosisInput | None:
    """The record before an announcement (its traceback and class), or None when the context has none."""
    try:
        before = excerpt_to_input("\n".join(inp.context[-200:]))
    except ValueError:
        return None
    if before.exception_type is None or before.level not in ("ERROR", "CRITICAL"):
        return None
    return replace(before, fingerprint=inp.fingerprint, count=inp.count, first_seen=inp.first_seen,
                   last_seen=inp.last_seen, regressions=inp.regressions, surroundings=inp.surroundings)


_LOGGING_ERROR = "--- Logging error ---"


def _logging_error(inp: DiagnosisInput) -> DiagnosisInput:
    """A record whose raw text holds logging.Handler.handleError's block (CPython logging/__init__.py: '--- Logging
    error ---', the traceback of the handler's failure, 'Call stack:' of the log call, 'Message: %r', 'Arguments: %s')
    fails in the logging pipeline, not in what the record says: the header line(s) before the block and the 'Call
    stack:'/'Message:'/'Arguments:' part are the record that could NOT be logged. They move to the context (read by
    text rules and the logging texts of server_messages.py); the failure is the block's own traceback, so a rule on the
    unlogged record's words (asyncio's 'socket.send() raised exception.') no longer answers for it."""
    raw = inp.traceback
    start = raw.find(_LOGGING_ERROR)
    before, block = raw[:start], raw[start:]
    cut = block.find("\nCall stack:")
    tail = block[cut + 1:] if cut >= 0 else ""
    block = block[:cut] if cut >= 0 else block
    logged = [ln for ln in tail.splitlines() if ln.startswith(("Message: ", "Arguments: "))]
    return replace(inp, message=_LOGGING_ERROR, traceback=block,
                   context=(*inp.context, *[ln for ln in before.splitlines() if ln.strip()], *logged))


def unwrap(inp: DiagnosisInput) -> DiagnosisInput:
    """`inp` with the wrapped cause as its exception when the raised class only wraps one (see the module
    docstring); the wrapper's own type stays in the chain. Unchanged otherwise."""
    if inp.exception_type is None and inp.context and _ANNOUNCES.match(inp.message.strip()):
        inp = _announced(inp) or inp
    if _LOGGING_ERROR in inp.traceback[:MAX_SCAN]:
        inp = _logging_error(inp)
    kind = inp.exception_type or ""
    if kind in GROUP_TYPES or (kind == "" and "Exception Group Traceback" in inp.traceback[:MAX_SCAN]):
        members = _members(inp.traceback)
        if not members or len({t for t, _ in members}) != 1:
            return inp
        inner, said = members[-1]
    elif kind in RETRY_TYPES or kind.endswith(".RetryError") or (not kind and "RetryError[" in inp.message):
        # the message form too: "... failed: tenacity.RetryError: RetryError[<Future ... raised ReadTimeout>]"
        m = _RETRY_RAISED.search(inp.exception_message or inp.message) or \
            _RETRY_RAISED.search(inp.traceback[-MAX_SCAN:])
        if m is None:
            return inp
        kind = kind or "tenacity.RetryError"
        inner = m.group("type")
        said = next((c for c in inp.chain_types if c.rsplit(".", 1)[-1] == inner.rsplit(".", 1)[-1]), "")
        if said:
            inner = said  # the chain printed the full name of the last attempt's class
        said = ""
    else:
        return inp
    chain = tuple(dict.fromkeys((*inp.chain_types, kind)))
    return replace(inp, exception_type=inner, exception_message=said or inp.exception_message, chain_types=chain)
