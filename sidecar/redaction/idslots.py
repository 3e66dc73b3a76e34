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

B42 is decided by the CARRIER the id travels in, since the same vendor word names a key at one vendor and a public
id at another (round 20; round 19's rule took a voice/video SDK's App ID logged as a record's own field):
- B42, SECRET: the value travels as a credential does. A URL query parameter (after `?`, `&`, `;`, `%26`,
  `\\u0026`: Open Exchange Rates' documented `?app_id=`), an HTTP header (a hyphenated field name, `X-App-Id`, or a
  `headers` structure before it), an env assignment (an ALLCAPS name: `OXR_APP_ID=`, `export APP_ID=`), and any
  other slot (a request body, kwargs, a config dump) with no session / routing field beside it or with a credential
  word in the same line (`password`, `token`, `signature`, `client_secret`, a `[REDACTED` mark: the record is
  about authenticating, the id is read as the key it is at OXR).
- B42-R, KEEP (a record's own field): the id is one field of a log record among the fields an RTC or messaging
  SDK logs with it, and no credential word is in the line. Agora `appId` + `channel` / `channelName` / `cname` /
  `uid` (its App ID is public: the appCertificate is the secret, CLASSES18 D46), ZEGOCLOUD `appID` + `roomID` /
  `streamID`, Tencent TRTC `SDKAppID` + `roomId` / `strRoomId`, Vonage `applicationId` + `streamId`, 100ms / Daily
  `room_id` / `peer_id`, Sendbird Calls `appId` + `callId`. The evidence is such a field as a WHOLE name (before
  `=` or `:`): an RTC word alone or plus `id` / `name` (_rtc_field). Round 20 matched the words inside any name
  and took user / session / region / role / sid / connection as evidence: a 32-hex OXR key leaked beside
  `{"user": "alice"}`, `user_agent`, `connection_timeout`, under an `app.session` logger. Those are any web app's
  fields (an RTC record carries them too, beside its own); the logger name (`app.session:`, `INFO channel:`) is
  no field; a bare `stream` is Docker json-file's envelope (`"stream":"stderr"`) and an httpx kwarg. The keep side
  needs this positive evidence: without it, the safe side (B42) stands, whatever the carrier (kwargs, config
  dump, JSON body).
Generated both sides: tests/security/record_ids_gen.py (test_record_app_ids.py).

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
from .secret_names import is_secret_name, name_words

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


# An RTC record's OWN fields, matched as WHOLE names (round 20: words matched inside any name kept a 32-hex OXR key
# beside `user`, `user_agent`, `connection_timeout`, `session_id`, or under an `app.session` logger). A word of _RTC
# names such a field alone (`channel`, `uid`, `room`) or with an id / name tail (`channelName`, `roomID`, `peer_id`);
# _RTC_TAILED only with the tail (`callId`, `streamID`: a bare `stream` is Docker json-file's envelope and an httpx
# kwarg, a bare `peer` an address). `str` / `remote` / `local` lead TRTC's `strRoomId` and Agora's `remoteUid`.
# user / session / connection / region / role / sid are any web app's fields: never evidence alone.
_RTC = frozenset({"channel", "cname", "room", "uid", "meeting", "conference", "participant"})
_RTC_TAILED = frozenset({"call", "peer", "stream"}) | _RTC
_RTC_TAIL = frozenset({"id", "name"})
_RTC_LEAD = frozenset({"str", "remote", "local"})
# a name before `:` / `=`; `.` in the lookbehind: the logger name (`app.session:`) is no field
_FIELD = re.compile(r"(?<![A-Za-z0-9_.])([A-Za-z][A-Za-z0-9_-]{0,40})(?:\\{0,3}[\"'])?[ \t]*[:=]")
# `%(levelname)s %(name)s:` - a logger name with no dot (`INFO channel: ...`) is no field either
_LEVEL_BEFORE = re.compile(r"(?:DEBUG|INFO|WARN|WARNING|ERROR|CRITICAL|FATAL)[ \t]+$")


def _rtc_field(name: str) -> bool:
    words = name_words(name)
    if words[:1] and words[0] in _RTC_LEAD and len(words) > 1:
        words = words[1:]
    if len(words) == 1:
        return words[0] in _RTC
    return len(words) == 2 and words[0] in _RTC_TAILED and words[1] in _RTC_TAIL


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_-]{1,60}")
_QUERY_BEFORE = re.compile(r"(?:[?&;]|%26|%3[fF]|\\u0026|&amp;)$")
_HEADERS_BEFORE = re.compile(r"(?i)headers?\b")


def _credential_carrier(text: str, lo: int, hi: int, m: re.Match[str]) -> bool:
    """B42 (above): a query, header or env carrier, or a line with a credential word or no routing field."""
    name = m.group("name")
    if "-" in name or name.isupper() or _QUERY_BEFORE.search(text, max(lo, m.start() - 6), m.start()) is not None:
        return True
    line = text[lo:hi]
    if _HEADERS_BEFORE.search(line, 0, m.start() - lo) is not None or "[REDACTED" in line:
        return True
    if any(is_secret_name(w.group(0)) for w in _WORD.finditer(line)):
        return True
    for f in _FIELD.finditer(line):
        if _rtc_field(f.group(1)) and _LEVEL_BEFORE.search(line, max(0, f.start() - 10), f.start()) is None:
            return False
    return True


def app_id(mark: str) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        text = m.string
        lo = text.rfind("\n", 0, m.start()) + 1
        hi = text.find("\n", m.end())
        hi = len(text) if hi < 0 else hi
        if _APP_SIBLING.search(text, lo, hi) is not None or not _keyish(m.group("val"), 32):
            return m.group(0)
        if not _credential_carrier(text, lo, hi, m):
            return m.group(0)
        return m.group(0)[:m.start("val") - m.start()] + mark
    return repl


PATH_KEY_HINTS = ("/api/", "/v0", "/v1", "/v2", "/v3", "/v4", "/v5", "/v6", "/v7", "/v8", "/v9")
PATH_KEY = re.compile(r"(?<=/)(?P<pre>(?:api|v[0-9]{1,2})/(?:v[0-9]{1,2}/)?)(?!\[REDACTED:)(?P<val>[0-9A-Za-z_~.-]{20,128})"
                      r"(?=[/?#'\"\s)\\]|$)")
PATH_KEY_SEAM = re.compile(r"/(?:api|v[0-9]{1,2})/")


def path_key(mark: str) -> Callable[[re.Match[str]], str]:
    return lambda m: m.group("pre") + mark if _keyish(m.group("val"), 24) else m.group(0)
