"""One delivery's webhook signature: a MAC of ONE message, kept (CLASSES19.md D52 "one request's signature vs the
signing secret"; set 18's must-keep twins were a Svix and a Stripe signature header).

A webhook sender signs each delivery with its secret and sends the MAC in a header; the MAC authenticates that one
body at that one timestamp and cannot be turned back into the secret (HMAC-SHA256) nor replayed past the receiver's
tolerance window. An engineer debugging "signature mismatch" needs it. The secret itself (`whsec_...`, a signing key)
is named and shaped differently and stays redacted by the format and name rules.

The grammar, from each sender's docs - a list of VERSIONED or TIMESTAMPED MACs, never a bare value:
- Standard Webhooks spec (Svix, and senders that use it: Clerk, Resend, Supabase, Replicate, this sidecar's own
  signing.py): `webhook-signature: v1,<base64 HMAC> v1a,<base64 ed25519 sig>` - space-separated `<version>,<sig>`.
- Stripe ("Verify webhook signatures"): `Stripe-Signature: t=<unix>,v1=<hex>,v0=<hex>`.
- Paddle Billing ("Verify webhook signatures"): `Paddle-Signature: ts=<unix>;h1=<hex>`.
- Slack ("Verifying requests from Slack"): `X-Slack-Signature: v0=<hex>`.
- GitHub ("Validating webhook deliveries"): `X-Hub-Signature-256: sha256=<hex>` (legacy `X-Hub-Signature: sha1=`).
A bare base64 value after a `Signature` name (Twilio's `X-Twilio-Signature`, botocore's SigV4 line) carries no
version tag and stays judged as before: the grammar, not the word `signature`, decides.

A bare MAC is kept too when its record binds it to ONE request by a timestamp or a nonce sent beside it (CLASSES20 D55):
Sumsub `X-App-Access-Sig` + `X-App-Access-Ts` (HMAC-SHA256 of ts + method + path + body, Sumsub API "Authentication"),
OAuth 1.0a `oauth_signature` + `oauth_timestamp`/`oauth_nonce` (RFC 5849 3.3-3.4), Expedia Rapid `EAN APIKey=..,
Signature=..,timestamp=..`. The binding field must be in the same line; a signature with none beside it (Twilio,
Veriff's `X-HMAC-SIGNATURE` alone) stays judged. A presigned URL's `X-Amz-Signature`/`sig` is a capability, not one
request's MAC: the query rule marks it before any name rule reads it (carriers.SECRET_QUERY).
"""

from __future__ import annotations

import re

_B64 = r"[A-Za-z0-9+/]{20,}={0,2}"
_HEX = r"[0-9a-fA-F]{32,128}"
_TAGGED = r"(?:v\d{1,2}|h\d|sha(?:1|256|512))=(?:" + _HEX + r"|" + _B64 + r")"
# the whole value, anchored where a name rule reads it
SIGNATURE_VALUE = re.compile(
    r"v\d{1,2}[a-z]?," + _B64 + r"(?: v\d{1,2}[a-z]?," + _B64 + r")*(?![A-Za-z0-9+/=])"
    r"|(?:ts?=\d{9,11}[,;])?" + _TAGGED + r"(?:[,;](?:" + _TAGGED + r"|ts?=\d{9,11}))*(?![A-Za-z0-9+/=])")
# a `...signature...` name, its separator, an optional quote, then the value
_SIGNED = re.compile(r"(?i:signature(?:-256)?)\\{0,3}[\"']?[ \t]*[:=][ \t]*\\{0,3}[\"']?(?=[vhts])")


def signature_at(text: str, pos: int) -> bool:
    """True when the value at `pos` is a versioned webhook signature list after a `signature` name."""
    if SIGNATURE_VALUE.match(text, pos) is None:
        return False
    return any(n.end() == pos for n in _SIGNED.finditer(text, max(0, pos - 40), pos + 1))


