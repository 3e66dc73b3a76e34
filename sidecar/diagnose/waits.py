"""What a bare TimeoutError waited for, read from its frames: a slot, a lock, or another thread's event loop.

`TimeoutError` (asyncio.TimeoutError is the builtin since 3.11) names no remote: asyncio.wait_for and
concurrent.futures.Future.result(timeout) raise it around whatever the code awaited. The logger (a provider's
module, the semaphore middleware) does not say what that was; the raising frame and the application's own line
do (CPython 3.11 asyncio/tasks.py wait_for, asyncio/timeouts.py, concurrent/futures/_base.py result):
- `Future.result(timeout=0)`: a poll, no wait - the code read the outcome before it was done (code).
- `Future.result(timeout)` in concurrent/futures/_base.py: a thread waited for work handed to an event loop
  (run_coroutine_threadsafe) or an executor, which did not run it in time - that loop is blocked or busy: a
  concurrency fault of the code that blocks it (a synchronous call inside a coroutine), not a remote's timeout.
- wait_for / asyncio.timeout around `<x>.acquire()`: waiting for a semaphore's slot (capacity: every slot stayed
  busy, the limit is smaller than the load) or a lock (concurrency: another task held it).
- the websockets client's own `open_timeout` (websockets/asyncio/client.py `connect.__await_impl__`: `raise
  TimeoutError("timed out during opening handshake")`; legacy/client.py the same): the peer accepted nothing or never
  answered the HTTP upgrade in time - network, whatever module logged it and whether or not the message names the URL
  (CLASSES8 B3). A blocked peer loop or a URL on another service's port are read after (preceding.py,
  transport_setting.py), as for every timeout.
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
_ZERO = re.compile(r"\.result\(\s*(?:timeout\s*=\s*)?0(?:\.0*)?\s*\)")
_WS_CLIENT = re.compile(r"websockets/(?:asyncio/|legacy/)?client\.py$")
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
    if _FUTURE_RESULT.search(last.group("path")) and last.group("func") == "result" and _ZERO.search(code_line):
        # result(timeout=0) / result(0): a poll of a future that is not done, no wait at all (CLASSES9 G3)
        return ("code", "medium", f"The code read a future's result before it was done ({code_line})",
                "concurrent.futures' Future.result with a zero timeout does not wait: it raises TimeoutError at once "
                "when the work is not finished. The code reads the outcome in the wrong state (check done() first, or "
                "wait with a real timeout); nothing was slow.",
                ("Await/wait for the future (result() with a real timeout, or add_done_callback) instead of polling "
                 "with timeout=0.",))
    if _FUTURE_RESULT.search(last.group("path")) and last.group("func") == "result":
        return ("concurrency", "high", "A thread timed out waiting for work it handed to an event loop or executor "
                f"(TimeoutError at {code_line or 'Future.result'})",
                "concurrent.futures' Future.result(timeout) gave up: the coroutine or function this thread handed to "
                "the event loop (run_coroutine_threadsafe) or an executor did not finish in time, because that loop "
                "is blocked or busy - a synchronous call inside a coroutine stalls every task on it. No remote call "
                "timed out here.",
                ("Find what blocks the event loop at that time (asyncio debug mode logs 'Executing <Handle> took N "
                 "seconds'); move the blocking call to a thread (asyncio.to_thread) or make it async.",))
    if _WS_CLIENT.search(last.group("path")) and "opening handshake" in traceback[-TAIL:].rsplit("\n", 3)[-1] + message:
        return ("network", "medium", "A WebSocket client's opening handshake timed out (TimeoutError)",
                "The websockets client gave up after its open_timeout: the peer accepted the TCP connection but did not "
                "answer the HTTP upgrade in time, or never accepted it - the peer is slow, overloaded, restarting or "
                "unreachable on that path. A transient fault of the path or the peer, not of the client's code.",
                ("Check that the peer (the daemon / the realtime endpoint) is up and answering on that URL at that "
                 "time; if it comes in bursts, look for the peer's event loop being blocked.",))
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
