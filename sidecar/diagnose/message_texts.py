"""What the libraries' own message texts say: fixed messages that name a class or a failure, and the
texts that make a broad family precise (errno numbers and strerror texts, getaddrinfo's and OpenSSL's
words, SQLite's result codes, subprocess exit statuses), and what a code means in its owner's table.

Split from classes.py (which resolves a class to its family): this module reads *messages*, that one
*class hierarchies*. Patterns search a bounded head of the text (a 10 MB line costs bounded time).
"""

from __future__ import annotations

import errno
import os
import re
from functools import lru_cache

# Fixed messages the libraries raise with (so a record without a traceback still names its class).
LIBRARY_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bRequest timed out\.?$|\bRequest timed out\.", re.M), "openai.APITimeoutError"),
    (re.compile(r"\bConnection error\.", re.M), "openai.APIConnectionError"),
    (re.compile(r"Server disconnected without sending a response"), "httpx.RemoteProtocolError"),
    (re.compile(r"couldn't get a connection after [\d.]+ sec"), "psycopg_pool.PoolTimeout"),
    # websockets/exceptions.py ConnectionClosed.__str__: "received 1011 (internal error) ...; then sent 1011 ...",
    # "sent 1011 (internal error) keepalive ping timeout; no close frame received", "no close frame received or sent"
    (re.compile(r"\bno close frame received or sent\b|\b(?:sent|received) 1\d{3} \([a-z ]+\)"),
     "websockets.ConnectionClosedError"),
    # CPython's own messages (Python/ceval.c, Python/import.c): the class they always come with
    (re.compile(r"maximum recursion depth exceeded"), "RecursionError"),
    (re.compile(r"\bNo module named '[\w.]+'"), "ModuleNotFoundError"),
    (re.compile(r"\bcannot import name '\w+' from '[\w.]+'"), "ImportError"),
    (re.compile(r"\bname '\w+' is not defined\b"), "NameError"),
    # redis-py's own texts (redis/asyncio/connection.py)
    (re.compile(r"Timeout reading from |Timeout writing to |Timeout connecting to server"), "redis.TimeoutError"),
    (re.compile(r"Error -?\d+ connecting to [\w.-]+:\d+|Connection closed by server\."), "redis.ConnectionError"),
)
# Fixed runtime messages that are no exception class of their own (or come with a class as broad as
# ValueError/RuntimeError/KeyError): the library's exact text names the failure. Sources: CPython 3.11
# asyncio/tasks.py ("Task was destroyed but it is pending!"), futures.py/tasks.py ("... exception was never
# retrieved"), base_events.py ("Event loop is closed", "Executing %s took %.3f seconds", "This event loop is
# already running"), runners.py, mixins.py ("is bound to a different event loop"), locks.py (BoundedSemaphore
# "released too many times", "Semaphore initial value must be >= 0"), selector_events.py ("socket.send() raised
# exception.", "Fatal read/write error on socket transport"), sslproto.py; CPython's unpacking errors
# (Python/ceval.c) and attribute errors on None; struct.error; websockets/asyncio/server.py and legacy/server.py
# ("connection handler failed"); openai/_base_client.py ("Retrying request to %s in %f seconds"); tiktoken/core.py
# (disallowed special token); aiohttp/client.py ("Unclosed client session", "Unclosed connector").
FIXED_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Task was destroyed but it is pending!"), "code.task_destroyed"),
    (re.compile(r"(?:Task|Future) exception was never retrieved"), "code.never_retrieved"),
    (re.compile(r"\bis bound to a different event loop|\bgot Future <.{0,200}?> attached to a different loop"),
     "code.loop_bound"),
    (re.compile(r"\bEvent loop is closed\b"), "code.loop_closed"),
    (re.compile(r"This event loop is already running|cannot be called from a running event loop|"
                r"Cannot run the event loop while another loop is running|There is no current event loop in thread"),
     "code.loop_misuse"),
    # CPython's own await errors (Objects/genobject.c, ceval.c) and asyncio.ensure_future's
    (re.compile(r"can't be used in 'await' expression|cannot reuse already awaited coroutine|"
                r"An asyncio\.Future, a coroutine or an awaitable is required"), "code.await_misuse"),
    (re.compile(r"\bExecuting <.{1,400}?> took \d+(?:\.\d+)? seconds"), "code.blocking"),
    (re.compile(r"BoundedSemaphore released too many times"), "concurrency.over_release"),
    (re.compile(r"Semaphore initial value must be >= 0"), "config.semaphore_value"),
    (re.compile(r"socket\.send\(\) raised exception\."), "connection.peer_gone"),
    (re.compile(r"Fatal (?:read|write) error on (?:socket|pipe|SSL) transport|Fatal error on SSL (?:transport|protocol)"),
     "connection.dropped"),
    (re.compile(r"\bnot enough values to unpack \(expected \d+, got \d+\)|\btoo many values to unpack \(expected \d+"),
     "code.unpack"),
    (re.compile(r"'NoneType' object (?:has no attribute '\w+'|is not subscriptable|is not iterable)"), "code.none_value"),
    (re.compile(r"\bunpack requires a buffer of \d+ bytes|\bunpack_from requires a buffer of at least \d+ bytes"),
     "code.struct_buffer"),
    (re.compile(r"\bconnection handler failed\b"), "code.ws_handler"),
    (re.compile(r"\bRetrying request to \S+ in \d+(?:\.\d+)? seconds"), "provider.retrying"),
    (re.compile(r"Encountered text corresponding to disallowed special token"), "code.special_token"),
    # openai/_client.py: no key passed and none in the environment (1.x "The api_key client option must be set
    # ...", current "Missing credentials. Please pass an `api_key` ..."): configuration
    (re.compile(r"The api_key client option must be set|Missing credentials\. Please pass an `?api_key"), "config.api_key"),
    (re.compile(r"\bUnclosed client session\b|\bUnclosed connector\b"), "code.unclosed_session"),
    # round 4 (library_causes.py): tiktoken/model.py encoding_for_model's KeyError, tiktoken/registry.py
    # get_encoding's ValueError; CPython Python/context.c Token errors (ValueError/RuntimeError);
    # concurrent/futures thread.py/process.py and asyncio/base_events.py run_in_executor after shutdown
    # (RuntimeError); asyncio/streams.py readline's ValueError re-raised from LimitOverrunError
    # CPython Modules/_threadmodule.c: the thread (pids/ulimit -u) limit of the container is reached
    (re.compile(r"\bcan't start new thread\b"), "resource.threads"),
    # realtime-py (Supabase Realtime) _async/channel.py and exceptions.py: calls in the wrong order
    (re.compile(r"tried to push '.{1,200}?' to '.{1,200}?' before joining|Tried to subscribe multiple times|"
                r"A WS connection has not been established\. Ensure you call"), "code.realtime_order"),
    (re.compile(r"Could not automatically map \S{1,200} to a tokeni[sz]er"), "code.tokenizer_model"),
    (re.compile(r"\bUnknown encoding \S{1,120}\.\s*Plugins found"), "code.tokenizer_encoding"),
    (re.compile(r"<Token (?:used )?var=<ContextVar name=.{0,300}?> (?:was created in a different Context|"
                r"has already been used once|was created by a different ContextVar)"), "code.contextvar_token"),
    (re.compile(r"cannot schedule new futures after (?:interpreter )?shutdown|Executor shutdown has been called"),
     "code.executor_shutdown"),
    (re.compile(r"Separator is not found, and chunk exceed the limit|Separator is found, but chunk is longer than limit"),
     "code.stream_limit"),
    # the standard library's safety limits on input size (CLASSES9 U1): int('...') over sys.int_info's default
    # max_str_digits (Objects/longobject.c "Exceeds the limit (4300 digits) for integer string conversion"),
    # csv.field_size_limit (Modules/_csv.c "field larger than field limit (131072)"), http.client's _MAXHEADERS /
    # _MAXLINE ("got more than 100 headers", "header line too long"). The data's origin decides: a user's file ->
    # unknown (user_files.DATA_FAMILIES), data the gateway built -> code
    (re.compile(r"Exceeds the limit \(\d+ digits\) for integer string conversion|field larger than field limit \(\d+\)|"
                r"got more than \d+ headers|header line too long"), "data.input_limit"),
)


