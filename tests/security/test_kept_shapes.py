"""Must-keep classes of round 5, generated: digests in their documented spellings (W3C Subresource Integrity
`sha384-<b64>`, RFC 9530 `Content-Digest: sha-256=:<b64>:`), RFC 2397 media data URLs, public keys announced by
their name (WireGuard `PublicKey`), Rust secrecy's Debug mask, durations and mechanisms named after a secret
(`secret_rotation_days=90`, sshd `PasswordAuthentication no`), a variable reference after an auth scheme, and
an RFC 7616 Digest challenge; each with the secret counterpart of the same shape, which still goes."""

from __future__ import annotations

import base64
import json
import random

import pytest

from sidecar.redaction import redact


def _b64(r: random.Random, n: int) -> str:
    return base64.b64encode(r.randbytes(n)).decode()


@pytest.mark.parametrize("seed", range(8))
def test_digests_media_and_public_keys_stay(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(10):
        alg, n = r.choice([("sha256", 32), ("sha384", 48), ("sha512", 64)])
        sri = f"{alg}-{_b64(r, n)}"
        cd = f"{r.choice(['sha-256', 'sha-512'])}=:{_b64(r, 32)}:"
        img = f"data:{r.choice(['image/png', 'image/jpeg', 'audio/wav', 'font/woff2'])};base64,{_b64(r, r.randint(40, 90))}"
        wg = _b64(r, 32)
        lines = {
            sri: f'integrity mismatch for /static/app.js expected {sri}',
            cd: f"POST https://alerts.example.org/hook Content-Digest: {cd} -> 500",
            img: json.dumps({"message": "vision request rejected", "first_image": img}),
            wg: f"handshake timeout with peer {r.choice(['PublicKey = ', 'server_public_key: ', 'pubkey='])}{wg} Endpoint = vpn:51820",
        }
        for keep, line in lines.items():
            assert keep in redact(line), line


@pytest.mark.parametrize("seed", range(4))
def test_the_secret_counterparts_still_go(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(10):
        wg = _b64(r, 32)
        assert wg not in redact(f"[Interface] PrivateKey = {wg}")
        tok = "sk-proj-" + _b64(r, 40).replace("+", "a").replace("/", "b").rstrip("=")
        data = "data:text/plain;base64," + base64.b64encode(f"api_key={tok}".encode()).decode()
        assert data not in redact(f"payload {data}")
        pw = "Hx" + str(r.randint(1000, 9999)) + "kq!Z"
        assert pw not in redact(f"auth=('svc', '{pw}')")
        assert pw not in redact(f"secret_rotation_key={pw}")


@pytest.mark.parametrize("line", [
    "vault policy secret_rotation_days=90 next=2027-01-04",
    "token_ttl_hours=24", "password_max_age_days: 90", "api_key_rotation_seconds=3600",
    "sshd[311]: config line 58: PasswordAuthentication no",
    "KbdInteractiveAuthentication yes", "PubkeyAuthentication yes",
    "config=UpstreamConfig { api_key: Secret([REDACTED alloc::string::String]), timeout_s: 180 }",
    "settings { token: SecretBox<str>([REDACTED]) }",
    "example: curl -H 'Authorization: Bearer $KIMI_API_KEY' https://api.moonshot.ai/v1/models",
    "auth: Token ${API_TOKEN}",
    'WWW-Authenticate: Digest realm="gw", qop="auth", nonce="f3139a854b344df1ca9fbf4d857eaa2d"',
    'WWW-Authenticate: Digest realm="api", qop="auth,auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
])
def test_named_kept_shapes_stay(line: str) -> None:
    assert redact(line) == line, redact(line)
