"""Generators for CLASSES21.md (round 19): consumer-data and physical-operations APIs' credentials (A166-A183), the
name spellings B41-B43, the formats C42 and the must-keep lookalikes D56-D58, written from the class text (never
from a held-out set). Each A-class is sampled across several of its vendors, each vendor in the carriers its docs
name (header line / dict repr / JSON / curl `-H`, query in a requests / httpx / aiohttp / urllib3 error, JSON body or
SDK kwargs repr, bare or scheme `Authorization`, key as the Basic USER, env dump, URL path), and every planting is
wrapped in one of the four log shapes of the sets: a text record, a `json.dumps` line, a Docker json-file record
(`\\u003c` `\\u003e` `\\u0026`, one line of output) and a Python traceback (the output in the exception text).

Secret classes: A166 .. A183 (one per product class), B41_SCHEME_PAIR (a vendor scheme word before a plain
`<id>:<secret>` or a raw Basic key), B42_ID_NAMED (a secret under `app_id` / `username` / `consumer_key` /
`client_key` / `access_key` / `ApiKey` beside `ApiUser`), B43_PATH_KEY (the key as a path segment of a documented
route, on its own host AND on an unknown host / proxy, plain or percent-encoded), C42_PREFIXED_BARE (the self-marking
C42 prefixes with no label). Keep classes: D56_PUBLIC (public halves and app ids, the same field words as B42),
D57_IDS (object / device / person ids, VINs), D58_VALUES (data values and per-request signatures beside a key).

    PYTHONPATH=$PWD python -m tests.security.classes21_gen --seeds 2100-2105 [--show A171]
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable
from urllib.parse import quote

Planting = tuple[str, str]  # (text, the value that must go or stay)
_AN = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"
_UP = string.ascii_uppercase + string.digits
_UPHEX = "0123456789ABCDEF"
_B64U = _AN + "-_"
_LOW = string.ascii_lowercase + string.digits


def _s(r: random.Random, n: int, alphabet: str = _AN) -> str:
    while True:
        v = "".join(r.choice(alphabet) for _ in range(n))
        if alphabet == _AN and not (any(c.isdigit() for c in v) and any(c.isupper() for c in v)
                                    and any(c.islower() for c in v)):
            continue
        if alphabet in (_HEX, _UPHEX, _UP, _LOW) and (v.isdigit() or not any(c.isdigit() for c in v)):
            continue
        return v


def _uuid(r: random.Random) -> str:
    return "-".join(_s(r, n, _HEX) for n in (8, 4, 4, 4, 12))


def _hex(n: int) -> Callable[[random.Random], str]:
    return lambda r: _s(r, n, _HEX)


def _an(n: int) -> Callable[[random.Random], str]:
    return lambda r: _s(r, n)


def _pre(prefix: str, n: int, alphabet: str = _AN) -> Callable[[random.Random], str]:
    return lambda r: prefix + _s(r, n, alphabet)


def _rgapi(r: random.Random) -> str:
    return "RGAPI-" + _uuid(r)


def _jwt(r: random.Random) -> str:
    head = base64.urlsafe_b64encode(json.dumps({"alg": r.choice(("HS256", "RS384", "ES384")), "typ": "JWT"})
                                    .encode()).decode().rstrip("=")
    return head + "." + _s(r, r.randint(60, 120), _B64U) + "." + _s(r, 43, _B64U)


# ---- the four log shapes -----------------------------------------------------------------------------------------

def _shape(r: random.Random, text: str) -> str:
    k = r.randrange(4)
    if k == 0:
        return f"2026-12-07 10:11:12,345 ERROR agent.tools: {text}"
    if k == 1:
        return json.dumps({"level": "error", "logger": "agent.tools", "msg": text})
    if k == 2:
        body = json.dumps({"log": text + "\n", "stream": "stderr", "time": "2026-12-07T10:11:12.345678901Z"},
                          ensure_ascii=False, separators=(",", ":"))
        return body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    exc = r.choice(("requests.exceptions.HTTPError", "RuntimeError", "httpx.HTTPStatusError", "ValueError"))
    return ("Traceback (most recent call last):\n  File \"/app/agent/tools.py\", line 88, in call\n"
            "    resp = self._send(req)\n  File \"/app/agent/http.py\", line 41, in _send\n"
            f"    raise {exc.rsplit('.', 1)[-1]}(msg)\n{exc}: {text}")


# ---- carriers -----------------------------------------------------------------------------------------------------

_QUERY_ERR = (
    "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: {u}",
    "httpx.HTTPStatusError: Client error '403 Forbidden' for url '{u}'",
    "aiohttp.client_exceptions.ClientResponseError: 429, message='Too Many Requests', url=URL('{u}')",
    "Retrying (Retry(total=2, connect=None, read=None, redirect=None)) after connection broken by "
    "'NewConnectionError()': {u}",
    "GET {u} -> 401",
)
_OTHER = ("season=2026", "league=39", "base=USD", "q=chicken", "format=json", "limit=50", "page=2", "lang=en",
          "symbols=EUR,GBP", "series_id=GDPC1", "email=alice@example.com")


def _query(r: random.Random, host: str, word: str, v: str) -> str:
    params = r.sample(_OTHER, r.randint(0, 3))
    params.insert(r.randint(0, len(params)), f"{word}={v}")
    return r.choice(_QUERY_ERR).format(u=f"https://{host}?" + "&".join(params))


def _header(r: random.Random, name: str, value: str) -> str:
    name = r.choice((name, name.lower())) if not name.islower() else name
    return r.choice((
        f"{name}: {value}",
        "request headers={" + repr(name) + ": " + repr(value) + ", 'Accept': 'application/json'}",
        "headers=" + json.dumps({"User-Agent": "agent/2.1", name: value}),
        f"+ curl -sS -H '{name}: {value}' https://api.example.com/v1/status",
    ))


def _body(r: random.Random, name: str, v: str, extra: dict[str, object] | None = None) -> str:
    fields: dict[str, object] = {**(extra or {}), name: v, "timeout": 30}
    items = list(fields.items())
    r.shuffle(items)
    d = dict(items)
    return r.choice((f"POST body {json.dumps(d)}", f"Client({', '.join(f'{k}={w!r}' for k, w in d.items())}) failed",
                     f"payload={d!r}"))


def _env(r: random.Random, name: str, v: str) -> str:
    lines = sorted([f"{name}={v}", "HOME=/app", "LOG_LEVEL=info", "PORT=8080", "TZ=UTC"])
    return r.choice(("env dump: " + " ".join(lines), "os.environ: " + repr(dict(x.split("=", 1) for x in lines))))


def _basic_user(r: random.Random, v: str) -> str:
    b = base64.b64encode(f"{v}:".encode()).decode()
    return r.choice((f"Authorization: Basic {b}", f"+ curl -sS -u {v}: https://api.example.com/v2/tasks",
                     f"auth=('{v}', '')", f"HTTPBasicAuth(username='{v}', password='')"))


def _bearer(r: random.Random, v: str) -> str:
    return r.choice((f"Authorization: Bearer {v}", "headers={'Authorization': 'Bearer " + v + "'}",
                     json.dumps({"Authorization": f"Bearer {v}"}), f"+ curl -H 'Authorization: Bearer {v}' https://x.io"))


def _scheme(r: random.Random, word: str, v: str) -> str:
    name = r.choice(("Authorization", "authorization", "AUTHORIZATION"))
    cred = f"{word}{v}" if word.endswith("=") else f"{word} {v}".strip()  # `Token token=<v>`: an auth-param
    return r.choice((f"{name}: {cred}", "headers={" + repr(name) + ": " + repr(cred) + "}", json.dumps({name: cred})))


# (vendor carrier kind, name / host / word, value maker). Kinds: H header, Q query (arg: host|word), J JSON body or
# kwargs, E env dump, B bearer, S scheme word, U Basic user, P path template with {k}.
Vendor = tuple[str, str, Callable[[random.Random], str]]


def _carry(r: random.Random, kind: str, arg: str, v: str) -> str:
    if kind == "H":
        return _header(r, arg, v)
    if kind == "Q":
        host, word = arg.split("|")
        return _query(r, host, word, v)
    if kind == "J":
        return _body(r, arg, v)
    if kind == "E":
        return _env(r, arg, v)
    if kind == "B":
        return _bearer(r, v)
    if kind == "S":
        return _scheme(r, arg, v)
    if kind == "U":
        return _basic_user(r, v)
    if kind == "P":
        return r.choice(_QUERY_ERR).format(u="https://" + arg.format(k=v))
    raise ValueError(kind)


_A: dict[str, tuple[Vendor, ...]] = {
    "A166_SPORTS": (("H", "x-apisports-key", _hex(32)), ("H", "x-rapidapi-key", _an(50)),
                    ("Q", "api.sportmonks.com/v3/football/fixtures|api_token", _an(60)),
                    ("S", "", _an(60)),
                    ("H", "Ocp-Apim-Subscription-Key", _hex(32)),
                    ("Q", "api.sportsdata.io/v3/nfl/scores/json/Teams|key", _hex(32)),
                    ("Q", "api.the-odds-api.com/v4/sports/soccer_epl/odds|apiKey", _hex(32)),
                    ("S", "", _uuid), ("H", "X-Auth-Token", _hex(32)), ("E", "APISPORTS_KEY", _hex(32))),
    "A167_EMAIL_VERIFY": (("Q", "api.zerobounce.net/v2/validate|api_key", _hex(32)),
                          ("Q", "api.neverbounce.com/v4/single/check|key", _pre("private_", 32, _HEX)),
                          ("J", "key", _pre("private_", 32, _HEX)),
                          ("Q", "api.kickbox.com/v2/verify|apikey", _pre("live_", 64, _HEX)),
                          ("Q", "api.kickbox.com/v2/verify|apikey", _pre("test_", 64, _HEX)),
                          ("Q", "api.hunter.io/v2/email-verifier|api_key", _hex(40)),
                          ("Q", "api.emailable.com/v1/verify|api_key", _pre("live_", 32, _AN)),
                          ("H", "x-api-key", _an(32)), ("J", "api_key", _hex(32))),
    "A168_FOOD": (("Q", "api.edamam.com/api/recipes/v2|app_key", _hex(32)),
                  ("Q", "api.spoonacular.com/recipes/complexSearch|apiKey", _hex(32)),
                  ("H", "x-api-key", _hex(32)), ("H", "x-app-key", _hex(32)),
                  ("J", "client_secret", _hex(32)), ("E", "EDAMAM_APP_KEY", _hex(32)),
                  ("J", "consumer_secret", _hex(32))),
    "A169_MUSIC": (("J", "api_secret", _hex(32)), ("S", "Discogs token=", _an(40)), ("B", "", _an(64)),
                   ("Q", "api.musixmatch.com/ws/1.1/track.search|apikey", _hex(32)),
                   ("J", "client_secret", _hex(32)), ("E", "SPOTIFY_CLIENT_SECRET", _hex(32)),
                   ("E", "LASTFM_API_SECRET", _hex(32))),
    "A170_OCR": (("S", "Token", _hex(32)), ("U", "", _an(32)), ("H", "X-Auth-Key", _an(40)),
                 ("B", "", _pre("aff_", 40)), ("H", "apikey", _hex(32)), ("S", "token", _hex(40)),
                 ("E", "MINDEE_API_KEY", _hex(32))),
    "A171_FX": (("Q", "openexchangerates.org/api/latest.json|app_id", _hex(32)),
                ("P", "v6.exchangerate-api.com/v6/{k}/latest/USD", _hex(24)),
                ("Q", "data.fixer.io/api/latest|access_key", _hex(32)),
                ("Q", "api.currencylayer.com/live|access_key", _hex(32)),
                ("Q", "api.currencyapi.com/v3/latest|apikey", _pre("cur_live_", 40)),
                ("H", "apikey", _pre("cur_live_", 40))),
    "A172_OPEN_DATA": (("Q", "api.nasa.gov/planetary/apod|api_key", _an(40)),
                       ("Q", "api.fda.gov/drug/event.json|api_key", _an(40)), ("H", "X-Api-Key", _an(40)),
                       ("Q", "api.census.gov/data/2021/acs/acs5|key", _hex(40)),
                       ("Q", "api.stlouisfed.org/fred/series/observations|api_key", _hex(32)),
                       ("J", "registrationkey", _hex(32)), ("H", "X-App-Token", _an(25)),
                       ("U", "", _uuid)),
    "A173_GAMES": (("H", "X-Riot-Token", _rgapi),
                   ("Q", "na1.api.riotgames.com/lol/summoner/v4/summoners/by-name/x|api_key", _rgapi),
                   ("H", "X-API-Key", _hex(32)),
                   ("Q", "api.steampowered.com/ISteamUser/GetPlayerSummaries/v2/|key", lambda r: _s(r, 32, _UPHEX)),
                   ("B", "", _an(30)), ("J", "client_secret", _an(32)), ("H", "X-SecretKey", _an(52)),
                   ("H", "X-Authorization", _an(120))),
    "A174_SMART_HOME": (("P", "192.168.1.20/api/{k}/lights", _an(40)), ("H", "hue-application-key", _an(40)),
                        ("B", "", _uuid), ("J", "refresh_token", _an(64)), ("B", "", _hex(64)),
                        ("P", "192.168.1.31:16021/api/v1/{k}/state", _an(32)), ("J", "secret", _hex(32))),
    "A175_PRINT": (("B", "", _an(40)), ("B", "", _jwt),
                   ("H", "X-API-KEY", lambda r: ":".join((_uuid(r), _uuid(r), _hex(32)(r)))),
                   ("H", "X-API-Key", _uuid), ("E", "PRINTFUL_TOKEN", _an(40)), ("J", "client_secret", _an(40))),
    "A176_REGISTRAR": (("J", "secretapikey", _pre("sk1_", 64, _HEX)), ("J", "apikey", _pre("pk1_", 64, _HEX)),
                       ("Q", "api.namecheap.com/xml.response|ApiKey", _hex(32)),
                       ("S", "Apikey", _an(24)), ("Q", "api.dynadot.com/api3.json|key", _an(28)),
                       ("Q", "www.namesilo.com/api/listDomains|key", _hex(24))),
    "A177_PROPERTY": (("H", "apikey", _hex(32)), ("H", "X-Api-Key", _hex(32)),
                      ("Q", "apis.estated.com/v4/property|token", _an(30)),
                      ("Q", "app.regrid.com/api/v2/parcels/point|token", _jwt),
                      ("Q", "api.bridgedataoutput.com/api/v2/OData/test/Property|access_token", _hex(32)),
                      ("J", "client_secret", _an(40))),
    "A178_POS": (("B", "", _pre("EAAA", 60, _B64U)), ("J", "access_token", _pre("EAAA", 60, _B64U)),
                 ("J", "client_secret", _pre("sq0csp-", 43, _B64U)), ("J", "clientSecret", _an(64)),
                 ("J", "accessToken", _jwt), ("B", "", _uuid), ("E", "SUMUP_API_KEY", _pre("sup_sk_", 32)),
                 ("J", "client_secret", _an(48))),
    "A179_DELIVERY": (("J", "signing_secret", _an(43, )), ("B", "", _jwt), ("J", "client_secret", _an(40)),
                      ("U", "", _hex(32)), ("S", "Basic", _an(32)), ("E", "DOORDASH_SIGNING_SECRET", _an(43))),
    "A180_TICKETING": (("B", "", lambda r: _s(r, 20, _UP)),
                       ("Q", "www.eventbriteapi.com/v3/users/me/|token", lambda r: _s(r, 20, _UP)),
                       ("Q", "app.ticketmaster.com/discovery/v2/events.json|apikey", _an(32)),
                       ("S", "Token token=", _an(22)), ("H", "x-luma-api-key", _an(40)),
                       ("U", "", _an(32)), ("J", "client_secret", _an(40))),
    "A181_FLEET": (("B", "", _pre("samsara_api_", 30)), ("J", "password", _an(14)),
                   ("H", "X-Api-Key", _uuid), ("J", "client_secret", _an(40))),
    "A182_VEHICLE_ENERGY": (("J", "client_secret", _uuid), ("J", "refresh_token", _uuid), ("B", "", _uuid),
                            ("U", "", _pre("sk_live_", 24)),
                            ("Q", "monitoringapi.solaredge.com/site/1234567/overview|api_key",
                             lambda r: _s(r, 32, _UP)),
                            ("Q", "api.enphaseenergy.com/api/v4/systems|key", _hex(32)),
                            ("E", "TESLA_CLIENT_SECRET", _an(40))),
    "A183_HEALTH": (("J", "client_assertion", _jwt), ("J", "client_secret", _an(48)), ("J", "secret", _an(32)),
                    ("S", "Basic", _an(40)), ("J", "d", _an(86, )), ("E", "EPIC_CLIENT_SECRET", _an(40)),
                    ("B", "", _an(48))),
}


def a_class(cls: str) -> Callable[[random.Random], Planting]:
    def gen(r: random.Random) -> Planting:
        kind, arg, make = r.choice(_A[cls])
        v = make(r)
        return _shape(r, _carry(r, kind, arg, v)), v
    gen.__name__ = cls.lower()
    return gen


def b41_scheme_pair(r: random.Random) -> Planting:
    """A vendor scheme word before a plain `<id>:<secret>` (not base64), or `Basic <raw key>`."""
    word = r.choice(("sso-key", "SSO-KEY", "apikey", "ApiKey", "hmac", "Discogs", "acme-key", "Partner"))
    ident = r.choice((_an(20)(r), "svc-gateway", _hex(24)(r), str(r.randint(10000, 99999))))
    secret = r.choice((_an(22)(r), _hex(32)(r), _an(40)(r)))
    if word == "hmac":
        val = f"{ident}:{r.randint(1_700_000_000_000, 1_800_000_000_000)}:{_hex(64)(r)}"
        secret = ident = _hex(32)(r)  # Lalamove: the API key is planted (the id half is the key)
        val = f"{ident}:{r.randint(1_700_000_000_000, 1_800_000_000_000)}:{_hex(64)(r)}"
    elif word == "Discogs":
        val = f"key={ident}, secret={secret}"
    else:
        val = f"{ident}{r.choice((':', ':', '='))}{secret}"
    if r.random() < 0.2:
        word, val, secret = "Basic", (v := _an(r.choice((32, 40)))(r)), v
    return _shape(r, "upstream 401: " + _scheme(r, word, val)), secret


_B42_SECRET = (("Q", "openexchangerates.org/api/latest.json|app_id", _hex(32)), ("J", "app_id", _hex(32)),
               ("J", "username", _an(40)), ("J", "consumer_key", _an(32)), ("J", "client_key", _an(40)),
               ("J", "access_key", _hex(32)), ("Q", "app.ticketmaster.com/discovery/v2/events.json|consumer_key",
                                               _an(32)),
               ("Q", "api.namecheap.com/xml.response|ApiKey", _hex(32)), ("H", "X-App-Id", _hex(32)),
               ("E", "OXR_APP_ID", _hex(32)), ("J", "appId", _hex(32)))


def b42_id_named(r: random.Random) -> Planting:
    kind, arg, make = r.choice(_B42_SECRET)
    v = make(r)
    text = _carry(r, kind, arg, v)
    if "namecheap" in arg:
        text = text.replace("ApiKey=", "ApiUser=acme&UserName=acme&ApiKey=")
    return _shape(r, text), v


_ROUTES = ("v6.exchangerate-api.com/v6/{k}/latest/USD", "v6.exchangerate-api.com/v6/{k}/pair/EUR/GBP",
           "10.0.0.7/api/{k}/lights/3/state", "hue-bridge.local/api/{k}/groups", "10.0.0.9:16021/api/v1/{k}/state",
           "ipqualityscore.com/api/json/ip/{k}/8.8.8.8", "eth-mainnet.g.alchemy.com/v2/{k}",
           "proxy.internal:8443/fx/v6/{k}/latest/EUR", "gw.acme-corp.net/api/{k}/sensors",
           "data.vendor-x.io/v1/{k}/quotes/latest", "127.0.0.1:9000/relay/v6/{k}/latest/USD")


def b43_path_key(r: random.Random) -> Planting:
    v = r.choice((_hex(24)(r), _an(40)(r), _hex(32)(r), _an(32)(r), _s(r, 40, _B64U)))
    route = r.choice(_ROUTES)
    url = "https://" + route.format(k=v if r.random() < 0.8 else quote(v, safe=""))
    text = r.choice((*_QUERY_ERR, '10.0.0.5 - - [07/Dec/2026:10:11:12 +0000] "GET {p} HTTP/1.1" 401 61 "-" "python-httpx/0.27"',
                     "urllib3.exceptions.MaxRetryError: HTTPSConnectionPool(host='h', port=443): Max retries "
                     "exceeded with url: {p} (Caused by ReadTimeoutError())"))
    return _shape(r, text.format(u=url, p="/" + url.split("/", 3)[3])), v


_C42_BARE = (_rgapi, _pre("private_", 32, _HEX), _pre("sk1_", 64, _HEX), _pre("pk1_", 64, _HEX),
             _pre("cur_live_", 40), _pre("aff_", 40), _pre("EAAA", 60, _B64U), _pre("sq0csp-", 43, _B64U),
             _pre("sup_sk_", 32), _pre("samsara_api_", 30), _pre("sk_live_", 24), _pre("live_", 64, _HEX),
             _pre("test_", 64, _HEX))


def c42_prefixed_bare(r: random.Random) -> Planting:
    v = r.choice(_C42_BARE)(r)
    text = r.choice(("rejected credential {v} for the account", "using {v} from the vault", "client({v!r}) failed",
                     "ValueError: invalid key {v}", "Authorization: {v}")).format(v=v)
    return _shape(r, text), v


def d56_public(r: random.Random) -> Planting:
    """The public halves, each in its own vendor's slot; B42's inversion beside it: the same `app_id` word with a short
    id or a secret-named sibling is public."""
    u = _uuid(r)
    v, text = r.choice((
        (a := _hex(8)(r), f"GET https://api.edamam.com/api/recipes/v2?type=public&q=chicken&app_id={a}&app_key={_hex(32)(r)} -> 401"),
        (a := _hex(8)(r), f"headers={{'x-app-id': '{a}', 'x-app-key': '{_hex(32)(r)}'}}"),
        (a := _hex(32)(r), json.dumps({"app_id": a, "app_key": _hex(32)(r)})),  # a 32-hex id beside its secret
        (a := _hex(32)(r), f"AgoraClient(appId='{a}', appCertificate='{_hex(32)(r)}')"),  # CLASSES18 D46
        (a := _uuid(r), json.dumps({"appId": a, "displayName": "gw-sp", "password": _an(34)(r), "tenant": _uuid(r)})),
        (a := _pre("public_", 32, _HEX)(r), f"NeverBounce widget public key {a}"),
        (a := _s(r, 30, _LOW), f"Client-Id: {a}"),
        (a := _pre("sq0idp-", 22, _B64U)(r), f"square application_id={a}"),
        (a := _pre("sandbox-sq0idb-", 22, _B64U)(r), f"square application_id={a}"),
        (u, json.dumps({"developer_id": u, "key_id": _uuid(r), "signing_secret": "[REDACTED]"})),
    ))
    return _shape(r, text), v


def d57_ids(r: random.Random) -> Planting:
    vin = "".join(r.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(17))
    v, text = r.choice((
        (p := _uuid(r), f"match NA1_{r.randint(10**9, 10**10)} for puuid {p}"),
        (s := "7656119" + str(r.randint(10**9, 10**10 - 1)), f"steamid={s} profile private"),
        (b := _hex(16)(r), f"Hue bridge id {b} unreachable"),
        (st := str(r.randint(1000000, 9999999)), f"X-PF-Store-Id: {st}"),
        (loc := "L" + _s(r, 12, _UP), f"Square location_id={loc} closed"),
        (g := _uuid(r), f"Toast-Restaurant-External-ID: {g}"),
        (m := _s(r, 13, _UP), f"clover merchant {m} not found"),
        (vin, f"vehicle VIN {vin} odometer 48211 km"),
        (vin, json.dumps({"vin": vin, "state_of_charge": 0.81})),
        (mp := str(r.randint(10**12, 10**13 - 1)), f"MPAN {mp} tariff E-1R-AGILE-24-10-01-C"),
        (db := r.choice(("acme_fleet", "demo_db_42", "northwind")), f"Authenticate database={db} userName=ops"),
        (f := "Patient/" + str(r.randint(10**6, 10**7)), f"GET https://fhir.example.org/r4/{f} -> 404"),
        (e := str(r.randint(10**10, 10**11)), f"Eventbrite event_id={e} order_id={r.randint(10**9, 10**10)}"),
        (o := _hex(24)(r), f"GET https://api.example.com/api/v1/orders/{o}/items -> 404"),  # an id after its noun
        (o := _uuid(r), f"GET https://api.example.com/v2/{o}/status -> 404"),  # a UUID after the root
    ))
    return _shape(r, text), v


def d58_values(r: random.Random) -> Planting:
    v, text = r.choice((
        ("fixture=1035062", "GET /v3/fixtures?fixture=1035062&league=39 -> 200"),
        ("GDPC1", "series_id=GDPC1&observation_start=2020-01-01"),
        ("ns1.porkbun.com", "nameservers=ns1.porkbun.com,ns2.porkbun.com domain=acme-ai.com"),
        ("system/Observation.read", "scope=system/Observation.read system/Patient.read"),
        ("urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
         "grant_type=client_credentials&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
         "&client_assertion=[REDACTED]"),
        ("4548-3", "LOINC 4548-3 value 6.1 %"),
        ("DD-JWT-V1", "dd-ver: DD-JWT-V1"),
        ("EUR", "base=USD symbols=EUR rate=0.9213"),
    ))
    return _shape(r, text), v


def d58_per_request_sig(r: random.Random) -> Planting:
    """Last.fm's `api_sig` (md5 of one call's sorted parameters and the shared secret) and Tuya's `sign`: one request's
    signature with no timestamp or nonce field beside it. OPEN (test_classes21 xfail): the bound-MAC rule keeps a MAC
    only beside its own ts/nonce, and a bare `X-Twilio-Signature` is CLASSES20's secret twin of the same shape."""
    sig = _hex(32)(r) if r.random() < 0.5 else _s(r, 64, _UPHEX)
    text = r.choice((f"api_key=[REDACTED]&method=track.scrobble&api_sig={sig}&sk=[REDACTED]",
                     f"method=auth.getSession&api_key=[REDACTED]&token=[REDACTED]&api_sig={sig}",
                     f"headers={{'client_id': 'p8rx7vq', 'sign': '{sig}', 'sign_method': 'HMAC-SHA256'}}"))
    return _shape(r, text), sig


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    **{cls: a_class(cls) for cls in _A},
    "B41_SCHEME_PAIR": b41_scheme_pair, "B42_ID_NAMED": b42_id_named, "B43_PATH_KEY": b43_path_key,
    "C42_PREFIXED_BARE": c42_prefixed_bare}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "D56_PUBLIC": d56_public, "D57_IDS": d57_ids, "D58_VALUES": d58_values,
    "D58_PER_REQUEST_SIG": d58_per_request_sig}
