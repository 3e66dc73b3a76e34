"""Review r16 finding 2: a Google Drive share link's folder id is a capability (anyone with the link opens the folder),
so `folders/<id>` is no administered collection (entropy.COLLECTIONS); a resource id after `projects/` stays
(CLASSES17 D42/D45). Ids, link forms, sentences and carriers vary with the seed."""

from __future__ import annotations

import random

import pytest

from sidecar.redaction import redact

from .classes11_gen import shape
from .secret_gen import AN, leaked, rnd


def _drive_id(r: random.Random) -> str:
    while True:  # Drive folder ids: `1` + 32 of base64url, or a shared drive's `0A` + 17
        v = "1" + rnd(r, AN + "-_", 32) if r.random() < 0.7 else "0A" + rnd(r, AN, 17)
        if any(c.isupper() for c in v[1:]) and any(c.islower() for c in v) and any(c.isdigit() for c in v[2:]):
            return v


def _link(r: random.Random, noun: str, fid: str) -> str:
    url = f"https://drive.google.com/drive/{r.choice(['', 'u/0/', 'u/1/'])}{noun}/{fid}" + r.choice(
        ["", "?usp=sharing", "?usp=drive_link"])
    return r.choice([f"shared {url} with the on-call team", f"export uploaded to {url}",
                     f'{{"export_url": "{url}", "status": "done"}}', f"report link: {url}"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_drive_folder_ids_go(seed: int) -> None:
    r = random.Random(f"drive-folders:{seed}")
    cases = [(fid, shape(r, _link(r, "folders", fid))) for fid in (_drive_id(r) for _ in range(8))]
    leaks = [text for fid, text in cases if leaked(fid, redact(text))]
    assert not leaks, leaks


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_project_ids_in_the_same_slot_stay(seed: int) -> None:
    r = random.Random(f"drive-folders-twin:{seed}")
    cases = []
    for _ in range(8):
        pid = rnd(r, AN, r.randrange(20, 26))
        noun = r.choice(["projects", "zones", "accounts"])
        cases.append((pid, shape(r, r.choice([f"GET /v1/{noun}/{pid}/settings 404",
                                               f"purge queued for {noun}/{pid} (docs.gw.example.test)"]))))
    lost = [text for pid, text in cases if pid not in redact(text)]
    assert not lost, lost
