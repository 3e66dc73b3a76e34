"""Causes of failures inside the gateway's own process, by family (classes.py): resources, configuration,
code errors, SQLite (asyncio's own families: asyncio_causes.py). Texts only: which family a record is in is decided in classes.py and
taxonomy.py; here each family says what happened and what to do first.

Entries are (category, severity, summary, root cause, fixes); summaries and fixes are formats of {cls}
(the exception class) and {what} (the errno/detail the record gave, else the class).
"""

from __future__ import annotations

from .asyncio_causes import ASYNCIO_LOCAL
from .codes import Text
from .model import Category

_LOCAL: dict[str, Text] = {
    **ASYNCIO_LOCAL,
    # (a user's file over the limit is answered before this table: user_files.py)
    "data.input_limit": (
        "code", "medium", "Data the gateway built is over a standard-library safety limit ({what})",
        "The standard library refused input over one of its size limits (the digits of an int converted from text, a "
        "CSV field's size, an HTTP header count/line): the data is the gateway's own (its cache, its snapshot, its "
        "request), so the code writes or reads more than the limit allows.",
        ("Bound what the code writes (or raise the limit deliberately: sys.set_int_max_str_digits, "
         "csv.field_size_limit) where the data is the gateway's own.",)),
    # a transport errno read from a logged text ("[Errno 111] Connect call failed", no class raised, no known remote;
    # doctrine.py: the path to a remote failing transiently is network; a persistent cause in the text - a host that
    # does not exist, a CA bundle - was decided before this table). A raised class with no remote stays unanswered.
    "connect.refused.words": (
        "network", "medium", "A connection was refused ({what})",
        "The peer's address answered with a refusal (ECONNREFUSED): nothing listened there at that moment (the "
        "service restarting or down, a proxy/load balancer without a backend). The record names no known remote.",
        ("Check that the service at the address in the record is up; if the refusals stop by themselves the client "
         "reconnected (transient).",),
    ),
    "connection.dropped.words": (
        "network", "medium", "A connection was dropped by the peer or the path ({what})",
        "The connection was reset or closed mid-use (ECONNRESET / EPIPE / a close without a close frame): the "
        "peer restarted, an idle timeout on the path cut it, or the network blipped. The record names no known remote.",
        ("Check whether the client reconnected; if it repeats, look for the idle timeout on the path (proxy, "
         "load balancer) and the peer's restarts.",),
    ),
    "resource.memory": (
        "capacity",
        "high",
        "The process ran out of memory ({cls})",
        "An allocation failed: the process holds too much (a large file or response read whole, an unbounded cache or queue) or the container's memory limit is too low.",
        ("Find what was being loaded in the traceback; stream or bound it; check the container's memory limit.",),
    ),
    "resource.disk": (
        "capacity",
        "high",
        "The disk is full or over quota ({what})",
        "A write failed because the filesystem has no space left (ENOSPC) or the quota is exceeded (EDQUOT): logs, uploads or temp files filled the disk.",
        ("Free disk space (rotate/compress logs, clean temp files) and check the volume's size and quota.",),
    ),
    "resource.fds": (
        "capacity",
        "high",
        "Too many open files ({what}) - file descriptors exhausted",
        "The process hit its open-file limit: sockets or files are leaked (not closed) or the limit is too low for the load.",
        ("Check the open descriptors of the process (ls /proc/<pid>/fd | wc -l) for a leak; raise ulimit -n if the load is legitimate.",),
    ),
    "resource.queue": (
        "capacity",
        "medium",
        "A bounded queue is full ({cls})",
        "Producers put work faster than consumers take it and the queue's maxsize was reached.",
        ("Check the consumer side (stuck or slow); shed or back off producers when the queue is full.",),
    ),
    "config.port": (
        "config",
        "high",
        "The port is already in use ({what}) - the server cannot bind",
        "Another process (or a second copy of this one) listens on the configured address/port.",
        ("Find the process on the port (ss -ltnp) and stop it, or configure another port.",),
    ),
    "config.url": (
        "config",
        "high",
        "The configured URL is invalid ({cls})",
        "A base URL in the configuration has a wrong scheme or form.",
        ("Check the base URLs in the environment (scheme https://, host, path).",),
    ),
    "config.supabase": (
        "config",
        "high",
        "The Supabase client refused its configuration ({cls})",
        "supabase.create_client() checks its URL and key before any request: a missing, non-string or malformed SUPABASE_URL / SUPABASE_KEY in the environment.",
        ("Check SUPABASE_URL (https://<project>.supabase.co) and the key variable in the container's environment; restart after fixing.",),
    ),
    "config.settings": (
        "config",
        "high",
        "The configuration does not validate ({cls}) - a setting or environment value is wrong",
        "pydantic-settings could not build the settings from the environment/config file: a required value is missing or has the wrong form.",
        ("Read the field named in the error and fix that environment variable or config key; restart.",),
    ),
    "code.recursion": (
        "code",
        "high",
        "Maximum recursion depth exceeded ({cls})",
        "A function calls itself without end: a cycle in the data it walks (a reference loop) or a missing base case.",
        ("Find the repeating frames in the traceback; break the cycle or make the walk iterative with a visited set.",),
    ),
    "code.import": (
        "code",
        "high",
        "An import failed ({cls}) - a module or name the code imports does not exist",
        "The code imports a module or name that is not there: a refactor renamed or moved it, or a dependency is missing from the image.",
        ("Fix the import to the module's current location (or install the missing package) and redeploy.",),
    ),
    "config.dependency": (
        "config",
        "high",
        "A package the code imports is not installed ({cls}) - a missing dependency",
        "CPython could not find the top-level package at all (not a module inside it): the dependency is missing from the image/virtualenv, or an optional extra was not installed.",
        ("Add the package to the project's dependencies and rebuild the image (pip install it in the environment the process runs in); check the deploy used the updated lock file.",),
    ),
    "config.binary": (
        "config",
        "high",
        "A program the code runs is not installed or not on PATH ({cls})",
        "Starting a child process failed because the executable does not exist where it was looked for (exit status 127 or ENOENT from exec): the binary is missing from the image or PATH is different in the container.",
        ("Install the program in the image (or configure its absolute path) and check PATH in the container's environment.",),
    ),
    "config.yaml": (
        "config",
        "high",
        "A YAML configuration file does not parse ({cls})",
        "PyYAML failed on a file (its error names the file, line and column): an indentation, quoting or tab character error in the file the process loads.",
        ("Fix the file at the line/column the error names (yamllint helps) and reload.",),
    ),
    "code.yaml_python_tag": (
        "code",
        "medium",
        "YAML written with python tags is read by yaml.safe_load ({cls})",
        "The file holds a python/* tag (a tuple or object that yaml.dump wrote) and yaml.safe_load refuses to construct it: the code that writes the file (yaml.dump) and the code that reads it (safe_load) disagree; the file itself is as its writer made it.",
        ("Write with yaml.safe_dump (convert tuples to lists) or read with a loader that knows the tags you wrote; rewrite the file once.",),
    ),
    "os.permission": (
        "config",
        "medium",
        "Permission denied ({what}) - the process may not do this",
        "The operating system refused the operation (EACCES/EPERM): file or directory ownership and mode, a volume mounted read-only or for another user, or a privileged port/operation.",
        ("Check the owner/mode of the path named in the error and the user the container runs as.",),
    ),
    # the same EPERM from a signal to a process (os.kill/killpg): the pid is not ours - a pid read from a stale pid
    # file now belongs to another user's process (pid 1 after a container restart); the check treats only
    # ProcessLookupError as "not running"
    "os.permission.signal": (
        "code",
        "medium",
        "Signalling a process the daemon does not own was refused ({what}) - a stale pid",
        "os.kill/killpg raised EPERM: the target pid exists but belongs to another user. A liveness check on a pid read "
        "from a pid file after a restart hits whatever process reuses that pid (often pid 1, the container's init); "
        "the check treats only ProcessLookupError as stale, so start-up fails.",
        ("Treat PermissionError from os.kill(pid, 0) as 'not our daemon' (stale pid file) as well, or lock the pid "
         "file (fcntl.flock) instead of probing the pid.",),
    ),
    "resource.readonly": (
        "config",
        "high",
        "The filesystem is read-only ({what})",
        "A write went to a read-only mount (EROFS / a read-only database file): the container's root or a volume is mounted read-only, or the file was opened from a read-only location.",
        ("Write to a writable volume (logs, data, temp dirs) or mount the volume read-write.",),
    ),
    "resource.killed": (
        "capacity",
        "high",
        "A child process was killed (SIGKILL / exit 137, {cls})",
        "The command was killed with SIGKILL: most often the kernel's OOM killer (memory limit reached), otherwise a supervisor or timeout that kills it.",
        ("Check the container's memory limit and the kernel log (dmesg: 'Killed process') for the OOM killer; bound the command's input size.",),
    ),
    "resource.worker_died": (
        "capacity",
        "high",
        "A worker of the executor pool died ({cls})",
        "concurrent.futures marks the pool broken when a worker process terminated abruptly: usually killed by the OOM killer or a crash in native code; every pending task fails with it.",
        ("Check the memory limit and the kernel log for killed processes; recreate the pool and bound the work given to each worker.",),
    ),
    "sqlite.locked": (
        "concurrency",
        "medium",
        "The SQLite database is locked ({cls}) - concurrent writers",
        "SQLite allows one writer at a time; another connection held the write lock longer than the busy timeout (a long transaction, or several processes writing one file).",
        ("Keep write transactions short, use WAL mode and a busy timeout, and give the file a single writer.",),
    ),
    "code.unimplemented": (
        "code",
        "medium",
        "A method that is not implemented was called ({cls})",
        "The code reached a NotImplementedError: an abstract method without an implementation for this class or option (a provider or backend that does not support the operation).",
        ("Implement the method for this class, or keep the option from reaching it.",),
    ),
    "code.assertion": (
        "code",
        "medium",
        "An assertion in the code failed ({cls})",
        "An `assert` (an invariant the code relies on) did not hold for this input.",
        ("Read the assertion at the traceback's last frame and the input that broke it.",),
    ),
    "code.protocol": (
        "code",
        "medium",
        "This side produced an invalid HTTP message ({cls})",
        "The HTTP library refused to send what the code gave it (h11/httpx LocalProtocolError): an illegal header value (a newline or non-ASCII in a header/API key), or a body that does not match its length.",
        ("Check the header values the code sets (strip newlines from keys read from files/env).",),
    ),
    "code.closed_resource": (
        "code",
        "medium",
        "A stream was used after this side closed it ({cls})",
        "anyio raises ClosedResourceError when the task itself closed the stream/connection before using it.",
        ("Find where the stream is closed (a context manager that exited early) and the later use.",),
    ),
    "connection.peer_gone": (
        "network",
        "medium",
        "The code kept writing to a connection the peer had closed (asyncio: socket.send() raised exception)",
        "asyncio logs this warning after repeated writes to a socket transport whose peer already disconnected: the client went away and the server kept sending instead of noticing the closed connection.",
        ("Check the connection's state before sending (catch ConnectionClosed / check transport.is_closing()) and stop the sender when the client disconnects.",),
    ),
    "code.unpack": (
        "code",
        "medium",
        "Unpacking got a different number of values than the code expects ({what})",
        "CPython raises this when a tuple/sequence unpacking ('a, b = ...') meets more or fewer values than names: the data has another shape than the code assumes (a split on a separator that occurs more or less often, a row or tuple with another number of fields).",
        ("Check the shape of the value at the traceback's last frame; use split(sep, maxsplit) or partition() for 'key=value' text, or unpack with a starred name.",),
    ),
    "code.none_value": (
        "code",
        "medium",
        "A value was None where the code expected an object ({what})",
        "The code used an attribute or item of a value that is None: a lookup, query or call returned no result and the code did not check for it.",
        ("Check the value at the traceback's last frame for None (or make the call return an empty value) before using it.",),
    ),
    "code.struct_buffer": (
        "code",
        "low",
        "Binary data is shorter than the format expects ({what})",
        "struct.unpack got fewer bytes than its format needs: the data is truncated or is not in the format the parser assumes (another file type).",
        ("Check the length (and the file type) of the buffer before unpacking; treat short data as invalid input.",),
    ),
    "code.ws_handler": (
        "code",
        "medium",
        "The WebSocket connection handler raised ({what}) - websockets closed the connection with 1011",
        "websockets logs 'connection handler failed' when the server's handler coroutine raised; it then closes the connection with 1011 (internal error). The exception is this side's code failing on a message.",
        ("Fix the exception at the traceback's last frame of the handler (validate the message's fields before using them) and answer the client with an error instead of raising.",),
    ),
    "code.special_token": (
        "code",
        "low",
        "The tokenizer refused text that contains a special token ({what})",
        "tiktoken's encode() raises when the text contains a special token such as <|endoftext|> unless it is allowed: user or file text reached the tokenizer unescaped.",
        ("Pass disallowed_special=() (count it as text) or allowed_special for the tokens the code expects.",),
    ),
    "code.unclosed_session": (
        "code",
        "low",
        "An HTTP client session was garbage-collected without being closed",
        "aiohttp warns 'Unclosed client session/connector' when a ClientSession was never closed: sockets leak until the process ends.",
        ("Use 'async with aiohttp.ClientSession()' or close the session on shutdown; share one session instead of creating one per call.",),
    ),
    "config.path_kind": (
        "config",
        "medium",
        "A path is a directory where a file is expected, or the reverse ({what})",
        "The operating system refused the operation because the path is of the other kind: a configured path points at a directory (or a volume was mounted as a directory where a file was meant).",
        ("Check the path in the configuration and the container's mounts (a missing file bind-mounts as a directory).",),
    ),
    "config.api_key": (
        "config",
        "critical",
        "An LLM client was created without an API key ({what})",
        "The openai client found no api_key argument and no key in the environment: the provider's key variable is missing from the container's environment (or named differently), so every call with this client fails.",
        ("Set the provider's API key variable in the container's environment (and pass it to the client explicitly); restart.",),
    ),
    "code.name": (
        "code",
        "high",
        "A name is not defined ({cls}) - a missing import or a typo",
        "The code uses a name that was never defined or imported in that module.",
        ("Add the missing import or fix the name at the traceback's last frame.",),
    ),
}


