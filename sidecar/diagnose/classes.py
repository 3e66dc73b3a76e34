"""Which family an exception class belongs to, from its library's own hierarchy.

An error record names exception classes (`httpx.ReadTimeout`, `openai.RateLimitError`,
`ConnectionRefusedError`...). Their *bases* say what kind of failure it is: every httpx timeout is a
`httpx.TimeoutException`, every openai 4xx/5xx an `openai.APIStatusError` with a `status_code`,
every refused socket a `ConnectionRefusedError(ConnectionError, OSError)`. So a class is resolved to
its ancestors (class_bases.py: the installed library's MRO for packages in `IMPORTABLE`, the builtins
for bare names, a static table for libraries the sidecar does not install), and the first ancestor in
`FAMILIES` names its family. Messages refine a broad family with the library's own fixed texts
(`errno` numbers, `[SSL: ...]`, getaddrinfo's "Name or service not known").

Decision: families are transport/resource facts, not causes: which *component* met them decides the
cause (`taxonomy.py`).
"""

from __future__ import annotations

import builtins
import importlib
import re

# resolving a class to its ancestors (class_bases.py), re-exported: callers import it from here
from .class_bases import IMPORTABLE, STATIC_BASES, ancestors, short_name, warm

# the message-text half of the class layer (message_texts.py), re-exported: callers import both from here
from .message_texts import (
    FIXED_MESSAGES,
    LIBRARY_MESSAGES,
    code_meaning,
    errno_family,
    fixed_message_family,
    refine,
)
from .redis_classes import REDIS_FAMILIES

__all__ = ["BARE_FAMILIES", "FAMILIES", "FIXED_MESSAGES", "IMPORTABLE", "OPENAI_STATUS", "STATIC_BASES", "ancestors",
           "code_meaning", "compute_bare_families", "errno_family", "family_of", "fixed_message_family",
           "http_status_of", "named_classes", "refine", "warm"]

