"""What round 10 left (issue 18, round 11): C24's encodings by their real encoders and tools, a BIP-39 phrase alone
in its Docker record, and the must-keep public keys and tool-printed ids the entropy and joining rules took.

Inputs come from the real producers where one is installed: `openssl pkey -text` (OpenSSL's key printer), Python's
`binascii.b2a_uu` / `base64.a85encode` / `html` references as the HTML standard spells them, `cryptography`'s EC keys
(SEC 1 uncompressed points, as a Web Push subscription holds them). Values and carriers are drawn per seed: raw line,
JSON record, one Docker json-file record per line (classes11_gen.shape). Each class has its near-miss twin that must
come back unchanged.
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import random
import shutil
import string
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from sidecar.redaction import redact

from .classes11_gen import key, pw, shape

SEEDS = range(7, 12)
_BIP39 = (Path(__file__).resolve().parents[2] / "sidecar" / "redaction" / "data" / "bip39_english.txt").read_text().split()


def _gone(out: str, *pieces: str) -> bool:
    seen = html.unescape(out.replace("\\n", "\n"))
    return not any(p in out or json.dumps(p)[1:-1] in out or p in seen for p in pieces if p)


def _kept(out: str, piece: str) -> bool:
    return piece in out or json.dumps(piece)[1:-1] in out


def _openssl(*args: str, stdin: bytes | None = None) -> str:
    if shutil.which("openssl") is None:
        pytest.fail("openssl(1) is not installed (scripts/system-deps.sh installs it): the key printer's output "
                    "cannot be produced")
    return subprocess.run(["openssl", *args], input=stdin, capture_output=True, check=True).stdout.decode()


# -- C24: encoders ---------------------------------------------------------------------------------------------------
def _html_refs(r: random.Random, v: str) -> str:
    return "".join(r.choice([f"&#{ord(c)};", f"&#x{ord(c):x};", f"&#X{ord(c):X};"]) for c in v)


@pytest.mark.parametrize("seed", SEEDS)
def test_html_references_of_a_secret_go_and_of_prose_stay(seed: int) -> None:
    r = random.Random(f"html:{seed}")
    for _ in range(10):
        v = r.choice([key, pw])(r)
        name = r.choice(["password", "api_key", "token", "secret"])
        text = shape(r, f"{r.choice(['config', 'form field', 'rendered'])}: {name}={_html_refs(r, v)}")
        assert _gone(redact(text), v, _html_refs(r, v)), text
        prose = r.choice(["connection refused", "upstream timeout after 90s", "retry budget exhausted"])
        twin = shape(r, f"{r.choice(['title', 'status'])}={_html_refs(r, prose)} &#39;quoted&#39;")
        assert redact(twin) == twin


@pytest.mark.parametrize("seed", SEEDS)
def test_ascii85_of_a_secret_goes_and_of_data_stays(seed: int) -> None:
    r = random.Random(f"a85:{seed}")
    for _ in range(10):
        v = r.choice([key, pw])(r)
        enc = base64.a85encode(v.encode(), adobe=True).decode()
        text = shape(r, f"{r.choice(['api_key', 'client_secret', 'password'])}_a85={enc}")
        assert _gone(redact(text), v, enc[2:-2]), text
        data = r.choice(["GET /v1/models 200", "stream closed by peer", "file-upload.pdf"])
        twin = shape(r, f"payload_a85={base64.a85encode(data.encode(), adobe=True).decode()}")
        assert redact(twin) == twin


def _uu(v: bytes) -> list[str]:
    return [binascii.b2a_uu(v[i:i + 45]).decode().rstrip("\n") for i in range(0, len(v), 45)]


@pytest.mark.parametrize("seed", SEEDS)
def test_uuencoded_secret_file_goes_and_a_text_file_stays(seed: int) -> None:
    r = random.Random(f"uu:{seed}")
    for _ in range(10):
        v = r.choice([key, pw])(r)
        fname = r.choice(["token", "key.txt", "creds.bin", "secret.env", ".env"])
        content = f"KIMI_API_KEY={v}\n" if fname == ".env" else r.choice([v, f"KIMI_API_KEY={v}\n", f"password: {v}\n"])
        lines = _uu(content.encode())
        text = shape(r, f"begin {r.choice(['644', '600', '0644'])} {fname}\n" + "\n".join(lines) + "\n`\nend")
        assert _gone(redact(text), v, *lines), text
        readme = r.choice(["retry after 30 seconds\n", "gateway started on :8081\n"])
        twin = shape(r, f"begin 644 {r.choice(['notes.txt', 'readme'])}\n" + "\n".join(_uu(readme.encode()))
                     + "\n`\nend")
        assert redact(twin) == twin


def _colon_hex(b: bytes) -> list[str]:
    return ["    " + ":".join(f"{x:02x}" for x in b[i:i + 15]) + (":" if i + 15 < len(b) else "")
            for i in range(0, len(b), 15)]


@pytest.mark.parametrize("seed", SEEDS)
def test_colon_hex_text_under_a_secret_label_goes(seed: int) -> None:
    r = random.Random(f"colon:{seed}")
    for _ in range(10):
        v = r.choice([key, pw])(r)
        lines = _colon_hex(v.encode())
        text = shape(r, f"{r.choice(['private key', 'secret key', 'api key'])}:\n" + "\n".join(lines))
        assert _gone(redact(text), v, *[ln.strip() for ln in lines]), text


@pytest.mark.parametrize("curve", ["P-256", "P-384", "secp256k1"])
def test_openssl_key_printer_private_member_goes_public_member_stays(curve: str) -> None:
    pem = _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{curve}")
    printed = _openssl("pkey", "-text", "-noout", stdin=pem.encode())
    body = printed.split("priv:\n", 1)[1].split("pub:\n", 1)
    priv = [ln.strip() for ln in body[0].splitlines()]
    pub = [ln.strip() for ln in body[1].splitlines() if ln.startswith("    ")]
    for k, carrier in enumerate((printed, json.dumps({"msg": printed}),
                                 "\n".join(json.dumps({"log": ln + "\n", "stream": "stdout"}) for ln in
                                           printed.splitlines()))):
        out = redact(carrier)
        assert _gone(out, *priv), (k, out)
        assert all(_kept(out, p) for p in pub), (k, out)


def test_openssl_rsa_printer_private_members_go_modulus_stays() -> None:
    printed = _openssl("pkey", "-text", "-noout", stdin=_openssl(
        "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024").encode())
    sections: dict[str, list[str]] = {}
    label = ""
    for ln in printed.splitlines():
        if ln.startswith("    "):
            sections.setdefault(label, []).append(ln.strip())
        else:
            label = ln.split(":")[0]
    out = redact(printed)
    for member in ("privateExponent", "prime1", "prime2", "exponent1", "exponent2", "coefficient"):
        assert _gone(out, *sections[member]), member
    assert all(_kept(out, p) for p in sections["modulus"])


def test_x509_text_fingerprints_and_key_ids_stay() -> None:
    pem = _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                   "/dev/null", "-subj", "/CN=gw.example", "-days", "1")
    printed = _openssl("x509", "-text", "-noout", stdin=pem.encode())
    hexed = [ln.strip() for ln in printed.splitlines() if ln.strip().count(":") >= 8]
    out = redact(printed)
    assert hexed and all(_kept(out, h) for h in hexed), out


# -- a BIP-39 phrase alone in its record -----------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_lone_bip39_phrase_goes_and_word_runs_that_are_no_phrase_stay(seed: int) -> None:
    r = random.Random(f"bip39:{seed}")
    for _ in range(10):
        words = " ".join(r.choice(_BIP39) for _ in range(r.choice([12, 15, 18, 21, 24])))
        lines = [r.choice(["Successfully generated a new mnemonic.", "Save this seed phrase:", "Phrase:"]), words,
                 "", "Accounts:"]
        records = "\n".join(json.dumps({"log": ln + "\n", "stream": "stdout", "time": "2026-12-06T09:52:49Z"},
                                       separators=(",", ":")) for ln in lines)
        lone = records.split("\n")[1]
        cri = "\n".join(f"2026-12-06T09:52:49.{i:09d}Z stdout F {ln}" for i, ln in enumerate(lines))
        for text in (records, lone, cri, cri.split("\n")[1]):
            assert _gone(redact(text), words), text
        # twins: eleven list words, and a sentence of twelve words that holds words outside the list
        short = " ".join(words.split()[:11])
        prose = "the upstream closed the stream before the gateway sent the last chunk of data"
        for twin in (json.dumps({"log": short + "\n", "stream": "stdout"}), f"note:\n{prose}\n"):
            assert redact(twin) == twin


# -- must-keep: public keys and ids that tools print -----------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_web_push_public_key_stays_and_its_auth_secret_goes(seed: int) -> None:
    r = random.Random(f"push:{seed}")
    curve = r.choice([ec.SECP256R1(), ec.SECP256K1()])
    point = ec.generate_private_key(curve).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    p256dh = base64.urlsafe_b64encode(point).decode().rstrip("=")
    auth = base64.urlsafe_b64encode(r.randbytes(16)).decode().rstrip("=")
    name = r.choice(["p256dh", "publicKey", "ecdh_key", "client_key"])  # the point is kept by shape, any name
    sub = json.dumps({"endpoint": "https://fcm.googleapis.com/fcm/send/" + "".join(r.choices(string.ascii_letters, k=20)),
                      "keys": {name: p256dh, "auth": auth}})
    out = redact(shape(r, f"push subscription {sub}"))
    assert _kept(out, p256dh), out
    assert _gone(out, auth), out
    fake = "B" + "".join(r.choices(string.ascii_letters + string.digits + "-_", k=86))  # a writer's stand-in
    out = redact(shape(r, json.dumps({"keys": {"p256dh": fake}})))
    assert _kept(out, fake), out


def _node_id(r: random.Random) -> str:
    return "".join(r.choices(string.ascii_lowercase + string.digits, k=25))


@pytest.mark.parametrize("seed", SEEDS)
def test_docker_node_ls_ids_stay(seed: int) -> None:
    r = random.Random(f"swarm:{seed}")
    ids = [_node_id(r) for _ in range(r.randint(1, 4))]
    rows = ["ID                            HOSTNAME     STATUS    AVAILABILITY   MANAGER STATUS   ENGINE VERSION"]
    for i, nid in enumerate(ids):
        star = "*" if i == 0 else " "
        rows.append(f"{nid} {star}   gw-{r.choice(['mgr', 'wrk'])}-{i}     Ready     Active         "
                    f"{r.choice(['Leader', 'Reachable', ''])}{' ' * 10}24.0.{r.randint(0, 9)}")
    text = shape(r, "docker node ls\n" + "\n".join(rows))
    out = redact(text)
    assert all(_kept(out, nid) for nid in ids), out
