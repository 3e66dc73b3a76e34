"""CPython's own texts for threads, signals, processes and pickling used against their rules -> code.

Their classes (ValueError, RuntimeError, AttributeError, TypeError, AssertionError) say nothing; CPython 3.11's
fixed texts say exactly which rule the code broke. Sources: Modules/signalmodule.c (signal.signal and
set_wakeup_fd outside the main thread; asyncio/unix_events.py add_signal_handler re-raises the latter as a
RuntimeError), Lib/threading.py (Thread.start/join), Lib/multiprocessing/spawn.py (_check_not_importing_main) and
process.py (daemonic children), Lib/pickle.py / Modules/_pickle.c (local objects, locks, coroutines, sockets
cannot cross a process boundary). Every one fails every time the code path runs: the code must change (doctrine.py).

Round 6, the same kind of fixed text where the class says nothing, each read in the installed source: asyncio's
events.py (no running loop in this thread) and streams.py (two readers of one StreamReader: a race), datetime's
naive/aware refusal and CPython's unhashable key (code), psycopg/_queries.py's placeholder count (code, raised
before anything is sent), redis-py client.py's WatchError text (another client changed a WATCHed key: a race),
urllib3 connectionpool.py's full-pool warning (capacity) and filelock's Timeout text (another process holds the
lock: concurrency; filelock is not installed here, its _error.py text is fixed). Round 7: libpq's parameter-count
check (code, nothing sent).
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
    # Objects/genobject.c gen_send_ex: a generator or coroutine resumed while it runs, or its body mishandling
    # StopIteration/GeneratorExit (an awaited-twice coroutine is taxonomy's await misuse)
    _row("generator-lifecycle", ANY, r"generator already executing|coroutine already executing|"
         r"(?:async )?generator (?:raised StopIteration|ignored GeneratorExit)", _t(
        "code", "medium", "A generator or coroutine was used against its lifecycle ({what})",
        "CPython refused to resume a generator/coroutine: it was re-entered from inside itself (a generator whose body "
        "calls next() on itself, a callback that resumes the running coroutine), or its body mishandled StopIteration/GeneratorExit - the code's control flow is wrong, every time that path runs.",
        "Do not resume a generator from its own body; let GeneratorExit "
        "propagate and return instead of raising StopIteration.")),
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
    # CPython 3.11 ceval (with / async with on an object without the protocol): the sync/async protocol mixed up
    _row("context-manager-protocol", ANY, r"'[\w.]{1,80}' object does not support the (?:asynchronous )?context "
         r"manager protocol", _t(
        "code", "medium", "A context manager used with the wrong protocol ({what})",
        "The code enters an object with `with` that only supports `async with` (asyncio.Lock/Semaphore/Condition, "
        "aiohttp/httpx async clients) or with `async with` one that only supports `with`: the statement fails every "
        "time, before anything is acquired.",
        "Use `async with` for asyncio primitives and async clients inside coroutines (or `with` for a sync object).")),
    _row("asyncio-no-running-loop", ANY, r"\bno running event loop\b|There is no current event loop in thread", _t(
        "code", "medium", "asyncio was used from a thread without an event loop ({what})",
        "asyncio.create_task / get_running_loop (and what needs the running loop) was called outside a coroutine on "
        "an event loop: from a worker thread (threading.Timer, an executor, a sync callback) or before the loop "
        "started. It fails every time that path runs in that thread.",
        "From another thread hand the coroutine to the loop: asyncio.run_coroutine_threadsafe(coro, loop) or "
        "loop.call_soon_threadsafe(...), with the loop kept from start-up.")),
    _row("stream-two-readers", ANY, r"\b\w{1,60}\(\) called while another coroutine is already waiting for incoming data", _t(
        "concurrency", "medium", "Two tasks read the same asyncio stream at once ({what})",
        "asyncio's StreamReader allows one reader at a time: a second task called read/readline/readuntil on the same "
        "reader while the first still waits for data (a reconnect or restart that started a second reader loop); "
        "which task gets the next bytes is undefined.",
        "Keep one reader task per stream: cancel and await the old reader before starting another, or guard the "
        "reads with an asyncio.Lock.")),
    _row("naive-aware-datetimes", ANY, r"can't (?:subtract|compare) offset-naive and offset-aware datetimes", _t(
        "code", "medium", "Naive and time-zone-aware datetimes were mixed ({what})",
        "One datetime carries a tzinfo and the other does not (a value stored or parsed without a time zone against "
        "datetime.now(timezone.utc), or the reverse); Python refuses to compare or subtract them, every time.",
        "Make both aware: datetime.now(timezone.utc), and attach the time zone to stored values when reading them.")),
    _row("unhashable-key", ANY, r"unhashable type: '[\w.]{1,80}'", _t(
        "code", "medium", "A mutable value was used as a dict key or set member ({what})",
        "A list, dict or set (mutable, so unhashable) was put into a dict key, a set or a cache key tuple; Python "
        "refuses it for every such value.",
        "Convert the value to a hashable form before using it as a key (tuple(...), frozenset(...), or a JSON string "
        "with sorted keys).")),
    _row("psycopg-placeholder-count", ANY, r"the query has \d+ placeholders but \d+ parameters were passed|named "
         r"placeholders require a mapping of parameters", _t(
        "code", "medium", "A query was called with parameters that do not fit its placeholders ({what})",
        "psycopg refused the call before sending anything to the database: the number (or kind) of parameters passed "
        "does not match the %s / %(name)s placeholders in the query text - a code path builds the query and its "
        "parameters differently.",
        "Pass one parameter per %s placeholder (a mapping for %(name)s ones); build the query and its parameter "
        "list together.")),
    # libpq's own argument check in PQsendQueryParams/PQsendPrepare (fe-exec.c, the string is in the installed
    # libpq and psycopg_binary's copy): "number of parameters must be between 0 and %d" (the protocol's Int16 count),
    # raised by psycopg as OperationalError "sending query and params failed: ..." - nothing was sent; a class-level
    # reading (a connection failure: storage) is wrong (held-out 7's 7019)
    _row("libpq-parameter-count", ANY, r"number of parameters must be between 0 and \d+", _t(
        "code", "medium", "A statement carries more bind parameters than PostgreSQL's protocol allows ({what})",
        "libpq refused to send the statement: the wire protocol counts bind parameters in 16 bits (at most 65535), and "
        "the gateway's code built one statement with more (a multi-row VALUES list or an IN (...) of every item); the "
        "database was never asked.",
        "Split the statement into chunks (e.g. 1000 rows per INSERT), or pass the list as one array parameter "
        "(= ANY(%s) / unnest) instead of one placeholder per value.")),
    # json's encoder with allow_nan=False (json/encoder.py floatstr, and the C encoder's same text): the payload holds
    # NaN or +-Infinity - a computed float (0/0 rates, an empty mean) the code did not guard (held-out 7's 7048)
    _row("json-nan", ANY, r"Out of range float values are not JSON compliant", _t(
        "code", "medium", "A payload holds NaN or Infinity, which strict JSON refuses ({what})",
        "json.dumps(..., allow_nan=False) (or a strict encoder) met a float that is NaN or +-Infinity: a value the "
        "gateway's code computed without a guard (a ratio over zero requests, the mean of an empty window).",
        "Guard the computation (return None or 0 when the denominator is 0) or map NaN/Infinity to null before "
        "serialising.")),
    _row("redis-watch-conflict", ANY, r"Watched variable changed", _t(
        "concurrency", "low", "Another client changed a WATCHed Redis key before EXEC (redis-py WatchError)",
        "The transaction WATCHed a key and another request changed it between WATCH and EXEC, so Redis discarded the "
        "transaction: optimistic-lock contention between concurrent requests, not a Redis failure.",
        "Retry the WATCH/MULTI/EXEC block (redis-py's transaction() helper retries on WatchError), or use an atomic "
        "command or Lua script (INCR, EVAL) for the counter.")),
    _row("urllib3-pool-full", r"^urllib3\b|^requests\b", r"Connection pool is full, discarding connection: [^\s]{1,200}"
         r"(?: Connection pool size: \d+)?", _t(
        "capacity", "low", "urllib3's connection pool is full: extra connections are discarded ({what})",
        "More threads use one requests.Session / urllib3 PoolManager at once than its pool keeps (pool_maxsize, "
        "default 10): the extra connections are closed after use instead of being reused. No request failed; they "
        "cost new TCP/TLS handshakes.",
        "Raise pool_maxsize (requests.adapters.HTTPAdapter(pool_maxsize=N)) to the number of threads sharing the "
        "session, or lower that concurrency.")),
    _row("file-lock-held", ANY, r"The file lock '[^'\n]{1,300}' could not be acquired", _t(
        "concurrency", "medium", "Another process holds the file lock ({what})",
        "filelock gave up waiting for a lock file that another process holds: a second instance of this program (a "
        "restart that started the new one while the old one was still shutting down), or a stale holder.",
        "Run one instance at a time (stop the old one before starting the new one); the lock is released when its "
        "holder exits.")),
)
