"""Class 3 of the must-keep taxonomy (keep.py's docstring): IDENTIFIERS, DIGESTS, NONCES AND CURSORS ANNOUNCED BY
THEIR NAME - the name, header or scheme before a value says what it is (`x-request-id`, `ETag`, `sha256:`,
`idempotency_key`, `pageToken`, a JWK's public members), and the entropy fallback never fires on it.

Split from keep.py in round 20 (a file past ~400 lines), no behaviour change; keep.keeps_value asks announcer_name
here for the slot-decided public values.
"""

from __future__ import annotations

import functools
import re

from .clientkeys import public_by_name
from .secret_names import announces_nonce, is_secret_name, name_words, vault_accessor_name

# An OpenSSH key type (RFC 4253 6.6): the name of a public key blob, and a public key after it
SSH_TYPES = re.compile(r"^(?:ssh-(?:rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp\d+|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)"
                       r"(?:@openssh\.com)?|(?:ssh|ecdsa|rsa)-[\w.@-]*-cert-v01(?:@openssh\.com)?)$")

# A last word that makes a name an identifier, digest, nonce or cursor.
IDENTIFIER_WORDS = frozenset({
    "id", "ids", "uuid", "guid", "ulid", "requestid", "traceid", "spanid", "ray", "etag", "md5", "sha", "sha1",
    "sha224", "sha256", "sha384", "sha512", "crc32", "crc32c", "crc64nvme", "digest", "checksum", "checksums",
    "hash", "hashes", "fingerprint", "nonce", "cursor", "cursors", "commit", "revision", "rev", "traceparent",
    "tracestate", "trace", "span", "parent", "correlation", "accept", "idempotency", "model", "filename",
    "version", "etags", "context", "integrity", "blake2b", "blake3", "xxhash", "sri", "after", "before", "marker",
    "name", "names", "path", "file", "blob", "match", "kid", "jti", "number", "no", "ref", "tag", "arn", "urn",
    "challenge",
    "thumbprint",  # RFC 7638 JWK thumbprint, an X.509 thumbprint: a SHA digest of a public key or certificate
    "opaque", "cnonce",  # RFC 7616 Digest challenge/response parameters, sent in the clear and echoed back
    # OAuth `state` (RFC 6749 10.12: a CSRF binding echoed back in the redirect), SAML `RelayState`, OIDC `session_state`
    # (CLASSES12.md D18: public or bound to one flow; `code` and `code_verifier` are credentials and stay redacted)
    "state",
    "peer",  # `wg show`'s `peer: <public key>` (wg(8): private and preshared keys print `(hidden)`), libp2p peer ids
})
# `<x>_token` / `<x>_key` that are cursors or nonces, not credentials.
_BEARER_IDS = frozenset({"session", "sess", "sid", "csrf", "xsrf", "login", "auth", "oauth"})
_DIGEST_SCHEME = re.compile(r"(?i)^(?:sha-?(?:1|224|256|384|512)|md5|crc32c?|blake2[bs]?|sri)$")


@functools.lru_cache(maxsize=4096)
def is_identifier_name(name: str) -> bool:
    """True when `name` announces an identifier, digest, nonce or cursor (`x-request-id`, `Content-MD5`,
    `Sec-WebSocket-Accept`, `next_page_token`, `sha-256`), and is not also a secret name (`session_id`)."""

    last_part = re.split(r"[-_.\s]+", name.strip("-_."))[-1]
    if _DIGEST_SCHEME.match(last_part) or _DIGEST_SCHEME.match(name.strip("-_")) or last_part.lower() == "etag":
        return True  # `Content-MD5`, `x-amz-checksum-sha256`, `sha-256`, `ETag`
    words = name_words(name)
    if not words:
        return False
    if announces_nonce(words):
        return True
    if vault_accessor_name(words):
        return True  # Vault's token/mount accessors (secret_names.py): an id, CLASSES19 set-18 twin
    if any(w in _BEARER_IDS or "sess" in w or "auth" in w or "srf" in w for w in words):
        return False  # a session id is a bearer credential (OWASP Session Management Cheat Sheet)
    last = words[-1]
    if last == "pubkey" or last == "key" and len(words) > 1 and words[-2] in ("public", "pub"):
        return True  # WireGuard `PublicKey = <b64>` (wg(8)), `server_public_key`: public by design
    if name.lower().endswith("p256dh") or words[-3:] == ["application", "server", "key"]:
        # Web Push: a subscription's `keys.p256dh` is the user agent's P-256 PUBLIC key (RFC 8291 section 3.1; its
        # `keys.auth` is the shared authentication secret and stays judged), `applicationServerKey` the server's VAPID
        # public key (W3C Push API, RFC 8292 section 3.2). Public by design; points.py keeps real points by shape.
        return True
    if last == "sitekey" or last == "key" and len(words) > 1 and words[-2] == "site":
        # a CAPTCHA widget's site key (reCAPTCHA `data-sitekey`, hCaptcha, Turnstile `sitekey`): served in the page's
        # HTML by design (Google reCAPTCHA docs: "Use the site key to invoke reCAPTCHA on your site"); the
        # `secret` key that verifies the answer is named as a secret and stays redacted
        return True
    # `uploadid`, `requestid`, `messageId` run together: an id of something
    return (last in IDENTIFIER_WORDS or len(last) > 3 and last.endswith("id")) and not is_secret_name(name)


