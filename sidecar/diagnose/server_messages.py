"""Fixed messages of the ASGI server stack and of the logging module -> what they mean.

Like the gateway's own table (gateway_messages.py), each form is one documented situation of the library that
logs it. Sources (read in the installed packages, uvicorn 0.55 / starlette 1.10 / CPython 3.11):
- uvicorn/protocols/http/h11_impl.py + httptools_impl.py `handle_events`: h11.RemoteProtocolError (httptools
  HttpParserError) -> WARNING "Invalid HTTP request received." and a 400: the bytes a client sent are not HTTP/1.1
  (a TLS ClientHello on a plain port, a scanner, HTTP/2 prior knowledge).
- the same files `_unsupported_upgrade_warning`: "Unsupported upgrade request." and "No supported WebSocket
  library detected. Please use \"pip install 'uvicorn[standard]'\"...": the WebSocket library is not installed.
- `run_asgi` (http and websockets protocols): "ASGI callable returned without starting response.", "... without
  completing response.", "ASGI callable should return None, but returned '%s'.", "ASGI callable returned without
  sending handshake." / "... without completing handshake.": the application broke the ASGI contract.
  ("Exception in ASGI application" carries the application's own traceback: its class decides, not a row here.)
- uvicorn/config.py `load_app` + importer.py: "Error loading ASGI app. Could not import module \"x\".", "Attribute
  \"app\" not found in module \"x\".", "Import string \"x\" must be in format \"<module>:<attribute>\".": the app
  import string given to the server.
- uvicorn/lifespan/on.py: "Application startup failed. Exiting." follows the startup exception's own record.
- CPython logging/__init__.py `Handler.handleError`: "--- Logging error ---", the traceback, "Call stack:",
  "Message: %r" and "Arguments: %s": a log call whose arguments do not fit its format string (TypeError
  "not all arguments converted", "%d format: a real number is required", "not enough arguments for format
  string") is the calling code's; an OSError while writing is the handler's stream.

- anyio 4 (_backends/_asyncio.py): its RuntimeError texts for a cancel scope, task group, lock or limiter used across
  tasks or after its block.

Category by the doctrine (doctrine.py): the app breaking the ASGI contract or a log call's arguments -> code; a
missing WebSocket library or a wrong import string -> config (an installed dependency, a setting); bytes that are
not HTTP from a client -> network, low (nothing of ours failed).
"""

from __future__ import annotations

import re

from .codes import Text, _t
from .gateway_messages import MAX_SCAN, WITH_MODULE, GatewayMessage, _row, first_row
from .model import DiagnosisInput, one_line
from .runtime_messages import ANY, RUNTIME_MESSAGES

_UVICORN = r"^uvicorn\b"