def fixed_message_family(text: str) -> str | None:
    """The family a library's fixed runtime message names (see `FIXED_MESSAGES`), or None."""
    head = text[:65536]
    return next((fam for rx, fam in FIXED_MESSAGES if rx.search(head)), None)


# errno -> family (the numbers from the platform's own table: errno.errorcode; Windows' WSA numbers too)
_ERRNO_FAMILY = {
    "ENOSPC": "resource.disk", "EDQUOT": "resource.disk", "EMFILE": "resource.fds", "ENFILE": "resource.fds",
    "ENOMEM": "resource.memory", "EADDRINUSE": "config.port", "EADDRNOTAVAIL": "config.bind_address",
    "ECONNREFUSED": "connect.refused", "ECONNRESET": "connection.dropped", "EPIPE": "connection.dropped",
    "ENOTCONN": "connection.dropped", "ENETDOWN": "connect", "EHOSTDOWN": "connect",
    "ECONNABORTED": "connection.dropped", "ETIMEDOUT": "timeout.connect", "EHOSTUNREACH": "connect",
    "ENETUNREACH": "connect", "EACCES": "os.permission", "EPERM": "os.permission", "ENOENT": "os.missing",
    "EROFS": "resource.readonly",
    # round 4 (texts in library_causes.py), by what must change: a path of the other kind, a binary for another
    # architecture, a symlink loop in a mount: config; a call the code makes wrongly (rename across filesystems,
    # rmdir of a full directory, mkdir of an existing one, a closed descriptor, a name or argument list over the
    # kernel's limit): code; the kernel's socket buffers: capacity
    "ENOTDIR": "config.path_kind", "EISDIR": "config.path_kind", "ENOEXEC": "config.binary_format",
    "ELOOP": "config.symlink_loop", "EXDEV": "code.cross_device", "ENOTEMPTY": "code.dir_not_empty",
    "EEXIST": "code.exists", "EBADF": "code.bad_fd", "ENAMETOOLONG": "code.name_too_long",
    "E2BIG": "code.argument_list", "ENOBUFS": "resource.buffers",
    # round 7 (held-out 7's 7042: EFBIG had no family, the catch-all answered): a write past the process's file-size
    # limit (RLIMIT_FSIZE: `ulimit -f`, compose `ulimits: fsize`) or the filesystem's largest file - the deployment's
    # limits, not a full disk (that is ENOSPC) and not the code
    "EFBIG": "config.file_size",
    # round 10 (CLASSES10 F6, mount semantics): EBUSY from rename/replace/rmdir is the kernel refusing to move
    # or remove a MOUNT POINT (a single-file bind mount, a volume's root): the deployment's mounts, not a race
    "EBUSY": "os.busy",
}
# errnos whose strerror is plain English that other messages use too ("File exists", "Bad file descriptor"): they
# count only as an errno number or E-name, never by their words alone
_WORDS_TOO_COMMON = frozenset({"EEXIST", "EBADF", "ENOTEMPTY", "ELOOP", "E2BIG"})
_WINDOWS_ERRNO = {10048: "EADDRINUSE", 10061: "ECONNREFUSED", 10054: "ECONNRESET", 10060: "ETIMEDOUT"}
_ERRNO = re.compile(r"\[Errno (?P<n>-?\d+)\]|\berrno[ =:]+(?P<n2>-?\d+)|\b(?P<name>E[A-Z]{3,12})\b")
_DNS = re.compile(r"Name or service not known|nodename nor servname|Temporary failure in name resolution|"
                  r"getaddrinfo failed|No address associated with hostname|\[Errno -[235]\]|"
                  r"Could not resolve host|Name does not resolve", re.I)
