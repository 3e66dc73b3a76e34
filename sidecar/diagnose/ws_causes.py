"""WebSocket closes and websockets' own exception classes (websockets/frames.py, websockets/exceptions.py):
what a close code or a handshake failure means, and which side it points at."""

from __future__ import annotations

import re

from .codes import Text
from .model import Category, Severity
from .situation import Situation

# websockets/frames.py CloseCode (RFC 6455 section 7.4.1): close code -> category, severity.
# 1011 depends on the side: sent by us = our handler raised; received = the peer failed.
_CLOSE: dict[int, tuple[Category, Severity]] = {
    1000: ("network", "low"), 1001: ("network", "low"), 1002: ("network", "medium"), 1003: ("code", "medium"),
    1006: ("network", "low"), 1007: ("code", "medium"), 1008: ("config", "medium"), 1009: ("config", "medium"),
    1010: ("config", "medium"), 1012: ("network", "low"), 1013: ("capacity", "medium"),
    1014: ("network", "medium"), 1015: ("network", "high"),
}


def close_text(sit: Situation, text: str) -> Text | None:
    """The meaning of the first close code the record names, and which side closed; None for codes no table has."""
    codes = [int(c) for c in sit.code("ws_close") if c.isdigit()]
    if not codes:
        return None
    code = codes[0]
    try:
        from websockets.frames import CLOSE_CODE_EXPLANATIONS
        meaning = CLOSE_CODE_EXPLANATIONS.get(code, "unknown")
    except ImportError:  # pragma: no cover - websockets is a dependency
        meaning = "unknown"
    # realtime-py logs the close its client observed ("WebSocket connection closed with code: N, reason: ..."): the peer's
    received = f"received {code}" in text or f"closed with code: {code}" in text
    if code == 1011 and not received and "keepalive ping timeout" in text:
        # websockets' own reason when a ping got no pong within ping_timeout (websockets/asyncio/connection.py
        # keepalive(); its FAQ: a blocked event loop on either side, or a dead network path)
        return ("network", "high", "WebSocket keepalive ping timeout - a ping got no pong in time, closed with 1011",
                "websockets closed the connection because the peer did not answer a ping within ping_timeout: the "
                "client's network dropped or it stalled, or this side's event loop was blocked (a blocking call) so "
                "the pong could not be processed in time. When many connections fail at once, suspect the event loop.",
                ("Check whether many connections failed in the same minute (then look for blocking calls on the event "
                 "loop: asyncio debug mode, py-spy dump) or only one client (its network).",
                 "Raise ping_timeout if clients are on slow links."))
    if 4000 <= code <= 4999:
        return _private_close(code, received, text)
    if code == 1011:
        # sent 1011 is our handler raising, except websockets' own keepalive ("keepalive ping timeout")
        cat: Category = "network" if received or "keepalive" in text else "code"
        sev: Severity = "medium"
    elif code in _CLOSE:
        cat, sev = _CLOSE[code]
    else:
        return None
    side = "the peer closed it" if received else "this side closed it"
    return (cat, sev, f"WebSocket closed with code {code} ({meaning}) - {side}",
            f"RFC 6455 close code {code} means '{meaning}'; {side}. "
            + ("The other end is restarting or going away; clients reconnect." if code in (1000, 1001, 1006, 1012) else
               "The other end asked to retry later: it is overloaded." if code == 1013 else
               "The close reason and the lines before it say which message or handler caused it."),
            ("Check the lines logged before the close for the same connection; reconnect with backoff.",))


# RFC 6455 7.4.2: 4000-4999 are for private use, "by prior agreements between WebSocket applications": no registry
# says what one means, the application that closed defined it, and its reason (websockets' ConnectionClosed.__str__
# "received 4001 (private use) unauthorized: bad auth token") is the only account of why. The reason is read for the
# few kinds an application close states (a credential refused, a limit); any other reason is an honest unknown
# that names the code and the reason (held-out 7's 7028 was read as "no close frame").
_CLOSE_REASON = re.compile(r"\b(?:received|sent) (?P<c>4\d{3}) \([^)]*\) ?(?P<r>[^;\n]{0,200})")
# A refusal of who the client is: a bare "token", "signature" or "not allowed" is not one ("token limit exceeded",
# "message signature format invalid", "binary frames not allowed" are a limit or a protocol rule; review r8)
_REASON_AUTH = re.compile(r"unauthori[sz]ed|unauthenticated|\bauth(?:entication|orization)?\b(?! (?:limit|quota))|"
                          r"\b(?:invalid|bad|expired|missing|wrong|revoked|unknown) (?:auth |access |api |session )?token\b|"
                          r"\btoken (?:invalid|expired|revoked|mismatch|rejected|required|missing)\b|forbidden|credential|"
                          r"api[ _-]?key|\b(?:invalid|bad) signature\b|signature (?:mismatch|verification failed)|"
                          r"permission denied|access denied", re.I)
_REASON_LIMIT = re.compile(r"rate[ _-]?limit|too many|overload|\bbusy\b|capacity|quota|\blimit (?:exceeded|reached)\b|"
                           r"\bexceed(?:s|ed)? (?:the |its )?(?:\w+ )?limit\b", re.I)