SERVER_MESSAGES: tuple[GatewayMessage, ...] = (
    _row("uvicorn-invalid-http", _UVICORN, r"Invalid HTTP request received\.", _t(
        "network", "low", "The ASGI server received bytes that are not an HTTP request (uvicorn: Invalid HTTP request "
        "received) and answered 400",
        "uvicorn's HTTP parser (h11 / httptools) could not parse what a client sent: a TLS handshake to the plain-HTTP "
        "port, a port scanner or health probe, or an HTTP/2 client without upgrade. The server answered 400 and kept "
        "running; nothing in the application failed.",
        "If it repeats, find the client (access log / load balancer) and point it at the right scheme and port; "
        "otherwise it is noise from probes.")),
    _row("uvicorn-no-websocket-library", _UVICORN, r"No supported WebSocket library detected", _t(
        "config", "high", "The ASGI server has no WebSocket library installed: every WebSocket upgrade is refused",
        "uvicorn answers WebSocket upgrade requests only when websockets or wsproto is installed (the 'uvicorn[standard]' "
        "extra); this image has neither, so each upgrade request got 'Unsupported upgrade request.'.",
        "Install the WebSocket library in the image (pip install 'uvicorn[standard]' or websockets) and redeploy.")),
    _row("asgi-contract", _UVICORN, r"ASGI callable (?:returned without (?:starting|completing) (?:response|handshake)|"
         r"returned without sending handshake|should return None, but returned)", _t(
        "code", "medium", "The application broke the ASGI contract (uvicorn: {what})",
        "uvicorn ran the application's ASGI callable and it returned without sending what the protocol requires "
        "(a response start and body, or the WebSocket accept/close), or returned a value: an endpoint or middleware "
        "path that returns early (a swallowed exception, a missing return of the response).",
        "Find the endpoint/middleware for that path and make every branch send a response (or raise).")),
    _row("uvicorn-import-string", _UVICORN, r"Error loading ASGI app(?: factory)?\. (?:Could not import module|Attribute "
         r"\"[^\"]{1,100}\" not found in module|Import string \"[^\"]{0,200}\" must be in format)", _t(
        "config", "critical", "The ASGI server cannot load the application ({what})",
        "uvicorn could not import the application named by its import string (\"module:attribute\" on the command "
        "line or in the start script): the module path, the attribute or the working directory is wrong, so the "
        "server exits at start.",
        "Fix the import string (module:attribute) and the working directory/PYTHONPATH the server starts in.")),
)
# Starlette's own RuntimeError texts (starlette 1.10: middleware/base.py, _exception_handler.py, websockets.py,
# staticfiles.py): each is the application using the framework against its contract (code), or a static files
# directory that is not where the setting says (config). Their class (RuntimeError) says nothing; the text does.
FRAMEWORK_MESSAGES: tuple[GatewayMessage, ...] = (
    _row("starlette-no-response", ANY, r"RuntimeError: No response returned\.|^No response returned\.$", _t(
        "code", "medium", "A Starlette middleware got no response from the app below it (No response returned.)",
        "BaseHTTPMiddleware's call_next() found the downstream app finished without sending a response: an endpoint "
        "or inner middleware returned without one (or swallowed its exception).",
        "Find the endpoint/middleware for that path; make it return a response or raise (consider a pure ASGI "
        "middleware instead of BaseHTTPMiddleware).")),
    _row("starlette-response-started", ANY, r"Caught handled exception, but response already started", _t(
        "code", "medium", "An exception handler ran after the response had started (Starlette)",
        "The endpoint raised after it had already sent the response start (a streaming response that failed midway): "
        "Starlette cannot send the handler's error response any more, so the client got a cut-off answer.",
        "Catch errors inside the streaming generator (send an error event) instead of raising after the start.")),
    _row("starlette-asgi-order", ANY, r"Expected ASGI message \"websocket\.\w+\"|Cannot call \"(?:receive|send)\" once a "
         r"(?:disconnect|close) message has been (?:received|sent)|WebSocket is not connected\. Need to call "
         r"\"accept\" first", _t(
        "code", "medium", "The WebSocket endpoint used the connection out of order (Starlette: {what})",
        "The endpoint called the WebSocket in an order the ASGI protocol forbids (sent before accept(), or received/"
        "sent after the connection closed): its handling of a client that disconnected is missing.",
        "Catch WebSocketDisconnect around receive/send and stop using the socket after it; accept() first.")),
    # anyio 4 (anyio/_backends/_asyncio.py CancelScope.__exit__, TaskGroup.start_soon, Lock, CapacityLimiter): a cancel
    # scope or task group used across tasks or after it ended - structured concurrency misused by the code
    _row("anyio-structure", ANY, r"Attempted to exit (?:cancel scope in a different task than it was entered in|a cancel "
         r"scope that isn't the current tasks's current cancel scope)|This task group is not active; no new tasks can be "
         r"started|Each CancelScope may only be used for a single 'with' block|TaskGroup cannot be entered more than once|"
         r"The current task is not holding (?:this|the underlying) lock|this borrower (?:is already holding one of|isn't "
         r"holding any of) this CapacityLimiter's tokens", _t(
        "code", "medium", "Structured concurrency used against its rules (anyio: {what})",
        "anyio refused the operation: a cancel scope, task group, lock or capacity limiter was used across tasks or "
        "after its block ended (a scope entered in one task and exited in another - often an async generator or a "
        "context manager kept open across tasks; a task started on a task group that already finished).",
        "Keep each cancel scope / task group / lock inside one task's async with block; do not yield from inside a "
        "task group in an async generator.")),
    # realtime-py 2.x (realtime/_async/channel.py on_join_push_timeout / on_join_push_error, channel.py http_send):
    # a channel join the Realtime server did not answer, or refused as unauthorized; a server too old for http_send
    _row("realtime-join-timeout", r"^realtime\b|^src\.", r"join push timeout for channel \S{1,200}", _t(
        "network", "medium", "Supabase Realtime did not answer a channel join in time ({what})",
        "realtime-py sent the channel's join over the open WebSocket and got no reply within its timeout: the Realtime "
        "server or the path to it is slow or the socket is half-open; the client retries the join (rejoin timer).",
        "Check Supabase Realtime's status and the WebSocket's health at that time; it recovers when joins are answered "
        "again (a lasting failure: restart the client's connection).")),
    _row("realtime-join-unauthorized", r"^realtime\b|^src\.", r"join push error for channel \S{1,200}: [^\n]{0,200}"
         r"(?:[Uu]nauthori[sz]ed|not authori[sz]ed|RLS|permission)", _t(
        "config", "high", "Supabase Realtime refused to join the channel: not authorized ({what})",
        "The Realtime server answered the join with an authorization error: the channel is private and the token the "
        "client sends has no access under the RLS policies on realtime.messages (or the key is the anon key); it "
        "fails every time until the policy or the token changes.",
        "Check the RLS policies on realtime.messages for this topic and the token given to the Realtime client.")),
    _row("realtime-http-send-version", ANY, r"http_send\(\) requires Realtime server v[\d.]+ or newer", _t(
        "config", "medium", "The Realtime server is too old for http_send() (it answered 404)",
        "realtime-py's http_send() posts to a REST endpoint that Realtime servers before the version it names do not "
        "have: the self-hosted/CLI Realtime server is older than the client expects.",
        "Upgrade the Realtime server (or the Supabase CLI) to the version named, or broadcast over the socket.")),
    _row("starlette-static-dir", ANY, r"(?:StaticFiles )?[Dd]irectory '[^'\n]{1,300}' does not exist|StaticFiles path "
         r"'[^'\n]{1,300}' is not a directory", _t(
        "config", "high", "The static files directory the app mounts does not exist ({what})",
        "Starlette's StaticFiles checks its directory at start: the path in the settings (or the working directory "
        "it is relative to) does not hold the built assets in this image.",
        "Fix the directory setting or build/copy the assets into the image; check the working directory.")),
)
# the forms above use the message's fixed words; {what} is the matched form itself
_LOGGING_ERROR = re.compile(r"--- Logging error ---")  # its own stderr line, or after a header that took it in
_FORMAT_MISMATCH = re.compile(r"not all arguments converted during string formatting|not enough arguments for format "
                              r"string|format: a (?:real )?number is required|must be real number|unsupported format "
                              r"character|%\w format: ", re.I)
