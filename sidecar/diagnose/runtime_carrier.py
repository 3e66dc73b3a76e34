"""A failure that only the runtime reported takes the category of the exception inside the runtime's record.

CLASSES10 G6: a fire-and-forget task or callback whose failure the runtime alone logs - asyncio's "Task exception was
never retrieved" / "Future exception was never retrieved" (`LIB/asyncio/futures.py` `__del__`), "Exception in
callback ..." (`LIB/asyncio/base_events.py` `default_exception_handler`), the threading excepthook's "Exception in
thread NAME:" (`LIB/threading.py`). The carrier says nobody awaited the task; WHAT failed is the exception inside it,
and that decides the category (a refused connection is the path or the service, a TypeError is our code). The
record that says a task was destroyed while PENDING is our missing reference - code - and stays with the first answer.

The inner exception is diagnosed as if it had been logged on its own: the record without the carrier's header and
its `future: <Task ...>` / `handle: <...>` line, under the module the coroutine was defined in (`defined at
/app/src/x/y.py:N` -> `src.x.y`), without the records around the carrier (logged at collection, not at the call).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from .model import Diagnosis, DiagnosisInput

_CARRIER = re.compile(r"^(?:Task exception was never retrieved|Future exception was never retrieved|"
                      r"Exception in callback\b|Exception in thread\b)")
_FUTURE_LINE = re.compile(r"^(?:future|handle|task|source_traceback|protocol|transport): <")
_DEFINED_AT = re.compile(r"defined at (?:/app/)?(?P<p>[\w/.-]{1,200})\.py:\d+")
INNER_MIN = 0.35


def runtime_carrier_cause(d: Diagnosis, inp: DiagnosisInput, diagnose: Callable[[DiagnosisInput], Diagnosis]) -> Diagnosis:
    """`d`, or the answer for the exception inside asyncio's/threading's own report of an unawaited failure."""
    if not _CARRIER.match(inp.message.strip()) or inp.exception_type is None:
        return d
    lines = inp.traceback.splitlines()[1:]
    defined = next((m for ln in lines[:3] if (m := _DEFINED_AT.search(ln)) is not None), None)
    body = [ln for ln in lines if not _FUTURE_LINE.match(ln)]
    message = f"{inp.exception_type}: {inp.exception_message}" if inp.exception_message else inp.exception_type
    logger = defined.group("p").strip("/").replace("/", ".") if defined is not None else inp.logger
    # the runtime logs when the task is collected, not beside the failing call: the records around the carrier are not
    # the inner failure's context (a Supabase request line before it says nothing about a refused local relay)
    inner = diagnose(replace(inp, message=message, logger=logger, traceback="\n".join([message, *body]),
                             context=(), after=()))
    if inner.category in ("unknown", d.category) or inner.confidence < INNER_MIN:
        return d
    return inner.model_copy(update={
        "rule": f"{d.rule}+runtime:{inner.rule}", "confidence": min(inner.confidence, 0.5),
        "root_cause": (f"Only the runtime reported this failure ({inp.message.strip()[:80]}): a background task or "
                       f"callback nobody awaited. What failed inside it: {inner.root_cause}"),
        "suggested_fix": [*inner.suggested_fix, "Keep a reference to the background task and log its exception "
                          "(a done-callback), so the failure is reported where it happens."],
        "evidence": list(dict.fromkeys([*inner.evidence[:3], *d.evidence[:1]]))})
