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

Category by the doctrine (doctrine.py): the app breaking the ASGI contract or a log call's arguments -> code; a
missing WebSocket library or a wrong import string -> config (an installed dependency, a setting); bytes that are
not HTTP from a client -> network, low (nothing of ours failed).
"""

from __future__ import annotations

import re

from .codes import Text, _t
from .gateway_messages import FORM_ONLY, MAX_SCAN, WITH_MODULE, GatewayMessage, _row
from .model import DiagnosisInput, one_line

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
# the forms above use the message's fixed words; {what} is the matched form itself
_LOGGING_ERROR = re.compile(r"--- Logging error ---")  # its own stderr line, or after a header that took it in
_FORMAT_MISMATCH = re.compile(r"not all arguments converted during string formatting|not enough arguments for format "
                              r"string|format: a (?:real )?number is required|must be real number|unsupported format "
                              r"character|%\w format: ", re.I)
_LOGGED_MESSAGE = re.compile(r"^Message: (?P<m>[^\n]{1,300})$\n^Arguments: (?P<a>[^\n]{0,300})$", re.M)


def server_message(inp: DiagnosisInput) -> tuple[str, str, Text, float] | None:
    """(row name, matched words, text, weight) of a server-stack or logging form in the record, or None."""
    for said in inp.messages():
        head = said[:MAX_SCAN]
        for row in SERVER_MESSAGES:
            if (m := row.form.search(head)) is not None:
                category, severity, summary, cause, fixes = row.text
                what = one_line(m.group(0), 120)
                weight = WITH_MODULE if inp.logger and row.loggers.search(inp.logger) else FORM_ONLY
                return row.name, m.group(0), (category, severity, summary.format(what=what), cause, fixes), weight
    body = inp.traceback[:MAX_SCAN]
    if _LOGGING_ERROR.search(body) and _FORMAT_MISMATCH.search(body):
        logged = _LOGGED_MESSAGE.search(body)
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
