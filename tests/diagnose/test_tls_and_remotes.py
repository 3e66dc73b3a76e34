"""TLS failures from the real ssl module against a local TLS server (certificates made here: self-signed,
a private CA the client does not trust, a name mismatch, an expired leaf, a server that drops TCP without
close_notify, no common protocol version), and a client library failing against a third-party host (a
hanging server, a closed port, a server that disconnects), each logged by a gateway tool module with the URL
it fetched. Categories by the doctrine: a trust store or TLS setting that fails every time -> config; a
remote that is slow, gone or ends TLS badly -> network; a name that does not match -> network (something
else answers for it)."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import httpx
import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sidecar.diagnose.verdict import MAX_CONFIDENCE
from tests.diagnose.logged import diagnose, logged, text_of
from tests.helpers import serving

TOOL = "tools.smart_file_download"
NOW = dt.datetime.now(dt.UTC)


def _cert(name: str, issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None, ca: bool = False,
          days: tuple[int, int] = (-1, 30)) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    signer_cert, signer_key = issuer if issuer is not None else (None, key)
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(signer_cert.subject if signer_cert is not None else subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(NOW + dt.timedelta(days=days[0])).not_valid_after(NOW + dt.timedelta(days=days[1]))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
    return builder.sign(signer_key, hashes.SHA256()), key


def _write(tmp: Path, stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey | None = None) -> Path:
    path = tmp / f"{stem}.pem"
    data = cert.public_bytes(serialization.Encoding.PEM)
    if key is not None:
        data += key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption())
    path.write_bytes(data)
    return path


@contextmanager
def tls_server(chain: Path, max_version: ssl.TLSVersion | None = None, drop_after_handshake: bool = False) -> Iterator[int]:
    """A TLS server on loopback (one thread): completes handshakes, answers one HTTP/1.0 response, or drops
    the TCP connection right after the handshake without a close_notify."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain)
    if max_version is not None:
        ctx.maximum_version = max_version
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            try:
                conn = ctx.wrap_socket(raw, server_side=True)
                if drop_after_handshake:
                    conn.close()  # closes TCP without SSL_shutdown: no close_notify is sent
                    continue
                conn.recv(4096)
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")
                conn.close()
            except (ssl.SSLError, OSError):
                raw.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(2)
        listener.close()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("pki")
    ca = _cert("Test Root CA", None, ca=True)
    leaf = _cert("localhost", ca)
    other = _cert("files.example.internal", ca)
    expired = _cert("localhost", ca, days=(-60, -1))
    self_signed = _cert("localhost", None)
    return {"ca": _write(tmp, "ca", ca[0]), "leaf": _write(tmp, "leaf", *leaf),
            "other": _write(tmp, "other", *other), "expired": _write(tmp, "expired", *expired),
            "self_signed": _write(tmp, "self", *self_signed)}


def _fetch(url: str, cafile: Path | None) -> None:
    ctx = ssl.create_default_context(cafile=str(cafile) if cafile is not None else None)
    with httpx.Client(verify=ctx, timeout=5) as client:
        client.get(url)


VERIFY = [
    # (server chain, does the client trust the CA, category, a word the answer must say, words it must not)
    ("self_signed", False, "config", "trust", ("expired", "hostname")),
    ("leaf", False, "config", "issuer", ("expired", "hostname mismatch")),
    ("other", True, "network", "Hostname mismatch", ("expired", "self-signed", "issuer")),
    ("expired", True, "network", "expired", ("hostname", "self-signed")),
]


@pytest.mark.parametrize(("chain", "trusted", "category", "word", "wrong"), VERIFY, ids=[v[0] for v in VERIFY])
def test_certificate_verify_results_from_the_real_ssl_module(pki: dict[str, Path], chain: str, trusted: bool,
                                                             category: str, word: str, wrong: tuple[str, ...]) -> None:
    with tls_server(pki[chain]) as port:
        url = f"https://localhost:{port}/files/spec-v3.pdf"
        try:
            _fetch(url, pki["ca"] if trusted else None)
        except httpx.ConnectError:
            excerpt = logged(TOOL, f"download of {url} failed", (f"GET {url}",))
    d = diagnose(excerpt)
    assert d.category == category, (chain, d.rule, d.summary)
    assert word in text_of(d) and f"localhost:{port}" in d.root_cause  # the record's own words quote the URL
    for w in (*wrong, "Kimi", "Supabase"):
        assert w not in text_of(d), (chain, w)
    assert d.confidence <= MAX_CONFIDENCE


