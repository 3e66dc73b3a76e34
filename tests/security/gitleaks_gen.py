"""Seeded plantings of EVERY gitleaks default rule's shape (gitleaks_shapes.py) in the carriers a Python service
prints, and of the must-keep lookalikes in the same carriers (issue 18, round 7).

A value is drawn from the rule's own value regex (a small sampler over `re`'s parse tree); a KEYWORD rule's value
is planted after a name holding the provider keyword, spelled at random (UPPER_SNAKE, camelCase, kebab,
dotted; with a secret word after the keyword, or the keyword alone: `ALGOLIA_ADMIN=...`); a PREFIXED rule's
value after a neutral name or none. Carriers are built with the real libraries where the service uses them
(httpx/httpx2, aiohttp, requests, openai, psycopg, pydantic, PyYAML, configparser, traceback).

    PYTHONPATH=$PWD python -m tests.security.gitleaks_gen [--seeds 3]    # leak share per carrier and family
"""

from __future__ import annotations

import configparser
import io
import json
import random
import re
import string
import traceback
import uuid
from collections.abc import Callable
from re import _parser as sre  # type: ignore[attr-defined]  # the stdlib's own regex parser

from .gitleaks_shapes import KEYWORD_RULES, NEIGHBOUR_RULES, PREFIXED_RULES

Case = tuple[str, str, str, str]  # (family:rule, carrier, planted text, the secret that must not survive)
_WORD = string.ascii_letters + string.digits + "_"


def _charset(items: list[tuple[object, object]]) -> str:
    out: list[str] = []
    for op, av in items:
        name = getattr(op, "name", str(op))
        if name == "LITERAL":
            out.append(chr(int(av)))  # type: ignore[call-overload]
        elif name == "RANGE":
            lo, hi = av  # type: ignore[misc]
            out.extend(chr(c) for c in range(lo, hi + 1))
        elif name == "CATEGORY":
            out.append(string.digits if getattr(av, "name", "") == "CATEGORY_DIGIT" else _WORD)
    return "".join(out)


def _sample(tree: object, r: random.Random, casing: str) -> str:
    out: list[str] = []
    for op, av in tree:  # type: ignore[attr-defined]
        name = getattr(op, "name", str(op))
        if name == "LITERAL":
            out.append(chr(av))
        elif name == "IN":
            chars = _charset(av)
            c = r.choice(chars)
            if casing == "upper" and chars.islower():
                c = c.upper()
            elif casing == "mixed" and chars.islower() and r.random() < 0.5:
                c = c.upper()
            out.append(c)
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            lo, hi, sub = av
            hi = lo + 20 if hi > 10_000 else hi
            out.extend(_sample(sub, r, casing) for _ in range(r.randint(lo, hi)))
        elif name == "SUBPATTERN":
            out.append(_sample(av[-1], r, casing))
        elif name == "BRANCH":
            out.append(_sample(r.choice(av[1]), r, casing))
        elif name == "ANY":
            out.append(r.choice(_WORD))
    return "".join(out)


def sample(regex: str, r: random.Random, ci: bool = False) -> str:
    """A random string of `regex`'s language; a case-insensitive rule's letters may come in upper or mixed case."""
    casing = r.choice(["lower", "lower", "upper", "mixed"]) if ci else "lower"
    return _sample(sre.parse(regex), r, casing)


# -- names -----------------------------------------------------------------------------------------------------
SECRET_SUFFIXES = [["api", "key"], ["key"], ["token"], ["secret"], ["access", "token"], ["client", "secret"],
                   ["auth", "token"], ["secret", "key"], ["api", "token"], ["private", "key"], ["password"]]
BARE_SUFFIXES = [[], ["admin"], ["prod"], ["live"], ["io"], ["app"], ["cloud"], ["v2"], ["write"]]
NEUTRAL_NAMES = ["value", "arg", "current", "item", "detail", "raw", "got", "data"]


