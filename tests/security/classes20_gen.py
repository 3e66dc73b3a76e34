"""Generators for CLASSES20.md (round 18): the vertical data and workflow APIs' credentials, written from the class
text (never from a held-out set), each sampled across several vendors, spellings and carriers, with must-keep twins.

Secret classes (the value must be gone):
- B39_QUERY: a vendor's own query word as the only label (`appid`, `apiKey`, `apikey`, `api-key`, `key`, `token`,
  `access_key`, `wstoken`, `api_token`, `BhRestToken`), first / middle / last in the query, `&` or `;`, in the URL of
  a urllib3 retry warning, an httpx error, an aiohttp ClientResponseError, agent tool-call JSON.
- B39_HEADER: a vendor's own header word (`X-<Vendor>-Token`, `X-SmartToken`, `API-Key`, `DHL-API-Key`,
  `x-myobapi-key`, `Api-Key`, `X-API-TOKEN`, `X-App-Token`), any case, as a header line, a dict repr or JSON.
- B39_SCHEME: a vendor scheme word in `Authorization` (`ShippoToken`, `Zoho-oauthtoken`, `Client-ID`, `SocureApiKey`,
  `Token token=` quoted or not - RFC 9110 11.2 auth-param), raw, dict repr or JSON.
- B40_TOKEN_SET: an OAuth 2.0 token response (RFC 6749 5.1) as a dict repr, JSON or authlib `OAuth2Token({...})`, keys
  in any order; one of access / refresh / id token planted.
- C41_BARE: the vertical vendors' prefixed formats with no name in view (EasyPost `EZAK`/`EZTK`, Shippo
  `shippo_live_`/`shippo_test_`, Onfido `api_live.`/`api_sandbox.`, Persona `persona_production_`/`persona_sandbox_`,
  Zoho `1000.<32 hex>.<32 hex>`, Tally `tly-`, Dub `dub_`).
- B39_JOBVITE: Jobvite's `sc=` secret beside its `api=` key name in a query.
- B39_SCHEME_OTHER_HEADER: a vendor scheme word in a secret-named header that is not `Authorization` (`X-Auth:
  SocureApiKey <uuid or hex>`), raw, dict repr or JSON (round 18 i18b).
- QUOTED_PASSWORD: a secret holding its string's own quote, escaped (json.dumps `\\"`, a repr's `\\'`): the value
  went on past the escaped quote and its tail was left after the mark (B39_SCHEME's json.dumps of `Token token="<v>"`
  is the same class).

Keep classes (the value must stay):
- D53_IDS: tenant / object / applicant ids beside these keys (Xero tenant UUID, QuickBooks realm id, EasyPost `shp_`,
  Persona `inq_`, UPS `1Z` tracking, On-Behalf-Of, Moodle `wsfunction`).
- D55_BOUND_SIGNATURE: one request's MAC beside the timestamp or nonce that binds it (Sumsub `X-App-Access-Sig` +
  `-Ts`, OAuth 1.0a `oauth_signature` + `oauth_nonce`/`oauth_timestamp`, Expedia `EAN ...,Signature=,timestamp=`);
  its twin SIGNATURE_NOT_BOUND (secret): a presigned S3 / Azure SAS signature beside its dates, a signing key beside a
  timestamp, a bare `X-Twilio-Signature`.
- D55_SIBLINGS: token-response siblings (`expires_in`, `token_type`, `scope`), coordinates, tickers.
- SCHEME_WORD_METADATA: B39_SCHEME_OTHER_HEADER's twins - a scheme word under a metadata name (`X-Auth-Method`),
  a secret-named header's plain-word value before prose.
- NEAR_FORMATS: the new mechanisms' neighbours - a number or version after `1000.` (not Zoho's two 32-hex parts), a
  short or wordy `sc=` query value (`sc=en`, `sc=1`, `sc=desktopview`: a short code, not Jobvite's secret), a Digest
  scheme before its public `username="..."` param (B39_SCHEME's `Token token="<v>"` twin).
Not generated: D54's `pk_` publishable keys (IEX Cloud, Short.io) - Klaviyo's `pk_` private keys (CLASSES19) and
Courier's `pk_prod_` (CLASSES18) are secrets of the same shape; the vendor, not the prefix, decides, and they stay
redacted (the safe side).
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable

Planting = tuple[str, str]  # (text, the value that must go or stay)
_ALNUM = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"


def _s(r: random.Random, n: int, alphabet: str = _ALNUM) -> str:
    while True:
        v = "".join(r.choice(alphabet) for _ in range(n))
        if alphabet != _ALNUM or (any(c.isdigit() for c in v) and any(c.isupper() for c in v)
                                  and any(c.islower() for c in v)):
            return v


def _uuid(r: random.Random) -> str:
    return "-".join(_s(r, n, _HEX) for n in (8, 4, 4, 4, 12))


def _shape(r: random.Random, text: str) -> str:
    """One of the set's log shapes around the tool's output line: a text record, json.dumps, a Docker json-file record."""
    shape = r.randrange(3)
    if shape == 0:
        return f"2026-12-07 10:11:12,345 ERROR agent.tools: {text}"
    if shape == 1:
        return json.dumps({"level": "error", "logger": "agent.tools", "msg": text})
    body = json.dumps({"log": text + "\n", "stream": "stderr", "time": "2026-12-07T10:11:12.345Z"},
                      ensure_ascii=False, separators=(",", ":"))
    return body.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_QUERY_WORDS = (("appid", lambda r: _s(r, 32, _HEX)), ("apiKey", lambda r: _s(r, 32)),
                ("apikey", lambda r: _s(r, 16, string.ascii_uppercase + string.digits)),
                ("api-key", lambda r: _s(r, 32)), ("key", lambda r: _s(r, 31, _HEX)),
                ("token", lambda r: _s(r, 20, string.ascii_lowercase + string.digits)),
                ("access_key", lambda r: _s(r, 32, _HEX)), ("wstoken", lambda r: _s(r, 32, _HEX)),
                ("api_token", lambda r: _s(r, 32, _HEX)), ("BhRestToken", _uuid))
_HOSTS = ("api.openweathermap.org/data/2.5/weather", "api.polygon.io/v2/aggs/ticker/AAPL/prev",
          "finnhub.io/api/v1/quote", "moodle.example.edu/webservice/rest/server.php", "api.marketstack.com/v1/eod",
          "newsapi.org/v2/everything", "api.tomorrow.io/v4/weather/forecast", "rest.bullhornstaffing.com/rest-services/x/search/Candidate")
_OTHER_PARAMS = ("q=London", "units=metric", "symbol=AAPL", "lat=42.36", "lon=-71.05", "wsfunction=core_course_get_courses",
                 "moodlewsrestformat=json", "page=2", "sortBy=publishedAt", "fields=id,name")


def _query_url(r: random.Random, word: str, value: str) -> str:
    params = r.sample(_OTHER_PARAMS, r.randint(1, 3))
    params.insert(r.randint(0, len(params)), f"{word}={value}")
    return f"https://{r.choice(_HOSTS)}?" + r.choice(("&", "&", ";")).join(params)


def b39_query(r: random.Random) -> Planting:
    word, make = r.choice(_QUERY_WORDS)
    v = make(r)
    url = _query_url(r, word, v)
    text = r.choice((
        "Retrying (Retry(total=2, connect=None, read=None)) after connection broken by 'ReadTimeoutError()': {u}",
        "httpx.HTTPStatusError: Client error '401 Unauthorized' for url '{u}'",
        "aiohttp.client_exceptions.ClientResponseError: 429, message='Too Many Requests', url=URL('{u}')",
        '{{"tool": "http_get", "arguments": {{"url": "{u}"}}}}',
    )).format(u=url)
    return _shape(r, text), v


_HEADER_WORDS = ("X-{V}-Token", "X-SmartToken", "API-Key", "DHL-API-Key", "x-myobapi-key", "Api-Key", "X-API-TOKEN",
                 "X-App-Token")
_VENDORS = ("Finnhub", "Qualtrics", "Rebrandly", "Workable", "Getty", "Skyscanner")


def _case(r: random.Random, word: str) -> str:
    return r.choice((word, word.lower(), word.upper()))


def b39_header(r: random.Random) -> Planting:
    name = _case(r, r.choice(_HEADER_WORDS).format(V=r.choice(_VENDORS)))
    v = r.choice((_s(r, 40), _s(r, 32, _HEX), _s(r, 20, string.ascii_lowercase + string.digits)))
    text = r.choice(("{n}: {v}", "headers={{'{n}': '{v}', 'Accept': 'application/json'}}",
                     '{{"headers": {{"{n}": "{v}", "User-Agent": "agent/1.2"}}}}')).format(n=name, v=v)
    return _shape(r, "request failed: " + text), v


def b39_scheme(r: random.Random) -> Planting:
    scheme, v = r.choice((("ShippoToken", "shippo_live_" + _s(r, 40, _HEX)), ("Zoho-oauthtoken", "1000." + _s(r, 32, _HEX)
                                                                                + "." + _s(r, 32, _HEX)),
                          ("Client-ID", _s(r, 43, _ALNUM + "-_")), ("SocureApiKey", _uuid(r)),
                          ("Token", "token=" + _s(r, 32, _HEX)), ("Token", 'token="' + _s(r, 32, _HEX) + '"'),
                          ("Token", "token='" + _s(r, 24) + "'")))
    name = _case(r, r.choice(("Authorization", "Proxy-Authorization")))
    header = r.choice((f"{name}: {scheme} {v}", "headers={" + repr(name) + ": " + repr(f"{scheme} {v}") + "}",
                       "headers=" + json.dumps({name: f"{scheme} {v}", "Accept": "application/json"})))
    secret = v.split("=", 1)[1].strip("\"'") if v.startswith("token=") else v
    return _shape(r, "upstream 401: " + header), secret


def b39_scheme_other_header(r: random.Random) -> Planting:
    """A vendor scheme word in a secret-named header that is not `Authorization` (`X-Auth: SocureApiKey <key>`): the
    value of a UUID or hex shape, which no entropy rule takes on its own (left by i18; RFC 9110 11.1 auth-scheme)."""
    scheme = r.choice(("ShippoToken", "SocureApiKey", "Zoho-oauthtoken", "AcmeToken", "PartnerApiKey", "VendorAuthToken"))
    v = r.choice((_uuid(r), _s(r, 32, _HEX), _s(r, 40, _HEX)))
    name = _case(r, r.choice(("X-Auth", "X-Api-Auth", "X-Authorization", "X-Auth-Token", "Api-Authorization")))
    header = r.choice((f"{name}: {scheme} {v}", "headers={" + repr(name) + ": " + repr(f"{scheme} {v}") + "}",
                       "headers=" + json.dumps({name: f"{scheme} {v}", "Accept": "application/json"})))
    return _shape(r, "upstream 401: " + header), v


def scheme_word_not_header_value(r: random.Random) -> Planting:
    """The twins: a scheme word under a name that says it is metadata (`X-Auth-Method`, `auth_scheme_type`) before a
    word or a parenthesis, and a secret-named header whose value is a plain word before prose (`X-Auth: missing ...`):
    no credential follows, nothing goes. (`<SecretWord> v2` is the space-separated name rule's: a value, redacted.)"""
    scheme = r.choice(("ShippoToken", "SocureApiKey", "Zoho-oauthtoken"))
    text, v = r.choice(((f"X-Auth-Method: {scheme} required", scheme), (f"auth_scheme_type={scheme} (partner API)", scheme),
                        (f"{_case(r, 'X-Auth')}: missing for tenant acme-{r.randrange(10, 99)}", "missing for tenant"),
                        ("x-api-auth: none (anonymous access)", "none (anonymous access)")))
    return _shape(r, text), v


def quoted_password(r: random.Random) -> Planting:
    """A secret holding the string's own quote, as json.dumps (`\\"`) or a Python repr (`\\'`) escapes it."""
    q = r.choice(("\"", "'"))
    v = _s(r, r.randint(4, 8)) + q + _s(r, r.randint(6, 12))
    fields = {r.choice(("password", "db_password", "client_secret", "api_key")): v, "user": "svc-gateway", "port": 5432}
    text = json.dumps(fields) if q == "\"" else repr(fields)
    if q == "'" and "\\'" not in text:
        text = text.replace(repr(v), "'" + v.replace("'", "\\'") + "'")  # (repr picks `"` around a `'`: keep `'`)
    return _shape(r, "config " + text), v.split(q, 1)[1]  # (its tail after the quote is what was left after the mark)


def b40_token_set(r: random.Random) -> Planting:
    tokens = {"access_token": "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9." + _s(r, 60) + "." + _s(r, 43, _ALNUM + "-_"),
              "refresh_token": r.choice((_s(r, 64, _HEX), "AB11" + _s(r, 46), _s(r, 40))),
              "id_token": "eyJhbGciOiJSUzI1NiJ9." + _s(r, 50) + "." + _s(r, 43, _ALNUM + "-_")}
    planted = r.choice(list(tokens))
    obj: dict[str, object] = {planted: tokens[planted], "expires_in": 1800, "token_type": "Bearer",
                              "scope": "accounting.transactions offline_access"}
    if r.random() < 0.5:
        other = r.choice([k for k in tokens if k != planted])
        obj[other] = tokens[other]
    items = list(obj.items())
    r.shuffle(items)
    d = dict(items)
    text = r.choice((f"token set {d!r}", json.dumps(d), f"OAuth2Token({d!r})", f"session.token = {d!r}"))
    return _shape(r, text), tokens[planted]


def c41_bare(r: random.Random) -> Planting:
    v = r.choice(("EZAK" + _s(r, 54), "EZTK" + _s(r, 54), "shippo_live_" + _s(r, 40, _HEX),
                  "shippo_test_" + _s(r, 40, _HEX), "api_live." + _s(r, 11, _ALNUM + "-_") + "." + _s(r, 32, _ALNUM + "-_"),
                  "api_sandbox." + _s(r, 11) + "." + _s(r, 32), "persona_production_" + _s(r, 40, _ALNUM + "-_"),
                  "persona_sandbox_" + _s(r, 40), "1000." + _s(r, 32, _HEX) + "." + _s(r, 32, _HEX),
                  "tly-" + _s(r, 32), "dub_" + _s(r, 24)))
    text = r.choice(("rejected credential {v} for the account", "using {v} from the vault", "client({v!r}) failed",
                     "ValueError: invalid key {v}")).format(v=v)
    return _shape(r, text), v


def b39_jobvite(r: random.Random) -> Planting:
    v = r.choice((_s(r, 32, _HEX), _s(r, 24)))
    params = [f"api={r.choice(('acme_api_key', 'acme_api'))}", f"sc={v}", f"start={r.randint(1, 50)}", "count=100"]
    r.shuffle(params)
    return _shape(r, "GET https://api.jobvite.com/api/v2/candidate?" + "&".join(params) + " -> 403"), v


def d53_ids(r: random.Random) -> Planting:
    v, text = r.choice((
        (u := _uuid(r), f"{{'xero-tenant-id': '{u}', 'Authorization': 'Bearer [REDACTED]'}}"),
        (realm := "9130" + "".join(r.choice(string.digits) for _ in range(12)), f"QuickBooks realmId={realm} query failed"),
        (shp := "shp_" + _s(r, 32, _HEX), f"EasyPost shipment {shp} has no rates"),
        (inq := "inq_" + _s(r, 24), f"Persona inquiry {inq} completed"),
        (ups := "1Z" + _s(r, 16, string.ascii_uppercase + string.digits), f"tracking {ups} in transit"),
        (obo := str(r.randint(100000, 9999999)), f"On-Behalf-Of: {obo}"),
        ("core_enrol_get_users_courses", "wsfunction=core_enrol_get_users_courses&moodlewsrestformat=json"),
    ))
    return _shape(r, text), v


def d55_siblings(r: random.Random) -> Planting:
    v, text = r.choice((
        ("accounting.transactions", "{'expires_in': 3600, 'token_type': 'Bearer', 'scope': 'accounting.transactions'}"),
        ("42.3601", "lat=42.3601&lon=-71.0589&units=metric&q=Boston"),
        ("189.25", "symbol=AAPL close=189.25 open=187.10 ts=1700000000"),
    ))
    return _shape(r, text), v


def near_formats(r: random.Random) -> Planting:
    n, x = str(r.randint(0, 99)), _s(r, 32, _HEX)
    text, v = r.choice((
        (f"budget 1000.{n} units exceeded", f"1000.{n}"),
        (f"refresh id 1000.{x} expired", f"1000.{x}"),
        ("GET https://search.example.com/find?q=ai&sc=en&page=2", "sc=en"),
        ("GET https://search.example.com/find?sc=1&q=weather", "sc=1"),
        ("GET https://search.example.com/find?q=ai&sc=desktopmobileview", "sc=desktopmobileview"),
        # RFC 9110 auth-params after a scheme: the scheme and a public param stay (the name rule reads each param)
        ('Authorization: Digest username="gateway", realm="api", qop=auth', 'Digest username="gateway"'),
    ))
    return _shape(r, text), v


def _mac(r: random.Random) -> str:
    return r.choice((_s(r, 64, _HEX), _s(r, 27) + "=", _s(r, 27) + "%3D", _s(r, 43, _ALNUM + "-_")))


def bound_signature(r: random.Random) -> Planting:
    """D55: one request's MAC beside the timestamp or nonce that binds it (Sumsub, OAuth 1.0a, Expedia Rapid)."""
    sig, ts = _mac(r), str(r.randint(1_700_000_000, 1_800_000_000))
    text = r.choice((
        f"{{'X-App-Token': '[REDACTED]', 'X-App-Access-Sig': '{sig}', 'X-App-Access-Ts': '{ts}'}}",
        f"x-app-access-ts: {ts} x-app-access-sig: {sig}",
        f"GET /1.1/statuses?oauth_consumer_key=abc&oauth_nonce={_s(r, 16)}&oauth_signature={sig}"
        f"&oauth_signature_method=HMAC-SHA1&oauth_timestamp={ts}",
        f"Authorization: EAN APIKey=[REDACTED],Signature={sig},timestamp={ts}",
        json.dumps({"sig": sig, "ts": int(ts), "path": "/resources/applicants"}),
    ))
    return _shape(r, "request signed: " + text), sig


def unbound_or_capability_signature(r: random.Random) -> Planting:
    """The twins: a presigned URL's signature (a capability until it expires, beside its date), a signing KEY beside a
    timestamp, and a bare signature with nothing binding it to one request - all still go."""
    v, ts = _mac(r), str(r.randint(1_700_000_000, 1_800_000_000))
    text = r.choice((
        f"GET https://bkt.s3.amazonaws.com/k.pdf?X-Amz-Date=20261207T101112Z&X-Amz-Expires=604800&X-Amz-Signature={v}",
        f"https://acct.blob.core.windows.net/c/b?sv=2022-11-02&st=2026-12-07&se=2026-12-14&sp=r&sig={v}",
        f"signature_key={v}&timestamp={ts}",
        f"{{'signing_secret': '{v}', 'ts': {ts}}}",
        f"X-Twilio-Signature: {v}",
    ))
    return _shape(r, text), v


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "B39_QUERY": b39_query, "B39_HEADER": b39_header, "B39_SCHEME": b39_scheme, "B40_TOKEN_SET": b40_token_set,
    "C41_BARE": c41_bare, "B39_JOBVITE": b39_jobvite, "QUOTED_PASSWORD": quoted_password,
    "SIGNATURE_NOT_BOUND": unbound_or_capability_signature, "B39_SCHEME_OTHER_HEADER": b39_scheme_other_header}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "D53_IDS": d53_ids, "D55_SIBLINGS": d55_siblings, "NEAR_FORMATS": near_formats,
    "D55_BOUND_SIGNATURE": bound_signature, "SCHEME_WORD_METADATA": scheme_word_not_header_value}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    make = {**SECRET_CLASSES, **KEEP_CLASSES}[cls]
    r = random.Random(f"{cls}-{seed}")
    return [make(r) for _ in range(n)]


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    """A secret class fails when the value (or, JSON-escaped, its escaped form) is still in the output; a keep class
    when it is not."""
    out = fn(text)
    present = v in out or json.dumps(v)[1:-1] in out
    return present if cls in SECRET_CLASSES else not present