def _private_close(code: int, received: bool, text: str) -> Text:
    m = _CLOSE_REASON.search(text)
    reason = m.group("r").strip() if m is not None and int(m.group("c")) == code else ""
    who = "the peer's application closed it" if received else "this application closed it"
    said = f" with the reason '{reason}'" if reason else " without a reason"
    base = (f"Close code {code} is in RFC 6455's private-use range (4000-4999): no registry defines it, {who}{said}, "
            "and that application's own protocol says what it means.")
    if reason and _REASON_LIMIT.search(reason):
        return ("capacity", "medium", f"The WebSocket session was closed with {code} by an application limit ({reason})",
                base + " The reason names a limit of that application (sessions, rate).",
                ("Check the limit the closing application enforces and the load it saw at that time.",))
    if reason and _REASON_AUTH.search(reason):
        return ("config", "high", f"The WebSocket peer closed the session with {code}: it refused our credential "
                f"({reason})" if received else f"This side closed the WebSocket session with {code}: the client's "
                f"credential was refused ({reason})",
                base + " The reason says the credential/token was refused: the token the two sides share does not "
                "match (rotated or set on one side only, a wrong secret file or variable), so every connection is "
                "closed the same way until the two settings agree.",
                ("Compare the token/secret both sides load (its source, rotation time, a fingerprint of it) and set the "
                 "same value on both; restart the side that kept the old one.",))
    return ("unknown", "low", f"WebSocket closed with application-defined code {code}" + (f" ({reason})" if reason else ""),
            base + " The record does not say more than that.",
            ("Look up code " + str(code) + " in the closing application's protocol (its source or docs) and the "
             "lines it logged for the same session.",))


# websockets' InvalidStatus.__str__: "server rejected WebSocket connection: HTTP 403"; aiohttp's
# WSServerHandshakeError: "200, message='Invalid response status', url='...'"
_WS_STATUS = re.compile(r"rejected WebSocket connection: HTTP (?P<s>\d{3})|invalid status code;? (?P<s2>\d{3})|"
                        r"HTTP (?P<s3>\d{3})|(?P<s4>\d{3}), message='Invalid (?:response status|upgrade header|"
                        r"connection header|challenge response)", re.I)


def ws_text(family: str, cls: str, sit: Situation, text: str) -> Text | None:
    """websockets' own exception classes (websockets/exceptions.py)."""
    if family == "ws.closed":
        closed = close_text(sit, text)
        if closed is not None:
            return closed
        if "no close frame received or sent" in text or cls.endswith(("ConnectionClosedError", "ConnectionClosed")):
            # ConnectionClosed.__str__ without a close frame: the TCP connection ended (RFC 6455 1006)
            return ("network", "low", f"The WebSocket connection ended without a close frame ({cls})",
                    "The TCP connection closed without a WebSocket close handshake (code 1006, abnormal closure): the "
                    "client went away (network change, killed tab/process) or a proxy cut an idle connection.",
                    ("Nothing to fix for a single client; if it happens to many at once, check the proxy's idle "
                     "timeout and the keepalive (ping_interval) settings.",))
        return None
    if family == "ws.too_big":
        return ("config", "medium", f"A WebSocket message was larger than max_size ({cls})",
                "websockets refuses a frame/message over the connection's max_size (1 MiB by default) and closes with "
                "1009: a client sends bigger messages (a file inline) than the server is configured for.",
                ("Raise max_size on the server for this endpoint if such messages are legitimate, or have clients "
                 "upload large content another way.",))
    if family == "ws.rejected":
        m = _WS_STATUS.search(text)
        status = int(next(g for g in m.groups() if g)) if m else None
        if status in (401, 403):
            return ("config", "high", f"The WebSocket server refused the connection (HTTP {status}, {cls})",
                    f"The opening handshake was answered {status}: the token/credentials or Origin the client sends "
                    "are missing or not accepted by the server.",
                    ("Check the token (or auth header/query parameter) and Origin the client sends against the "
                     "server's configuration.",))
        if status == 404:
            return ("config", "high", f"The WebSocket endpoint was not found (HTTP 404, {cls})",
                    "The URL the client connects to has no WebSocket endpoint (a wrong path or host).",
                    ("Check the WebSocket URL (path, host, port) in the client's configuration.",))
        if status is not None and 200 <= status < 400:
            # RFC 6455 4.1: anything but 101 fails the handshake; a 2xx/3xx is a plain HTTP server (a web UI, an
            # admin console, a redirecting proxy) answering where the client expected the WebSocket server
            return ("config", "high",
                    f"Not a WebSocket server at the configured URL: it answered HTTP {status} instead of 101 ({cls})",
                    f"The client's URL (host/port/path) points at a plain HTTP service that answered {status}, not at the "
                    "WebSocket server: every connection fails the same way until the URL/port setting is fixed.",
                    ("Check the host and port in the client's WebSocket URL against the port the WebSocket server "
                     "listens on (another service answers on this one).",))
        if status is not None and status >= 500:
            return ("network", "high", f"The WebSocket server (or a proxy in front of it) failed the handshake "
                    f"(HTTP {status}, {cls})",
                    f"The opening handshake was answered {status}: the server is failing or restarting, or a proxy in "
                    "front of it cannot reach it.",
                    ("Check that the WebSocket server is up and healthy; reconnect with backoff.",))
        return None
    if family == "ws.handshake":
        return ("network", "low", f"A WebSocket opening handshake failed ({cls})",
                "A connection reached the WebSocket port without a valid upgrade request (a TCP health probe, a port "
                "scanner, or a plain HTTP client); websockets logs and drops it.",
                ("Point health checks at an HTTP endpoint (or have them speak WebSocket); otherwise this is noise.",))
    if family == "ws.protocol":
        return ("network", "medium", f"The WebSocket peer broke the protocol ({cls})",
                "A frame violated RFC 6455 (bad opcode, unmasked client frame, invalid UTF-8 in a text frame): the "
                "peer's WebSocket implementation, or a proxy that mangles frames.",
                ("Find which client sent it (the connection's remote address) and its library version.",))
    return None
