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


def signature_spans(text: str) -> list[tuple[int, int]]:
    """Where versioned webhook signature lists are (the entropy fallback leaves them)."""
    out = []
    for n in _SIGNED.finditer(text):
        m = SIGNATURE_VALUE.match(text, n.end())
        if m is not None:
            out.append(m.span())
    return out
