"""Values that sit in a secret's slot and are not the secret (what must survive, keep.py's taxonomy; CLASSES15 D35, D20).

- One-way VERIFIERS that cannot be replayed as the password: the salted, iterated hashes a server stores to check one
  (the password has to be cracked out of them). The Modular Crypt Format of crypt(3) and passlib (`$2a$`/`$2b$`/`$2y$`
  bcrypt in htpasswd and Syncthing, `$apr1$` Apache MD5, `$1$`/`$5$`/`$6$` md5/sha-crypt, `$y$` yescrypt, `$argon2id$`,
  `$scrypt$`, `$pbkdf2-sha256$`), Transmission's `rpc-password` once the daemon salts it (libtransmission
  crypto-utils `tr_ssha1`: `{` + 40 hex SHA-1(password + salt) + an 8-character salt), qBittorrent's
  `WebUI\\Password_PBKDF2="@ByteArray(<base64 salt>:<base64 PBKDF2-SHA512>)"` (qBittorrent wiki). The
  password-EQUIVALENT verifiers (Digest HA1, NT hashes, PgBouncer's `md5<hex>`, SCRAM secrets: they log in as they are)
  are not here and stay secrets (verifiers.py, formats.py).
- Documented SEQUENCE dummies: the stand-ins docs print for a key (vLLM's `--api-key token-abc123`, kubeadm's
  `abcdef.0123456789abcdef`): a word prefix or two parts or more, and every part is 6+ characters of one or two
  ascending runs of three or more letters or digits (`xyz-123-abc`, three short parts, is judged as usual). No generated credential is made of ascending runs; a bare
  `123456` or `abc123` is a human's password (the top of every leaked-password list), judged as usual (review r14).
"""

from __future__ import annotations

import re

from .hashed import VERIFIER  # the verifier formats, each by its library's grammar (hashed.py)

_WORD_PREFIX = re.compile(r"[A-Za-z]{2,12}[-_]")
_PARTS = re.compile(r"[-_.]")


def is_verifier(value: str) -> bool:
    """A one-way verifier that cannot be replayed (module doc), the whole value."""
    v = value.strip("\"'")
    # every format holds a `$`, a `{` or a `@` (hashed.py): most values hold none, and skip the match
    return ("$" in v or "{" in v or "@" in v) and VERIFIER.fullmatch(v) is not None


def _ascending_runs(part: str) -> int:
    """How many ascending runs (`abc`, `0123`) `part` is made of, or 0 when a run is shorter than three."""
    if len(part) < 3 or ord(part[1]) != ord(part[0]) + 1 or ord(part[2]) != ord(part[1]) + 1 or not (
            part[0].isalnum() and part[1].isalnum()):
        return 0  # the first run is shorter than three (what the loop below finds at its second or third character)
    runs, length = 1, 1
    for a, b in zip(part, part[1:], strict=False):
        if ord(b) == ord(a) + 1 and a.isalnum():
            length += 1
            continue
        if length < 3:
            return 0
        runs, length = runs + 1, 1
    return runs if length >= 3 else 0


def is_sequence_dummy(value: str) -> bool:
    """A documented stand-in made of ascending runs (module doc): `token-abc123`, `abcdef.0123456789abcdef`."""
    whole = value.strip("\"'")
    last = whole[max(whole.rfind("-"), whole.rfind("_"), whole.rfind(".")) + 1:]
    if len(last) >= 3 and (ord(last[-1]) != ord(last[-2]) + 1 or ord(last[-2]) != ord(last[-3]) + 1):
        return False  # every part ENDS with an ascending run of three (_ascending_runs), the last part too; it ends
        # with the value's last segment (the word prefix taken below may join it to the one before, never cut it)
    core = _WORD_PREFIX.sub("", whole, count=1)
    parts = [p for p in _PARTS.split(core) if p]
    if core == whole and len(parts) < 2:
        return False  # a bare run (`123456`, `abc123`) is the top of every leaked-password list, not a doc's stand-in
    return bool(parts) and all(len(p) >= 6 and 0 < _ascending_runs(p) <= 2 for p in parts)  # (`xyz-123-abc`: no)