def local_text(family: str, cls: str, detail: str) -> Text | None:
    """The local cause of `family` with the record's class and detail filled in, or None."""
    entry = _LOCAL.get(family)
    if entry is not None:
        category, severity, summary, cause, fixes = entry
        what = detail or cls
        return (category, severity, summary.format(cls=cls, what=what), cause.format(cls=cls, what=what),
                tuple(f.format(cls=cls, what=what) for f in fixes))
    if family in ("config.file", "config.file_permission"):
        denied = family == "config.file_permission"
        return ("config", "high",
                f"A configuration file {'cannot be read (permission denied)' if denied else 'is missing'} ({detail or cls})",
                "The process opened a configuration/credential file that " +
                ("it may not read (file owner/mode, or the volume is mounted for another user)." if denied else
                 "is not at the configured path (a missing mount or secret, or a wrong working directory)."),
                ("Check the path in the configuration, the volume/secret mount and the file's owner and mode.",))
    if family == "sqlite.integrity":
        # doctrine.py (round 5): a write the table's constraints refuse is the data or order of writes the code sends
        return ("code", "medium", f"A write broke a constraint of the SQLite table ({detail or cls})",
                "SQLite refused the write (SQLITE_CONSTRAINT): a UNIQUE/PRIMARY KEY value that exists already, a NOT "
                "NULL column left empty, a FOREIGN KEY to a row that is not there, or a CHECK - the data or the order "
                "of the writes the code sends disagrees with the table.",
                ("Read the constraint named in the error; make the write idempotent (INSERT ... ON CONFLICT) or "
                 "supply/write the referenced values first.",))
    if family in ("sqlite.io", "sqlite.corrupt", "sqlite.open", "sqlite.schema"):
        why = {"sqlite.io": ("the disk or volume under the database file failed a read or write (disk I/O error)",
                             "Check the volume (dmesg, free space, a network filesystem under the file) and the file."),
               "sqlite.corrupt": ("the database file is corrupt (malformed disk image)",
                                  "Restore the file from a backup or recover it (sqlite3 .recover); check the volume."),
               "sqlite.open": ("the database file cannot be opened (missing directory, permissions, or not a database)",
                               "Check the configured database path, its directory and the file's owner/mode."),
               "sqlite.schema": ("a table or column the query uses is not in the database (migrations not applied)",
                                 "Apply the migrations to this database file; check the path points at the right file.")}[family]
        # doctrine.py: a missing table/column is the code's query against an unmigrated schema (code), a path that
        # cannot be opened a setting (config); a failing disk or a corrupt file is the storage itself
        where: Category = "code" if family == "sqlite.schema" else "config" if family == "sqlite.open" else "storage"
        return (where, "high", f"SQLite database error ({cls}): {why[0]}",
                f"SQLite answered: {why[0]}.", (why[1],))
    return None
