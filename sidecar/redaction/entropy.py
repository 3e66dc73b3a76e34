"""Class (d) of the taxonomy: a random-looking token with no name and no known format.

detect-secrets' Base64HighEntropyString / HexHighEntropyString plugins
(detect_secrets/plugins/high_entropy_strings.py) flag a string drawn from the base64 (limit 4.5
bits/char) or hex (limit 3.0) charset whose Shannon entropy is over the limit. A log line is full of
random-looking ids an engineer follows, so this fallback is narrower, and each narrowing is a decision:

- Base64/base64url charset (`A-Z a-z 0-9 + / _ - =`), 20+ characters, with upper AND lower case and
  a digit (or 24+ characters of mixed case): a generated credential has all three classes with
  probability > 0.96 at 20 characters of base62.
- The bar scales with the length (a string of n characters cannot exceed log2(n) bits/char):
  `min(4.0, log2(n) - 1.0)`. detect-secrets' 4.5 misses 2.4% of random 32-40-char base62 strings (their
  entropy is ~4.4-4.9); the class-switch and word tests below carry the precision, so the bar is lower.
  Measured (bench/RESULTS.md, issue 18 round 2) over 4,416 tokens of 20+ chars from must_keep, evals/cases
  and generated secret-free lines: none flagged but the planted JWT parts; random base62 of 20-64 chars:
  99.7-100% flagged (97.6% with 4.5).
- The characters must look random, not like words: a camelCase identifier (`ConnectionRefusedError`)
  changes character class every ~5 characters, a random string every ~2; identifiers, model names and
  paths (`gpt-4o-mini-2024-07-18`, `/usr/lib/python3.11/site-packages`) are split at `- _ /` and kept
  when every part reads as a word, a number or a short code.
- NOT redacted (decision): bare hex of any length (git SHAs, trace/span ids, request ids, content
  hashes are how an engineer follows an error; a hex credential is caught by its name or its format),
  UUIDs (request and conversation ids; gitleaks and detect-secrets only flag them after a keyword),
  lowercase+digit ids (`cvk2m9q1a7b3c0d4e5f6`, provider file ids), and ids with a well-known object
  prefix (`chatcmpl-`, `file-`, `msg_`, `req_`, `cus_`: ids, never credentials), and keys that are public
  by design (Stripe `pk_live_`, Supabase `sb_publishable_`), and key fingerprints (`SHA256:<base64>`), and
  base64 of a media file (its decoded bytes open with a JPEG/PNG/GIF/PDF/... magic number), and base64 of an
  embedding (its bytes read as float32 values of an embedding's magnitudes), and an elliptic-curve public key
  (a SEC 1 uncompressed point on P-256 or secp256k1: Web Push `p256dh`, VAPID keys; points.py).
"""

from __future__ import annotations

import base64
import binascii
import functools
import math
import re
import struct
from collections.abc import Callable

from .identified import announced_identifier
from .keep import is_public, public_spans
from .points import ec_public_point
from .textstats import shannon, switch_rate, wordlike

# `=` only as base64 padding: `id=chatcmpl-...` is a name and a value, judged apart. A run before an INNER `==` (two
# base64 values glued, or a padded head; review r7) ends there and is judged alone: one `=` inside stays an assignment.
# After a URI scheme (RFC 3986 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), up to 32 characters here), `//` opens the
# authority (3.2): a token starts AFTER it (`redis://<random user>:...@h`), never at it; a `//` after a colon that ends
# no scheme (`blob=://<t>`, `9://<t>`) is no authority and the token holds it, as base64's `/` may. Spelled as one
# fixed-width lookbehind a scheme length (`re` has no variable-width lookbehind); tried only beside a `:` or `//`.
_AFTER_SCHEME = "|".join(f"(?<=(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{{{n}}}:{{tail}})" for n in range(32))
# (The token-character lookbehind comes first, as before the split: inside a run it fails at once, the branches after
# it are tried only after a blank, a punctuation mark or a `/`.)
TOKEN = re.compile(r"(?<![A-Za-z0-9+_-])(?:(?<!/)(?!(?<=:)//(?:" + _AFTER_SCHEME.replace("{tail}", "//") + "))"
                   r"|(?<=://)(?:" + _AFTER_SCHEME.replace("{tail}", "//") + r"))"
                   r"[A-Za-z0-9+/_-]{20,}(?:={0,3}(?![A-Za-z0-9+/_=-])|(?===[A-Za-z0-9+/_-]))")
