"""Stored password VERIFIERS in their documented formats: salted, iterated hashes that check a password and cannot be
sent in its place (CLASSES14.md D35, CLASSES16.md D41), and the hashes of the EMPTY password (CLASSES14.md D32).

Why kept: a verifier in a config echo, an htpasswd row or a broker's definitions export is what an engineer reads to
see WHICH scheme and cost a service stores (`$2y$05$` vs `$2y$12$`, `$apr1$`, `$7$101$`) and whether a rotation
happened; it opens nothing. The class is decided by the FORMAT's own grammar (a scheme marker the hashing library
writes), never by a random-looking shape alone, so a plain password in the same slot stays redacted.

The grammars (each library's own spelling):
- Modular Crypt Format (passlib docs "Modular Crypt Format"; libxcrypt crypt(5)): `$<ident>$<fields $-separated>`
  ending in the checksum: `$1$`/`$apr1$`/`$md5$` md5-crypt, `$2$`/`$2a$`/`$2b$`/`$2x$`/`$2y$` bcrypt (cost then 53
  chars), `$5$`/`$6$` sha-crypt (optional `rounds=N$`), `$7$` scrypt, `$y$`/`$gy$` yescrypt, `$sha1$` (NetBSD);
  mosquitto_passwd writes `$6$<b64 salt>$<b64 sha512>` and `$7$<iterations>$<b64 salt>$<b64 pbkdf2-sha512>`
  (mosquitto src/password_mosq.c).
- PHC string format (github.com/P-H-C/phc-string-format): `$<id>[$v=<n>][$<k>=<v>,...][$<salt>$<hash>]`: argon2i/d/id,
  scrypt, balloon; passlib's `$pbkdf2[-sha1|-sha256|-sha512]$<rounds>$<salt>$<hash>` and `$bcrypt-sha256$`.
- Django's hashers (django/contrib/auth/hashers.py, `encode`): `<algorithm>$<iterations>$<salt>$<hash>` for
  pbkdf2_sha256/pbkdf2_sha1, `argon2$argon2id$...`, `bcrypt_sha256$$2b$...`, `scrypt$...`, salted `sha1$`/`md5$`.
- RFC 2307 / OpenLDAP / Dovecot `{SCHEME}` prefixes of hashed schemes (SSHA, SHA, SSHA256/512, SMD5, MD5, CRYPT,
  BLF-CRYPT, SHA256-CRYPT, SHA512-CRYPT, MD5-CRYPT, PBKDF2[-SHA...], ARGON2I/ID, PKCS5S2, BCRYPT). Not `{PLAIN}`,
  `{CLEARTEXT}`, `{CRAM-MD5}`, `{DIGEST-MD5}`, `{NTLM}`, `{LANMAN}`: plaintext or password-equivalent (C14).
- Transmission `rpc-password`: `{` + 40 hex SHA-1 + 8 salt chars (libtransmission crypto-utils `tr_ssha1`).
- qBittorrent `WebUI\\Password_PBKDF2`: `@ByteArray(<b64 salt>:<b64 PBKDF2-SHA512>)` (qBittorrent src/base/utils/
  password.cpp).
- A field whose NAME says it holds a password's hash (`password_hash`, `hashed_password`, `passwordHash`,
  `Password_PBKDF2`) and whose value is a base64 or hex digest of 16-128 bytes: RabbitMQ definitions.json
  `password_hash` is base64(4-byte salt + SHA-256/512 of salt+password) beside `hashing_algorithm` (RabbitMQ docs
  "Credentials and passwords", password hashing).
(standins.py's `is_verifier` reads the whole value with this grammar.) NOT verifiers (C14, password-equivalent, stay
secrets; verifiers.py redacts HA1 lines): PostgreSQL `md5<32 hex>` and `SCRAM-SHA-256$...` rolpassword,
NT hashes, MySQL `*<40 HEX>`, `$3$$<nt>`, WPA PSK hex, Jetty `MD5:` / `OBF:`, Kerberos keys.

The empty password's LM and NT hashes (MS-NLMP 3.3.1: LMOWFv1("") and NTOWFv1("")) are public constants printed
wherever no LM hash or no password is set; the other field of the same row stays judged.
"""

from __future__ import annotations

import base64
import binascii
import re

from .secret_names import PASSWORD_WORDS, name_words

# LMOWFv1("") and NTOWFv1("") (MS-NLMP 3.3.1), compared lowercase
EMPTY_PASSWORD_HASHES = frozenset({"aad3b435b51404eeaad3b435b51404ee", "31d6cfe0d16ae931b73c59d7e0c089c0"})

_FIELD = r"[A-Za-z0-9./+=,-]{0,64}"
_CHECKSUM = r"[./A-Za-z0-9+]{22,}={0,2}"
# MCF and PHC: a scheme marker the library writes, fields, then the checksum (>= 22 chars: md5-crypt's length)
_MCF = (r"\$(?:2[abxy]?|1|apr1|md5|sha1|5|6|7|y|gy|argon2(?:id|i|d)|scrypt|balloon(?:-[a-z0-9]+)?"
        r"|pbkdf2(?:-sha(?:1|256|512))?|bcrypt-sha256)(?:\$" + _FIELD + r"){0,4}\$" + _CHECKSUM)