_TLS = re.compile(r"\[SSL[:\]]|CERTIFICATE_VERIFY_FAILED|certificate verify failed|SSLError|TLS handshake", re.I)
# OpenSSL's answer when TLS is spoken to a plain-HTTP port: the URL's scheme or port is wrong
_PLAIN_HTTP = re.compile(r"WRONG_VERSION_NUMBER|wrong version number|record layer failure|http request.{0,20}https port", re.I)
# OpenSSL reasons (Modules/_ssl.c "[SSL: REASON]") that are no certificate failure: the peer ended TLS badly
# (data after its close_notify, an EOF without one: a transient shutdown quirk), or the two sides share no
# protocol version/cipher or the server rejects/asks for a client certificate (a TLS setting: config)
_TLS_EOF = re.compile(r"APPLICATION_DATA_AFTER_CLOSE_NOTIFY|UNEXPECTED_EOF_WHILE_READING|"
                      r"EOF occurred in violation of protocol", re.I)
_TLS_NEGOTIATION = re.compile(r"\[SSL: (?:SSLV3_ALERT_HANDSHAKE_FAILURE|TLSV1_ALERT_PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|"
                              r"NO_PROTOCOLS_AVAILABLE|NO_SHARED_CIPHER|NO_CIPHERS_AVAILABLE|TLSV1_ALERT_UNKNOWN_CA|"
                              r"TLSV13_ALERT_CERTIFICATE_REQUIRED|SSLV3_ALERT_BAD_CERTIFICATE|"
                              r"TLSV1_ALERT_INSUFFICIENT_SECURITY|VERSION_TOO_LOW|WRONG_SSL_VERSION)\]")
