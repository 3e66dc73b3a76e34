"""Algorithm names are public: a value that names a hash, MAC or signature algorithm is never key material."""

from __future__ import annotations

import hashlib

# An algorithm's name is a registry entry, never key material, whatever secret-sounding name it stands after
# (`hmac(sha256)`, `password_encryption = scram-sha-256`, `jwt_secret_alg: HS256`): the names hashlib offers
# (hashlib.algorithms_available, OpenSSL's digests), JWA's `alg` values (RFC 7518 s3.1, RFC 8037 s3.1 EdDSA) and the
# SASL SCRAM mechanisms (RFC 5802, RFC 7677), compared without case, `-` or `_` (`SHA-256` = `sha256`), with an
# `hmac-`/`hmac_` prefix allowed (`hmac-sha256`, SSH's MAC names).
ALGORITHMS = frozenset({a.lower().replace("-", "").replace("_", "") for a in hashlib.algorithms_available} | {
    "hs256", "hs384", "hs512", "rs256", "rs384", "rs512", "es256", "es384", "es512", "es256k", "ps256", "ps384",
    "ps512", "eddsa", "scramsha1", "scramsha256", "scramsha512", "md5", "sha1", "sha256", "sha512"})


def is_algorithm(value: str) -> bool:
    """True for a hash, MAC or signature algorithm's registered name (`sha256`, `SHA-256`, `hmac-sha1`, `HS256`)."""
    v = value.strip().strip("\"'`").lower().replace("-", "").replace("_", "")
    return v.removeprefix("hmac") in ALGORITHMS
