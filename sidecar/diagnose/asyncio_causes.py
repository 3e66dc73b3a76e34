"""Local causes of asyncio's (and its primitives') own failures: tasks, futures, the event loop, semaphores, streams.

Split from local_causes.py (one idea per module): the entries local_causes._LOCAL holds for the event-loop world,
read in CPython 3.11 asyncio (tasks.py, futures.py, base_events.py, locks.py, streams.py). Same form: (category,
severity, summary, root cause, fixes), the summary and fixes formats of {cls} and {what}.
"""

from __future__ import annotations

from .codes import Text

ASYNCIO_LOCAL: dict[str, Text] = {
    "code.concurrent_recv": (
        "code",
        "medium",
        "Two coroutines read the same WebSocket connection at once ({cls})",
        "websockets allows one recv() at a time per connection; a second task called recv while the first was waiting (a reader task plus a request/response helper on one socket).",
        ("Give each connection a single reader task and hand messages to the others through a queue.",),
    ),
    "code.invalid_state": (
        "code",
        "medium",
        "A future or task was used in the wrong state ({cls})",
        "asyncio raises InvalidStateError when a future's result is set twice or read before it is done: two code paths complete the same future (a timeout and a reply racing).",
        ("Check future.done() before set_result/set_exception and find the second completer.",),
    ),
    "concurrency.future_race": (
        "concurrency",
        "medium",
        "A future was completed after it was already done or cancelled ({cls})",
        "asyncio refused set_result/set_exception because the future is no longer pending: two code paths race to complete it - typically the caller's timeout cancelled the pending future, then the late answer tried to resolve it.",
        ("Check future.done() (or cancelled()) before set_result/set_exception, and drop late answers for requests whose waiter timed out.",),
    ),
    "code.task_destroyed": (
        "code",
        "medium",
        "An asyncio task was destroyed while still pending - nothing kept a reference to it",
        "asyncio keeps only weak references to tasks: a task created with create_task()/ensure_future() and not stored anywhere was garbage-collected before it finished (or the loop stopped with it pending), so its work was silently dropped.",
        ("Keep a reference to every background task (a set, discarded in a done callback, or a TaskGroup) and await or cancel them on shutdown.",),
    ),
    "code.never_retrieved": (
        "code",
        "medium",
        "A background task failed and nobody awaited it ({what})",
        "asyncio logs 'Task exception was never retrieved' when a task ended with an exception that no code awaited or read: a fire-and-forget task whose failure went unnoticed.",
        ("Await the task (or add a done callback that logs task.exception()), and fix the exception it raised.",),
    ),
    "code.loop_bound": (
        "code",
        "high",
        "An asyncio object is used from a different event loop than the one it is bound to",
        "An asyncio Lock/Semaphore/Queue/Event (or a client holding one) was first used under one event loop and is now used under another: it was created at import time or shared across asyncio.run() calls or threads.",
        ("Create asyncio primitives inside the running event loop (in startup code), not at import time; do not share them across loops or threads.",),
    ),
    "code.loop_closed": (
        "code",
        "medium",
        "Code used the event loop after it was closed (RuntimeError: Event loop is closed)",
        "Something scheduled work on an event loop that was already closed: a transport or client cleaned up in __del__ after asyncio.run() returned, or an object kept across event loops.",
        ("Close clients and transports explicitly before the event loop ends (async with / await client.close()); do not reuse them across asyncio.run() calls.",),
    ),
    "code.loop_misuse": (
        "code",
        "high",
        "An event loop was started inside one that is already running",
        "asyncio.run() or run_until_complete() was called from code already running in an event loop (a sync wrapper called from async code).",
        ("Await the coroutine directly in async code instead of starting a new loop.",),
    ),
    "code.await_misuse": (
        "code",
        "medium",
        "Something that is not awaitable was awaited, or a coroutine was awaited twice ({what})",
        "CPython refuses 'await' on a value that is not a coroutine/awaitable (a sync function's result, None) and on a coroutine object that already ran: an async/sync mix-up in the code (a function changed from async to sync, or a coroutine stored and awaited again).",
        ("Check the awaited call at the traceback's last frame: await the coroutine function's call once, and do not await plain values.",),
    ),
    "code.blocking": (
        "code",
        "medium",
        "A blocking call held the event loop (asyncio slow callback)",
        "asyncio's debug mode logs 'Executing ... took N seconds' when one callback or task step ran that long without yielding: a blocking call (synchronous I/O, time.sleep, CPU-heavy work) inside a coroutine stalls every other request.",
        ("Move the blocking work to a thread (asyncio.to_thread) or use the async API of the library; the task named in the log is where it runs.",),
    ),
    "concurrency.over_release": (
        "concurrency",
        "high",
        "A BoundedSemaphore was released more times than it was acquired",
        "asyncio's BoundedSemaphore raises ValueError when release() would raise the counter above its initial value: a release on a path that never acquired (an early error before acquire) or a double release (in a finally and again in a handler).",
        ("Pair each acquire with exactly one release: use 'async with semaphore:' instead of manual acquire/release.",),
    ),
    "config.semaphore_value": (
        "config",
        "high",
        "A semaphore was created with a negative limit - a configured concurrency value is negative",
        "asyncio.Semaphore refuses an initial value below 0: the concurrency limit it was built from (an environment variable or config setting) is negative or was computed as one.",
        ("Check the concurrency settings in the environment/configuration and validate them (>= 0) at start-up.",),
    ),
    "code.stream": (
        "code",
        "medium",
        "A streamed HTTP body was used in the wrong state ({cls})",
        "httpx raises its StreamError family when the code reads a streamed request/response twice, after closing it, or before reading it (ResponseNotRead).",
        ("Read the body once (response.read()/aread() before .content) inside the stream's context manager.",),
    ),
}
