"""CPython's own texts for threads, signals, processes and pickling used against their rules -> code.

Their classes (ValueError, RuntimeError, AttributeError, TypeError, AssertionError) say nothing; CPython 3.11's
fixed texts say exactly which rule the code broke. Sources: Modules/signalmodule.c (signal.signal and
set_wakeup_fd outside the main thread; asyncio/unix_events.py add_signal_handler re-raises the latter as a
RuntimeError), Lib/threading.py (Thread.start/join), Lib/multiprocessing/spawn.py (_check_not_importing_main) and
process.py (daemonic children), Lib/pickle.py / Modules/_pickle.c (local objects, locks, coroutines, sockets
cannot cross a process boundary). Every one fails every time the code path runs: the code must change (doctrine.py).
"""

from __future__ import annotations

from .codes import _t
from .gateway_messages import GatewayMessage, _row

ANY = r"."  # any logger: the form alone identifies the situation

RUNTIME_MESSAGES: tuple[GatewayMessage, ...] = (
    _row("signal-outside-main-thread", ANY, r"(?:signal|set_wakeup_fd) only works in main thread(?: of the main "
         r"interpreter)?", _t(
        "code", "medium", "A signal handler was installed outside the main thread ({what})",
        "CPython lets only the main thread of the main interpreter install signal handlers (signal.signal, asyncio's "
        "add_signal_handler -> set_wakeup_fd): the code runs that set-up in a worker thread or a second event loop's "
        "thread, so it fails every time there.",
        "Install signal handlers from the main thread at start-up (or skip them when not in the main thread).")),
    _row("thread-lifecycle", ANY, r"threads can only be started once|cannot join current thread|cannot join thread "
         r"before it is started", _t(
        "code", "medium", "A thread was used against its lifecycle ({what})",
        "threading.Thread refused the call: a Thread object started a second time, a thread joining itself, or a join "
        "before start - the code's thread handling is wrong.",
        "Create a new Thread for each run; do not join the current thread (check threading.current_thread()).")),
    _row("process-spawn-at-import", ANY, r"An attempt has been made to start a new process before the\s+current "
         r"process has finished its bootstrapping phase", _t(
        "code", "high", "A process was started while the module was being imported (multiprocessing spawn)",
        "With the spawn/forkserver start method the child re-imports the main module; code that starts processes at "
        "import time (not under `if __name__ == '__main__':`) starts them again in the child, which multiprocessing "
        "refuses.",
        "Move the code that starts processes or process pools under `if __name__ == '__main__':` (or into a function "
        "called from there).")),
    _row("daemon-children", ANY, r"daemonic processes are not allowed to have children", _t(
        "code", "medium", "A daemonic process tried to start a child process",
        "multiprocessing forbids a daemon process (or a process-pool worker, which is daemonic) from starting "
        "processes: the work run in the worker starts its own pool or process.",
        "Do not start processes inside pool workers; use threads there, or restructure so the parent starts them.")),
    _row("not-picklable", ANY, r"Can't (?:pickle|get) local object '[^'\n]{1,200}'|cannot pickle '(?:_thread\.\w*lock|"
         r"coroutine|generator|socket|_io\.\w+|SSLContext|_asyncio\.\w+|weakref)\w*' object", _t(
        "code", "medium", "An object that cannot cross a process boundary was sent to another process ({what})",
        "pickle refused the object: a local function/lambda, a lock, a coroutine, a socket or an open file was passed "
        "to a process pool, a multiprocessing queue or a spawned process, which all pickle what they send.",
        "Pass module-level functions and plain data to other processes; create locks, clients and files inside the "
        "worker.")),
)