# Sources: httpx/_exceptions.py, httpcore/_exceptions.py, openai/_exceptions.py, psycopg_pool/errors.py,
# psycopg/errors.py, postgrest/exceptions.py, storage3/exceptions.py, supabase_auth/errors.py,
# websockets/exceptions.py, aiohttp/client_exceptions.py, CPython's builtins/asyncio/ssl/socket, and
# redis-py's redis/exceptions.py (not installed here: listed in `STATIC_BASES`).
FAMILIES: dict[str, str] = {
    # timeouts, most specific first (httpx: TimeoutException > Connect/Read/Write/PoolTimeout)
    "httpx.ConnectTimeout": "timeout.connect", "httpcore.ConnectTimeout": "timeout.connect",
    "aiohttp.ConnectionTimeoutError": "timeout.connect", "aiohttp.ServerTimeoutError": "timeout.read",
    "httpx.ReadTimeout": "timeout.read", "httpcore.ReadTimeout": "timeout.read",
    "aiohttp.SocketTimeoutError": "timeout.read",
    "httpx.WriteTimeout": "timeout.write", "httpcore.WriteTimeout": "timeout.write",
    "httpx.PoolTimeout": "timeout.pool", "httpcore.PoolTimeout": "timeout.pool",
    "psycopg_pool.PoolTimeout": "timeout.pool", "psycopg_pool.TooManyRequests": "pool.queue",
    "psycopg.ConnectionTimeout": "timeout.connect",  # psycopg/errors.py: "connection timeout expired"
    "httpx.TimeoutException": "timeout", "httpcore.TimeoutException": "timeout",
    "openai.APITimeoutError": "timeout", "redis.TimeoutError": "timeout", "TimeoutError": "timeout",
    "socket.timeout": "timeout",
    # connections (httpx: NetworkError > ConnectError/ReadError/WriteError; ProtocolError)
    "ssl.SSLCertVerificationError": "connect.tls", "ssl.SSLError": "connect.tls",
    "aiohttp.ClientSSLError": "connect.tls", "socket.gaierror": "connect.dns",
    "ConnectionRefusedError": "connect.refused",
    "ConnectionResetError": "connection.dropped", "ConnectionAbortedError": "connection.dropped",
    "BrokenPipeError": "connection.dropped",
    "httpx.ReadError": "connection.dropped", "httpx.WriteError": "connection.dropped",
    "httpx.CloseError": "connection.dropped", "httpcore.ReadError": "connection.dropped",
    "httpcore.WriteError": "connection.dropped",
    "httpx.RemoteProtocolError": "connection.dropped", "httpcore.RemoteProtocolError": "connection.dropped",
    "aiohttp.ServerDisconnectedError": "connection.dropped",
    "httpx.ProxyError": "connect", "httpx.ConnectError": "connect", "httpcore.ConnectError": "connect",
    "aiohttp.ClientConnectorError": "connect", "redis.ConnectionError": "connect",
    "openai.APIConnectionError": "connect", "psycopg.OperationalError": "connect",
    "psycopg.InterfaceError": "connection.dropped", "httpx.NetworkError": "connect", "httpx.TransportError": "connect",
    "httpcore.NetworkError": "connect", "ConnectionError": "connect",
    "httpx.UnsupportedProtocol": "config.url", "httpx.InvalidURL": "config.url", "httpx.TooManyRedirects": "config.url",
    # httpx/_exceptions.py: a body whose Content-Encoding does not decode; a stream read twice / after close
    "httpx.DecodingError": "provider.invalid_response", "httpx.StreamError": "code.stream",
    # builtins: a path of the wrong kind (a directory where a file is expected, or the reverse)
    "IsADirectoryError": "config.path_kind", "NotADirectoryError": "config.path_kind",
    # HTTP answers with a status (the status decides, see taxonomy.py)
    "openai.APIStatusError": "http.status", "httpx.HTTPStatusError": "http.status",
    "aiohttp.ClientResponseError": "http.status",
    # aiohttp/client.py ws_connect: the upgrade was answered without 101 (its status decides, like websockets')
    "aiohttp.WSServerHandshakeError": "ws.rejected",
    # aiohttp/client_reqrep.py json(): a 2xx body whose Content-Type is not JSON (an HTML error/login page)
    "aiohttp.ContentTypeError": "decode.json",
    # the Supabase client refuses its own arguments (supabase/_sync/client.py: "supabase_url is required",
    # "Invalid URL", "... must be a string") - configuration
    "supabase.SupabaseException": "config.supabase",
    # openai/_exceptions.py: the API answered 2xx but the body did not match the SDK's schema
    "openai.APIResponseValidationError": "provider.invalid_response",
    # Supabase's own API errors (the status/code in them decides, see taxonomy.py)
    "storage3.StorageApiError": "supabase.storage", "storage3.StorageException": "supabase.storage",
    "supabase_auth.AuthError": "supabase.auth", "gotrue.AuthError": "supabase.auth",
    # supabase_functions/errors.py: the relay could not run the function (x-relay-error) vs our function's own non-2xx
    "supabase_functions.FunctionsRelayError": "supabase.functions_relay",
    "supabase_functions.FunctionsHttpError": "supabase.functions_http",
    "redis.AuthenticationError": "redis.auth", "redis.AuthorizationError": "redis.auth",
    "redis.NoPermissionError": "redis.auth", "redis.BusyLoadingError": "redis.loading",
    "redis.MaxConnectionsError": "pool.queue", "redis.ResponseError": "redis.response",
    "redis.RedisError": "redis.response",
    # aiohttp/client_exceptions.py (the health endpoint and webhooks use aiohttp)
    "aiohttp.ClientConnectorDNSError": "connect.dns", "aiohttp.ClientConnectorCertificateError": "connect.tls",
    "aiohttp.ClientConnectorSSLError": "connect.tls", "aiohttp.ClientPayloadError": "connection.dropped",
    "aiohttp.ClientConnectionResetError": "connection.dropped", "aiohttp.ClientOSError": "connect",
    "aiohttp.ClientConnectionError": "connect", "aiohttp.InvalidURL": "config.url",
    # client.py _request raises TooManyRedirects past max_redirects: httpx.TooManyRedirects' twin (user_target.py names both)
    "aiohttp.TooManyRedirects": "config.url",
    "aiohttp.NonHttpUrlClientError": "config.url",
    # websockets/exceptions.py: two coroutines reading one connection (asyncio/connection.py recv)
    "websockets.ConcurrencyError": "code.concurrent_recv",
    # websockets/exceptions.py: a closed connection (its close code decides), a frame over max_size, the
    # opening handshake (a rejected upgrade carries an HTTP status; a malformed request is a TCP probe or a
    # non-WebSocket client), a frame that breaks RFC 6455, a URI that is not ws(s)://
    "websockets.ConnectionClosed": "ws.closed", "websockets.InvalidState": "ws.closed",
    "websockets.PayloadTooBig": "ws.too_big",
    "websockets.InvalidStatus": "ws.rejected", "websockets.InvalidStatusCode": "ws.rejected",
    "websockets.InvalidHandshake": "ws.handshake", "websockets.InvalidURI": "config.url",
    "websockets.ProtocolError": "ws.protocol",
    # resources
    "MemoryError": "resource.memory", "asyncio.QueueFull": "resource.queue",
    # the program itself
    "RecursionError": "code.recursion", "ModuleNotFoundError": "code.import", "ImportError": "code.import",
    "NameError": "code.name", "NotImplementedError": "code.unimplemented",
    "asyncio.CancelledError": "cancelled",
    "pydantic_core.ValidationError": "validation", "pydantic.ValidationError": "validation",
    "pydantic_settings.SettingsError": "config.settings",
    "json.JSONDecodeError": "decode.json",
    "PermissionError": "os.permission", "FileNotFoundError": "os.missing",
    "OSError": "os",
    # CPython's asyncio/exceptions.py and concurrent/futures/_base.py
    "asyncio.IncompleteReadError": "connection.dropped",  # EOF before the bytes a StreamReader expected
    "asyncio.LimitOverrunError": "code.stream_limit",  # a line/chunk longer than the reader's limit the code set
    "asyncio.InvalidStateError": "code.invalid_state",  # a future's result set twice / read before done
    "concurrent.CancelledError": "cancelled", "concurrent.BrokenExecutor": "resource.worker_died",
    # ssl.py: the peer closed the TLS stream (close_notify / an EOF) - a dropped connection, not a certificate
    "ssl.SSLZeroReturnError": "connection.dropped", "ssl.SSLEOFError": "connection.dropped",
    # anyio/_core/_exceptions.py (httpx/httpcore's async backend)
    "anyio.BrokenResourceError": "connection.dropped", "anyio.EndOfStream": "connection.dropped",
    "anyio.ClosedResourceError": "code.closed_resource", "anyio.BusyResourceError": "code.concurrent_recv",
    # h11/_util.py, h2/exceptions.py: the peer broke HTTP/1.1 / HTTP/2 framing; "Local" is this side's bug
    "h11.RemoteProtocolError": "connection.dropped", "h11.LocalProtocolError": "code.protocol",
    "h2.H2Error": "connection.dropped",
    "httpx.LocalProtocolError": "code.protocol", "httpcore.LocalProtocolError": "code.protocol",
    # openai/_exceptions.py: a 2xx answer that stopped at max_tokens / at the provider's content filter
    "openai.LengthFinishReasonError": "provider.length",
    "openai.ContentFilterFinishReasonError": "provider.content_filter",
    # sqlite3 (aiosqlite re-raises these): OperationalError's fixed texts decide (see refine)
    "sqlite3.OperationalError": "sqlite", "sqlite3.DatabaseError": "sqlite", "sqlite3.IntegrityError": "sqlite",
    # urllib/request.py: URLError carries the reason ("<urlopen error [Errno 111] Connection refused>"); http/client.py
    # RemoteDisconnected: the peer closed before answering
    "urllib.URLError": "connect", "urllib.HTTPError": "http.status", "http.RemoteDisconnected": "connection.dropped",
    # a str that does not encode: only where an HTTP client encodes a header is its cause known (message_texts.py)
    "UnicodeEncodeError": "encode.text",
    # jinja2/exceptions.py (round 6): the gateway's own templates are its code - one that does not parse, or that a
    # sandbox refuses, fails every render (code); a template the loader cannot find is the template directory
    # setting or the image's files (config; TemplateNotFound is also an IOError, so it is named first); an
    # undefined variable is the data rendered (UndefinedError: the record does not say whose - unknown)
    "jinja2.TemplateNotFound": "config.template_missing", "jinja2.TemplateSyntaxError": "code.template",
    "jinja2.SecurityError": "code.template_sandbox", "jinja2.UndefinedError": "input.template_data",
    "jinja2.TemplateRuntimeError": "code.template", "jinja2.TemplateError": "code.template",
    # PyYAML yaml/error.py: MarkedYAMLError names the stream (a file name or "<unicode string>")
    "yaml.YAMLError": "decode.yaml",
    # subprocess.py: the exit status of the command decides (see refine)
    "subprocess.CalledProcessError": "subprocess.exit",
    # subprocess.py: the command ran longer than the timeout the code gave it (the code's own call, not a remote)
    "subprocess.TimeoutExpired": "code.subprocess_timeout",
    # psycopg_pool/base.py _check_open_getconn: the pool is closed (used after shutdown) or not opened yet
    "psycopg_pool.PoolClosed": "code.pool_closed",
    # zoneinfo/_common.py: a key absent from the tz database (a KeyError): mostly a value a user gave
    "zoneinfo.ZoneInfoNotFoundError": "input.timezone",
    **REDIS_FAMILIES,
    # realtime-py exceptions.py: a call before connect()/subscribe(); a private channel's authorization refused
    "realtime.NotConnectedError": "code.realtime_order", "realtime.AuthorizationError": "config.realtime_auth",
    "AssertionError": "code.assertion",
    # fastapi/exceptions.py (not installed here: the short names): an endpoint's return value against its
    # response_model (the code's), a client's request against the endpoint's model (the client's input)
    "fastapi.ResponseValidationError": "code.response_model", "fastapi.RequestValidationError": "input.request",
    "fastapi.WebSocketRequestValidationError": "input.request",
}