def spell(words: list[str], r: random.Random) -> str:
    words = [w for part in words for w in re.split(r"[_.\-]", part) if w]
    style = r.randrange(6)
    if style == 0:
        return "_".join(words).upper()
    if style == 1:
        return "_".join(words)
    if style == 2:
        return words[0] + "".join(w.capitalize() for w in words[1:])
    if style == 3:
        return "".join(w.capitalize() for w in words)
    if style == 4:
        return "-".join(words)
    return ".".join(words)


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", re.sub(r"[.\-]", "_", name)).lower()


def _header(name: str) -> str:
    return "X-" + "-".join(w.capitalize() for w in _snake(name).split("_") if w)


# -- carriers --------------------------------------------------------------------------------------------------
TS = "2026-12-06T07:41:12.331Z"
URL = "https://api.example-provider.com/v1/items"


def c_env(r: random.Random, name: str, value: str) -> str:
    n = _snake(name).upper()
    return r.choice([f"{n}={value}", f'export {n}="{value}"', f'declare -x {n}="{value}"', f"  {n}: {value}"])


def c_environ_repr(r: random.Random, name: str, value: str) -> str:
    env = {"HOME": "/root", "PATH": "/usr/local/bin:/usr/bin", _snake(name).upper(): value, "LANG": "C.UTF-8"}
    return f"startup environment: environ({env!r})"


def c_json_log(r: random.Random, name: str, value: str) -> str:
    return json.dumps({"timestamp": TS, "level": "ERROR", "logger": "app.client", "message": "upstream call failed",
                       name: value, "status": 401})


def c_docker(r: random.Random, name: str, value: str) -> str:
    line = f"2026-12-06 07:41:12,331 ERROR app.settings: config {name}={value} rejected"
    return json.dumps({"log": line + "\n", "stream": "stderr", "time": TS})


def c_exception(r: random.Random, name: str, value: str) -> str:
    exc = r.choice([ValueError(f"Invalid {name}: {value!r}"), RuntimeError(f"{name}={value} was rejected (401)"),
                    KeyError(f"unknown {name} {value}"), PermissionError(f"{name} '{value}' lacks scope")])
    return "".join(traceback.format_exception_only(type(exc), exc)).rstrip()


def c_pydantic(r: random.Random, name: str, value: str) -> str:
    from pydantic import create_model

    field = _snake(name)
    if not field.isidentifier():
        field = "f_" + re.sub(r"\W", "_", field)
    if r.random() < 0.5 or len(value) <= 8:
        model = create_model("Settings", **{field: (str, ...), "region": (str, "eu")})  # type: ignore[call-overload]
        return f"loaded {model(**{field: value})!r}"
    return pydantic_cut_report(field, value)


def pydantic_cut_report(field: str, value: str) -> str:
    """pydantic's ValidationError text for a value longer than max_length=8: it shows the input cut in the middle."""
    from pydantic import BaseModel, Field, ValidationError, create_model

    strict: type[BaseModel] = create_model("Settings", **{field: (str, Field(max_length=8))})  # type: ignore[call-overload]
    try:
        strict(**{field: value})
    except ValidationError as e:
        return str(e)
    raise AssertionError("a value longer than 8 characters passed max_length=8")


def c_httpx(r: random.Random, name: str, value: str) -> str:
    import httpx

    if r.random() < 0.5:
        return f"request headers: {httpx.Headers({_header(name): value, 'accept': 'application/json'})!r}"
    req = httpx.Request("GET", URL, params={_snake(name): value})
    try:
        httpx.Response(403, request=req).raise_for_status()
    except httpx.HTTPStatusError as e:
        return f"httpx.HTTPStatusError: {e}"
    raise AssertionError("403 did not raise")


