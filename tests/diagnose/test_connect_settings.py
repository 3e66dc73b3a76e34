"""Connect failures whose own text names a SETTING (config), raised by the real client libraries.

libpq (through psycopg) meets a small local server speaking the Postgres wire protocol (the startup packet, the
SSLRequest answer, an ErrorResponse or an authentication request), so every message below is libpq's own text as
psycopg raises it; OpenSSL's are real `ssl.SSLContext.load_cert_chain` / `load_verify_locations` failures over
generated certificates. Near-misses from the same server answer by their own cause (a refused password names the
password, a database starting up is storage, too many clients capacity): a word like "SSL" or "FATAL" decides nothing.
"""

from __future__ import annotations

import datetime
import socket
import ssl
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from tests.diagnose.logged import diagnose, logged, text_of
from tests.diagnose.loopback import loopback_server

SSL_REQUEST = 80877103  # the protocol's SSLRequest code (PostgreSQL protocol-message-formats)
LOGGERS = ["src.storage.pg_direct", "utils.infrastructure.redis_client", "src.daemon.ws_server"]


def _startup(c: socket.socket) -> int:
    n = struct.unpack("!I", c.recv(4))[0]
    return int(struct.unpack("!I", c.recv(n - 4)[:4])[0])


def _error(severity: str, code: str, message: str) -> bytes:
    body = b"".join(k + v.encode() + b"\0" for k, v in ((b"S", severity), (b"V", severity), (b"C", code),
                                                          (b"M", message))) + b"\0"
    return b"E" + struct.pack("!I", len(body) + 4) + body


def _no_ssl(c: socket.socket) -> None:
    if _startup(c) == SSL_REQUEST:
        c.sendall(b"N")


def _not_postgres(c: socket.socket) -> None:
    _startup(c)
    c.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")


def _fatal(code: str, message: str) -> Callable[[socket.socket], None]:
    def answer(c: socket.socket) -> None:
        if _startup(c) == SSL_REQUEST:
            c.sendall(b"N")
            _startup(c)
        c.sendall(_error("FATAL", code, message))
    return answer


def _wants_password(c: socket.socket) -> None:
    if _startup(c) == SSL_REQUEST:
        c.sendall(b"N")
        _startup(c)
    c.sendall(b"R" + struct.pack("!II", 8, 3))  # AuthenticationCleartextPassword
    c.recv(100)



def _connect_failure(answer: Callable[[socket.socket], None], options: str, logger: str) -> str:
    with loopback_server(answer) as port:
        try:
            psycopg.connect(f"host=127.0.0.1 port={port} user=gateway_ro dbname=exai connect_timeout=5 {options}")
        except psycopg.OperationalError:
            return logged(logger, "daily_usage_report failed")
    raise AssertionError("psycopg connected to a fake server")


HBA = 'pg_hba.conf rejects connection for host "172.18.0.5", user "gateway_ro", database "exai", no encryption'
# (server answer, DSN options, category, words the answer must name, words it must not say)
SETTINGS = {
    "sslmode-require": (_no_ssl, "sslmode=require", "config", ["sslmode", "SSL"], ["password", "certificate expired"]),
    "not-postgres": (_not_postgres, "sslmode=prefer", "config", ["port"], ["password", "down"]),
    "pg_hba-rejects": (_fatal("28000", HBA), "sslmode=prefer", "config", ["pg_hba"], ["password", "down", "timeout"]),
    "no-pg_hba-entry": (_fatal("28000", 'no pg_hba.conf entry for host "10.0.0.9", user "u", database "d", SSL off'),
                        "sslmode=disable", "config", ["pg_hba"], ["down"]),
    "no-password": (_wants_password, "sslmode=disable", "config", ["password"], ["down", "timeout"]),
    # near-misses: the same server, another cause
    "password-refused": (_fatal("28P01", 'password authentication failed for user "gateway_ro"'), "sslmode=disable",
                         "config", ["password"], ["pg_hba", "down"]),
    "starting-up": (_fatal("57P03", "the database system is starting up"), "sslmode=disable", "storage", ["57P03"],
                    ["password", "pg_hba", "sslmode"]),
    "too-many-clients": (_fatal("53300", "sorry, too many clients already"), "sslmode=disable", "capacity", ["53300"],
                         ["password", "pg_hba", "sslmode", "CONNECTION LIMIT"]),
    "reserved-slots": (_fatal("53300", "remaining connection slots are reserved for roles with the SUPERUSER "
                                       "attribute"), "sslmode=disable", "capacity", ["53300"], ["CONNECTION LIMIT"]),
    # the same code, a limit set on the role or database (round 12): the setting, not the server's slots
    "role-connection-limit": (_fatal("53300", 'too many connections for role "gateway_ro"'), "sslmode=disable",
                              "config", ["CONNECTION LIMIT", "53300"], ["password", "pg_hba", "sslmode"]),
    "database-connection-limit": (_fatal("53300", 'too many connections for database "exai"'), "sslmode=disable",
                                  "config", ["CONNECTION LIMIT"], ["password", "pg_hba", "max_connections is"]),
}


