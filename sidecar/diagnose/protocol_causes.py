"""HTTP protocol failures by their own text: which side broke the exchange, with or without a host in the record.

httpx/httpcore raise RemoteProtocolError when the SERVER ended or broke the HTTP exchange and LocalProtocolError
when the CLIENT was about to send something invalid (httpcore/_exceptions.py; the texts are h11's and h2's).
Read in the installed sources: h11 1.x (_readers.py / _connection.py: "Server disconnected without sending a
response", "peer closed connection without sending complete message body: incomplete chunked read / received N
bytes, expected M", "Illegal header value"), httpcore 1.0 (_async/http2.py: a GOAWAY arrives as
RemoteProtocolError(<ConnectionTerminated error_code:...>), a RST_STREAM as <StreamReset ... error_code:...>),
h2 4.x (errors.py ErrorCodes, RFC 9113 section 7). Which side decides the category (doctrine.py):
- the remote's HTTP server ended the exchange (a disconnect before or during the answer, a graceful GOAWAY
  NO_ERROR on a reused connection, REFUSED_STREAM, INTERNAL_ERROR, ENHANCE_YOUR_CALM): the remote service -
  provider for an LLM provider, storage for the database/cache (both writers who met one: 516, 707, 710), the
  network when the record names no remote;
- the peer says OUR client broke HTTP/2 (PROTOCOL_ERROR, FLOW_CONTROL_ERROR, FRAME_SIZE_ERROR, COMPRESSION_ERROR,
  STREAM_CLOSED): code (a connection shared across event loops/threads, a client bug);
- HTTP_1_1_REQUIRED, INADEQUATE_SECURITY: a client setting (http2=True against an endpoint that refuses it, TLS
  settings) - config; an illegal header VALUE the client refused to send: config when it is a credential header
  (a key read with its trailing newline), code otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Side = Literal["remote", "code", "config", "network"]


@dataclass(frozen=True, slots=True)
class ProtocolCause:
    side: Side
    what: str  # for the summary
    why: str  # the cause, naming the protocol detail
    fix: str


_H2_EVENT = re.compile(r"<(?P<ev>ConnectionTerminated|StreamReset)\b[^>\n]{0,200}?error_code:(?:ErrorCodes\.)?"
                       r"(?P<code>[A-Z_0-9]+|\d+)")
_H2_CODES = {0: "NO_ERROR", 1: "PROTOCOL_ERROR", 2: "INTERNAL_ERROR", 3: "FLOW_CONTROL_ERROR", 4: "SETTINGS_TIMEOUT",
             5: "STREAM_CLOSED", 6: "FRAME_SIZE_ERROR", 7: "REFUSED_STREAM", 8: "CANCEL", 9: "COMPRESSION_ERROR",
             10: "CONNECT_ERROR", 11: "ENHANCE_YOUR_CALM", 12: "INADEQUATE_SECURITY", 13: "HTTP_1_1_REQUIRED"}
_H2_OURS = frozenset({"PROTOCOL_ERROR", "FLOW_CONTROL_ERROR", "FRAME_SIZE_ERROR", "COMPRESSION_ERROR", "STREAM_CLOSED"})
_H2_SETTING = frozenset({"HTTP_1_1_REQUIRED", "INADEQUATE_SECURITY"})
_H2_PATH = frozenset({"SETTINGS_TIMEOUT", "CONNECT_ERROR"})
# h11/httpcore, http.client (under requests/urllib3), and aiohttp's ServerDisconnectedError (client_exceptions.py: its
# default message "Server disconnected", the class name printed before it) - the same peer close before a status line
# (requests/urllib3 wrap http.client's as "('Connection aborted.', RemoteDisconnected('Remote end closed ...'))")
NO_RESPONSE = re.compile(r"Server disconnected without sending a response|RemoteDisconnected(?::|\(['\"]) ?Remote end "
                         r"closed connection without response|ServerDisconnectedError: Server disconnected\b", re.I)
_CUT_BODY = re.compile(r"peer closed connection without sending complete message body[^\n]{0,80}|"
                       r"incomplete chunked read|received \d+ bytes, expected \d+", re.I)
_ILLEGAL_HEADER = re.compile(r"Illegal header (?P<part>value|name)\b", re.I)
_CREDENTIAL_HEADER = re.compile(r"Illegal header value b?['\"](?:Bearer |Basic |sk-|api[-_]?key)", re.I)


def protocol_cause(text: str) -> ProtocolCause | None:
    """The side that broke the HTTP exchange, read from the record's protocol texts, or None."""
    if (m := _H2_EVENT.search(text)) is not None:
        raw = m.group("code")
        code = _H2_CODES.get(int(raw), raw) if raw.isdigit() else raw
        frame = "GOAWAY" if m.group("ev") == "ConnectionTerminated" else "RST_STREAM"
        said = f"HTTP/2 {frame} {code}"
        if code in _H2_OURS:
            return ProtocolCause("code", f"the server ended the HTTP/2 connection for a protocol error of ours ({said})",
                                 f"The peer sent {said}: it says this client broke HTTP/2 (frames, flow control or "
                                 "header compression) - typically one HTTP/2 client or connection used from several "
                                 "event loops or threads at once, or a client library bug.",
                                 "Create the HTTP client per event loop (never share one across threads/loops); "
                                 "upgrade httpx/httpcore/h2, or disable http2 for this client.")
        if code in _H2_SETTING:
            return ProtocolCause("config", f"the server refuses this HTTP/2 connection ({said})",
                                 f"The peer sent {said}: the endpoint refuses HTTP/2 as configured (it needs HTTP/1.1, "
                                 "or the TLS settings are too weak for HTTP/2): a client setting, every time.",
                                 "Disable http2 for this client (httpx.Client(http2=False)) or fix its TLS settings.")
        if code in _H2_PATH:
            return ProtocolCause("network", f"the HTTP/2 connection failed on the path ({said})",
                                 f"The peer sent {said}: the connection (or a CONNECT tunnel) failed between the "
                                 "client and the server.", "Retry; check the proxy or tunnel on the path.")
        return ProtocolCause("remote", f"the server ended the HTTP/2 connection ({said})",
                             f"The server sent {said} while this request was on the connection: "
                             + ("it closed a long-lived connection gracefully (a restart or deploy, or its limit of "
                                "requests per connection) and the client reused it, so the request in flight failed"
                                if code in ("NO_ERROR", "REFUSED_STREAM") else
                                "it is limiting this client (ENHANCE_YOUR_CALM: too many streams or requests)"
                                if code == "ENHANCE_YOUR_CALM" else
                                "it failed internally or cancelled the stream") + ".",
                             "Retry the request on a new connection (safe for idempotent calls and for REFUSED_STREAM); "
                             "let the client recycle long-lived HTTP/2 connections, or disable http2 if it recurs.")
    if NO_RESPONSE.search(text):
        return ProtocolCause("remote", "the server disconnected without sending a response",
                             "The server (or the proxy in front of it) closed the connection after the request was sent and "
                             "before any response: a keep-alive connection it had already closed, a restart, or an "
                             "overloaded backend dropping requests.",
                             "Retry once on a new connection (the openai SDK retries this itself up to max_retries); "
                             "if it recurs, check the service's status and lower the client's keep-alive expiry.")
    if (m := _CUT_BODY.search(text)) is not None:
        return ProtocolCause("remote", f"the server closed the connection mid-response ({m.group(0).strip()})",
                             "The server started the response (for a stream: some chunks arrived) and then closed the "
                             "connection before the body was complete: its backend ended the stream or restarted, or "
                             "a proxy cut a long response.",
                             "Retry the request (resume a stream from the start); if streams are cut at a fixed "
                             "duration, look for a proxy timeout on long responses.")
    if (m := _ILLEGAL_HEADER.search(text)) is not None:
        if _CREDENTIAL_HEADER.search(text):
            return ProtocolCause("config", "the client refused to send an Authorization header with an illegal value",
                                 "The HTTP client refused to send the request: the credential header's value holds a "
                                 "character HTTP forbids (a trailing newline or space: the API key was read from a "
                                 "file or variable with its line ending). Nothing left the host; every call fails "
                                 "until the key setting is cleaned.",
                                 "Strip the key where it is read (.strip()) and fix the secret/variable so it holds "
                                 "the bare key; restart.")
        return ProtocolCause("code", f"the client refused to send an illegal header {m.group('part').lower()}",
                             "The HTTP client refused to send the request: a header the code builds holds a character "
                             "HTTP forbids (a newline, a non-ASCII byte). Nothing left the host.",
                             "Sanitise the header value where the code builds it (strip newlines; encode non-ASCII).")
    return None
