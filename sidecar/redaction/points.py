"""Public keys that are elliptic-curve points: kept, whatever the field that holds them is called (must-keep by class).

SEC 1 v2 (Certicom, "Elliptic Curve Cryptography", section 2.3.3) encodes a public key as a point: the uncompressed
form is 0x04 || X || Y, 65 bytes on a 256-bit curve. Carriers that print it: Web Push subscriptions (RFC 8291 section
2/3.1: `keys.p256dh` is the user agent's P-256 public key in uncompressed form, base64url; RFC 8292 VAPID: the
application server key `k=` / `applicationServerKey`, same form), WebCrypto `exportKey("raw")`, Ethereum/Bitcoin
uncompressed secp256k1 public keys (hex, `0x04...`). A private key is a scalar (32 bytes), never a point, so the test
is the curve equation itself: y^2 = x^3 + ax + b (mod p) for P-256 (FIPS 186-4 D.1.2.3) or secp256k1 (SEC 2 v2,
2.4.1). Random 65 bytes pass with probability ~2^-256: a credential is never kept by this.

(The public half's companion in a push subscription, `keys.auth`, is a shared secret - RFC 8291 calls it the
authentication secret - and is not a point: it is judged as any other value.)
"""

from __future__ import annotations

import base64
import binascii

# (p, a, b) of each curve
_CURVES = (
    (0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
     0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC,
     0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B),  # P-256 (secp256r1)
    (0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F, 0, 7),  # secp256k1
)


def _on_curve(raw: bytes) -> bool:
    if len(raw) != 65 or raw[0] != 4:
        return False
    x, y = int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:], "big")
    return any(x < p and y < p and (y * y - (x * x * x + a * x + b)) % p == 0 for p, a, b in _CURVES)


def ec_public_point(token: str) -> bool:
    """True when `token` (base64, base64url or hex; as the entropy rule's token) is an uncompressed EC public point."""
    core = token.strip("=")
    if len(core) == 87 and core[0] == "B":  # 65 bytes, the first 0x04: base64 starts `B`
        try:
            raw = base64.b64decode(core.replace("-", "+").replace("_", "/") + "=", validate=True)
        except binascii.Error:
            return False
        return _on_curve(raw)
    digits = core[2:] if core[:2] in ("0x", "0X") else core
    if len(digits) == 130 and digits.startswith("04"):
        try:
            return _on_curve(bytes.fromhex(digits))
        except ValueError:
            return False
    return False
