"""Generators for B42's two sides by CARRIER (idslots.py): an application id named like `app_id` is a SECRET when it
travels as a credential does (URL query, HTTP header, env assignment, a request body / kwargs / config dump beside
credential fields: Open Exchange Rates' `app_id` is its API key), and an IDENTIFIER when it is a log record's own
field among session / routing fields with no credential word in the line (a voice/video SDK's public App ID logged
beside the channel, uid, room and session it joined: Agora `appId` + `channel` / `uid`, ZEGOCLOUD `appID` + `roomID`
/ `userID` / `streamID`, Tencent TRTC `sdkAppId` + `roomId` / `userId`, Vonage `applicationId` + `sessionId`, 100ms /
Daily `room_id` + `peer_id`, Sendbird Calls `appId` + `callId`).

Written from the vendors' documented field names and the carrier grammar, never from a held-out set. Spellings
(appId / app_id / AppID / appid / applicationId / clientId ...), value shapes (32 hex, UUID, base62) and the four log
shapes of the sets (text record, `json.dumps` line, Docker json-file record, Python traceback) all vary.

    PYTHONPATH=$PWD python -m tests.security.record_ids_gen --seeds 4200-4205 [--show B42_CARRIED]
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable
from urllib.parse import quote

Planting = tuple[str, str]
_AN = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"


def _s(r: random.Random, n: int, alphabet: str) -> str:
    while True:
        v = "".join(r.choice(alphabet) for _ in range(n))
        if any(c.isdigit() for c in v) and any(c.isalpha() for c in v) and (
                alphabet != _AN or (any(c.isupper() for c in v) and any(c.islower() for c in v))):
            return v


def _uuid(r: random.Random) -> str:
    return "-".join(_s(r, n, _HEX) for n in (8, 4, 4, 4, 12))


def _secret_value(r: random.Random) -> str:
    """A key's shapes (a UUID under `app_id` is an identifier's shape, idslots._keyish: not a secret plant)."""
    return r.choice((_s(r, 32, _HEX), _s(r, 40, _HEX), _s(r, 32, _AN), _s(r, 40, _AN)))


def _id_value(r: random.Random) -> str:
    return r.choice((_s(r, 32, _HEX), _uuid(r), _s(r, 32, _AN), _s(r, 22, _AN)))


# ---- the four log shapes -----------------------------------------------------------------------------------------

def _shape(r: random.Random, text: str, logger: str = "agent.rtc") -> str:
    k = r.randrange(4)
    if k == 0:
        return f"2026-12-07 10:11:12,345 {r.choice(('INFO', 'WARNING', 'ERROR'))} {logger}: {text}"
    if k == 1:
        return json.dumps({"level": "info", "logger": logger, "msg": text})
    if k == 2:
        body = json.dumps({"log": text + "\n", "stream": "stderr", "time": "2026-12-07T10:11:12.345678901Z"},
                          ensure_ascii=False, separators=(",", ":"))
        return body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    exc = r.choice(("RuntimeError", "rtc.errors.JoinChannelError", "ValueError", "ConnectionError"))
    return ("Traceback (most recent call last):\n  File \"/app/agent/rtc.py\", line 57, in join\n"
            "    self._engine.join(**opts)\n  File \"/app/agent/engine.py\", line 112, in join\n"
            f"    raise {exc.rsplit('.', 1)[-1]}(msg)\n{exc}: {text}")


# ---- the keep side: a record's own field among session / routing fields -----------------------------------------

# (id spellings, the SDK's own record fields, generic fields its records also carry) from the vendors' docs and SDK
# log lines. The record fields are WHOLE names (an RTC word alone or plus id / name: channel, channelName, uid,
# roomID, streamID, callId, peer_id); a record always holds one: user / session / region / role / sid are any web
# app's fields and are drawn only beside one (the secret side, generic_app_id, draws them alone).
_SDKS: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (("appId", "app_id", "appid", "AppID"), ("channel", "channelName", "uid", "cname"), ("role", "region", "sid")),  # Agora
    (("appID", "app_id", "AppId"), ("roomID", "streamID", "room_id"), ("userID", "user_id")),  # ZEGOCLOUD
    (("sdkAppId", "SDKAppID", "app_id"), ("roomId", "strRoomId"), ("userId", "role")),  # Tencent TRTC
    (("applicationId", "application_id", "appId"), ("streamId", "stream_id"), ("sessionId", "connectionId")),  # Vonage
    (("app_id", "appId", "client_id"), ("room_id", "peer_id", "room", "meeting_id"), ("session_id", "region")),  # 100ms / Daily
    (("appId", "application_id", "clientId"), ("callId", "call_id", "participant_id"), ("userId", "call_type")),  # Sendbird / Stream
)
_ROUTE_VALUES = ("lobby", "room-42", "support-7f", "1001", "48213", "us-east-1", "ap-sg", "host", "audience",
                 "s-8f2a91", "call_7Qd2", "stream-main", "0")
_MSGS = ("joined", "join ok", "leave", "rejoin after network change", "first remote frame", "publish ok",
         "connection state CONNECTED", "remote user offline", "quality report", "join failed code=17")


def _record_fields(r: random.Random, spelling: str, v: str, own: tuple[str, ...], generic: tuple[str, ...]
                   ) -> list[tuple[str, str]]:
    names = r.sample(own, r.randint(1, min(2, len(own)))) + r.sample(generic, r.randint(0, len(generic)))
    fields = [(name, r.choice(_ROUTE_VALUES)) for name in names]
    r.shuffle(fields)
    fields.insert(r.randint(0, len(fields)), (spelling, v))
    return fields


def record_app_id(r: random.Random) -> Planting:
    """A public SDK app id as the record's own field, beside the channel / uid / room / session it is about."""
    spellings, own, generic = r.choice(_SDKS)
    v = _id_value(r)
    fields = _record_fields(r, r.choice(spellings), v, own, generic)
    msg = r.choice(_MSGS)
    k = r.randrange(4)
    if k == 0:  # logfmt / key=value text record
        text = msg + " " + " ".join(f"{n}={w}" for n, w in fields)
    elif k == 1:  # `name: value,` prose fields
        text = msg + ": " + ", ".join(f"{n}: {w}" for n, w in fields)
    elif k == 2:  # a structured (JSON) record's own keys: the record IS the dict
        text = json.dumps({"event": msg, **dict(fields)})
        if r.random() < 0.5:
            return json.dumps({"level": "info", "logger": "agent.rtc", "msg": msg, **dict(fields)}), v
    else:  # a Python dict / repr of the record's extra fields
        text = f"{msg} extra={dict(fields)!r}"
    return _shape(r, text), v