# asyncio base_events.create_server "error while attempting to bind on address", socket.bind in a frame
_BIND = re.compile(r"attempting to bind|\bbind\(|\.bind\b|in bind\b|listen on", re.I)
# redis/lock.py acquire(): another holder kept the lock for longer than blocking_timeout
_LOCK_WAIT = re.compile(r"Unable to acquire lock within the time specified")
_REFUSED = re.compile(r"Connection refused|Connect call failed", re.I)
_RESET = re.compile(r"Connection reset by peer|Broken pipe|Connection aborted", re.I)


def _strerror_texts() -> re.Pattern[str]:
    """The platform's own message for each errno of `_ERRNO_FAMILY` ("No space left on device"...)."""
    texts = {os.strerror(getattr(errno, name)): name for name in _ERRNO_FAMILY
             if hasattr(errno, name) and name not in _WORDS_TOO_COMMON}
    return re.compile("|".join(f"(?P<{name}>{re.escape(t)})" for t, name in texts.items()), re.I)


_STRERROR = _strerror_texts()


def errno_family(text: str) -> tuple[str, str] | None:
    """(family, errno name) for the first OS errno the text names (its number, its E-name or the
    platform's own message for it), from the platform's errno table."""
    said = _STRERROR.search(text[:16384])
    if said is not None and said.lastgroup:
        return _ERRNO_FAMILY[said.lastgroup], said.lastgroup
    for m in _ERRNO.finditer(text[:16384]):
        if m.group("name"):
            name = m.group("name")
            if name in _ERRNO_FAMILY and hasattr(errno, name):
                return _ERRNO_FAMILY[name], name
            continue
        n = int(m.group("n") or m.group("n2"))
        name = _WINDOWS_ERRNO.get(n) or errno.errorcode.get(n, "")
        if name in _ERRNO_FAMILY:
            return _ERRNO_FAMILY[name], name
    return None


# SQLite's result-code texts (sqlite3_errstr; https://www.sqlite.org/rescode.html), which sqlite3 and
# aiosqlite raise as OperationalError/DatabaseError: BUSY/LOCKED, IOERR, FULL, READONLY, CANTOPEN,
# CORRUPT/NOTADB, and the schema errors of a query ("no such table: x")
_SQLITE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"database (?:table |schema )?is locked", re.I), "sqlite.locked"),
    (re.compile(r"database or disk is full", re.I), "resource.disk"),
    (re.compile(r"disk I/O error", re.I), "sqlite.io"),
    (re.compile(r"attempt to write a readonly database", re.I), "resource.readonly"),
    (re.compile(r"unable to open database file|file is not a database", re.I), "sqlite.open"),
    (re.compile(r"database disk image is malformed", re.I), "sqlite.corrupt"),
    (re.compile(r"no such (?:table|column): ", re.I), "sqlite.schema"),
    # SQLITE_CONSTRAINT (sqlite3.IntegrityError): "UNIQUE constraint failed: t.id", "NOT NULL constraint failed: ...",
    # "FOREIGN KEY constraint failed", "CHECK constraint failed: ..." - the write the code sends (as SQLSTATE 23)
    (re.compile(r"\b(?:UNIQUE|NOT NULL|FOREIGN KEY|CHECK|PRIMARY KEY) constraint failed", re.I), "sqlite.integrity"),
)
# subprocess.CalledProcessError.__str__: "returned non-zero exit status N." / "died with <Signals.SIGKILL: 9>."
_EXIT = re.compile(r"returned non-zero exit status (?P<n>\d+)|died with <Signals\.(?P<sig>SIG\w+)")
# a FileNotFoundError raised where a child process is started: the program itself is missing
_SPAWN_FRAME = re.compile(r'[/\\](?:subprocess|base_subprocess|unix_events)\.py", line \d+, in (?:_execute_child|_start|'
                          r'_make_subprocess_transport|__init__)')
