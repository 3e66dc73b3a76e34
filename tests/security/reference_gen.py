"""Seeded values that name WHERE or WHICH a credential is, or digest a public value (must stay), each beside its
secret twin in the same tool's grammar (must go), for sidecar/redaction/references.py and keep.py's public PEM labels
and `peer` name: credential file URLs vs inline tokens (Pulsar `authParams`), CA pins and join hashes vs the join
token (Teleport, kubeadm), Proxmox token ids vs their UUID secret, WS-Security `#PasswordDigest` and its nonce vs
`#PasswordText`, certificate / public-key PEM blocks under vendor labels vs their private-key blocks (Nebula), and
`wg show`'s peer public key vs a wg-quick `PrivateKey`, Hasura's JWT secret as a `jwk_url` vs an HS256 `key`,
Pulumi `secure:` ciphertext (Pulumi Cloud `AAABA...`, passphrase `v1:`) vs a plain stack value. Log shapes from
classes11_gen.shape."""

from __future__ import annotations

import base64
import hashlib
import random
import uuid

from .classes11_gen import shape
from .secret_gen import AN, rnd

Case = tuple[str, str, str]
WORDS = ("gw", "edge", "batch", "infer", "ops", "metrics", "node", "relay")


def _word(r: random.Random) -> str:
    return r.choice(WORDS) + r.choice(["", "-" + str(r.randrange(1, 20)), "_" + r.choice(WORDS)])


def _b64(r: random.Random, n: int) -> str:
    return base64.b64encode(r.randbytes(n)).decode()


def _pem(label: str, body: str) -> str:
    return f"-----BEGIN {label}-----\n" + "\n".join(body[i:i + 64] for i in range(0, len(body), 64)) + \
        f"\n-----END {label}-----"


def reference_cases(seed: int) -> list[tuple[Case, Case]]:
    """(kept, twin) pairs: the public value and the secret in the same carrier."""
    r = random.Random(seed)
    path = f"/{r.choice(['etc', 'run/secrets', 'var/lib'])}/{_word(r)}/{r.choice(['token.jwt', 'client.creds', 'auth'])}"
    jwt = "eyJhbGciOiJIUzI1NiJ9." + base64.urlsafe_b64encode(b'{"sub":"' + _word(r).encode() + b'"}').decode().rstrip(
        "=") + "." + rnd(r, AN + "-_", 43)
    pulsar = r.choice(["authParams={}", "--auth-params {}", 'authParams: "{}"'])
    pin = "sha256:" + hashlib.sha256(r.randbytes(32)).hexdigest()
    token = f"{rnd(r, 'abcdefghijklmnopqrstuvwxyz0123456789', 6)}.{rnd(r, 'abcdefghijklmnopqrstuvwxyz0123456789', 16)}"
    host = f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}:6443"
    user, tid, secret = _word(r), _word(r), str(uuid.UUID(int=r.getrandbits(128), version=4))
    realm = r.choice(["pam", "pve", "ldap"])
    nonce, digest, plain = _b64(r, 16), _b64(r, 20), rnd(r, AN, 12) + "!"
    wsse = ('<wsse:UsernameToken><wsse:Username>{u}</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/'
            '2004/01/oasis-200401-wss-username-token-profile-1.0#{t}">{v}</wsse:Password><wsse:Nonce EncodingType="..'
            '.#Base64Binary">{n}</wsse:Nonce><wsu:Created>2026-12-07T00:30:11Z</wsu:Created></wsse:UsernameToken>')
    cert, key = _b64(r, r.randrange(150, 300)), _b64(r, 32)
    label = r.choice(["NEBULA CERTIFICATE", "NEBULA ED25519 PUBLIC KEY", "NEBULA X25519 PUBLIC KEY"])
    peer, private = _b64(r, 32), _b64(r, 32)
    wg = (f"interface: wg0\n  public key: {_b64(r, 32)}\n  private key: (hidden)\n  listening port: 51820\n\n"
          f"peer: {peer}\n  endpoint: 198.51.100.{r.randrange(1, 255)}:51820\n  allowed ips: 10.20.0.0/16")
    jwk = f"https://{_word(r).replace('_', '-')}.example.com/{r.choice(['.well-known/jwks.json', 'auth/jwks'])}"
    hasura = r.choice(["HASURA_GRAPHQL_JWT_SECRET={}", "HASURA_GRAPHQL_JWT_SECRET='{}'", "  - HASURA_GRAPHQL_JWT_SECRET={}"])
    sep = r.choice([": ", ":"])
    hs_key = rnd(r, AN + "+/", r.randrange(32, 64))
    stack = f"config:\n  {_word(r)}:{r.choice(['dbPassword', 'apiToken', 'db_password'])}:"
    ciphertext = r.choice(["AAABA" + _b64(r, r.randrange(30, 60)), f"v1:{_b64(r, 12)}:{_b64(r, r.randrange(24, 48))}"])
    return [
        (("pulumi-secure", shape(r, f"{stack}\n    secure: {ciphertext}"), ciphertext),
         ("pulumi-plain", shape(r, f"{stack} {plain}"), plain)),
        (("jwk-url", shape(r, hasura.format(f'{{"jwk_url"{sep}"{jwk}"}}')), jwk),
         ("jwt-key", shape(r, hasura.format(f'{{"type"{sep}"HS256", "key"{sep}"{hs_key}"}}')), hs_key)),
        (("file-url", shape(r, pulsar.format("file://" + path)), "file://" + path),
         ("inline-token", shape(r, pulsar.format("token:" + jwt)), jwt)),
        (("ca-pin", shape(r, f"kubeadm join {host} --token {token} --discovery-token-ca-cert-hash {pin}"), pin),
         ("join-token", shape(r, f"kubeadm join {host} --token {token} --discovery-token-ca-cert-hash {pin}"), token)),
        (("ca-pin", shape(r, f"tctl nodes add issued: teleport start --token={secret} --ca-pin={pin}"), pin),
         ("node-token", shape(r, f"tctl nodes add issued: teleport start --token={secret} --ca-pin={pin}"), secret)),
        (("pve-token-id", shape(r, f"token {user}@{realm}!{tid} lacks privilege VM.Audit on /vms"),
          f"{user}@{realm}!{tid}"),
         ("pve-token-secret", shape(r, f"Authorization: PVEAPIToken={user}@{realm}!{tid}={secret}"), secret)),
        (("ws-digest", shape(r, wsse.format(u=user, t="PasswordDigest", v=digest, n=nonce)), digest),
         ("ws-text", shape(r, wsse.format(u=user, t="PasswordText", v=plain, n=nonce)), plain)),
        (("pem-public", shape(r, f"{_word(r)}.crt\n" + _pem(label, cert)), cert[:64]),
         ("pem-private", shape(r, f"{_word(r)}.key\n" + _pem("NEBULA X25519 PRIVATE KEY", key)), key)),
        (("wg-peer", shape(r, wg), peer),
         ("wg-private", shape(r, f"[Interface]\nPrivateKey = {private}\nAddress = 10.20.0.{r.randrange(2, 250)}/32"),
          private)),
    ]

