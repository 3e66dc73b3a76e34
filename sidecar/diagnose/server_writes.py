"""A server writing its reply to a transport that is already closed (CLASSES9 N2): who closed it decides.

The write path of our HTTP servers fails the same few ways when the connection is gone: aiohttp's
http_writer.py `_write` raises ClientConnectionResetError "Cannot write to closing transport" (web_response.py
`write`/`prepare` on top); asyncio's StreamWriter.drain (streams.py `_drain_helper`) raises ConnectionResetError
"Connection lost", or re-raises the reset the reader saw ([Errno 104]); a socket send meets EPIPE ([Errno 32]);
uvicorn's h11/httptools protocols and starlette's responses sit on the same transports. Read alone the error does
not say who closed the transport:
- the CLIENT went away (timed out, aborted, hung up): a record before it says a client/peer disconnected, timed out
  or reset, or the error itself is the peer's reset/broken pipe -> network, low severity (nothing of ours to change;
  a client hung up);
- OUR code closed it before writing (a shutdown that closes transports before handlers finish, a handler that
  closed and wrote on): no peer record and a neutral closed-transport text -> code.
Only a diagnosis nothing else answered (the catch-all, or an unknown) is re-read. Pure and bounded (the last 8
context lines, 2 KB each: the peer's record sits just before the failed write).
"""

from __future__ import annotations

import re

from .model import Diagnosis, DiagnosisInput
from .setting_lines import LINE

_WRITE_FRAME = re.compile(r'File "[^"\n]*/(?:aiohttp/(?:http_writer|web_response|base_protocol|web_protocol|web_ws)|'
                          r"asyncio/(?:streams|selector_events|sslproto)|uvicorn/protocols/http/\w+|starlette/responses|"
                          r'h11/_connection)\.py", line \d+, in (?:write\w*|drain|send\w*|_send\w*|prepare|_write\w*)')
_CLOSED = ("Cannot write to closing transport", "Connection lost")
_PEER_RESET = re.compile(r"\[Errno (?:104|32)\]|Connection reset by peer|Broken pipe")
_CLASSES = re.compile(r"(?:^|\.)(?:ClientConnectionResetError|ConnectionResetError|BrokenPipeError)$")
# a record of the client leaving: "client 10.0.3.7:51234 disconnected", "peer ... closed the connection (read
# timeout)", "connection from ... reset by the client"
_PEER_GONE = re.compile(r"\b(?:client|peer)\b[^\n]{0,80}?\b(?:disconnect\w*|closed|went away|gone|hung up|abort\w*|"
                        r"timed out|timeout|reset)\b|\bconnection (?:from|with) [^\n]{1,60}?\b(?:reset|closed|lost|"
                        r"aborted)\b", re.I)
# a write to a CHILD process's stdin: asyncio's Process.stdin is a StreamWriter too (asyncio-subprocess docs), so its
# drain fails in the same streams.py frames when the child has exited - our statement names the pipe
_CHILD_STDIN = re.compile(r"\bstdin\.(?:write|writelines|drain)\b")
_NEGATED = re.compile(r"\bno (?:client|peer)\b|\bnot (?:disconnect|closed)", re.I)


def server_write_cause(d: Diagnosis, inp: DiagnosisInput) -> Diagnosis:
    """`d`, or who closed the transport a server's write met (see the module docstring)."""
    if d.rule != "catch-all" and d.category != "unknown":
        return d
    if not inp.exception_type or not _CLASSES.search(inp.exception_type) or not _WRITE_FRAME.search(inp.traceback):
        return d
    if _CHILD_STDIN.search(inp.traceback):
        return d  # the closed end is a child process's stdin (it exited), not a client: no client-gone reading
    said = inp.exception_message or ""
    peer = next((c[:LINE] for c in reversed(inp.context[-8:]) if _PEER_GONE.search(c[:LINE])
                 and not _NEGATED.search(c[:LINE])), None)
    if peer is not None or _PEER_RESET.search(said):
        shown = f"; before it: {peer.strip()[:200]}" if peer else ""
        return d.reanswered(
            category="network", severity="low", confidence=0.45, rule=f"{d.rule}+client-gone",
            summary=f"A client went away before our server finished writing its reply ({inp.exception_type})",
            root_cause=f"The server's write path met a connection the client had already closed or reset "
                       f"({said[:120]}){shown}. A client timing out or hanging up mid-reply: nothing of ours failed.",
            suggested_fix=["Nothing to change if rare; log it below ERROR. If frequent, compare the clients' "
                           "timeout with how long this reply takes to produce."],
            evidence=[peer.strip()] if peer else None)
    if not any(c in said for c in _CLOSED):
        return d
    return d.reanswered(
        category="code", severity="medium", confidence=0.4, rule=f"{d.rule}+closed-by-us",
        summary=f"Our server wrote to a transport that was already closed ({inp.exception_type}: {said[:80]})",
        root_cause="The reply was written after the connection's transport closed, and no record shows the client "
                      "leaving: our own code closed it first (a shutdown closing transports before the handlers "
                      "finish, a handler closing the connection and writing on).",
        suggested_fix=["Let handlers finish (or cancel them) before closing transports on shutdown; check "
                          "transport.is_closing() / request.transport before writing."])