_BOUND_MAC = re.compile(r"(?:[0-9a-fA-F]{32,128}|[A-Za-z0-9+/_-]{20,}(?:={0,2}|(?:%3[dD]){1,2}))(?![A-Za-z0-9+/=%_-])")
# a name ending in `sig` / `signature` (`X-App-Access-Sig`, `oauth_signature`, `Signature`), its separator, perhaps a
# quote: _SIG_FIELD finds every one in a text, _SIG_NAME the one ending where a value starts (one source, two anchors)
_SIG_FIELD_RX = r"(?i:sig(?:nature)?)\\{0,3}[\"']?[ \t]*[:=][ \t]*\\{0,3}[\"']?"
_SIG_FIELD = re.compile(_SIG_FIELD_RX)
_SIG_NAME = re.compile(_SIG_FIELD_RX + "$")
_SIG_NAME_START = re.compile(r"[\w-]+$")
# The request's binding (review r18): a timestamp or nonce field that is the SAME header or parameter family as the
# signature - its name is the signature's name with `ts`/`timestamp`/`nonce` in place of `sig`/`signature`
# (`X-App-Access-Sig` + `X-App-Access-Ts`, `oauth_signature` + `oauth_nonce`/`oauth_timestamp`), anywhere in the line -
# or, for a bare `sig`/`Signature` name, the very next field of its own `,`/`;` list (Expedia Rapid's `EAN
# APIKey=..,Signature=<sig>,timestamp=<ts>`, a JSON object's `"sig": .., "ts": ..`). Any `ts`/`timestamp` elsewhere in
# the line binds nothing: a structured log's own leading `timestamp`/`ts=` field is on nearly every record, and a
# `X-Twilio-Signature: <v> ts=1` or a logfmt `ts=... sig=<v>` is no bound pair. The prefix is a literal (no `[\w-]*`
# run to backtrack over `____`), and the list check is anchored at the value's end.
_BINDING_WORD = r"(?:timestamp|ts|nonce)\\{0,3}[\"']?[ \t]*[:=]"
_NEXT_BINDING = re.compile(r"\\{0,3}[\"']?[ \t]*[,;][ \t]*\\{0,3}[\"']?(?i:" + _BINDING_WORD + ")")
_PREFIX_CHAR = re.compile(r"[A-Za-z0-9]")
_LINE = 400
# `signature\\": \\"` (a JSON string inside a JSON string) is 15 characters before the value: the window holds it
_SIG_NAME_WINDOW = 24


_BINDING = re.compile(r"(?i)" + _BINDING_WORD)


def _prefixed_binding(text: str, prefix: str, lo: int, hi: int) -> bool:
    """A binding word in [lo, hi) right after `prefix` (any case) that starts a name: the signature's own family.
    (One compiled pattern for every prefix; before, a pattern was compiled per call with the prefix in it.)"""
    want = prefix.lower()
    for b in _BINDING.finditer(text, lo, hi):
        start = b.start() - len(prefix)
        if start >= lo and text[start:b.start()].lower() == want and (
                start == 0 or _PREFIX_CHAR.match(text, start - 1) is None):
            return True
    return False


def _bound_mac(text: str, pos: int) -> re.Match[str] | None:
    """The bare MAC at `pos` after a `...sig`/`...signature` name bound to one request by its own timestamp or nonce
    field (module doc, _NEXT_BINDING), else None."""
    mac = _BOUND_MAC.match(text, pos)
    if mac is None or (sig := _SIG_NAME.search(text, max(0, pos - _SIG_NAME_WINDOW), pos)) is None:
        return None
    head = _SIG_NAME_START.search(text, max(0, pos - 60), sig.start())
    prefix = head.group(0) if head else ""
    if any(w in prefix.lower() for w in ("secret", "key", "token", "pass")):
        return None  # `signing_secret`, `signature_key`: the signing secret itself
    if _PREFIX_CHAR.search(prefix) is None:  # a bare `sig` / `Signature`: only the next field of its list binds it
        return mac if _NEXT_BINDING.match(text, mac.end()) is not None else None
    lo = max(text.rfind("\n", 0, pos) + 1, pos - _LINE)
    hi = text.find("\n", pos)
    hi = min(len(text) if hi < 0 else hi, pos + _LINE)
    return mac if _prefixed_binding(text, prefix, lo, hi) else None


def bound_signature_at(text: str, pos: int) -> bool:
    """True when the value at `pos` is a bare MAC bound to one request (_bound_mac)."""
    return _bound_mac(text, pos) is not None


def signature_spans(text: str, low: str) -> list[tuple[int, int]]:
    """Where versioned webhook signature lists and bound MACs are (the entropy fallback leaves them). `low`: the
    caller's `text.lower()` (keep.public_spans lowers the text once for both)."""
    out = []
    for n in _SIGNED.finditer(text):
        m = SIGNATURE_VALUE.match(text, n.end())
        if m is not None:
            out.append(m.span())
    if "ts" in low or "nonce" in low or "timestamp" in low:  # (every binding holds one)
        for n in _SIG_FIELD.finditer(text):
            if (mac := _bound_mac(text, n.end())) is not None:
                out.append(mac.span())
    return out
