"""Client-side keys of feature-flag and experimentation vendors: documented as safe in a browser or a mobile app
(CLASSES16.md D38), issued beside a SERVER key of a similar shape that stays secret (A104, C36).

Each vendor marks the public half its own way, so each is read by that mark, and the server twin by its own:
- Statsig: client SDK keys start `client-`, server secrets `secret-` (Statsig docs "API keys").
- GrowthBook: SDK connection client keys are `sdk-` + a short alphanumeric id (GrowthBook docs "SDK connections":
  the client key is public); LaunchDarkly's SERVER SDK key is `sdk-<uuid>` (hyphens inside): not this shape.
- LaunchDarkly: the client-side ID (24 hex) is "not secret" (LaunchDarkly docs "Keys"), named client-side ID
  (`clientSideID`, `LD_CLIENT_SIDE_ID`); the `mob-` key is left judged.
- Unleash: frontend tokens `<project>:<environment>.<hex>` are meant for browsers (Unleash docs "Frontend API");
  backend and admin tokens have the same shape, so only a name that says frontend (`UNLEASH_FRONTEND_TOKEN`,
  `frontendApiToken`) or the browser SDK's `clientKey` option (unleash-proxy-client, GrowthBook's JS SDK) keeps one.
- Flagsmith: client-side environment keys are public; server-side keys start `ser.` (Flagsmith docs "SDK keys"): an
  environment id or key without `ser.`, named so (`environmentID`, `FLAGSMITH_ENVIRONMENT_KEY`), is the public one.
PostHog `phc_` is in keep.PUBLIC_PREFIXES already.

The same holds for the id half of a vendor's key PAIR whose own format marks it (CLASSES17.md D42):
- LiveKit: an API key is `API` + 12 characters (livekit/protocol utils/guid/id.go: `APIKeyPrefix = "API"`, `Size = 12`,
  shortuuid's base57 alphabet; read as base62, as keys are also written by hand) and names the key: it is the `iss` of
  every access token the server hands to clients; the API secret (32 random bytes in base62, utils/secret.go) signs.
  The shape alone does not make it public (any value can be pasted anywhere, and `signing_key=API...` is what a
  secret under a signing name looks like): it is kept only where the words before it name the key's id - `api key`
  (`LIVEKIT_API_KEY`, `apiKey`, LiveKit's own `API Key:` output), `key id`, `iss`/`issuer`/`kid` - and never when a
  secret, signing, private, server, admin or password word is among the last three (livekit_judged; review r16).
"""

from __future__ import annotations

import re

from .secret_names import PASSWORD_WORDS, name_words

_SHAPED = re.compile(r"client-[A-Za-z0-9]{20,64}|sdk-[A-Za-z0-9]{6,32}")
_UNLEASH = re.compile(r"[\w*-]{1,64}:[\w*-]{1,64}\.[0-9a-f]{32,64}")
_HEX24 = re.compile(r"[0-9a-f]{24}")
_LIVEKIT_KEY = re.compile(r"API[A-Za-z0-9]{12}")
_FLAGSMITH_CLIENT = re.compile(r"(?!ser\.)[A-Za-z0-9]{18,26}")


def public_client_key(value: str) -> bool:
    """A key whose own prefix says it is a vendor's client-side key (Statsig `client-`, GrowthBook `sdk-<id>`) or the id
    half of its key pair (LiveKit `API<12>`)."""
    if value.startswith("API"):
        return _LIVEKIT_KEY.fullmatch(value) is not None
    return value.startswith(("client-", "sdk-")) and _SHAPED.fullmatch(value) is not None


_PHRASE_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_NOT_ID_WORDS = frozenset({"secret", "secrets", "signing", "sign", "signer", "signature", "private", "priv", "server",
                           "admin", "hmac", "encryption", "master", "root"}) | PASSWORD_WORDS
_ID_NAMES = (["api", "key"], ["api", "keys"], ["key", "id"], ["keys", "id"])


def livekit_named_id(before: str) -> bool:
    """The words just before a LiveKit `API<12>` value (at most 48 characters, its own line) name the key's id."""
    line = re.split(r"\n|\\n", before[-48:])[-1]
    words = [w for tok in _PHRASE_WORD.findall(line) for w in name_words(tok)]
    while words and words[-1] in ("is", "was", "set", "to"):  # `the new api key is: API...`
        words.pop()
    last = words[-3:]
    return _NOT_ID_WORDS.isdisjoint(last) and (last[-2:] in _ID_NAMES or last[-1:] in (
        ["iss"], ["issuer"], ["kid"], ["apikey"], ["keyid"]))


def livekit_judged(text: str, pos: int, value: str) -> bool:
    """A LiveKit key-id shape (public_client_key keeps it) that the name before it does not mark as the key's id: the
    value stays judged like any other (module doc)."""
    v = value.strip().strip("\"'`")
    return v.startswith("API") and _LIVEKIT_KEY.fullmatch(v) is not None and \
        not livekit_named_id(text[max(0, pos - 48):pos])


def named_shape(value: str) -> bool:
    """The value has a shape `public_by_name` can keep (read first: the name costs a backward scan)."""
    v = value.strip("\"'")
    return bool(_HEX24.fullmatch(v) or _UNLEASH.fullmatch(v) or _FLAGSMITH_CLIENT.fullmatch(v))


def public_by_name(name: str | None, value: str) -> bool:
    """A client-side key the NAME before it marks as the public half (LaunchDarkly client-side ID, Unleash frontend
    token or browser `clientKey`, Flagsmith environment key without `ser.`)."""
    if not name:
        return False
    v = value.strip("\"'")
    words = name_words(name)
    if "server" in words or "secret" in words or "admin" in words:
        return False
    if _HEX24.fullmatch(v) and "client" in words and "side" in words:
        return True
    if _UNLEASH.fullmatch(v):
        return "frontend" in words or name.endswith("clientKey")
    return "environment" in words and words[-1] in ("id", "key") and _FLAGSMITH_CLIENT.fullmatch(v) is not None
