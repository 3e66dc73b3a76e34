"""Seeded stored-password VERIFIERS (must stay) and their near-miss twins (must go), for sidecar/redaction/verifiers.py.

Each verifier is made by the algorithm its format names, from a seeded password and salt: crypt(3) through Python's
`crypt` (libxcrypt: sha512-crypt, sha256-crypt, md5-crypt, bcrypt), PBKDF2 and scrypt through hashlib, SHA-1/SHA-256
through hashlib, laid out as each tool writes it (mosquitto_passwd, Django, passlib/PHC, RFC 2307, Transmission,
qBittorrent, RabbitMQ definitions). The carriers vary: /etc/shadow and htpasswd rows, YAML/JSON/XML/INI config echoes,
env lines, in the four log shapes of the held-out sets (classes11_gen.shape).

The twins share the slot and differ by the class line: the plain password in the same field, a digest under a name
with no hash word, and the password-EQUIVALENT stored forms (C14): PostgreSQL `md5<hex>` and SCRAM, an NT hash beside
the empty LM constant, Dovecot `{PLAIN}` and `{CRAM-MD5}`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import warnings
from collections.abc import Callable

from .classes11_gen import shape
from .secret_gen import AN, HEX, rnd

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt  # the C library's crypt(3): libxcrypt's formats as the system writes them

CRYPT64 = "./" + AN
Case = tuple[str, str, str]  # (class, planted text, the value that must survive / must go)


def _password(r: random.Random) -> str:
    return rnd(r, AN, r.randrange(8, 16)) + r.choice("!#%&*")


def _b64(raw: bytes, pad: bool = True) -> str:
    s = base64.b64encode(raw).decode()
    return s if pad else s.rstrip("=")


def _mcf(r: random.Random) -> tuple[str, str]:
    pw = _password(r)
    k = r.randrange(4)
    if k == 0:
        return "sha512-crypt", crypt.crypt(pw, "$6$" + rnd(r, CRYPT64, 16))
    if k == 1:
        return "sha256-crypt", crypt.crypt(pw, f"$5$rounds={r.choice([5000, 10000, 535000])}$" + rnd(r, CRYPT64, 16))
    if k == 2:
        return "md5-crypt", crypt.crypt(pw, "$1$" + rnd(r, CRYPT64, 8))
    salt = rnd(r, CRYPT64, 21) + r.choice(".Oeu")  # bcrypt's 22nd salt character carries 2 bits
    return "bcrypt", crypt.crypt(pw, f"$2b$04${salt}").replace("$2b$", r.choice(["$2b$", "$2y$", "$2a$"]), 1)


def _mosquitto(r: random.Random) -> tuple[str, str]:
    pw, salt = _password(r).encode(), r.randbytes(12)
    if r.random() < 0.5:
        its = r.choice([101, 1000, 20000])
        return "mosquitto-7", f"$7${its}${_b64(salt)}${_b64(hashlib.pbkdf2_hmac('sha512', pw, salt, its))}"
    return "mosquitto-6", f"$6${_b64(salt)}${_b64(hashlib.sha512(pw + salt).digest())}"


def _phc(r: random.Random) -> tuple[str, str]:
    pw, salt = _password(r).encode(), r.randbytes(16)
    k = r.randrange(4)
    if k == 0:
        its = r.choice([260000, 600000, 870000])
        return "django-pbkdf2", f"pbkdf2_sha256${its}${rnd(r, AN, 22)}${_b64(hashlib.pbkdf2_hmac('sha256', pw, salt, 1000))}"
    if k == 1:
        ab64 = _b64(hashlib.pbkdf2_hmac("sha256", pw, salt, 1000), pad=False).replace("+", ".")
        return "passlib-pbkdf2", f"$pbkdf2-sha256$29000${_b64(salt, pad=False).replace('+', '.')}${ab64}"
    if k == 2:
        h = hashlib.scrypt(pw, salt=salt, n=16, r=8, p=1, dklen=32)
        return "phc-scrypt", f"$scrypt$ln=4,r=8,p=1${_b64(salt, pad=False)}${_b64(h, pad=False)}"
    h = hashlib.blake2b(pw + salt, digest_size=32).digest()  # the layout of argon2's PHC string (argon2-cffi)
    head = f"argon2{r.choice(['id', 'i'])}$v=19$m={r.choice([65536, 19456, 102400])},t={r.randrange(1, 4)},p={r.randrange(1, 9)}"
    out = f"${head}${_b64(salt, pad=False)}${_b64(h, pad=False)}"
    return "argon2", ("argon2" + out if r.random() < 0.3 else out)  # Django prefixes `argon2`


def _ldap(r: random.Random) -> tuple[str, str]:
    pw, salt = _password(r).encode(), r.randbytes(r.choice([4, 8]))
    scheme, algo = r.choice([("SSHA", "sha1"), ("SSHA256", "sha256"), ("SSHA512", "sha512"), ("SMD5", "md5")])
    return "rfc2307", "{" + scheme + "}" + _b64(hashlib.new(algo, pw + salt).digest() + salt)


def _transmission(r: random.Random) -> tuple[str, str]:
    pw, salt = _password(r), rnd(r, CRYPT64, 8)
    return "transmission", "{" + hashlib.sha1((pw + salt).encode()).hexdigest() + salt


def _qbittorrent(r: random.Random) -> tuple[str, str]:
    pw, salt = _password(r).encode(), r.randbytes(16)
    return "qbittorrent", f"@ByteArray({_b64(salt)}:{_b64(hashlib.pbkdf2_hmac('sha512', pw, salt, 1000))})"


VERIFIERS: tuple[Callable[[random.Random], tuple[str, str]], ...] = (
    _mcf, _mosquitto, _phc, _ldap, _transmission, _qbittorrent)


def _carry(r: random.Random, value: str, user: str) -> str:
    """A verifier in the slot a tool stores it in."""
    k = r.randrange(9)
    if k == 0:
        return f"{user}:{value}:19700:0:99999:7:::"  # /etc/shadow
    if k == 1:
        return f"htpasswd entry rotated: {user}:{value}"
    if k == 2:
        return f"  - name: {user}\n    passwd: {value}\n    lock_passwd: false"  # cloud-init users
    if k == 3:
        return json.dumps({"user": user, "password": value})
    if k == 4:
        return f"<gui><user>{user}</user><password>{value}</password></gui>"  # Syncthing config.xml
    if k == 5:
        return f'password = "{value}"'
    if k == 6:
        return f"{r.choice(['PASSWORD_HASH', 'ADMIN_PASSWORD_HASH', 'hashed_password'])}={value}"
    if k == 7:
        return f"<user><name>{user}</name><bcrypt-hash>{value}</bcrypt-hash></user>"  # pfSense config.xml
    return f"rpc-password: {value}"


def verifier_cases(seed: int, n: int) -> list[Case]:
    """`n` verifiers of every format, each in a carrier and a log shape; the verifier must survive."""
    r = random.Random(seed)
    out: list[Case] = []
    for make in VERIFIERS:
        for _ in range(n):
            kind, value = make(r)
            out.append((kind, shape(r, _carry(r, value, rnd(r, "abcdefgh", 5))), value))
    for _ in range(n):  # RabbitMQ definitions.json: base64(salt + SHA-256(salt + password)) under `password_hash`
        salt = r.randbytes(4)
        value = _b64(salt + hashlib.sha256(salt + _password(r).encode()).digest())
        name = r.choice(["password_hash", "passwordHash", "hashed_password", "Password_PBKDF2"])
        user = {"name": rnd(r, "abcdefgh", 5), name: value, "hashing_algorithm": "rabbit_password_hashing_sha256",
                "tags": [r.choice(["administrator", "management"])]}
        out.append(("rabbitmq", shape(r, json.dumps({"users": [user]})), value))
    for _ in range(n):  # secretsdump rows of accounts with no password / no LM hash (MS-NLMP constants)
        user = rnd(r, "abcdefgh", 6)
        out.append(("empty-lm", shape(r, f"{user}:{r.randrange(500, 3000)}:aad3b435b51404eeaad3b435b51404ee:"
                                         f"31d6cfe0d16ae931b73c59d7e0c089c0:::"), "31d6cfe0d16ae931b73c59d7e0c089c0"))
    return out


def twin_cases(seed: int, n: int) -> list[Case]:
    """The same slots holding what must still be redacted."""
    r = random.Random(seed + 1)
    out: list[Case] = []
    for _ in range(n):
        pw = _password(r)
        slot = r.choice([f'{{"user": "gw", "password": "{pw}"}}', f"<password>{pw}</password>", f'password = "{pw}"',
                         f"ADMIN_PASSWORD={pw}", f"rpc-password: {pw}", f"  - name: gw\n    plain_text_passwd: {pw}"])
        out.append(("plain", shape(r, slot), pw))
        digest = _b64(r.randbytes(36))
        out.append(("unnamed-digest", shape(r, json.dumps({"name": "gw", "password": digest})), digest))
        user = rnd(r, "abcdefgh", 6)
        md5 = "md5" + hashlib.md5((pw + user).encode()).hexdigest()  # PostgreSQL: the login-equivalent verifier
        out.append(("pg-md5", shape(r, f"ALTER ROLE {user} PASSWORD '{md5}'"), md5))
        nt = rnd(r, HEX, 32)
        out.append(("nt", shape(r, f"{user}:{r.randrange(500, 3000)}:aad3b435b51404eeaad3b435b51404ee:{nt}:::"), nt))
        scheme = r.choice(["PLAIN", "CLEARTEXT", "CRAM-MD5"])
        value = pw if scheme != "CRAM-MD5" else rnd(r, HEX, 64)
        out.append(("dovecot-" + scheme, shape(r, f"{user}:{{{scheme}}}{value}::::::"), value))
    return out