# ---- the secret side: a credential's carriers --------------------------------------------------------------------

_APP = ("app_id", "appId", "appid", "AppID")
_CREDENTIAL_FIELDS = ("password", "token", "auth_token", "signature", "private_key", "access_token", "client_secret")
_QUERY_ERR = (
    "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: {u}",
    "httpx.HTTPStatusError: Client error '403 Forbidden' for url '{u}'",
    "aiohttp.client_exceptions.ClientResponseError: 429, message='Too Many Requests', url=URL('{u}')",
    "GET {u} -> 401",
)
_HOSTS = ("openexchangerates.org/api/latest.json", "api.example-fx.io/v1/rates", "rtc-gw.internal:8080/v1/join",
          "api.vendor-x.com/quote")


def carried_app_id(r: random.Random) -> Planting:
    """`app_id` in a credential's carrier: query (also beside routing params), header, env, a body with credentials."""
    v = _secret_value(r)
    k = r.randrange(5)
    if k == 0:  # URL query, routing params beside it do not make it a record field
        params = [f"{n}={w}" for n, w in r.sample((("channel", "lobby"), ("uid", "1001"), ("base", "USD"),
                                                   ("region", "us"), ("room_id", "r-42")), r.randint(0, 3))]
        params.insert(r.randint(0, len(params)), f"{r.choice(_APP)}={v if r.random() < 0.85 else quote(v)}")
        text = r.choice(_QUERY_ERR).format(u=f"https://{r.choice(_HOSTS)}?" + "&".join(params))
    elif k == 1:  # an HTTP header
        name = r.choice(("X-App-Id", "x-app-id", "X-App-ID", "App-Id"))
        text = r.choice((f"{name}: {v}", "request headers={" + repr(name) + ": " + repr(v) + ", 'X-Channel': 'lobby'}",
                         f"+ curl -sS -H '{name}: {v}' https://api.example.com/v1/rates"))
    elif k == 2:  # an env assignment
        name = r.choice(("OXR_APP_ID", "APP_ID", "FX_APP_ID", "AGORA_APP_ID"))
        lines = sorted([f"{name}={v}", "HOME=/app", "REGION=us-east-1", "CHANNEL=lobby", "PORT=8080"])
        text = r.choice(("env dump: " + " ".join(lines), "os.environ: " + repr(dict(x.split("=", 1) for x in lines)),
                         f"+ export {name}={v}"))
    else:  # a request body / kwargs / config dump beside credential fields (routing fields too, sometimes)
        fields: dict[str, object] = {r.choice(_APP): v, r.choice(_CREDENTIAL_FIELDS): "[REDACTED]"}
        if r.random() < 0.6:
            fields.update({"channel": "lobby", "uid": 1001, "region": "us"})
        items = list(fields.items())
        r.shuffle(items)
        d = dict(items)
        text = r.choice((f"POST body {json.dumps(d)}", f"Client({', '.join(f'{n}={w!r}' for n, w in d.items())}) failed",
                         f"config={d!r}", " ".join(f"{n}={w}" for n, w in d.items())))
    return _shape(r, text), v