# logging/__init__.py StreamHandler.emit writing to a stream already closed (io's "I/O operation on closed file"):
# a handler closed (logging.shutdown, a hook closing handlers) while tasks or threads still log - shutdown order
_CLOSED_STREAM = re.compile(r"I/O operation on closed file|write to closed file", re.I)
_STARLETTE_FRAME = re.compile(r'File "[^"\n]*?(?:site|dist)-packages/starlette/')
_LOGGED_MESSAGE = re.compile(r"^Message: (?P<m>[^\n]{1,300})$\n^Arguments: (?P<a>[^\n]{0,300})$", re.M)


def server_message(inp: DiagnosisInput) -> tuple[str, str, Text, float] | None:
    """(row name, matched words, text, weight) of a server-stack or logging form in the record, or None."""
    found = first_row((*SERVER_MESSAGES, *FRAMEWORK_MESSAGES, *RUNTIME_MESSAGES), inp.logger, inp.messages())
    if found is None:
        # a multi-line exception text (multiprocessing's bootstrapping message) ends the record: by its form only
        found = first_row(RUNTIME_MESSAGES, None, [inp.traceback[-4096:]])
    if found is not None:
        row, words, weight = found
        category, severity, summary, cause, fixes = row.text
        return row.name, words, (category, severity, summary.format(what=one_line(words, 120)), cause, fixes), weight
    body = inp.traceback[:MAX_SCAN]
    if _LOGGING_ERROR.search(body) and _CLOSED_STREAM.search(body) and not _FORMAT_MISMATCH.search(body):
        logged = _LOGGED_MESSAGE.search(body) or _LOGGED_MESSAGE.search("\n".join(inp.context[-4:]))
        named = f" (Message: {one_line(logged.group('m'), 120)})" if logged is not None else ""
        return "logging-closed-stream", "--- Logging error ---", (
            "code", "low", f"A log record was written to a handler whose stream is already closed{named}",
            "The logging module could not write a record (logging.Handler.handleError printed '--- Logging error "
            "---' with 'I/O operation on closed file'): the handler's stream was closed (logging.shutdown or a "
            "shutdown hook closing handlers) while a task or thread still logs - a shutdown order in the code. The "
            "record was lost; the file or terminal behind the stream is fine.",
            ("Stop (await/join) the tasks and threads that log before closing the log handlers; close handlers last "
             "(logging.shutdown at exit).",)), WITH_MODULE
    if _LOGGING_ERROR.search(body) and _FORMAT_MISMATCH.search(body):
        logged = _LOGGED_MESSAGE.search(body) or _LOGGED_MESSAGE.search("\n".join(inp.context[-4:]))
        named = f" (Message: {one_line(logged.group('m'), 120)}, Arguments: {one_line(logged.group('a'), 120)})" \
            if logged is not None else ""
        return "logging-format-mismatch", "--- Logging error ---", (
            "code", "low", f"A log call's arguments do not match its format string{named}",
            "The logging module could not format a record (logging.Handler.handleError printed '--- Logging error "
            f"---'): the call passes arguments its %-format string does not take{named}. The record was lost; the "
            "code around it ran on.",
            ("Fix the log call shown under 'Call stack:' (the placeholders and the arguments must match; use %s, or "
             "pass one tuple argument).",)), WITH_MODULE
    return None


