"""HTTP protocol failures raised by the real clients (protocol_causes.py): which side broke the exchange.

A loopback server that ends the exchange as a remote does (closes before answering, cuts a chunked body, sends an
HTTP/2 GOAWAY or RST_STREAM with each error code through the real h2 library) and the real httpx / openai clients;
an illegal header the client refuses to send. The remote side is the provider's for a provider module and the
database's for the storage module, the network when nothing names a remote; the peer blaming OUR HTTP/2 is code,
an endpoint refusing HTTP/2 is config, a key sent with its newline is config.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions
import httpx
import openai
import pytest

from tests.diagnose.logged import diagnose, logged, text_of
from tests.diagnose.loopback import loopback_server


def _read_request(c: socket.socket) -> None:
    """Read one whole HTTP/1.1 request (head and Content-Length body). Closing a socket with unread
    bytes sends a RST, which the client reads as a reset (httpx.ReadError), not as the end this test
    stages: the client's head and body may arrive in separate segments."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = c.recv(65536)
        if not chunk:
            return
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        chunk = c.recv(65536)
        if not chunk:
            return
        body += chunk


def _close_before_answer(c: socket.socket) -> None:
    _read_request(c)


def _cut_chunked_body(c: socket.socket) -> None:
    _read_request(c)
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
              b"1b\r\ndata: {\"choices\": []}\n\n\r\n")


def _goaway(code: h2.errors.ErrorCodes, reset_stream: bool = False) -> Callable[[socket.socket], None]:
    def answer(c: socket.socket) -> None:
        conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
        conn.initiate_connection()
        c.sendall(conn.data_to_send())
        while True:
            data = c.recv(65536)
            if not data:
                return
            try:
                events = conn.receive_data(data)
            except h2.exceptions.ProtocolError:
                return  # the client's bytes after our GOAWAY: the connection is over
            for event in events:
                if isinstance(event, h2.events.RequestReceived):
                    if reset_stream:
                        conn.reset_stream(event.stream_id, error_code=code)
                    else:
                        conn.close_connection(error_code=code, last_stream_id=0)
            c.sendall(conn.data_to_send())
    return answer


PATHS = {"src.providers.kimi_chat": "/v1/chat/completions", "src.storage.supabase_client": "/rest/v1/messages",
         "src.tools.web_fetch": "/docs/page"}


def _httpx_failure(answer: Callable[[socket.socket], None], logger: str, http2: bool = False) -> str:
    with loopback_server(answer) as port:
        try:
            with httpx.Client(http1=not http2, http2=http2) as client:
                client.post(f"http://127.0.0.1:{port}{PATHS[logger]}", json={"content": "hi"})
        except httpx.HTTPError:
            return logged(logger, "[SAVE_MESSAGE] Failed to save message for conversation 6f3a")
    raise AssertionError("the request succeeded")


REMOTE_SIDE = {"src.providers.kimi_chat": "provider", "src.storage.supabase_client": "storage",
               "src.tools.web_fetch": "network"}


@pytest.mark.parametrize("logger", sorted(REMOTE_SIDE))
@pytest.mark.parametrize(("answer", "named"), [(_close_before_answer, "disconnected"),
                                               (_cut_chunked_body, "mid-response")], ids=["no-response", "cut-body"])
def test_a_server_that_ends_the_http1_exchange_is_the_remote_side(answer: Callable[[socket.socket], None],
                                                                  named: str, logger: str) -> None:
    d = diagnose(_httpx_failure(answer, logger))
    # a body cut mid-response on the HTTP path to the database's REST API is the path's (CLASSES8 B1/B4,
    # remote_causes.path_reset_text); a server closing before any answer stays the service's
    side = "network" if named == "mid-response" and REMOTE_SIDE[logger] == "storage" else REMOTE_SIDE[logger]
    assert d.category == side and named in text_of(d), (d.rule, d.summary)
    assert "balance" not in text_of(d) and "KIMI_TIMEOUT_SECS" not in text_of(d)


H2 = [(h2.errors.ErrorCodes.NO_ERROR, False, "remote"), (h2.errors.ErrorCodes.REFUSED_STREAM, True, "remote"),
      (h2.errors.ErrorCodes.ENHANCE_YOUR_CALM, False, "remote"), (h2.errors.ErrorCodes.PROTOCOL_ERROR, False, "code"),
      (h2.errors.ErrorCodes.HTTP_1_1_REQUIRED, False, "config")]


@pytest.mark.parametrize(("code", "reset", "side"), H2, ids=[f"{c.name}{'-rst' if r else ''}" for c, r, _ in H2])
def test_an_http2_goaway_or_reset_is_read_by_its_error_code(code: h2.errors.ErrorCodes, reset: bool, side: str) -> None:
    d = diagnose(_httpx_failure(_goaway(code, reset), "src.storage.supabase_client", http2=True))
    expected = "storage" if side == "remote" else side
    said = text_of(d)
    assert d.category == expected and "HTTP/2" in said and code.name in said, (d.rule, d.summary)


def test_a_key_sent_with_its_trailing_newline_is_the_key_setting() -> None:
    with loopback_server(_close_before_answer) as port:  # h11 refuses the header when it writes the request
        client = openai.OpenAI(api_key="sk-Qm7fT2vXk9LpR4sYw8ZbN3cJ6hD1gE5a\n", base_url=f"http://127.0.0.1:{port}/v1",
                               max_retries=0)
        try:
            client.chat.completions.create(model="kimi-k2-0905-preview", messages=[{"role": "user", "content": "hi"}])
        except openai.APIConnectionError:
            d = diagnose(logged("src.providers.kimi_chat", "Kimi chat failed"))
    said = text_of(d)
    assert d.category == "config" and "header" in said, (d.rule, d.summary)
    assert "sk-Qm7fT2vXk9LpR4sYw8ZbN3cJ6hD1gE5a" not in said and "DNS" not in said and "timeout" not in said


def test_an_illegal_header_the_code_builds_is_code() -> None:
    """Near-miss: the same refusal for a header that carries no credential is the code building it."""
    with loopback_server(_close_before_answer) as port:
        try:
            httpx.Client().get(f"http://127.0.0.1:{port}/x", headers={"X-File-Name": "report\nv2.pdf"})
        except httpx.HTTPError:
            d = diagnose(logged("src.tools.upload", "upload failed"))
    assert d.category == "code", (d.rule, d.summary)