# Object ids of providers and payment APIs (OpenAI, Anthropic, Stripe, Moonshot): ids, not credentials.
ID_PREFIXES = re.compile(
    r"^(?:chatcmpl|cmpl|file|asst|run|thread|batch|resp|msg|req|toolu|call|step|ft|ftjob|org|proj|user|evt|ch"
    r"|cus|pi|pm|seti|sub|in|ii|txn|po|tr|acct|price|prod|cs|src|tok|card|ba|re|py|trace|span|span_id|trace_id"
    r"|vs|modr|img|sess|conv|item|inq|ver|itmpl|sha256|sha1|sha224|sha384|sha512|md5|pk_live|pk_test|sb_publishable)[-_]",
    re.IGNORECASE)  # sha256-/sha384-/sha512-: W3C Subresource Integrity metadata (`integrity="sha384-<b64>"`)
# (inq/ver/itmpl: Persona's inquiry, verification and inquiry-template ids, `inq_<base58>`: objects an engineer follows
# through the KYC flow, CLASSES20 D53; the API key is `persona_production_`/`persona_sandbox_`, formats.py's)
# Twilio's SIDs: a two-letter prefix naming the resource type and 32 hex; ids, followed by an engineer. Only the
# prefixes Twilio documents (docs glossary "What is a String Identifier (SID)?", its table of common prefixes, and
# the TaskRouter resources' `^WS`/`^WK`/`^WT`/`^WW` SID patterns): any two capitals before 32 hex is no SID
# (`/reset/AB<32 hex>/confirm` is a reset token). The API key's `SK` SID is formats.py's (gitleaks flags it) and is
# marked before this runs.
_TWILIO_SID = re.compile(
    r"(?:AC|AD|AI|AL|AP|BN|BU|CA|CF|CH|CL|CN|CP|CR|DG|DN|ES|EY|FJ|FN|FT|FW|GA|GT|HH|HJ|HS|HX|IG|IM|IP|IS|IT|KC|KD|KP"
    r"|KS|MB|ME|MG|MM|NO|PA|PN|QE|QU|RD|RE|RL|RM|RN|RT|SC|SD|SK|SM|TR|UO|US|UT|VA|VE|VL|VT|WA|WK|WQ|WS|WT|WW|YC)"
    r"[0-9a-f]{32}")
# The tail of an id pydantic cut in the middle (`input_value='chatcmpl-<head>...<tail>'`): the head shows the object
# prefix, so the tail is the same id (review r7).
_CUT_ID_HEAD = re.compile(r"(?<![A-Za-z0-9_-])([A-Za-z0-9_-]{3,30})\.\.\.$")
# `SHA256:<b64>` (an SSH/TLS key fingerprint), and RFC 9530's `Content-Digest: sha-256=:<b64>:` (a structured
# field byte sequence after the algorithm): a digest or a public key's name, it grants nothing.
# Go's module checksums (golang.org/x/mod/sumdb/dirhash: `h1:` + base64 SHA-256, in go.sum and `go mod download
# -json`) and Terraform's provider lock hashes (`.terraform.lock.hcl`: `h1:`, `zh:`): digests published with the artifact
# (CLASSES13.md D22).
_FINGERPRINT = re.compile(r"(?i)(?:sha-?(?:1|224|256|384|512)|md5)=?:$|(?<![\w-])(?:h1|zh):$")
# RFC 2397 data URLs of media (`data:image/png;base64,<b64>`): content, not a credential. A text or JSON payload
# is not kept here: the encoded rule decodes it first and judges what it holds.
_MEDIA_DATA_URL = re.compile(r"(?i)data:(?:image|audio|video|font)/[\w.+-]+(?:;[\w.+-]+=[\w.+-]+)*;base64,$")
# Base64 of a media file without its data URL (a JSON `"thumbnail": "/9j/4AAQ..."`, an image part of a chat request):
# the decoded bytes open with the format's magic number (JPEG FF D8 FF, PNG, GIF87a/89a, RIFF for WebP/WAV, PDF,
# ISO-BMFF `ftyp` at offset 4 for MP4/HEIC/AVIF, Ogg, FLAC, WOFF/WOFF2, ID3 for MP3). Content, not a credential; a
# random credential opens with one of these with probability < 2^-24.
_MEDIA_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"RIFF", b"%PDF-", b"OggS", b"fLaC",
                b"wOFF", b"wOF2", b"ID3")


def media_base64(core: str) -> bool:
    """True when `core` is the base64 (standard or URL-safe) of a file that opens with a media magic number."""
    head = core[:16]
    if len(head) < 16:
        return False
    try:
        raw = base64.b64decode(head.replace("-", "+").replace("_", "/"), validate=True)
    except binascii.Error:
        return False
    return raw.startswith(_MEDIA_MAGIC) or raw[4:8] == b"ftyp"


