"""CLASSES11 F9: the host's cryptographic policy restricting algorithms (evals/CLASSES11.md section F).

Both errors are OpenSSL's own under the installed build's default security level (OpenSSL 3
`SSL_CTX_set_security_level`: level 2 refuses RSA keys under 2048 bits): our server loading OUR certificate with a
short key (`ssl.SSLContext.load_cert_chain` -> EE_KEY_TOO_SMALL), and, for the twin, our client verifying a
REMOTE's certificate with a short key in a real loopback TLS handshake through httpx (CERTIFICATE_VERIFY_FAILED).
The certificates are made with cryptography's x509 builder (keys cached per process; no key bytes are printed).
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import ipaddress
import os
import shutil
import socket
import ssl
import tempfile
import threading
from random import Random
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from evals.gen.c11_common import logger_of, pick_carrier, raise_through
from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame
from evals.gen.registry import klass
from evals.gen.render import Record


@functools.cache
def short_key_pair() -> tuple[str, str]:
    """PEM files of a self-signed certificate with a 1024-bit RSA key (CN and SAN 127.0.0.1); cached per process."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = dt.datetime(2026, 1, 1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(4242).not_valid_before(start).not_valid_after(start + dt.timedelta(days=3650))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    folder = tempfile.mkdtemp(prefix="evals-gen-f9-")
    atexit.register(shutil.rmtree, folder, True)  # one folder per process; every run used to leave one in /tmp
    cert_path, key_path = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
    with open(cert_path, "wb") as fh:
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    return cert_path, key_path


def _our_cert(rng: Random, path: str) -> BaseException:
    cert, key = short_key_pair()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    exc, _ = raise_through([Frame(path, "start", "self._ctx = self._tls()"),
                            Frame(path, "_tls", "ctx.load_cert_chain(cfg.cert_file, cfg.key_file)",
                                  {"ctx": ctx, "cfg": type("Cfg", (), {"cert_file": cert, "key_file": key})})],
                           rng, ("none", "from"))
    return exc


def _remote_cert(rng: Random, path: str) -> BaseException:
    cert, key = short_key_pair()
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # the remote's own (weak) policy
    server_ctx.load_cert_chain(cert, key)
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]

    def serve() -> None:
        try:
            conn, _ = srv.accept()
            with server_ctx.wrap_socket(conn, server_side=True):
                pass
        except (OSError, ssl.SSLError):
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client_ctx = ssl.create_default_context(cafile=cert)  # trusted: only the key size is refused
    client = httpx.Client(verify=client_ctx, timeout=5.0)
    try:
        exc, _ = raise_through([Frame(path, "send", "resp = self._post(payload)"),
                                Frame(path, "_post", "return client.post(url, json=payload)",
                                      {"client": client, "url": f"https://127.0.0.1:{port}/hook", "payload": {}})],
                               rng, ("none", "from"))
    finally:
        client.close()
        srv.close()
        thread.join(2)
    return exc


@klass("11", "c11-F9")
def f9(rng: Random, twin: bool) -> dict[str, Any]:
    """After a move to a base image whose OpenSSL refuses short keys: OUR certificate's key is refused (config: the
    artefact we issue) vs one remote's public certificate is weak while the others verify (network)."""
    alt = Random(rng.getrandbits(64))
    component = rng.choice((("/app/src/alerts/relay_server.py", "ALERT_RELAY_TLS_CERT", "alert relay"),
                            ("/app/src/monitoring/metrics_tls.py", "METRICS_TLS_CERT", "metrics endpoint"),
                            ("/app/src/daemon/wss_listener.py", "WS_TLS_CERT", "daemon wss listener")))
    path, setting, what = component
    image = rng.choice(("python:3.11-slim-bookworm (OpenSSL 3.0)", "debian:12 base image, crypto-policies DEFAULT",
                        "host pool gw-b (RHEL 9, crypto-policies DEFAULT)"))
    exc = _our_cert(rng, path)
    remote = rng.choice(("hooks.partner-alerts.example", "webhook.legacy-pager.example", "status.vendor-x.example"))
    if twin:
        path = "/app/src/alerts/webhook.py"
        exc = _remote_cert(alt, path)
    err_t = rng.uniform(5, 120)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 30, project_ref(rng))
    records.append(Record(0.2, "INFO", "src.daemon.ws_server", f"startup: {image}; ssl.OPENSSL_VERSION=OpenSSL 3.0.x, "
                                                               "default security level 2"))
    if twin:
        records.append(Record(0.4, "INFO", "src.core.env_config", f"{setting}=/run/secrets/{setting.lower()}.pem "
                                                                  "(RSA 3072, renewed last month)"))
        for host in ("hooks.slack.com", "api.moonshot.ai"):
            records.append(Record(alt.uniform(1, err_t - 1), "INFO", "httpx",
                                  f'HTTP Request: POST https://{host}/ "HTTP/1.1 200 OK"'))
    else:
        records.append(Record(0.4, "INFO", "src.core.env_config", f"{setting}=/run/secrets/{setting.lower()}.pem "
                                                                  "(issued by our internal CA in 2019, RSA 1024)"))
    carrier = pick_carrier(rng, "none", ("exception", "message", "block"))
    header = f"[req:{req_id(alt)}] alert delivery to {remote} failed" if twin else f"cannot start the {what}"
    records += carry(rng, exc, err_t, logger_of(path), header, carrier)
    axes = {"component": what, "carrier": carrier, "image": image.split(" ")[0]}
    if twin:
        return make_case(rng, cls="c11-F9", kind="near-miss", records=records, category="network", severity="medium",
                         description=f"Only {remote}'s public certificate has a key the policy refuses; our own "
                                     "certificates and other remotes verify: network.", must_mention=[remote],
                         must_not=[setting], axes=axes, deciding="error")
    return make_case(rng, cls="c11-F9", kind="known", records=records, category="config", severity="high",
                     description=f"After the move to {image}, OpenSSL's security level refuses the short key of OUR "
                                 f"certificate ({setting}): reissue it: config.", must_mention=[setting],
                     must_not=["remote"], axes=axes)