def c_aiohttp(r: random.Random, name: str, value: str) -> str:
    import aiohttp
    from multidict import CIMultiDict, CIMultiDictProxy
    from yarl import URL as YURL

    url = YURL(URL).with_query({_snake(name): value}) if r.random() < 0.5 else YURL(URL)
    info = aiohttp.RequestInfo(url, "GET", CIMultiDictProxy(CIMultiDict({_header(name): value, "Accept": "*/*"})), url)
    if r.random() < 0.5:
        return repr(info)
    err = aiohttp.ClientResponseError(info, (), status=401, message="Unauthorized")
    return f"aiohttp.client_exceptions.ClientResponseError: {err}"


def c_requests(r: random.Random, name: str, value: str) -> str:
    import requests

    if r.random() < 0.5:
        prep = requests.Request("POST", URL, headers={_header(name): value}).prepare()
        return f"sending {prep.method} {prep.url} headers={prep.headers!r}"
    resp = requests.Response()
    resp.status_code, resp.reason, resp.url = 401, "Unauthorized", f"{URL}?{_snake(name)}={value}"
    try:
        resp.raise_for_status()
    except requests.HTTPError as e:
        return f"requests.exceptions.HTTPError: {e}"
    raise AssertionError("401 did not raise")


def c_openai(r: random.Random, name: str, value: str) -> str:
    import httpx2
    import openai

    body = {"error": {"message": f"Incorrect {name} provided: {value}", "type": "invalid_request_error"}}
    resp = httpx2.Response(401, request=httpx2.Request("POST", "https://api.moonshot.ai/v1/chat/completions"))
    err = openai.AuthenticationError(f"Error code: 401 - {body}", response=resp, body=body)
    return f"openai.AuthenticationError: {err}"


def c_psycopg(r: random.Random, name: str, value: str) -> str:
    from psycopg.conninfo import make_conninfo

    return f"connecting with {make_conninfo('', host='db.internal', dbname='app', user='svc', password=value)!r}"


def c_traceback_url(r: random.Random, name: str, value: str) -> str:
    url = f"{URL}?{_snake(name)}={value}&limit=10"
    return ("Traceback (most recent call last):\n"
            '  File "/app/sidecar_client/fetch.py", line 88, in fetch\n'
            f'    resp = session.get("{url}")\n'
            f"urllib3.exceptions.MaxRetryError: HTTPSConnectionPool(host='api.example-provider.com', port=443): "
            f"Max retries exceeded with url: /v1/items?{_snake(name)}={value}&limit=10")


def c_http_dump(r: random.Random, name: str, value: str) -> str:
    if r.random() < 0.5:
        return (f"send: b'GET /v1/items HTTP/1.1\\r\\nHost: api.example-provider.com\\r\\n{_header(name)}: {value}"
                "\\r\\nAccept-Encoding: identity\\r\\n\\r\\n'")
    return f"> GET /v1/items HTTP/1.1\n> Host: api.example-provider.com\n> {_header(name)}: {value}\n> Accept: */*\n"


def c_yaml(r: random.Random, name: str, value: str) -> str:
    import yaml

    return str(yaml.safe_dump({"service": {"region": "eu-west-1", name: value}}, default_flow_style=r.random() < 0.3))


def c_toml(r: random.Random, name: str, value: str) -> str:
    return f'[providers]\nregion = "eu-west-1"\n{_snake(name)} = "{value}"\n'


def c_ini(r: random.Random, name: str, value: str) -> str:
    cp = configparser.ConfigParser(interpolation=None)
    cp["providers"] = {"region": "eu-west-1", _snake(name): value}
    buf = io.StringIO()
    cp.write(buf)
    return buf.getvalue()


CARRIERS: dict[str, Callable[[random.Random, str, str], str]] = {
    "env": c_env, "environ_repr": c_environ_repr, "json_log": c_json_log, "docker": c_docker,
    "exception": c_exception, "pydantic": c_pydantic, "httpx": c_httpx, "aiohttp": c_aiohttp,
    "requests": c_requests, "openai": c_openai, "psycopg": c_psycopg, "traceback_url": c_traceback_url,
    "http_dump": c_http_dump, "yaml": c_yaml, "toml": c_toml, "ini": c_ini,
}
# a value written over several lines only fits the carriers that keep a line break as one
_MULTILINE_OK = ("json_log", "docker", "yaml", "pydantic", "psycopg", "environ_repr")