def float_vector_base64(core: str) -> bool:
    """True when `core` (32+ characters) is the base64 of little-endian float32 values, as an embedding is sent:
    OpenAI-compatible `/embeddings` with `encoding_format: "base64"` (the openai SDK's default). Every float in the
    first 48 bytes is 0 or 1e-6 <= |x| < 10; random bytes give such a float with p ~ 0.09, so a random credential
    of 32+ characters (6+ floats) passes with p < 1e-6."""
    n = min(len(core), 64) // 16 * 16
    if n < 32:
        return False
    try:
        raw = base64.b64decode(core[:n].replace("-", "+").replace("_", "/"), validate=True)
    except binascii.Error:
        return False
    raw = raw[:len(raw) // 4 * 4]  # a `=` inside the head (not base64 then) shortens it
    return len(raw) >= 24 and all(x == 0.0 or 1e-6 <= abs(x) < 10.0 for x in struct.unpack(f"<{len(raw) // 4}f", raw))


# A CamelCase identifier (`RetryUpToMaximumCountWithFixedSleep`): capitalised words, acronyms, short numbers.
# A random base62 string fails it almost surely (a lowercase letter after a digit, a lone capital before one).
# Every capitalised word has a vowel and they average 4+ letters; 6 in 100,000 random base62 strings of 20-64
# characters pass all three tests (measured), so the fallback's recall drops by < 0.01%.
_CAMEL_WORDS = re.compile(r"(?:[A-Z][a-z]+|[A-Z]{2,}(?=[A-Z][a-z]|\d|$)|\d{1,4})+")
_CAP_WORD = re.compile(r"[A-Z][a-z]+")


def camel_identifier(core: str) -> bool:
    if not _CAMEL_WORDS.fullmatch(core):
        return False
    words = _CAP_WORD.findall(core)
    return (len(words) >= 3 and sum(map(len, words)) >= 4 * len(words)
            and all(any(v in w for v in "aeiouy") for w in words if len(w) >= 3))


def reads_random(core: str) -> bool:
    """A token that reads as generated: not a CamelCase identifier; upper and lower case and a digit (or 24+
    characters); class switches; the Shannon bar for its length (module doc)."""
    if camel_identifier(core):
        return False
    has_upper = any(c.isupper() for c in core)
    has_lower = any(c.islower() for c in core)
    has_digit = any(c.isdigit() for c in core)
    if not (has_upper and has_lower and (has_digit or len(core) >= 24)):
        return False
    if switch_rate(core) < 0.2:
        return False
    bar = min(4.0, math.log2(len(core)) - 1.0)
    return shannon(core) >= bar


# Base64 of a PEM certificate or public key (kubeconfig `certificate-authority-data` / `client-certificate-data`, a
# Kubernetes Secret's `tls.crt`, `ca.crt`): the encoded `-----BEGIN CERTIFICATE-----` / `-----BEGIN PUBLIC KEY-----`
# (RFC 7468 labels; with an optional `X509 ` / `TRUSTED ` before CERTIFICATE). Public by design (CLASSES13.md D24);
# `client-key-data`, the same shape, encodes `-----BEGIN ... PRIVATE KEY-----` and stays judged.
_PUBLIC_PEM_B64 = tuple(base64.b64encode(f"-----BEGIN {label}-----".encode()).decode()[:32] for label in (
    "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE", "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE REQUEST",
    "X509 CRL"))
_TOKEN_PARTS = re.compile(r"[-_/]+")
# A resource path alternates collection and resource id (Google AIP-122 "Resource names": `projects/<id>/topics/<id>`;
# REST APIs alike: Fastly `/service/<service_id>/purge_all`, Cloudflare `/zones/<zone_id>`, Heroku `/apps/<id>`): the
# segment after one of these collections names a resource an engineer follows (CLASSES17.md D42/D45, set 17's Fastly
# service id). Only nouns of administered resources: never a carrier of capabilities (`hooks`, `webhooks`, `bot`,
# `file`, `invite`, `share`, `reset`, `token`, `keys`, `stream`, `folders`: a Google Drive share link's
# `drive/folders/<id>` opens the folder to anyone holding it), whose next segment stays judged.
COLLECTIONS = frozenset({
    "service", "services", "project", "projects", "account", "accounts", "org", "orgs", "organization",
    "organizations", "team", "teams", "workspace", "workspaces", "zone", "zones", "site", "sites", "app", "apps",
    "application", "applications", "deployment", "deployments", "cluster", "clusters", "instance", "instances",
    "database", "databases", "bucket", "buckets", "repo", "repos", "repository", "repositories", "environment",
    "environments", "dataset", "datasets", "pipeline", "pipelines", "build", "builds", "region", "regions",
    "distribution", "distributions", "dashboard", "dashboards", "namespace", "namespaces", "tenant", "tenants",
    "customer", "customers", "subscription", "subscriptions", "location", "locations",
})
# ...but a path that names a capability makes the id in it the credential: the link IS the access (W3C TAG "Good
# Practices for Capability URLs": invitations, shared or public views, password resets, unsubscribe and confirm links,
# downloads and exports).
# `/teams/<id>/join`, `/dashboards/<id>/public`, `/public/dashboards/<id>`, `/workspaces/<id>/accept-invite`: a word of
# these anywhere in the path (its segments split at `-` and `_`, the judged id aside) keeps the id after a collection
# judged (review r16: set-17 COLLECTIONS kept them). NOT the words of an administered API's own endpoints, which a
# caller reaches with its credential in a header (Fastly `/service/<id>/version/3/activate`, `/apps/<id>/links`,
# `/accounts/<id>/view`: re-read r16) - activate, link, access, view and feed are left
# out; download and export stay (a signed download/export link is the credential: erring toward redacting).
CAPABILITY_WORDS = frozenset({
    "invite", "invites", "invitation", "invitations", "join", "share", "shared", "sharing", "shares", "public",
    "accept", "confirm", "confirmation", "verify", "verification", "reset", "unsubscribe", "download", "downloads",
    "export", "exports", "magic", "claim", "redeem",
    "approve", "unlock", "recover", "recovery", "login", "signin", "signup", "register", "auth", "token", "tokens",
    "secret", "secrets", "key", "keys", "password", "passwords", "hook", "hooks", "webhook", "webhooks", "embed",
    "guest", "anonymous", "ticket", "tickets", "opt", "optout", "optin", "preview", "calendar", "ical", "rss",
})
_WORD_SPLIT = re.compile(r"[-_.]+")


def _capability_path(parts: list[str], skip: int) -> bool:
    """A segment of the path other than `parts[skip]` holds a capability word (CAPABILITY_WORDS)."""
    return any(w.lower() in CAPABILITY_WORDS for j, p in enumerate(parts) if j != skip for w in _WORD_SPLIT.split(p))
# A BitLocker recovery (numerical) password: 48 digits in 8 groups of 6, each group a multiple of 11 whose quotient is
# below 2^16 (libbde's "BitLocker Drive Encryption (BDE) format", recovery password; manage-bde -protectors -get). The
# check is the class's own: a random run of 8 such groups passes with p = 11^-8, so no id, date or phone number does.
_BITLOCKER = re.compile(r"\d{6}(?:-\d{6}){7}")


# A systemd-cryptenroll(1) recovery key: 8 groups of 8 "modhex" characters (the YubiKey alphabet cbdefghijklnrtuv), 256
# bits; no word, id or path is made of that alphabet in that shape.
_MODHEX_KEY = re.compile(r"[cbdefghijklnrtuv]{8}(?:-[cbdefghijklnrtuv]{8}){7}")


def bitlocker_recovery(core: str) -> bool:
    return _BITLOCKER.fullmatch(core) is not None and all(int(g) % 11 == 0 and int(g) // 11 < 65536
                                                           for g in core.split("-"))


# RFC 4648 base32 in upper case, 32+ characters with digits among the letters (TOTP/HOTP shared secrets of otpauth
# URIs and authenticator exports, NATS nkey seeds `S[UAONCX]` + 56, Tor v3 `ED25519-V3:` keys' base32 kin): one case
# only, so reads_random's both-cases test never passes it. The alphabet has no 0, 1, 8 or 9, so an upper-case hex digest
# of 32+ characters (nearly always holding one) is not read as it. A NATS PUBLIC key (56 characters opening U, A, N, O,
# C, X: nkeys strkey.go) is an identity and stays.
_BASE32 = re.compile(r"[A-Z2-7]{32,}")


def _base32_secret(core: str) -> bool:
    return _BASE32.fullmatch(core) is not None and sum(c.isdigit() for c in core) >= 3 and \
        not (len(core) == 56 and core[0] in "UANOCX") and any("G" <= c <= "Z" for c in core) and shannon(core) >= 3.5


@functools.lru_cache(maxsize=4096)  # pure; ids, model names and paths repeat across lines
def is_high_entropy(tok: str) -> bool:
    """True for a token (already matched by TOKEN) that is a random credential by the rules above."""
    core = tok.strip("-_=/+")
    if len(core) == 55 and bitlocker_recovery(core) or len(core) == 71 and _MODHEX_KEY.fullmatch(core):
        return True
    if len(core) >= 32 and core.isupper() and _base32_secret(core):
        return True
    if len(core) < 20 or ID_PREFIXES.match(core) or media_base64(tok) or _TWILIO_SID.fullmatch(core) or \
            core.startswith(_PUBLIC_PEM_B64):
        return False
    parts = [p for p in _TOKEN_PARTS.split(core) if p]
    if len(parts) > 1 and all(wordlike(p) for p in parts):
        return False
    if "/" in core and any(len(p) >= 3 and p.isalpha() and p.islower() for p in core.split("/")):
        # a path or URL tail with a random segment: judge the segments, not the whole path
        return any(len(p) >= 16 and reads_random(p) and not _TWILIO_SID.fullmatch(p) for p in core.split("/")) and \
            not float_vector_base64(tok)  # (a SID is an id in a path too: `/Accounts/AC<32 hex>/Messages.json`)
    # decoded last: only a token that reads as random; an EC public point (points.py) is public by design
    return reads_random(core) and not float_vector_base64(tok) and not ec_public_point(tok)


_ESCAPE_HEAD = re.compile(r"u[0-9A-Fa-f]{4}|[nrtbf](?=[A-Z0-9])")


def redact_tokens(text: str, mark: str, encoded: Callable[[str], str | None] | None = None) -> str:
    """Replace every high-entropy token in `text` with `mark` (a path keeps its word segments).

    `encoded(tok)` first: a mark when the token is an encoding of a text that holds a secret, the token
    itself when it encodes data without one (a base64 JSON cursor). What keep.py says stays is never judged:
    a token announced as an identifier, digest, nonce or cursor, a public key, a certificate body."""
    first = TOKEN.search(text)
    if first is None:
        return text  # most texts hold no 20-character token: one scan, none of the judging below is built
    at = first.start()  # the replacing scan starts there (TOKEN's lookbehind passes at a slice's start as it did there)
    spans: list[list[tuple[int, int]]] = []  # public_spans(text), found when a token first needs it: most lines have
    # no token that reads as random, and the spans' searches (JWTs, PEM blocks, ciphertext) cost a pass each

    def in_public(start: int) -> bool:
        if not spans:
            spans.append(public_spans(text))
        return any(a <= start < b for a, b in spans[0])

    def judge(start: int, tok: str) -> str:
        head = ""
        while start > 0 and text[start - 1] == "\\" and (esc := _ESCAPE_HEAD.match(tok)) is not None:
            # `\u003eSignatureDoesNotMatch`, `\nAKIA...`: an escape (Go's JSON encoder writes `<`/`>`/`&` as
            # \u003c/\u003e/\u0026) glued to a word is not part of it; the word is judged alone. (A loop, not a
            # recursive call: a nested function that calls itself is a reference cycle, one per text, left to the
            # cyclic GC - 85,000 objects a pass over bench/redaction.py's lines.)
            if len(tok) - esc.end() < 20:
                return head + tok
            head += tok[:esc.end()]
            start, tok = start + esc.end(), tok[esc.end():]
        return head + _judged(start, tok)

    def _judged(start: int, tok: str) -> str:
        before = text[start - 1] if start else ""
        if before == ":" and _FINGERPRINT.search(text, max(0, start - 10), start) or before == "," and \
                _MEDIA_DATA_URL.search(text, max(0, start - 96), start):
            return tok  # `SHA256:uNiVzt...`, `sha-256=:...:`, `data:image/png;base64,...`: see above
        if before == "." and (head := _CUT_ID_HEAD.search(text, max(0, start - 40), start)) is not None and \
                ID_PREFIXES.match(head.group(1)):
            return tok
        if encoded is not None:
            hidden = encoded(tok)
            if hidden is not None:
                return hidden
        if not is_high_entropy(tok) or is_public(tok) or in_public(start):
            return tok
        if announced_identifier(text, start, tok):
            return tok
        core = tok.strip("-_=/+")
        if "/" in core and any(len(p) >= 3 and p.isalpha() and p.islower() for p in core.split("/")):
            parts = tok.split("/")
            return "/".join(mark if len(p) >= 16 and reads_random(p) and (
                i == 0 or parts[i - 1] not in COLLECTIONS or _capability_path(parts, i)) else p for i, p in enumerate(parts))
        return mark

    def repl(m: re.Match[str]) -> str:
        return judge(m.start() + at, m.group(0))
    return text[:at] + TOKEN.sub(repl, text[at:])