# Django: `<algorithm>$...$<hash>` (bcrypt_sha256's `$$2b$` has an empty field), also after a Docker record's `\u003e`
_DJANGO = (r"(?:(?<![\w$])|(?<=\\u003e))(?:pbkdf2_sha(?:1|256)|argon2|bcrypt(?:_sha256)?|scrypt|sha1|md5)(?:\$"
           + _FIELD + r"){1,5}\$" + _CHECKSUM)
_DJANGO_NAME_MAX = len("pbkdf2_sha256")  # the longest algorithm name: its `$` is at most this far from its start
# RFC 2307 schemes of hashes (not plaintext or password-equivalent ones); Transmission's salted SHA-1, qBittorrent's
# PBKDF2 pair. None of them needs a `$`.
_WITHOUT_DOLLAR = (r"\{(?i:S?SHA(?:1|256|384|512)?|S?MD5|CRYPT|BLF-CRYPT|(?:SHA256|SHA512|MD5)-CRYPT"
                   r"|PBKDF2(?:-SHA(?:1|256|512))?|ARGON2I?D?|PKCS5S2|BCRYPT)\}[A-Za-z0-9+/.$=,-]{12,}"
                   r"|\{[0-9a-f]{40}[./A-Za-z0-9]{8}(?![./A-Za-z0-9])"
                   r"|@ByteArray\([A-Za-z0-9+/]{16,}={0,2}:[A-Za-z0-9+/]{22,}={0,2}\)")
VERIFIER = re.compile(_MCF + "|" + _DJANGO + "|" + _WITHOUT_DOLLAR)
# Searched where a text holds no `$` (most JSON lines hold a `{`): the same matches, since the MCF and Django
# grammars need a `$`; and it starts with a literal (`{` or `@`), which sre skips to instead of trying the Django
# branch's lookbehinds at every position (review re-read r14: a full scan of each `{` line).
_VERIFIER_WITHOUT_DOLLAR = re.compile(_WITHOUT_DOLLAR)

_HASH_WORDS = frozenset({"hash", "hashed", "pbkdf", "bcrypt", "crypt", "argon", "scrypt", "sha", "digest"})
_B64_DIGEST = re.compile(r"[A-Za-z0-9+/]{22,172}={0,2}|[0-9a-fA-F]{32,256}")
_HEX = re.compile(r"[0-9a-fA-F]+")


# `password_hash: <digest>` in the assignment shapes of JSON, YAML, INI and kwargs (the entropy fallback's view)
_NAMED = re.compile(r"(?P<name>[A-Za-z][\w.-]{0,60})\\{0,3}[\"']?[ \t]*[:=][ \t]*\\{0,3}[\"']?"
                    r"(?P<v>[A-Za-z0-9+/]{22,172}={0,2}|[0-9a-fA-F]{32,256})(?![\w+/=])")
_NAMED_GATE = ("hash", "pbkdf", "crypt", "digest", "argon", "sha")


def verifier_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` holds a verifier of a documented format, a digest under a name that says password and hash, or the
    empty password's LM/NT hash."""
    if "$" in text:
        spans = [m.span() for m in VERIFIER.finditer(text)]
    else:
        spans = [m.span() for m in _VERIFIER_WITHOUT_DOLLAR.finditer(text)] if "{" in text or "@ByteArray" in text else []
    low = text.lower()
    if any(g in low for g in _NAMED_GATE) and any(p in low for p in ("pass", "pw")):
        spans += [m.span("v") for m in _NAMED.finditer(text)
                  if _hashed_password_name(m.group("name")) and digest_shaped(m.group("v"))]
    for const in EMPTY_PASSWORD_HASHES:
        i = low.find(const)
        while i >= 0:
            spans.append((i, i + 32))
            i = low.find(const, i + 32)
    return spans


def verifier_at(text: str, pos: int, value: str, name: str | None) -> bool:
    """True when the value at `pos` (read as `value` by a name rule, perhaps cut short at a `,` or `}`) is a verifier:
    a documented format there, an empty-password constant, or a digest under a name that says password AND hash."""
    if value.strip("\"'").lower() in EMPTY_PASSWORD_HASHES:
        return True
    if verifier_starts(text, pos):
        return True
    return named_digest(name, value)


def verifier_starts(text: str, pos: int) -> bool:
    """True when a documented verifier format starts at `pos` (VERIFIER.match), read only where one can: at a `$`, `{`
    or `@`, or with a `$` close enough to end a Django algorithm's name."""
    if text[pos:pos + 1] not in ("$", "{", "@") and text.find("$", pos, pos + _DJANGO_NAME_MAX + 1) < 0:
        return False
    return VERIFIER.match(text, pos) is not None


def named_digest(name: str | None, value: str) -> bool:
    """A hex or base64 digest under a name that says password AND hash (`password_hash`, RabbitMQ)."""
    return name is not None and _hashed_password_name(name) and digest_shaped(value)


def _hashed_password_name(name: str) -> bool:
    words = set(name_words(name))
    return not PASSWORD_WORDS.isdisjoint(words) and not _HASH_WORDS.isdisjoint(words)


def digest_shaped(value: str) -> bool:
    """A hex or base64 digest of 16-128 bytes (MD5's to SHA-512's with a salt)."""
    if _B64_DIGEST.fullmatch(value) is None:
        return False
    if _HEX.fullmatch(value):
        return len(value) % 2 == 0
    try:
        return 16 <= len(base64.b64decode(value + "=" * (-len(value) % 4), validate=True)) <= 128
    except (binascii.Error, ValueError):
        return False
