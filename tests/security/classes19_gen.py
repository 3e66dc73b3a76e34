"""Generators for CLASSES19.md (round 17's spec, audited in round 18): the back-office SaaS credentials, written from
the class text (never from a held-out set). Round 17 generated B37 (round17_gen.BASIC_USER) and D50's logins; this
file samples the rest as their GRAMMARS across the A137-A151 vendors, so one class is many vendors, not one:

Secret classes (the value must be gone, and its last 16 characters too: a tail left after a mark is a leak):
- C40_LABELLED: every C40 value shape (HubSpot `pat-na1-`, Asana `1/<16>/<16>:<32 hex>`, ClickUp `pk_<n>_`, Mailchimp
  `-us<N>`, MaxMind `_mmk`, Contentful `CFPAT-`, X `AAAA..%3D`, WooCommerce `cs_`, HERE 43 base64url, Mapbox `sk.`,
  LocationIQ `pk.`, Radar `prj_live_sk_`, Cal.com `cal_live_`, Typeform `tfp_`, Nylas `nyk_v0_`, Sonar `sqp_`,
  Chromatic `chpt_`, Honeybadger `hbp_`, Atlassian `ATATT3x`, Mollie `live_`, Paystack `sk_live_`, Flutterwave
  `FLWSECK-`, Mercado Pago `APP_USR-`, Meta `EAA`, PayPal `A21AA`, Amazon `Atzr|`, Ghost `<24 hex>:<64 hex>`, Firebase
  `1//`, Adyen `AQE`, Razorpay secret, Binance 64) under a secret-worded label, in the carriers the spec names:
  a sorted env dump, a header dict, a kwargs repr, json.dumps, a bare `Authorization:` or `Bearer`, a query.
- C40_PREFIXED_BARE: the self-marking prefixes alone (no label in view) in a log message, a URL path segment, a
  `set -x` CLI echo's positional argument.
- B38_FIELDS: the vendors' own field words with no secret word (`xapikey`, `LicenseKey`, `repo_token`,
  `project_token`, `transactionKey`, `keystring`, `app_secret`, `appsecret`, `access_token_secret`, `storePassword`,
  `MATCH_PASSWORD`, `security_token`, `consumer_secret`, `private_key` short), case style (camel, Pascal, snake,
  kebab, UPPER), separator (`=`, `: `, space as in GeoIP.conf, `=>`), quoted or not.
- A_PATH_KEYS: the key as a URL path segment (IPQualityScore `/api/json/ip/<key>/<ip>`, Alchemy `/v2/<key>`, Infura
  `/v3/<project id>`, QuickNode, Ankr) in a requests / urllib3 / aiohttp error text.

Keep classes (the value must stay):
- D50_IDS: Razorpay `rzp_live_` key ids, Asana gids, Salesforce org ids `00D`, Contentful space ids, App Store
  `key_id` / `issuer_id`, MaxMind `AccountID`, BigCommerce store hash, Jira issue keys, Nylas grant ids.
- D51_PUBLIC: Mapbox `pk.eyJ`, Radar `prj_live_pk_`, Paystack `pk_live_`, Flutterwave `FLWPUBK-` labelled publishable.
- D52_NUMBERS: EditionIDs, Adyen `pspReference`, PayPal `PAYID-`, Razorpay `order_`/`pay_`, an Ethereum tx hash and
  address under their field names, a bundle id and build number, a Codecov commit SHA.

    PYTHONPATH=$PWD python -m tests.security.classes19_gen --seeds 1900-1905 [--show C40_LABELLED]
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable

Planting = tuple[str, str]
_AN = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"
_UP = string.ascii_uppercase + string.digits
_B64U = _AN + "-_"


def _s(r: random.Random, n: int, alphabet: str = _AN) -> str:
    while True:
        v = "".join(r.choice(alphabet) for _ in range(n))
        if alphabet != _AN or (any(c.isdigit() for c in v) and any(c.isupper() for c in v)
                               and any(c.islower() for c in v)):
            return v


def _uuid(r: random.Random) -> str:
    return "-".join(_s(r, n, _HEX) for n in (8, 4, 4, 4, 12))


def _digits(r: random.Random, n: int) -> str:
    return str(r.randrange(1, 10)) + _s(r, n - 1, string.digits)


# C40's shapes, each from the spec's own grammar for it (CLASSES19.md C40).
_SHAPES: tuple[Callable[[random.Random], str], ...] = (
    lambda r: f"pat-{r.choice(('na1', 'eu1'))}-{_uuid(r)}",
    lambda r: f"{r.choice('12')}/{_digits(r, 16)}/{_digits(r, 16)}:{_s(r, 32, _HEX)}",
    lambda r: f"pk_{_digits(r, 8)}_{_s(r, 32, _UP)}",
    lambda r: f"{_s(r, 32, _HEX)}-us{r.randrange(1, 22)}",
    lambda r: f"{_s(r, 6)}_{_s(r, 29)}_mmk",
    lambda r: "CFPAT-" + _s(r, 43, _B64U),
    lambda r: "A" * 21 + _s(r, 30) + "%2B" + _s(r, 20) + "%3D" + _s(r, 30),
    lambda r: r.choice(("cs_", "ck_")) + _s(r, 40, _HEX),
    lambda r: _s(r, 43, _B64U),
    lambda r: "sk." + base64.urlsafe_b64encode(json.dumps({"u": _s(r, 8), "a": _s(r, 12)}).encode()).decode().rstrip("=")
    + "." + _s(r, 22, _B64U),
    lambda r: "pk." + _s(r, 32, _HEX),
    lambda r: f"prj_{r.choice(('live', 'test'))}_sk_" + _s(r, 40, _HEX),
    lambda r: "cal_live_" + _s(r, 32, _HEX),
    lambda r: "tfp_" + _s(r, 44, _AN),
    lambda r: "nyk_v0_" + _s(r, 48, _AN),
    lambda r: r.choice(("sqp_", "squ_", "sqa_")) + _s(r, 40, _HEX),
    lambda r: "chpt_" + _s(r, 14, _HEX),
    lambda r: "hbp_" + _s(r, 30, _AN),
    lambda r: "ATATT3x" + _s(r, 180, _B64U) + "=" + _s(r, 8, _UP),
    lambda r: "live_" + _s(r, 30),
    lambda r: "sk_live_" + _s(r, 40, _HEX),
    lambda r: "FLWSECK-" + _s(r, 32, _HEX) + "-X",
    lambda r: f"APP_USR-{_digits(r, 16)}-{_digits(r, 6)}-{_s(r, 32, _HEX)}-{_digits(r, 9)}",
    lambda r: "EAA" + _s(r, 160),
    lambda r: "A21AA" + _s(r, 90, _B64U),
    lambda r: "Atzr|" + _s(r, 300, _B64U),
    lambda r: f"{_s(r, 24, _HEX)}:{_s(r, 64, _HEX)}",
    lambda r: "1//" + _s(r, 100, _B64U),
    lambda r: "AQE" + _s(r, 60) + "=-" + _s(r, 80, _B64U),
    lambda r: _s(r, 24),
    lambda r: _s(r, 64),
)
# The self-marking prefixes: each names itself without a label (C40 entries whose prefix is the vendor's own mark).
_PREFIXED = (0, 1, 2, 5, 6, 7, 9, 11, 12, 13, 14, 15, 17, 18, 20, 21, 22, 24, 25)

_SECRET_LABELS = ("HUBSPOT_ACCESS_TOKEN", "api_key", "X-API-Key", "apiToken", "access_token", "secret_key",
                  "CODECOV_TOKEN", "license_key", "client_secret", "auth_token", "SONAR_TOKEN", "MAPBOX_SECRET_TOKEN")


def _shape(r: random.Random, text: str) -> str:
    """A text record, json.dumps of a record, or the bare line (a CI step's output)."""
    k = r.randrange(3)
    if k == 0:
        return f"2026-12-07 10:11:12,345 ERROR backoffice.sync: {text}"
    if k == 1:
        return json.dumps({"level": "error", "logger": "backoffice.sync", "msg": text})
    return text


def c40_labelled(r: random.Random) -> Planting:
    v = r.choice(_SHAPES)(r)
    name = r.choice(_SECRET_LABELS)
    text = r.choice((
        "{n}={v}", "headers={{'{n}': '{v}', 'Accept': 'application/json'}}", "Client(region='eu', {n}='{v}')",
        '{{"{n}": "{v}", "timeout": 30}}', "Authorization: Bearer {v}", "send: b'GET /crm/v3/objects HTTP/1.1\\r\\n"
        "Host: api.example.com\\r\\nAuthorization: Bearer {v}\\r\\n\\r\\n'",
        "export {n}='{v}'", "+ curl -sS -H '{n}: {v}' https://api.example.com/v1/ping",
    )).format(n=name, v=v)
    return _shape(r, text), v


def c40_prefixed_bare(r: random.Random) -> Planting:
    v = _SHAPES[r.choice(_PREFIXED)](r)
    text = r.choice((
        "sync failed using {v} for workspace 42", "Authorization: {v}", "+ codecovcli upload-process {v} --slug acme/gw",
        "requests.exceptions.HTTPError: 401 Client Error: Unauthorized for url: https://api.example.com/v1/{v}/events",
        "token rejected: {v}",
    )).format(v=v)
    return _shape(r, text), v


_B38_WORDS = ("xapikey", "license key", "repo token", "project token", "transaction key", "keystring", "app secret",
              "appsecret", "access token secret", "store password", "match password", "security token",
              "consumer secret", "private key")


def _spell(r: random.Random, words: str) -> str:
    parts = words.split()
    style = r.randrange(5)
    if style == 0:
        return parts[0] + "".join(p.title() for p in parts[1:])
    if style == 1:
        return "".join(p.title() for p in parts)
    if style == 2:
        return "_".join(parts)
    if style == 3:
        return "-".join(parts)
    return "_".join(parts).upper()


def b38_fields(r: random.Random) -> Planting:
    v = r.choice((lambda: _s(r, 16), lambda: _s(r, 32, _HEX), lambda: _s(r, 24), lambda: "cs_" + _s(r, 40, _HEX),
                  lambda: _s(r, 40, _B64U)))()
    name = _spell(r, r.choice(_B38_WORDS))
    q = r.choice(("", "'", '"'))
    text = r.choice(("{n}={q}{v}{q}", "{n}: {q}{v}{q}", "{n} {v}", "'{n}' => '{v}',", "client.{n} = {q}{v}{q}",
                     "config: {{'{n}': '{v}', 'environment': 'LIVE'}}")).format(n=name, v=v, q=q)
    return _shape(r, text), v


def a_path_keys(r: random.Random) -> Planting:
    v = r.choice((lambda: _s(r, 32), lambda: _s(r, 32, _HEX), lambda: _s(r, 32, _B64U)))()
    url = r.choice((f"https://ipqualityscore.com/api/json/ip/{v}/203.0.113.7?strictness=1",
                    f"https://eth-mainnet.g.alchemy.com/v2/{v}", f"https://polygon-mainnet.g.alchemy.com/v2/{v}",
                    f"https://mainnet.infura.io/v3/{v}", f"wss://sepolia.infura.io/ws/v3/{v}",
                    f"https://eth-mainnet.g.alchemy.com/nft/v2/{v}/getNFTs?owner=0xabc",
                    f"https://young-dawn-1234.quiknode.pro/{v}/", f"https://rpc.ankr.com/eth/{v}",
                    f"https://ipqualityscore.com/api/json/email/{v}/ops@example.com"))
    text = r.choice((
        "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='x', port=443): Max retries exceeded with url: {u}",
        "aiohttp.client_exceptions.ClientResponseError: 429, message='Too Many Requests', url=URL('{u}')",
        "web3.exceptions: HTTPError 401 for {u}",
    )).format(u=url)
    return _shape(r, text), v


def d50_ids(r: random.Random) -> Planting:
    v, field = r.choice((
        (lambda: ("rzp_live_" + _s(r, 14), "key_id")), (lambda: (_digits(r, 16), "workspace_gid")),
        (lambda: ("00D" + _s(r, 12, _UP), "org_id")), (lambda: (_s(r, 12, string.ascii_lowercase + string.digits),
                                                              "space_id")),
        (lambda: (_s(r, 10, _UP), "key_id")), (lambda: (_uuid(r), "issuer_id")), (lambda: (_digits(r, 6), "AccountID")),
        (lambda: (_s(r, 10, string.ascii_lowercase + string.digits), "store_hash")),
        (lambda: ("GW-" + str(r.randrange(100, 9999)), "issue")), (lambda: (_uuid(r), "grant_id")),
    ))()
    text = r.choice(("{f}={v}", "{f}: {v}", "{{'{f}': '{v}', 'mode': 'live'}}", '{{"{f}": "{v}"}}')).format(f=field, v=v)
    return _shape(r, text), v


def d51_public(r: random.Random) -> Planting:
    v, field = r.choice((
        (lambda: ("pk.eyJ1Ijoi" + _s(r, 40, _B64U) + "." + _s(r, 22, _B64U), "MAPBOX_PUBLIC_TOKEN")),
        (lambda: ("prj_live_pk_" + _s(r, 40, _HEX), "publishableKey")),
        (lambda: ("pk_live_" + _s(r, 40, _HEX), "public_key")),
        (lambda: ("FLWPUBK-" + _s(r, 32, _HEX) + "-X", "publicKey")),
    ))()
    text = r.choice(("{f}={v}", "{{'{f}': '{v}'}}", '{{"{f}": "{v}"}}')).format(f=field, v=v)
    return _shape(r, text), v


def d52_numbers(r: random.Random) -> Planting:
    v, field = r.choice((
        (lambda: ("GeoLite2-City", "EditionIDs")), (lambda: (_s(r, 16, _UP), "pspReference")),
        (lambda: ("PAYID-" + _s(r, 24, _UP), "paymentId")), (lambda: ("order_" + _s(r, 14), "order_id")),
        (lambda: ("pay_" + _s(r, 14), "payment_id")), (lambda: ("0x" + _s(r, 64, _HEX), "transactionHash")),
        (lambda: ("0x" + _s(r, 40, _HEX), "to")), (lambda: ("com.acme.gateway", "bundle_id")),
        (lambda: (str(r.randrange(100, 9999)), "build_number")), (lambda: (_s(r, 40, _HEX), "commit_sha")),
    ))()
    sep = r.choice(("=", ": ", " "))
    text = r.choice((f"{field}{sep}{v}", f"{{'{field}': '{v}'}}", json.dumps({field: v})))
    return _shape(r, text), v


SECRET_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "C40_LABELLED": c40_labelled, "C40_PREFIXED_BARE": c40_prefixed_bare, "B38_FIELDS": b38_fields,
    "A_PATH_KEYS": a_path_keys}