def test_a_server_that_drops_tls_without_close_notify_is_transient_network(pki: dict[str, Path]) -> None:
    with tls_server(pki["leaf"], drop_after_handshake=True) as port:
        url = f"https://localhost:{port}/files/spec-v3.pdf"
        ctx = ssl.create_default_context(cafile=str(pki["ca"]))
        with socket.create_connection(("127.0.0.1", port)) as raw, ctx.wrap_socket(
                raw, server_hostname="localhost", suppress_ragged_eofs=False) as tls:
            try:
                tls.recv(10)
            except ssl.SSLError as e:
                try:
                    raise aiohttp.ClientOSError(1, str(e)) from e  # as aiohttp wraps it
                except aiohttp.ClientOSError:
                    excerpt = logged(TOOL, f"download of {url} failed")
    d = diagnose(excerpt)
    assert d.category == "network" and d.severity == "low"
    assert "localhost" in d.summary and "certificate" not in text_of(d) and "expired" not in text_of(d)


def test_no_common_tls_version_is_configuration(pki: dict[str, Path]) -> None:
    with tls_server(pki["leaf"], max_version=ssl.TLSVersion.TLSv1_2) as port:
        url = f"https://localhost:{port}/v1/report"
        ctx = ssl.create_default_context(cafile=str(pki["ca"]))
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        try:
            with httpx.Client(verify=ctx, timeout=5) as client:
                client.get(url)
        except httpx.ConnectError:
            excerpt = logged("tools.analyze", f"fetching {url} failed")
    d = diagnose(excerpt)
    assert d.category == "config" and ("version" in text_of(d) or "cipher" in text_of(d))


def _hanging_app() -> tuple[web.Application, asyncio.Event]:
    """A server that answers only once the returned event is set (the test sets it after its client gave up)."""
    release = asyncio.Event()

    async def hang(request: web.Request) -> web.Response:
        await release.wait()
        return web.Response(text="late")

    app = web.Application()
    app.router.add_get("/{tail:.*}", hang)
    return app, release


async def test_a_slow_third_party_host_is_network_and_named() -> None:
    app, release = _hanging_app()
    async with serving(app) as port:
        url = f"http://127.0.0.1:{port}/datasets/report.csv"
        try:
            async with httpx.AsyncClient(timeout=0.2) as client:
                await client.get(url)
        except httpx.ReadTimeout:
            excerpt = logged(TOOL, f"download failed for {url}", (f"downloading {url}",))
        release.set()
    d = diagnose(excerpt)
    assert d.category == "network" and f"127.0.0.1:{port}" in d.summary
    for wrong in ("Kimi", "Supabase", "KIMI_TIMEOUT_SECS", "PostgREST"):
        assert wrong not in text_of(d)
    assert d.confidence <= 0.4


async def test_the_same_timeout_without_any_host_is_not_claimed_as_a_remote() -> None:
    """Near-miss: a ReadTimeout in a record that names no URL: who was slow is unknown, no host is invented."""
    app, release = _hanging_app()
    async with serving(app) as port:
        try:
            async with httpx.AsyncClient(timeout=0.2) as client:
                await client.get(f"http://127.0.0.1:{port}/x")
        except httpx.ReadTimeout:
            excerpt = logged("src.daemon.worker", "background refresh failed")
        release.set()
    d = diagnose(excerpt)
    assert d.rule != "class:timeout.read" and d.confidence <= 0.4


async def test_a_closed_port_and_a_disconnecting_server_are_network() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    url = f"http://127.0.0.1:{port}/hook"
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            await client.post(url, json={})
    except httpx.ConnectError:
        refused = logged("tools.webhook_notify", f"webhook {url} failed")
    d = diagnose(refused)
    # httpx over anyio says only "All connection attempts failed" (the errno is not kept): no "refused" invented
    assert d.category == "network" and f"127.0.0.1:{port}" in d.summary and "connect" in d.summary

    async def drop(request: web.Request) -> web.Response:
        assert request.transport is not None
        request.transport.close()
        return web.Response()

    app = web.Application()
    app.router.add_get("/{tail:.*}", drop)
    async with serving(app) as port2:
        url2 = f"http://127.0.0.1:{port2}/files/a.bin"
        try:
            async with aiohttp.ClientSession() as session, session.get(url2) as resp:
                await resp.read()
        except aiohttp.ClientError:
            dropped = logged(TOOL, f"download of {url2} failed")
    d = diagnose(dropped)
    assert d.category == "network" and f"127.0.0.1:{port2}" in d.summary