@pytest.mark.parametrize("logger", LOGGERS)
@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_libpq_connect_texts_from_a_protocol_speaking_server(name: str, logger: str) -> None:
    answer, options, category, named, never = SETTINGS[name]
    d = diagnose(_connect_failure(answer, options, logger))
    said = text_of(d)
    assert d.category == category, (name, d.rule, d.summary)
    assert all(w.lower() in said.lower() for w in named), (name, named, said)
    assert not [w for w in never if w.lower() in said.lower()], (name, said)
    assert d.confidence < 0.6


def test_a_dsn_libpq_refuses_before_connecting() -> None:
    try:
        psycopg.connect("host=127.0.0.1 port=1 sslmode=bogus")
    except psycopg.OperationalError:
        d = diagnose(logged("src.storage.pg_direct", "connect failed"))
    assert d.category == "config" and "invalid" in text_of(d), (d.rule, d.summary)


@pytest.mark.parametrize("scope", ["ROLE", "DATABASE"])
def test_a_real_servers_connection_limit_on_a_role_or_database_is_the_setting(pg_dsn: str, scope: str) -> None:
    """PostgreSQL's own refusal when a role's / database's CONNECTION LIMIT is reached (a non-superuser: the limits
    do not bind superusers), as psycopg raises it; the twin is the server-wide 'too many clients' (table above)."""
    role = f"gw_limited_{scope.lower()}"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        dbname = admin.info.dbname
        admin.execute(f"DROP ROLE IF EXISTS {role}")
        admin.execute(f"CREATE ROLE {role} LOGIN" + (" CONNECTION LIMIT 1" if scope == "ROLE" else ""))
        if scope == "DATABASE":
            admin.execute(f'ALTER DATABASE "{dbname}" CONNECTION LIMIT 2')  # this admin session counts too
        try:
            limited = pg_dsn.replace("user=postgres", f"user={role}")
            with psycopg.connect(limited):
                try:
                    psycopg.connect(limited).close()
                except psycopg.OperationalError:
                    excerpt = logged("src.storage.pg_pool", "new connection failed")
                else:
                    raise AssertionError(f"the {scope} connection limit did not refuse a second connection")
        finally:
            admin.execute(f'ALTER DATABASE "{dbname}" CONNECTION LIMIT -1')
    d = diagnose(excerpt)
    assert d.category == "config" and "CONNECTION LIMIT" in text_of(d), (d.rule, d.summary)
    assert d.confidence < 0.6


def test_a_closed_connection_object_reused_is_code(pg_dsn: str) -> None:
    conn = psycopg.connect(pg_dsn)
    conn.close()  # as after the server dropped it: the object stays closed, nobody reconnects
    try:
        conn.execute("SELECT 1")
    except psycopg.OperationalError:
        d = diagnose(logged("src.storage.pg_direct", "count_messages failed"))
    assert d.category == "code", (d.rule, d.summary)
    assert "connection" in text_of(d) and "WebSocket" not in text_of(d) and "password" not in text_of(d)


def _pair(tmp: Path, name: str, key_passphrase: bytes | None = None,
          rsa_bits: int | None = None) -> tuple[Path, Path]:
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
        rsa.generate_private_key(65537, rsa_bits) if rsa_bits else ec.generate_private_key(ec.SECP256R1()))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    crt, pem = tmp / f"{name}.crt", tmp / f"{name}.key"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(key_passphrase) if key_passphrase else serialization.NoEncryption())
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    return crt, pem