# The openai SDK's status classes carry their status as a class attribute (openai/_exceptions.py).
OPENAI_STATUS = {"BadRequestError": 400, "AuthenticationError": 401, "PermissionDeniedError": 403,
                 "NotFoundError": 404, "ConflictError": 409, "UnprocessableEntityError": 422,
                 "RateLimitError": 429, "InternalServerError": 500}


_NAMED = re.compile(r"(?<![\w.])(?P<name>(?:[a-z_][a-z0-9_]*\.)*[A-Z][A-Za-z0-9]*(?:Error|Exception|Timeout|Exit|Full|Closed\w*|Big|Status))(?=[:(\s,]|$)")


def family_of(type_name: str) -> str | None:
    """The family of an exception class (see `FAMILIES`), or None for a class the taxonomy does not know.

    A bare name that is no builtin ("ReadTimeout", "AuthApiError": apps log `type(e).__name__`) is
    looked up among the importable libraries' classes, when every class of that name has one family.
    """
    for anc in ancestors(type_name):
        if anc in FAMILIES:
            return FAMILIES[anc]
    if "." not in type_name.strip():
        return BARE_FAMILIES.get(type_name.strip())
    return None


# compute_bare_families() over the installed libraries (httpx 0.28, openai, psycopg 3, websockets 15...);
# tests/diagnose/test_taxonomy.py keeps it equal to what the installed libraries define.
BARE_FAMILIES: dict[str, str] = {
    "APIConnectionError": "connect", "APIResponseValidationError": "provider.invalid_response",
    "APIStatusError": "http.status", "APITimeoutError": "timeout", "AuthApiError": "supabase.auth",
    "AuthError": "supabase.auth", "AuthImplicitGrantRedirectError": "supabase.auth",
    "AuthInvalidCredentialsError": "supabase.auth", "AuthInvalidJwtError": "supabase.auth",
    "AuthRetryableError": "supabase.auth", "AuthSessionMissingError": "supabase.auth",
    "AuthUnknownError": "supabase.auth", "AuthWeakPasswordError": "supabase.auth",
    "AuthenticationError": "http.status", "BadRequestError": "http.status", "ClientConnectionError": "connect",
    "ClientConnectionResetError": "connection.dropped", "ClientConnectorCertificateError": "connect.tls",
    "ClientConnectorDNSError": "connect.dns", "ClientConnectorError": "connect",
    "ClientConnectorSSLError": "connect.tls", "ClientHttpProxyError": "http.status", "ClientOSError": "connect",
    "ClientPayloadError": "connection.dropped", "ClientProxyConnectionError": "connect",
    "ClientResponseError": "http.status", "ClientSSLError": "connect.tls", "CloseError": "connection.dropped",
    "ConcurrencyError": "code.concurrent_recv", "ConflictError": "http.status", "ConnectError": "connect",
    "ConnectTimeout": "timeout.connect", "ConnectionClosed": "ws.closed", "ConnectionClosedError": "ws.closed",
    "ConnectionClosedOK": "ws.closed", "ConnectionTimeoutError": "timeout.connect",
    "ContentFilterFinishReasonError": "provider.content_filter", "ContentTypeError": "decode.json",
    "CustomAuthError": "supabase.auth", "DuplicateParameter": "ws.handshake", "HTTPStatusError": "http.status",
    "InterfaceError": "connection.dropped", "InternalServerError": "http.status", "InvalidHandshake": "ws.handshake",
    "InvalidHeader": "ws.handshake", "InvalidHeaderFormat": "ws.handshake", "InvalidHeaderValue": "ws.handshake",
    "InvalidMessage": "ws.handshake", "InvalidOrigin": "ws.handshake", "InvalidParameterName": "ws.handshake",
    "InvalidParameterValue": "ws.handshake", "InvalidProxyMessage": "ws.handshake",
    "InvalidProxyStatus": "ws.handshake", "InvalidState": "ws.closed", "InvalidStatus": "ws.rejected",
    "InvalidURI": "config.url", "InvalidURL": "config.url", "InvalidUpgrade": "ws.handshake",
    "InvalidUrlClientError": "config.url", "InvalidUrlRedirectClientError": "config.url",
    "LengthFinishReasonError": "provider.length", "LocalProtocolError": "code.protocol",
    "NegotiationError": "ws.handshake", "NetworkError": "connect", "NonHttpUrlClientError": "config.url",
    "NonHttpUrlRedirectClientError": "config.url", "NotFoundError": "http.status", "OAuthError": "http.status",
    "OperationalError": "connect", "PayloadTooBig": "ws.too_big", "PermissionDeniedError": "http.status",
    "PoolClosed": "code.pool_closed", "PoolTimeout": "timeout.pool", "RateLimitError": "http.status",
    "ReadError": "connection.dropped", "ReadTimeout": "timeout.read", "RemoteProtocolError": "connection.dropped",
    "SecurityError": "ws.handshake", "ServerConnectionError": "connect",
    "ServerDisconnectedError": "connection.dropped", "ServerFingerprintMismatch": "connect",
    "ServerTimeoutError": "timeout.read", "SocketTimeoutError": "timeout.read", "StorageApiError": "supabase.storage",
    "StorageException": "supabase.storage", "TimeoutException": "timeout", "TooManyRedirects": "config.url", "TooManyRequests": "pool.queue",
    "TransportError": "connect", "UnixClientConnectorError": "connect", "UnprocessableEntityError": "http.status",
    "UserDoesntExist": "supabase.auth", "WSServerHandshakeError": "ws.rejected", "WriteError": "connection.dropped",
    "WriteTimeout": "timeout.write", "DecodingError": "provider.invalid_response", "RequestNotRead": "code.stream",
    "ResponseNotRead": "code.stream", "StreamClosed": "code.stream", "StreamConsumed": "code.stream",
    "StreamError": "code.stream",
}


