"""Client-side feature-flag keys stay, the same vendors' server keys go (sidecar/redaction/clientkeys.py; CLASSES16.md
D38 against A104/C36): Statsig, GrowthBook, LaunchDarkly, Unleash and Flagsmith keys in their SDKs' spellings and
carriers (tests/security/clientkey_gen.py)."""

from __future__ import annotations

from collections import Counter

import pytest

from sidecar.redaction import redact

from .clientkey_gen import client_key_cases, server_key_twins
from .secret_gen import leaked


@pytest.mark.parametrize("seed", [1911, 1912, 1913])
def test_client_keys_survive_and_server_keys_go(seed: int) -> None:
    kept = client_key_cases(seed, 3)
    lost = Counter(kind for kind, text, value in kept if value not in redact(text))
    assert len(kept) == 15 and not lost, f"client keys lost: {lost.most_common()}"
    twins = server_key_twins(seed, 3)
    leaks = Counter(kind for kind, text, value in twins if leaked(value, redact(text)))
    assert len(twins) == 12 and not leaks, f"server keys leaked: {leaks.most_common()}"


@pytest.mark.parametrize("seed", [1931, 1932, 1933])
def test_a_client_shaped_value_under_a_secret_name_goes(seed: int) -> None:
    import random
    import string

    rng = random.Random(seed)
    leaks = []
    for _ in range(6):
        body = "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randint(22, 30)))
        value = rng.choice(["sdk-", "client-"]) + body
        text = rng.choice(["password={v}", "PAYMENTS_API_SECRET={v}", "STATSIG_SERVER_SECRET={v}",
                           '{{"client_secret": "{v}"}}', "db_password: {v}"]).format(v=value)
        if leaked(value, redact(text)):
            leaks.append(text)
    assert not leaks, leaks
