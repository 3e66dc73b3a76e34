"""Webhook signing: Standard Webhooks (standardwebhooks.com) for every webhook the sidecar sends.

Rollout hooks and webhook alert receivers are signed the same way, by the `standardwebhooks`
package, so a receiver verifies with any Standard Webhooks library (`Webhook(secret).verify(body,
headers)`). Each request carries `webhook-id` (the same on every retry of one message),
`webhook-timestamp` (epoch seconds of this attempt: a retry hours later still verifies inside the
receiver's 5-minute tolerance) and `webhook-signature: v1,<base64 HMAC-SHA256 of
"<id>.<timestamp>.<body>">`.

Secrets: `whsec_<base64>` is the Standard Webhooks form and is base64-decoded into the key, as
every Standard Webhooks library does. Any other string (the secrets configured before this
scheme) is used as its UTF-8 bytes, so existing configs keep working; the receiver's equivalent
secret is `receiver_secret(s)` = `"whsec_" + base64(s)`.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from standardwebhooks import Webhook

from .exceptions import SidecarError

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
PREFIX = "whsec_"


class SigningSecretError(SidecarError, ValueError):
    """A configured signing secret cannot be used (empty, or `whsec_` followed by invalid base64)."""


def signing_key(secret: str) -> bytes:
    """The HMAC key a secret stands for (see the module docstring for the mapping)."""
    if secret.startswith(PREFIX):
        encoded = secret[len(PREFIX):]
        try:
            # validate=True: the library's own decoder silently drops non-base64 characters, which
            # would turn a typo into a different key instead of an error.
            key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except (binascii.Error, ValueError):
            raise SigningSecretError("a whsec_ secret must be followed by base64") from None
    else:
        key = secret.encode()
    if not key:
        raise SigningSecretError("a signing secret must not be empty")
    return key


def check_secret(secret: str) -> str:
    """Config validator: fail at load time, not at the first delivery."""
    signing_key(secret)
    return secret


def receiver_secret(secret: str) -> str:
    """The `whsec_` form a receiver configures in its Standard Webhooks library."""
    return PREFIX + base64.b64encode(signing_key(secret)).decode()


def sign_headers(secret: str, message_id: str, timestamp: float, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt at sending `body`."""
    at = datetime.fromtimestamp(int(timestamp), UTC)
    signature = Webhook(signing_key(secret)).sign(message_id, at, body)
    return {ID_HEADER: message_id, TIMESTAMP_HEADER: str(int(timestamp)), SIGNATURE_HEADER: signature}