KEEP_CLASSES: dict[str, Callable[[random.Random], Planting]] = {
    "D50_IDS": d50_ids, "D51_PUBLIC": d51_public, "D52_NUMBERS": d52_numbers}


def plantings(cls: str, seed: int, n: int) -> list[Planting]:
    make = {**SECRET_CLASSES, **KEEP_CLASSES}[cls]
    r = random.Random(f"{cls}-{seed}")
    return [make(r) for _ in range(n)]


def _forms(v: str) -> set[str]:
    return {v, json.dumps(v)[1:-1], repr(v)[1:-1]}


def failed(fn: Callable[[str], str], cls: str, text: str, v: str) -> bool:
    """A secret fails when it, or its last 16 characters (a tail left after a mark), survives in any escaped form; a
    keep value fails when it is gone in every form."""
    out = fn(text)
    if cls in SECRET_CLASSES:
        return any(f in out for f in _forms(v) | (_forms(v[-16:]) if len(v) > 24 else set()))
    return not any(f in out for f in _forms(v))


if __name__ == "__main__":
    import argparse

    from sidecar.redaction import redact

    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="1900-1905")
    ap.add_argument("--show", default="")
    a = ap.parse_args()
    lo, hi = (int(x) for x in a.seeds.split("-"))
    for cls in [*SECRET_CLASSES, *KEEP_CLASSES]:
        bad = [(t, redact(t)) for s in range(lo, hi + 1) for t, v in plantings(cls, s, 25) if failed(redact, cls, t, v)]
        print(f"{cls:20s} failed {len(bad):3d} / {25 * (hi - lo + 1)}")
        if cls == a.show:
            for t, o in bad[:12]:
                print("  IN ", t[:260], "\n  OUT", o[:260])
