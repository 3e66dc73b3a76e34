"""An exception of OUR code that only re-raises its cause: the class layer reads the cause, not the wrapper.

The gateway wraps a failure at its tool boundary (research/upstream-gateway.md s.1; the ws_daemon's
`raise GatewayError(f"request failed: {exc}") from exc`), so the record's FINAL exception is the gateway's own class
and the library's exception that says what went wrong is the one before it. CPython prints that shape exactly
(`traceback.py`, `TracebackException.format`: the cause's traceback, then `_cause_message` "The above exception was
the direct cause of the following exception:", then the wrapper's): `raise X from exc` sets `__cause__`.

A wrapper is read through only when it carries nothing of its own - all three hold:
- the link is the DIRECT cause (`from exc`), the last separator of the chain: "During handling of the above
  exception" (`__context__`) is a second failure in the handler, a cause of its own;
- the wrapper was raised in an application frame (the last traceback's last frame is not a library's): a library
  that raises its own class over another's (httpx over httpcore, openai's APIConnectionError) is the library's
  statement, which the named families read;
- its message repeats the cause's message (non-empty) - it adds only the operation's words ("request failed: ...").
  A wrapper with a message of its own ("quota exceeded for tenant x") states a cause the cause's class does not.
Only the class-level base reading (base_family.py: PEP 249 use, TypeError, a library's own usage check) uses this, and
only where no rule and no family answered: the wrapper's class told nothing, so the catch-all answered for a record
whose cause's class was known (spent gen 801-903 c11-G9: prometheus_client's `labels()` ValueError under the
daemon's GatewayError answered unknown in 16 of 18 variants).
"""

from __future__ import annotations

from dataclasses import replace

from ..ingest.tracebacks import parse_traceback
from .frames import raised_at
from .model import DiagnosisInput

DIRECT_CAUSE = "The above exception was the direct cause of the following exception:"
DURING_HANDLING = "During handling of the above exception, another exception occurred:"


def wrapped_cause(inp: DiagnosisInput) -> DiagnosisInput | None:
    """`inp` as if its cause had been raised (traceback cut before the wrapper, the cause's class and message), when
    the final exception is an own wrapper of it (module docstring); None otherwise."""
    tb = inp.traceback
    direct, during = tb.rfind(DIRECT_CAUSE), tb.rfind(DURING_HANDLING)
    if direct < 0 or during > direct:
        return None
    at = raised_at(tb)
    if at is None or at.library is not None:
        return None
    parsed = parse_traceback(tb.splitlines())
    if parsed is None or len(parsed.chain) < 2:
        return None
    cause, wrapper = parsed.chain[-2], parsed.chain[-1]
    said = " ".join(cause.message.split())
    if not said or said not in " ".join(wrapper.message.split()):
        return None
    inner = tb[:direct].rstrip()
    if raised_at(inner) is None:
        return None
    return replace(inp, traceback=inner, exception_type=cause.type, exception_message=cause.message,
                   chain_types=tuple(e.type for e in parsed.chain[:-1]))
