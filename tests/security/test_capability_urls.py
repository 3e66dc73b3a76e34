"""Review r16 (re-read): a random id after an administered collection (entropy.COLLECTIONS) was kept whatever the path
said around it; in a capability URL (W3C TAG "Good Practices for Capability URLs") the id is the credential:
`/teams/<id>/join`, `/dashboards/<id>/public`, `/public/dashboards/<id>`, `/workspaces/<id>/accept-invite`. Those go;
a resource id in a plain resource path (`/projects/<id>/zones/...`, Fastly `/service/<id>/version/3`) stays. Nouns,
actions, their place in the path, hosts, sentences and carriers vary with the seed."""

from __future__ import annotations

import random

import pytest

from sidecar.redaction import redact

from .classes11_gen import shape
from .secret_gen import AN, leaked, rnd

_NOUNS = ["teams", "team", "dashboards", "workspaces", "projects", "orgs", "apps", "sites", "accounts", "datasets"]
_ACTIONS = ["join", "public", "invite", "share", "accept", "confirm", "verify", "reset", "unsubscribe", "download",
            "export", "accept-invite", "reset_password", "invitations"]


def _id(r: random.Random) -> str:
    while True:
        v = rnd(r, AN + "-_" if r.random() < 0.3 else AN, r.randrange(22, 33))
        if any(c.isupper() for c in v) and any(c.islower() for c in v) and any(c.isdigit() for c in v) and \
                v[0] not in "-_" and v[-1] not in "-_":
            return v


def _line(r: random.Random, path: str) -> str:
    url = r.choice(["", "https://app.example.com", "https://api.gw.example.test/v1"]) + path
    return r.choice([f"GET {url} 200 12ms", f"invite link sent: {url}", f'{{"url": "{url}", "status": 302}}',
                     f"redirecting to {url}"])


def _capability(r: random.Random, fid: str) -> str:
    noun, action = r.choice(_NOUNS), r.choice(_ACTIONS)
    k = r.randrange(3)
    if k == 0:
        return f"/{noun}/{fid}/{action}"
    if k == 1:
        return f"/{action}/{noun}/{fid}"
    return f"/{noun}/{fid}/{action}/{r.choice(['confirm', 'complete', 'start'])}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_ids_in_capability_urls_go(seed: int) -> None:
    r = random.Random(f"capability-urls:{seed}")
    cases = [(fid, shape(r, _line(r, _capability(r, fid)))) for fid in (_id(r) for _ in range(10))]
    leaks = [text for fid, text in cases if leaked(fid, redact(text))]
    assert not leaks, leaks


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_resource_ids_in_plain_paths_stay(seed: int) -> None:
    r = random.Random(f"capability-urls-twin:{seed}")
    cases = []
    for _ in range(10):
        rid = _id(r)
        path = r.choice([f"/projects/{rid}/zones/{r.choice(['us-east1-b', 'europe-west4-a'])}/instances",
                         f"/service/{rid}/version/{r.randrange(1, 9)}", f"/service/{rid}/purge_all",
                         f"/service/{rid}/version/{r.randrange(1, 9)}/activate", f"/apps/{rid}/links",
                         f"/accounts/{rid}/view",
                         f"/{r.choice(_NOUNS)}/{rid}/{r.choice(['members', 'settings', 'status', 'billing'])}"])
        cases.append((rid, shape(r, _line(r, path))))
    lost = [text for rid, text in cases if rid not in redact(text)]
    assert not lost, lost