def _tls_material_failure(tmp: Path, case: str) -> str:
    crt_a, key_a = _pair(tmp, "client")
    crt_b, key_b = _pair(tmp, "renewed", key_passphrase=b"right")
    (tmp / "notes.txt").write_text("not a certificate\n")
    ctx = ssl.create_default_context()
    try:
        if case == "mismatch":
            ctx.load_cert_chain(crt_a, key_b, password=b"right")
        elif case == "not-pem":
            ctx.load_cert_chain(tmp / "notes.txt", key_a)
        elif case == "passphrase":
            ctx.load_cert_chain(crt_b, key_b, password=b"wrong")
        elif case == "weak-key":  # below OpenSSL's default security level (Debian: level 2, RSA >= 2048)
            ctx.load_cert_chain(*_pair(tmp, "weak", rsa_bits=1024))
        else:
            ctx.load_verify_locations(cafile=tmp / "notes.txt")
    except ssl.SSLError:
        return logged("utils.infrastructure.redis_client", "Failed to build Redis TLS context",
                      before=("Redis URL rediss://redis.exai.internal:6380/0 (mTLS)",))
    raise AssertionError(f"{case} loaded")


@pytest.mark.parametrize(("case", "named"), [("mismatch", "key"), ("not-pem", "PEM"), ("passphrase", "passphrase"),
                                             ("ca-file", "CA file"), ("weak-key", "security level")])
def test_loading_our_own_tls_material_is_config(tmp_path: Path, case: str, named: str) -> None:
    d = diagnose(_tls_material_failure(tmp_path, case))
    said = text_of(d)
    assert d.category == "config", (case, d.rule, d.summary)
    assert named.lower() in said.lower() and "expired" not in said and "down" not in said.lower(), said


@contextmanager
def _tls_server(crt: Path, key: Path) -> Iterator[tuple[str, int]]:
    """A loopback server that offers one TLS handshake with this certificate, whatever the client makes of it."""
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(crt, key)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)

    def serve() -> None:
        c, _ = s.accept()
        try:
            server_ctx.wrap_socket(c, server_side=True).close()
        except (ssl.SSLError, OSError):
            c.close()

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield s.getsockname()
    finally:
        s.close()


def test_a_certificate_the_remote_presents_is_not_our_material(tmp_path: Path) -> None:
    """Near-miss: a TLS failure on the peer's certificate (self-signed server) is the trust store's, not the key pair's."""
    crt, key = _pair(tmp_path, "localhost")
    with _tls_server(crt, key) as address:
        try:
            with socket.create_connection(address) as raw:
                ssl.create_default_context().wrap_socket(raw, server_hostname="localhost")
        except ssl.SSLError:
            d = diagnose(logged("utils.infrastructure.redis_client", "Redis connect failed"))
        else:
            raise AssertionError("the handshake succeeded")
    assert d.rule != "class:connect.tls.local" and "key values" not in text_of(d), (d.rule, d.summary)


def _tls_failure(tmp: Path, not_before_days: int, not_after_days: int) -> str:
    """A real TLS handshake against a loopback server whose certificate's validity window is shifted."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + datetime.timedelta(days=not_before_days))
            .not_valid_after(now + datetime.timedelta(days=not_after_days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    crt, pem = tmp / "server.crt", tmp / "server.key"
    crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    with _tls_server(crt, pem) as address:
        try:
            client_ctx = ssl.create_default_context(cafile=crt)  # the chain is trusted: only the dates can fail
            with socket.create_connection(address) as raw:
                client_ctx.wrap_socket(raw, server_hostname="localhost")
        except ssl.SSLCertVerificationError:
            return logged("src.providers.kimi_chat", "Kimi chat failed: https://api.moonshot.ai/v1/chat/completions")
    raise AssertionError("the handshake succeeded")


def test_a_certificate_not_yet_valid_is_this_hosts_clock(tmp_path: Path) -> None:
    d = diagnose(_tls_failure(tmp_path, not_before_days=2, not_after_days=90))
    said = text_of(d)
    assert d.category == "config" and "clock" in said, (d.rule, d.summary)
    assert "expired" not in said and "proxy" not in said.lower() and "self-signed" not in said, said


def test_an_expired_certificate_stays_the_remotes(tmp_path: Path) -> None:
    d = diagnose(_tls_failure(tmp_path, not_before_days=-90, not_after_days=-1))
    assert d.category == "network" and "clock" not in d.summary, (d.rule, d.summary)