def cases(seed: int) -> list[Case]:
    """Every rule once per carrier: keyword rules after a named and a bare provider name, prefixed rules after a
    neutral name."""
    r = random.Random(seed)
    out: list[Case] = []
    for carrier, fn in CARRIERS.items():
        for rule, keywords, rx, ci in KEYWORD_RULES + NEIGHBOUR_RULES:
            for family, suffixes in (("keyword+secret-word", SECRET_SUFFIXES), ("keyword-only", BARE_SUFFIXES)):
                if rule == "generic-api-key" and family == "keyword-only":
                    continue  # its keywords are the secret words themselves
                value = sample(rx, r, ci)
                name = spell([r.choice(["", "", "prod", "my"]), r.choice(keywords), *r.choice(suffixes)], r)
                text = fn(r, name, value)
                if leaked(value, text):  # a carrier that drops the field (an error without headers) plants nothing
                    out.append((f"{family}:{rule}", carrier, text, value))
        for rule, rx in PREFIXED_RULES:
            value = sample(rx, r)
            if "\n" in value and carrier not in _MULTILINE_OK:
                continue
            text = fn(r, r.choice(NEUTRAL_NAMES), value)
            if leaked(value, text):
                out.append((f"prefixed:{rule}", carrier, text, value))
    return out


# -- must-keep lookalikes in the same carriers -----------------------------------------------------------------
HEX = "0123456789abcdef"


def _hex(r: random.Random, n: int) -> str:
    return "".join(r.choice(HEX) for _ in range(n))


MODELS = ["gpt-4o-mini-2024-07-18", "kimi-k2-0905-preview", "moonshot-v1-128k", "glm-4.6", "claude-sonnet-4-5-20250929",
          "deepseek-chat", "Qwen2.5-72B-Instruct", "text-embedding-3-large"]
KEEP: list[tuple[str, Callable[[random.Random], tuple[str, str]]]] = [
    ("git_sha", lambda r: (r.choice(["commit", "git_sha", "revision", "sentry_release"]), _hex(r, 40))),
    ("uuid", lambda r: (r.choice(["request_id", "x-request-id", "job_id", "heroku_app_id"]), str(uuid.UUID(int=r.getrandbits(128))))),
    ("trace_id", lambda r: (r.choice(["trace_id", "traceId", "otel_trace_id"]), _hex(r, 32))),
    ("traceparent", lambda r: ("traceparent", f"00-{_hex(r, 32)}-{_hex(r, 16)}-01")),
    ("digest", lambda r: (r.choice(["image_digest", "content_digest", "docker_image"]), "sha256:" + _hex(r, 64))),
    ("md5", lambda r: (r.choice(["checksum", "content_md5", "etag"]), _hex(r, 32))),
    ("model", lambda r: (r.choice(["model", "model_name", "openai_model"]), r.choice(MODELS))),
    ("masked", lambda r: (r.choice(["api_key", "kimi_api_key", "datadog_api_key", "password"]),
                          r.choice(["sk-...", "sk-proj-****", "********", "***"]) + _hex(r, 4))),
    ("provider_setting", lambda r: r.choice([("datadog_site", "datadoghq.eu"), ("sentry_environment", "production"),
                                             ("twilio_region", "ie1"), ("algolia_index", "products_prod"),
                                             ("okta_domain", "dev-4821.okta.com"), ("heroku_app", "gateway-prod-eu"),
                                             ("jira_issue", "OPS-" + str(r.randint(100, 9999)))])),
    ("provider_id", lambda r: (r.choice(["cloudflare_zone_id", "discord_channel_id", "stripe_account_id"]),
                               r.choice([_hex(r, 32), str(r.randint(10**17, 10**18 - 1))]))),
    ("provider_scope", lambda r: r.choice([("groq_org", "org_01hx" + _hex(r, 20)), ("azure_tenant", str(uuid.UUID(int=r.getrandbits(128)))),
                                           ("openrouter_model", "anthropic/claude-3.5-sonnet"), ("kimi_model", "kimi-k2-0905-preview"),
                                           ("azure_api_version", "2024-10-21"), ("deepgram_request", str(uuid.UUID(int=r.getrandbits(128)))),
                                           ("mistral_project", "proj_" + _hex(r, 24)), ("pinecone_index", "gateway-embeddings-v3"),
                                           ("twilio_from", "+1415555" + str(r.randint(1000, 9999))),
                                           ("wandb_run", "run-20261206_" + _hex(r, 8))])),
    ("counter", lambda r: (r.choice(["token_count", "prompt_tokens", "max_tokens", "api_key_age_days"]),
                           str(r.randint(1, 200000)))),
]


