"""Seeded client-side feature-flag keys (must stay, CLASSES16.md D38) and their server-side twins (must go, A104/C36),
for sidecar/redaction/clientkeys.py: Statsig `client-` vs `secret-`, GrowthBook `sdk-<id>` vs LaunchDarkly's server
`sdk-<uuid>`, LaunchDarkly's client-side ID, Unleash frontend vs backend tokens, Flagsmith environment keys with and
without `ser.`. Carriers: env lines, JS SDK init calls, JSON/YAML config echoes, a request header, in the log shapes of
classes11_gen.shape. Names and spellings vary per vendor as their SDK docs spell them."""

from __future__ import annotations

import json
import random
import uuid

from .classes11_gen import shape
from .secret_gen import AN, HEX, rnd

Case = tuple[str, str, str]


def _carry(r: random.Random, name: str, value: str, call: str) -> str:
    """`call` is the SDK's init as its docs write it: `f(<value>)` positional or `f({option: <value>})`."""
    k = r.randrange(5)
    if k == 0:
        return f"{name}={value}"
    if k == 1:
        option, fn = call.split(":", 1) if ":" in call else ("", call)
        return f"{fn}({{ {option}: '{value}', appName: 'web' }})" if option else f"{fn}('{value}', user)"
    if k == 2:
        return json.dumps({"featureFlags": {name: value, "enabled": True}})
    if k == 3:
        return f"feature_flags:\n  {name}: \"{value}\"\n  refresh: 30s"
    return f"init {call.split(':')[-1]} with {name}={value!r} failed: timeout"


def _uuid(r: random.Random) -> str:
    return str(uuid.UUID(int=r.getrandbits(128), version=4))


def _unleash(r: random.Random) -> str:
    return f"{r.choice(['default', 'web', '*'])}:{r.choice(['development', 'production'])}.{rnd(r, HEX, 64)}"


def client_key_cases(seed: int, n: int) -> list[Case]:
    """Client-side keys in their vendor's spelling: each must survive."""
    r = random.Random(seed)
    out: list[Case] = []
    for _ in range(n):
        for kind, name, value, call in (
            ("statsig", r.choice(["STATSIG_CLIENT_KEY", "statsigClientKey", "sdkKey"]), "client-" + rnd(r, AN, 43),
             "Statsig.initialize"),
            ("growthbook", r.choice(["GROWTHBOOK_CLIENT_KEY", "clientKey", "growthbook_client_key"]),
             "sdk-" + rnd(r, AN, r.randrange(12, 20)), "clientKey:new GrowthBook"),
            ("launchdarkly", r.choice(["LD_CLIENT_SIDE_ID", "clientSideID", "launchdarkly_client_side_id"]),
             rnd(r, HEX, 24), "LDClient.initialize"),
            ("unleash", r.choice(["UNLEASH_FRONTEND_TOKEN", "frontendApiToken", "clientKey", "unleash_frontend_token"]),
             _unleash(r), "clientKey:new UnleashClient"),
            ("flagsmith", r.choice(["FLAGSMITH_ENVIRONMENT_KEY", "environmentID", "flagsmith_environment_key"]),
             rnd(r, AN, 22), "environmentID:flagsmith.init"),
        ):
            out.append((kind, shape(r, _carry(r, name, value, call)), value))
    return out


def server_key_twins(seed: int, n: int) -> list[Case]:
    """The same vendors' SERVER keys in the same carriers: each must go."""
    r = random.Random(seed + 7)
    out: list[Case] = []
    for _ in range(n):
        for kind, name, value, call in (
            ("statsig-server", r.choice(["STATSIG_SERVER_SECRET", "STATSIG_SECRET_KEY", "serverSecret"]),
             "secret-" + rnd(r, AN, 43), "statsig.initialize"),
            ("launchdarkly-server", r.choice(["LD_SDK_KEY", "LAUNCHDARKLY_SDK_KEY", "sdkKey"]), "sdk-" + _uuid(r),
             "LaunchDarkly.init"),
            ("unleash-backend", r.choice(["UNLEASH_API_TOKEN", "UNLEASH_SERVER_API_TOKEN", "unleash_token"]),
             _unleash(r), "Authorization:startUnleash"),
            ("flagsmith-server", r.choice(["FLAGSMITH_SERVER_KEY", "FLAGSMITH_ENVIRONMENT_KEY", "environmentKey"]),
             "ser." + rnd(r, AN, 22), "environmentKey:new Flagsmith"),
        ):
            out.append((kind, shape(r, _carry(r, name, value, call)), value))
    return out
