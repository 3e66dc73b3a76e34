"""What a bare TimeoutError waited for, read from its frames: a slot, a lock, or another thread's event loop.

`TimeoutError` (asyncio.TimeoutError is the builtin since 3.11) names no remote: asyncio.wait_for and
concurrent.futures.Future.result(timeout) raise it around whatever the code awaited. The logger (a provider's
module, the semaphore middleware) does not say what that was; the raising frame and the application's own line
do (CPython 3.11 asyncio/tasks.py wait_for, asyncio/timeouts.py, concurrent/futures/_base.py result):
- `Future.result(timeout)` in concurrent/futures/_base.py: a thread waited for work handed to an event loop
  (run_coroutine_threadsafe) or an executor, which did not run it in time - that loop is blocked or busy: a
  concurrency fault of the code that blocks it (a synchronous call inside a coroutine), not a remote's timeout.
- wait_for / asyncio.timeout around `<x>.acquire()`: waiting for a semaphore's slot (capacity: every slot stayed
  busy, the limit is smaller than the load) or a lock (concurrency: another task held it).
Anything else (a wait_for around a provider call) is left to the class x remote texts.
"""

from __future__ import annotations

import re

from .entry import Text

_FRAME_AND_LINE = re.compile(r'^\s*File "(?P<path>[^"\n]{1,400})", line \d+, in (?P<func>\S{1,120})\n(?P<code>[^\n]{0,300})',
                             re.M)
_LIBRARY = re.compile(r"(?:site|dist)-packages/|/lib/python3\.\d+/")
_FUTURE_RESULT = re.compile(r"concurrent/futures/_base\.py$")
_ASYNCIO_WAIT = re.compile(r"asyncio/(?:tasks|timeouts)\.py$")
_ACQUIRE = re.compile(r"\.acquire\(\s*\)")
# words of an identifier or message that name a counted limit (kimi_slots, provider_sem, CapacityLimiter)
_SLOT_WORDS = frozenset({"sem", "sema", "semaphore", "slot", "slots", "limiter", "capacity"})
TAIL = 16384


def awaited_timeout(traceback: str, message: str) -> Text | None:
    """The cause of a bare TimeoutError by what its frames waited for, or None when they do not say."""
    frames = list(_FRAME_AND_LINE.finditer(traceback[-TAIL:]))
    if not frames:
        return None
    last = frames[-1]
    app = next((f for f in reversed(frames) if not _LIBRARY.search(f.group("path"))), None)
    code_line = app.group("code").strip() if app is not None else ""
    if _FUTURE_RESULT.search(last.group("path")) and last.group("func") == "result":
        return ("concurrency", "high", "A thread timed out waiting for work it handed to an event loop or executor "
                f"(TimeoutError at {code_line or 'Future.result'})",
                "concurrent.futures' Future.result(timeout) gave up: the coroutine or function this thread handed to "
                "the event loop (run_coroutine_threadsafe) or an executor did not finish in time, because that loop "
                "is blocked or busy - a synchronous call inside a coroutine stalls every task on it. No remote call "
                "timed out here.",
                ("Find what blocks the event loop at that time (asyncio debug mode logs 'Executing <Handle> took N "
                 "seconds'); move the blocking call to a thread (asyncio.to_thread) or make it async.",))
    if _ASYNCIO_WAIT.search(last.group("path")) and _ACQUIRE.search(code_line):
        if _SLOT_WORDS.intersection(re.split(r"[^a-z]+", f"{code_line} {message}".lower())):
            return ("capacity", "medium", f"Waiting for a free slot timed out ({code_line})",
                    "asyncio.wait_for around a semaphore's acquire() gave up: every slot stayed busy for the whole "
                    "timeout, so requests queue behind the limit. The limit is smaller than the load (or slots are "
                    "held too long); the remote behind the slots did not time out here.",
                    ("Compare the semaphore's size with the concurrent load and how long each holder keeps its slot; "
                     "raise the limit or shed load early (answer busy instead of queueing).",))
        return ("concurrency", "medium", f"Waiting for a lock timed out ({code_line})",
                "asyncio.wait_for around a lock's acquire() gave up: another task held the lock for the whole timeout "
                "(a long critical section, or a holder that never released it).",
                ("Find the task holding the lock (what runs inside the critical section) and keep it short; release "
                 "in a finally/async with.",))
    return None