OPEN = frozenset({"D58_PER_REQUEST_SIG"})  # measured, not mended (COVERAGE21.md)


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    make = {**SECRET_CLASSES, **KEEP_CLASSES}[cls]
    r = random.Random(f"{cls}-{seed}")
    return [make(r) for _ in range(n)]


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    """A secret class fails when the value, its JSON-escaped or percent-encoded form, or its last 12 characters
    (a tail left after a mark) are still in the output; a keep class when the value is not."""
    out = fn(text)
    forms = {v, json.dumps(v)[1:-1], quote(v, safe="")}
    if cls in SECRET_CLASSES:
        return any(f in out for f in forms) or (len(v) >= 20 and v[-12:] in out)
    return not any(f in out for f in forms)


if __name__ == "__main__":
    import argparse

    from sidecar.redaction import redact

    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="2100-2105")
    ap.add_argument("--show", default="")
    a = ap.parse_args()
    lo, hi = (int(x) for x in a.seeds.split("-"))
    for cls in [*SECRET_CLASSES, *KEEP_CLASSES]:
        bad = [(t, redact(t)) for s in range(lo, hi + 1) for t, v in plantings(cls, s, 25) if failed(redact, cls, t, v)]
        print(f"{cls:20s} failed {len(bad):3d} / {25 * (hi - lo + 1)}", flush=True)
        if a.show and cls.startswith(a.show):
            for t, o in bad[:12]:
                print("  IN ", t[-260:], "\n  OUT", o[-260:])