# The name just before a value: `name=`, `name: `, `"name": "`, `'name', '` (a pair or argv list),
# `(b'name', b'` (h11 header tuples), `name ` (a header scheme like `ssh-ed25519 `).
ANNOUNCER = re.compile(
    r"(?P<name>[A-Za-z][A-Za-z0-9_.\-]{0,60})\\{0,3}[\"']?"
    r"(?:[ \t]*(?:=>|:=|[:=])[ \t]*(?:\[[ \t]*)?(?:\\{0,3}[\"'])?|\\{0,3}[\"'],[ \t]*b?\\{0,3}[\"']|[ \t]+(?:\\{0,3}[\"'])?)"
    r"(?:W/\\{0,3}\"|<)?$")
_ANNOUNCER_ENDS = frozenset(" \t=:>\"'<[")
_ANNOUNCER_TAIL = re.compile(ANNOUNCER.pattern[ANNOUNCER.pattern.index(")") + 1:])  # all after the name group
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")


def announcer_name(text: str, start: int) -> str | None:
    """The `name` of `ANNOUNCER.search(text, max(0, start - 72), start)` when that match ends at `start`, found
    without the search (which tries a 61-character name at each of 72 positions).

    The tail after the name starts with a character no name holds, so the name ends where a run of name characters
    does (q), and the tail spans q..start; the leftmost match starts at the first letter of that run inside the
    window and within 61 characters of q. The leftmost such start over all q is the search's match."""
    lo = max(0, start - 72)
    best: tuple[int, int] | None = None
    q = start - 1
    while q > lo:
        if text[q] not in _NAME_CHARS and text[q - 1] in _NAME_CHARS and _ANNOUNCER_TAIL.fullmatch(text, q, start):
            p = q - 1
            while p > lo and p > q - 61 and text[p - 1] in _NAME_CHARS:
                p -= 1
            while p < q and not text[p].isascii() or p < q and not text[p].isalpha():
                p += 1
            if p > lo and text[p - 1] == "\\" and text[p] in "nrt":
                p += 1  # `\npeer: <v>`: a JSON-escaped line end before the name is no part of it
            if p < q and (best is None or p <= best[0]):
                best = (p, q)
        q -= 1
    if best is None:
        return None
    m = ANNOUNCER.match(text, best[0], start)  # the name group as the regex splits it (same span, checked)
    return m.group("name") if m is not None and m.end() == start else None


def announced_identifier(text: str, start: int, value: str = "") -> bool:
    """True when the value at `start` is announced as an identifier, digest, nonce, cursor or public key (and, given
    the `value`, a client-side key its name marks public: clientkeys.py)."""
    if start == 0 or text[start - 1] not in _ANNOUNCER_ENDS:
        return False  # what ANNOUNCER can end with; the search below costs ~60 attempts per window position
    name = announcer_name(text, start)
    if name is None:
        return False
    if name_words(name)[-1:] in (["file"], ["path"], ["filename"]) and not _PATH_LIKE.match(text, start):
        return False  # `private key file: '<base64 body line>'`: the file's content was printed, not its name
    if name == "S256" and _X5T_S256.search(text, max(0, start - 24), start) is not None:
        return in_jwk(text, start)  # `"x5t#S256": "<b64url>"` (the `#` ends the name the announcer reads)
    return bool(SSH_TYPES.match(name)) or is_identifier_name(name) or name in _JWK_PUBLIC and in_jwk(text, start) \
        or bool(value) and public_by_name(name, value)


# RFC 7517/7518/8037: a JSON Web Key's public members (RSA `n`, `e`; EC `x`, `y`; OKP `x`; `x5c` certificates)
# are published at a JWKS URL by design; its private members (`d`, `p`, `q`, `dp`, `dq`, `qi`, oct `k`) are not
# listed, so they stay judged. Read only inside an object that holds `kty` (a one-letter name elsewhere means
# nothing).
_JWK_PUBLIC = frozenset({"n", "e", "x", "y", "x5c", "x5t"})  # x5t: the certificate's SHA-1 thumbprint
# RFC 7517 section 4.9: `x5t#S256`, the certificate's SHA-256 thumbprint (public like `x5t`; the only member name with
# a `#`, so announcer_name reads it as `S256`)
_X5T_S256 = re.compile(r"""x5t#S256\\{0,3}["']?[ \t]*:[ \t]*\\{0,3}["']?$""")
_KTY = re.compile(r"""\\{0,3}["']kty\\{0,3}["']\s*:""")


def in_jwk(text: str, start: int) -> bool:
    lo = text.rfind("{", 0, start)
    hi = text.find("}", start)
    return lo >= 0 and _KTY.search(text, lo, hi if hi >= 0 else len(text)) is not None


# What a file name or a path looks like: rooted (`/`, `~`, `./`, `C:\`), or a word segment with an extension.
_PATH_LIKE = re.compile(r"[/~.\\]|[A-Za-z]:\\|[^\s'\"]*\.[A-Za-z0-9]{1,8}(?![A-Za-z0-9+/])|[^\s'\"+]*/[a-z]{3,}")