def framework_text(family: str, cls: str, inp: DiagnosisInput) -> Text | None:
    """FastAPI's validation classes (fastapi/exceptions.py): the class says whose data failed its schema."""
    if family == "code.response_model":
        return ("code", "medium", f"An endpoint returned data that does not match its response model ({cls})",
                "FastAPI validates what an endpoint returns against its response_model before sending it: a field the "
                "model requires is missing or has another type, so the client got a 500. The endpoint's code and its "
                "declared model disagree.",
                ("Compare the endpoint's return value with its response_model (the error lists each field's 'loc'); "
                 "fix the code or the model.",))
    if family == "code.header_encoding":
        return ("code", "medium", f"The code put non-ASCII text in an HTTP header ({cls})",
                "HTTP header values must be ASCII/latin-1 bytes and the client refused to encode the value the code "
                "set (a file name, title or user text with accents or emoji placed in a header): it fails for every "
                "such value; the remote was never contacted.",
                ("Percent-encode the value (RFC 5987 filename*=UTF-8''...) or move it into the body; never put user "
                 "text into headers unencoded.",))
    if family == "inprocess.memory_stream":
        # round 6: the other end of an anyio memory object stream is a task of ours (the consumer returned early
        # or ended on its first error, a shutdown closed it first): the tasks' lifecycle - code (writer 4's two
        # cases). Only under Starlette (StreamingResponse / BaseHTTPMiddleware frames) can it be a client that
        # left mid-response, which the record alone does not tell from ours: unknown there.
        under_starlette = _STARLETTE_FRAME.search(inp.traceback[-16384:]) is not None
        who = "the consumer task (or, under Starlette, the client that left)" if under_starlette else "a task of ours"
        return ("unknown" if under_starlette else "code", "low" if under_starlette else "medium",
                f"A task used an in-process stream whose other end is closed ({cls})",
                "anyio's memory object stream refused the call: its other end was already closed - the receiving "
                "task returned early or ended on an error, or a shutdown closed it before the producer stopped "
                f"({who}). The stream lives inside this process; nothing remote is involved.",
                ("Close the producer before the consumer (async with both ends), and let the consumer drain the "
                 "stream or cancel the producer when it stops early; handle BrokenResourceError/EndOfStream where a "
                 "stream may end.",))
    if family == "input.request":
        return ("unknown", "low", f"A client's request did not validate ({cls}); FastAPI answered 422",
                "FastAPI rejected the request's body/query against the endpoint's declared model and answered 422 to "
                "that client: the client's input, not a server fault.",
                ("Nothing to fix on the server unless every client fails: then compare the clients' requests with the "
                 "endpoint's model.",))
    return None
