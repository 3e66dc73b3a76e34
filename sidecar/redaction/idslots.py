"""Secrets in slots whose words say IDENTIFIER or ROUTE, not secret (CLASSES21.md B42, B43).

B42, a secret under a name that says `id`: Open Exchange Rates calls its API key `app_id` (docs: "App ID ... your
unique App ID, required for all API requests"), while Edamam's and Nutritionix's `app_id` / `x-app-id` are the public
half beside an `app_key` (8 hex). The name alone cannot decide; the class text gives the two clues and both are read:
- the VALUE's shape: 32+ hex digits (a 128-bit random key; an application id is short: Edamam/Nutritionix 8 hex,
  Facebook 15-16 digits, Algolia 10 upper) or 32+ characters that read as generated. A UUID stays an id (Azure AD
  `appId`, OneSignal `app_id`: dashed UUIDs are the identifiers of their directories).
- the SIBLING: an `app_key` / `app_secret` / `app_token` / `appCertificate` (any case and separator) on the same line
  makes this `app_id` the public half of a pair, kept whatever its shape (Agora's 32-hex `appId` beside its
  `appCertificate`: CLASSES18 D46).
Only the spellings of `app id` (`app_id`, `appId`, `APP_ID`, `x-app-id`, `appid`, with any prefix words:
`OXR_APP_ID`); `application_id` (AWS Pinpoint's 32-hex ApplicationId is an identifier) and `client_id` are not read.

B43, a key as a URL PATH segment on any host: ExchangeRate-API `/v6/<key>/latest/USD`, Philips Hue CLIP v1
`/api/<application key>/lights`, Nanoleaf `/api/v1/<auth token>/state`, Alchemy-like `/v2/<key>` (RFC 3986 3.3 puts
no meaning in segments; the route's fixed segments are the label). The grammar: the segment right after a route's
ROOT (`api`, a version `v<N>`, or `api/v<N>`), where REST puts a collection name, holds a value that reads as a key
(24+ hex with letters and digits, or generated), followed by another segment, a query, or the URL's end. An object
id comes after its collection's noun (`/orders/<id>`) and stays; a UUID right after the root stays (an object id's
shape); so does a word (`/api/v1/users`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .names import QUOTE
from .providers import generated

APP_ID_HINTS = ("appid", "app_id", "app-id")  # (hints are matched on the lowered text: `appId`, `APP_ID` included)
APP_ID = re.compile(
    r"(?<![A-Za-z0-9])(?P<name>(?:[A-Za-z0-9]{1,40}[_-]){0,4}(?i:app[_-]?id))(?:" + QUOTE + r")?[ \t]*(?:[:=]|%3[dD]"
    r"|\\{1,3}u003[dD])[ \t]*(?:" + QUOTE + r")?(?!\[REDACTED:)(?P<val>[0-9A-Za-z_-]{32,128})(?![0-9A-Za-z_-])")
_APP_SIBLING = re.compile(r"(?i)app[_-]?(?:key|secret|cert(?:ificate)?|token)")
_HEX = re.compile(r"[0-9a-fA-F]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


def _keyish(val: str, min_hex: int) -> bool:
    if _UUID.fullmatch(val):
        return False
    if _HEX.fullmatch(val):
        return len(val) >= min_hex and not val.isdigit() and any(c.isdigit() for c in val)
    return generated(val)


def app_id(mark: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        text = m.string
        lo = text.rfind("\n", 0, m.start()) + 1
        hi = text.find("\n", m.end())
        if _APP_SIBLING.search(text, lo, len(text) if hi < 0 else hi) is not None or not _keyish(m.group("val"), 32):
            return m.group(0)
        return m.group(0)[:m.start("val") - m.start()] + mark
    return repl


PATH_KEY_HINTS = ("/api/", "/v0", "/v1", "/v2", "/v3", "/v4", "/v5", "/v6", "/v7", "/v8", "/v9")
PATH_KEY = re.compile(r"(?<=/)(?P<pre>(?:api|v[0-9]{1,2})/(?:v[0-9]{1,2}/)?)(?!\[REDACTED:)(?P<val>[0-9A-Za-z_~.-]{20,128})"
                      r"(?=[/?#'\"\s)\\]|$)")
PATH_KEY_SEAM = re.compile(r"/(?:api|v[0-9]{1,2})/")


def path_key(mark: str) -> Callable[[re.Match[str]], str]:
    return lambda m: m.group("pre") + mark if _keyish(m.group("val"), 24) else m.group(0)