def keep_cases(seed: int) -> list[tuple[str, str, str, str]]:
    """(class, carrier, planted text, the value that must survive unchanged)."""
    r = random.Random(seed)
    out: list[tuple[str, str, str, str]] = []
    for carrier, fn in CARRIERS.items():
        if carrier in ("psycopg",):  # its only field is `password`: nothing there may stay
            continue
        for klass, make in KEEP:
            for _ in range(2):
                name, value = make(r)
                if klass == "masked" and carrier in ("httpx", "aiohttp", "requests", "traceback_url", "http_dump"):
                    continue  # a URL query or header of that shape: the masked text is kept but the carrier differs
                text = fn(r, name, value)
                if value in text:
                    out.append((klass, carrier, text, value))
    return out


def leaked(secret: str, out: str) -> bool:
    """The secret survives as written, JSON-escaped, repr-escaped, percent-encoded, or (40+ characters) as its last
    20 characters (a carrier that shortens a long value: pydantic's input_value keeps the head and the tail)."""
    import urllib.parse

    forms = {secret, json.dumps(secret)[1:-1], repr(secret)[1:-1], urllib.parse.quote(secret, safe=""),
             urllib.parse.quote_plus(secret)}
    if len(secret) >= 40:
        forms.add(secret[-20:])
    return any(f and f in out for f in forms)


def _report(seeds: int) -> None:
    from collections import Counter

    from sidecar.redaction import redact

    total: Counter[str] = Counter()
    bad: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for seed in range(seeds):
        for fam, carrier, text, secret in cases(1900 + seed):
            family = fam.split(":")[0]
            out = redact(text)
            for key in (f"carrier {carrier}", f"family {family}", f"rule {fam}", "ALL"):
                total[key] += 1
                if leaked(secret, out):
                    bad[key] += 1
                    examples.setdefault(key, out[:300])
    for key in sorted(total, key=lambda k: (k.split()[0], -bad[k] / total[k])):
        if key.startswith("rule") and not bad[key]:
            continue
        print(f"{key:70s} {bad[key]:5d}/{total[key]:5d} {100 * bad[key] / total[key]:5.1f}%")
    kept_total: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    for seed in range(seeds):
        for klass, carrier, text, value in keep_cases(2900 + seed):
            kept_total[klass] += 1
            kept_total["ALL"] += 1
            if value not in redact(text):
                lost[klass] += 1
                lost["ALL"] += 1
                examples.setdefault(f"keep {klass}/{carrier}", redact(text)[:300])
    for key in sorted(kept_total):
        print(f"keep {key:65s} {lost[key]:5d}/{kept_total[key]:5d} lost")
    import os
    if os.environ.get("SHOW"):
        for k, v in examples.items():
            print("EX", k, "::", v)


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=3)
    _report(ap.parse_args().seeds)