# a configuration/credential file by its suffix (a .json only when its name says config/settings/credentials:
# most .json files a gateway opens are data or caches)
_CONFIG_PATH = re.compile(r"""(?:No such file or directory|Permission denied): ['"][^'"]*?"""
                          r"""(?:\.(?:ya?ml|toml|ini|cfg|conf|env|pem|crt|key)|/\.env|"""
                          r"""(?:config|settings|credential|secret|service[-_]account)[^'"/]*\.json)['"]""", re.I)
_MISSING_TOP_MODULE = re.compile(r"No module named '(?P<m>[A-Za-z_]\w*)'")
# PyYAML's Mark: `in "<unicode string>"` for a parsed string, `in "settings.yaml"` for a file
# asyncio futures.py set_result/set_exception: "CANCELLED: <Future cancelled>" / "FINISHED: <Future ...>", and the
# C accelerator's (_asynciomodule.c) "invalid state"
_FUTURE_DONE = re.compile(r"InvalidStateError: (?:invalid state|(?:CANCELLED|FINISHED): <(?:Future|Task)\b)")
_YAML_PYTHON_TAG = re.compile(r"could not determine a constructor for the tag '?tag:yaml\.org,2002:python/")
_YAML_FILE_MARK = re.compile(r'\bin "(?!<)[^"\n]+", line \d+, column \d+')


# where HTTP clients encode header names/values as ASCII/latin-1 (httpx/_models.py _normalize_header_value, h11's
# headers, http/client.py putheader, aiohttp's helpers): a non-ASCII header value the code set
_HEADER_ENCODE = re.compile(r"[/\\](?:httpx[/\\]_models|h11[/\\]_headers|http[/\\]client|aiohttp[/\\](?:helpers|"
                            r"http_writer|client_reqrep))\.py\", line \d+, in (?:_normalize_header_\w+|normalize_and_validate|"
                            r"putheader|\w*header\w*)")