# the modules where the libraries define (or re-export) their exception classes; modules with lazy
# attributes (pydantic, the websockets package) are left out so the table does not depend on import order
_EXCEPTION_MODULES = ("aiohttp.client_exceptions", "httpcore", "httpx", "openai", "postgrest.exceptions", "psycopg",
                      "psycopg_pool", "storage3.exceptions", "supabase_auth.errors", "websockets.exceptions")


def compute_bare_families() -> dict[str, str]:
    """Bare class name -> family over the exception classes the IMPORTABLE libraries define (names
    meaning different families in different libraries, like `APIError`, are left out). Slow (imports
    every library): `BARE_FAMILIES` is its result, and a test keeps the two equal."""
    seen: dict[str, set[str | None]] = {}
    for module_name in _EXCEPTION_MODULES:
        try:
            module = importlib.import_module(module_name)
        except Exception:  # noqa: BLE001 - a library that does not import is simply not indexed
            continue
        top = module_name.split(".")[0]
        for name, obj in list(vars(module).items()):
            if isinstance(obj, type) and issubclass(obj, BaseException) and not name.startswith("_") \
                    and obj.__module__.split(".")[0] == top and not getattr(obj, "sqlstate", None):
                # (a psycopg class with its own SQLSTATE means that code: the code rules answer it)
                names = [short_name(c) for c in obj.__mro__]
                seen.setdefault(name, set()).add(next((FAMILIES[a] for a in names if a in FAMILIES), None))
    out: dict[str, str] = {}
    for name, fams in seen.items():
        fam = next(iter(fams))
        if len(fams) == 1 and fam is not None and getattr(builtins, name, None) is None:
            out[name] = fam
    return dict(sorted(out.items()))


def http_status_of(type_name: str) -> int | None:
    """The status an openai-style status class stands for (`RateLimitError` -> 429)."""
    for anc in ancestors(type_name):
        base = anc.rsplit(".", 1)[-1]
        if anc.startswith("openai.") and base in OPENAI_STATUS:
            return OPENAI_STATUS[base]
    return None


def named_classes(text: str) -> list[str]:
    """Exception classes a log message names ("failed: httpx.ReadTimeout: ...") or implies with a fixed
    library message ("Request timed out." is openai's APITimeoutError)."""
    head = text[:65536]  # a 10 MB message is searched in its head only (bounded time per record)
    out = [rx_cls for rx, rx_cls in LIBRARY_MESSAGES if rx.search(head)]
    for m in _NAMED.finditer(text[:16384]):
        name = m.group("name")
        if family_of(name) is not None:
            out.append(name)
    return list(dict.fromkeys(out))