# Generic fields any web app logs beside an API key it calls with (no credential word, no RTC record field): the
# words of the RTC fields too, as whole names (`user`, `session`, `region`, `role`, `sid`) and inside other names
# (`user_agent`, `connection_timeout`, `call_timeout`, `callback_url`; `stream=True` is a requests / httpx kwarg).
_GENERIC = (("user", "alice"), ("user_id", 42), ("userId", "u-77"), ("username", "svc-fx"), ("user_agent", "fx/1.0"),
            ("userAgent", "python-httpx/0.27"), ("region", "us-east-1"), ("role", "admin"), ("sid", "a81f"),
            ("session", "s-81"), ("session_id", "9c1e"), ("sessionId", "s-2"), ("connection", "keep-alive"),
            ("connection_timeout", 5), ("connectTimeout", 3.0), ("session_ttl", 300), ("call_timeout", 30),
            ("callback_url", "https://hooks.example.com/fx"), ("stream", True), ("base", "USD"),
            ("symbols", "EUR,GBP"), ("timeout", 10), ("retries", 3), ("status", 401), ("request_id", "req-5d1"),
            ("env", "prod"), ("host", "openexchangerates.org"), ("roleArn", "arn:aws:iam::1:role/fx"))
_LOGGERS = ("app.session", "fx.user", "gw.connection", "api.region", "billing.role", "rtc.channel", "agent.room",
            "fx.rates", "session", "channel")
_FX_MSGS = ("fx call failed", "rates fetch", "latest.json failed with 401", "retrying quote", "quote ok",
            "convert USD->EUR", "historical rates request")


def generic_app_id(r: random.Random) -> Planting:
    """`app_id` (a key at Open Exchange Rates) beside generic fields only, no credential word in the line: a kwargs
    repr, a config dump, a JSON body, logfmt, prose fields, a JSON record; the logger name says session / channel."""
    v = _secret_value(r)
    d: dict[str, object] = dict(r.sample(_GENERIC, r.randint(1, 4)))
    items = list(d.items())
    # (`applicationId` is not an app-id spelling idslots reads: AWS Pinpoint's 32-hex ApplicationId is an identifier)
    items.insert(r.randint(0, len(items)), (r.choice(_APP + ("AppId", "appID")), v))
    d = dict(items)
    msg = r.choice(_FX_MSGS)
    k = r.randrange(6)
    if k == 0:
        text = f"{r.choice(('Client', 'OXRClient', 'fx.Client', 'RatesAPI'))}({', '.join(f'{n}={w!r}' for n, w in items)})"
        text = r.choice((f"{msg}: {text}", f"init {text}", text))
    elif k == 1:
        text = f"{r.choice(('config', 'settings', 'fx config'))}{r.choice((': ', '=', ' '))}{d!r}"
    elif k == 2:
        text = f"{r.choice(('POST body', 'request json=', 'payload:'))} {json.dumps(d)}"
    elif k == 3:
        text = msg + " " + " ".join(f"{n}={w}" for n, w in items)
    elif k == 4:
        text = msg + ": " + ", ".join(f"{n}: {w}" for n, w in items)
    else:
        return json.dumps({"level": "error", "logger": r.choice(_LOGGERS), "msg": msg, **d}), v
    return _shape(r, text, r.choice(_LOGGERS)), v


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {"B42_CARRIED": carried_app_id,
                                                                   "B42_GENERIC_FIELDS": generic_app_id}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {"B42_RECORD_FIELD": record_app_id}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    make = {**SECRET_CLASSES, **KEEP_CLASSES}[cls]
    r = random.Random(f"{cls}-{seed}")
    return [make(r) for _ in range(n)]


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    """A secret fails when the value (or its JSON-escaped / percent-encoded form, or its last 12 characters) is
    still there; a keep when it is not."""
    out = fn(text)
    forms = {v, json.dumps(v)[1:-1], quote(v, safe="")}
    if cls in SECRET_CLASSES:
        return any(f in out for f in forms) or v[-12:] in out
    return not any(f in out for f in forms)


if __name__ == "__main__":
    import argparse

    from sidecar.redaction import redact

    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="4200-4205")
    ap.add_argument("--show", default="")
    a = ap.parse_args()
    lo, hi = (int(x) for x in a.seeds.split("-"))
    for cls in [*SECRET_CLASSES, *KEEP_CLASSES]:
        bad = [(t, redact(t)) for s in range(lo, hi + 1) for t, v in plantings(cls, s, 30) if failed(redact, cls, t, v)]
        print(f"{cls:20s} failed {len(bad):3d} / {30 * (hi - lo + 1)}", flush=True)
        if a.show and cls.startswith(a.show):
            for t, o in bad[:12]:
                print("  IN ", t[-260:], "\n  OUT", o[-260:])