def _refine_local(family: str, text: str) -> str:
    """Families whose meaning the raising library's fixed message decides (sqlite3, subprocess, imports)."""
    if family == "sqlite":
        return next((fam for rx, fam in _SQLITE if rx.search(text)), family)
    if family == "subprocess.exit":
        m = _EXIT.search(text)
        if m is not None:
            # POSIX shells: 127 = command not found, 126 = not executable; 137 = 128 + SIGKILL
            n = int(m.group("n")) if m.group("n") else None
            if n == 127:
                return "config.binary"
            if n == 126:
                return "os.permission"
            if n == 137 or m.group("sig") == "SIGKILL":
                return "resource.killed"
        return family
    if family == "os.missing":
        if _SPAWN_FRAME.search(text):
            return "config.binary"
        return "config.file" if _CONFIG_PATH.search(text) else family
    if family == "os.permission" and _CONFIG_PATH.search(text):
        return "config.file_permission"
    if family == "code.import" and _MISSING_TOP_MODULE.search(text):
        # CPython names the first part of the dotted path it could not find: a bare top-level name
        # means the package itself is not installed (a missing dependency), a dotted one a module
        # missing inside a package that is there (a refactor or a version mismatch)
        return "config.dependency"
    if family == "config.bind_address" and not _BIND.search(text[:65536]):
        # EADDRNOTAVAIL from connect(), not bind(): no free local (ephemeral) port for a new outgoing connection
        return "resource.ephemeral_ports"
    if family == "code.lock_misuse" and _LOCK_WAIT.search(text):
        return "concurrency.lock_wait"
    if family == "code.invalid_state" and _FUTURE_DONE.search(text[-65536:]):
        # set_result/set_exception on a future that is already done or cancelled: a second completer raced the
        # first (a caller's timeout cancelled it, then the late answer arrives) - concurrency; reading a result
        # that is not set yet ("Result is not set.") stays the code's misuse
        return "concurrency.future_race"
    if family == "decode.yaml" and _YAML_PYTHON_TAG.search(text[-65536:]):
        # PyYAML constructor.py construct_undefined: a python/* tag (what yaml.dump writes for a tuple or an object)
        # read by safe_load - the code's writer and reader disagree, whatever file it is
        return "code.yaml_python_tag"
    if family == "decode.yaml" and _YAML_FILE_MARK.search(text):
        return "config.yaml"
    if family == "encode.text" and _HEADER_ENCODE.search(text[-65536:]):
        return "code.header_encoding"
    if family == "connection.dropped" and "anyio/streams/memory.py" in text[-65536:]:
        # anyio's in-process memory object stream: the other end is a task of ours that closed it (shutdown
        # order, a consumer that died), not a network peer
        return "inprocess.memory_stream"
    return family


def refine(family: str, text: str) -> str:
    """A broad family made precise by the library's fixed message texts (errno, TLS/DNS texts, sqlite's
    result codes, subprocess exit statuses...)."""
    local = _refine_local(family, text)
    if local != family:
        return local
    return _refine_local(_refine_transport(family, text), text)


def _refine_transport(family: str, text: str) -> str:
    if family.startswith(("connect", "connection", "os")) and (tls := _tls_kind(text)) is not None:
        return tls
    if family.startswith(("connect", "connection", "os", "timeout")) or family == "cancelled":
        if _PLAIN_HTTP.search(text) and family.startswith(("connect", "os")):
            return "config.url"
        if _TLS.search(text) and family.startswith(("connect", "os")):
            return "connect.tls"
        if _DNS.search(text) and family.startswith(("connect", "os")):
            return "connect.dns"
        found = errno_family(text)
        if found is not None and (family in ("connect", "os", "os.permission") or
                                  (family.startswith("connect") and found[0].startswith("connect"))):
            return found[0]
        if family in ("connect", "os") and _REFUSED.search(text):
            return "connect.refused"
        if family in ("connect", "os") and _RESET.search(text):
            return "connection.dropped"
    return family


def _tls_kind(text: str) -> str | None:
    """A TLS failure that is not about a certificate, by OpenSSL's reason (see `_TLS_EOF`, `_TLS_NEGOTIATION`)."""
    head = text[:65536]
    if _TLS_EOF.search(head):
        return "connection.tls_eof"
    if _TLS_NEGOTIATION.search(head):
        return "config.tls_negotiation"
    return None


def _words(class_name: str) -> str:
    """`ForeignKeyViolation` -> `foreign key violation` (psycopg names each SQLSTATE after its condition)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", class_name.rstrip("_")).lower()


@lru_cache(maxsize=1024)
def code_meaning(namespace: str, code: str) -> str | None:
    """What a code means, from the owning library's own table: SQLSTATE -> psycopg's condition class
    (psycopg/errors.py, its class when the code is not listed), HTTP -> http.HTTPStatus, WebSocket
    close codes -> websockets' CLOSE_CODE_EXPLANATIONS (RFC 6455 7.4.1)."""
    try:
        if namespace == "sqlstate":
            from psycopg import errors

            for candidate in (code, code[:2] + "000"):
                try:
                    return _words(errors.lookup(candidate).__name__)
                except KeyError:
                    continue
            return None
        if namespace == "http":
            from http import HTTPStatus

            return HTTPStatus(int(code)).phrase.lower()
        if namespace == "ws_close":
            from websockets.frames import CLOSE_CODE_EXPLANATIONS

            return CLOSE_CODE_EXPLANATIONS.get(int(code))
    except (ImportError, ValueError):
        return None
    return None
