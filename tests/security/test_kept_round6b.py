"""Must-keep classes of round 6 (held-out 8 development data), generated: base64 of a media file without its data
URL (the decoded bytes open with a JPEG/PNG/GIF/PDF/MP4 magic number), a password masked by stars only (kombu's
`redis://:**@host`), a POSIX/compose parameter expansion `${VAR:?message}` after a secret name, and a key's spend
or cost (LiteLLM `x-litellm-key-spend`); each with the secret counterpart of the same shape, which still goes."""

from __future__ import annotations

import base64
import json
import random

import pytest

from sidecar.redaction import redact

from .secret_gen import password

MAGIC = [b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"GIF89a", b"GIF87a",
         b"RIFF\x24\x08\x00\x00WEBPVP8 ", b"%PDF-1.7\n", b"\x00\x00\x00\x20ftypheic", b"\x00\x00\x00\x1cftypisom"]


def _b64(r: random.Random, n: int, urlsafe: bool = False) -> str:
    raw = r.randbytes(n)
    return (base64.urlsafe_b64encode if urlsafe else base64.b64encode)(raw).decode().rstrip("=")


@pytest.mark.parametrize("seed", range(8))
def test_media_base64_without_data_url_stays_random_base64_goes(seed: int) -> None:
    r = random.Random(seed)
    for magic in MAGIC:
        urlsafe = r.random() < 0.3
        enc = base64.urlsafe_b64encode if urlsafe else base64.b64encode
        media = enc(magic + r.randbytes(r.randint(40, 120))).decode()[:r.randint(60, 160)]
        field = r.choice(["thumbnail", "image", "preview", "b64_json", "content", "attachment"])
        line = json.dumps({"message": "upload rejected", field: media, "bytes": r.randint(10**5, 10**7)})
        assert media in redact(line), line
        secret = _b64(r, 40, urlsafe)
        if secret.startswith(("/9j/", "iVBOR", "R0lG", "UklG", "JVBE")):
            continue
        out = redact(json.dumps({"message": "upload rejected", field: secret}))
        assert secret not in out


@pytest.mark.parametrize("seed", range(6))
def test_star_masked_userinfo_stays_real_password_goes(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(8):
        scheme = r.choice(["redis", "rediss", "amqp", "postgresql", "mongodb", "sqla+postgresql"])
        user = r.choice(["", "guest", "app"])
        stars = "*" * r.randint(1, 10)
        host = f"{r.choice(['redis', 'broker', 'db.internal'])}:{r.randint(1000, 9999)}/0"
        masked = f"{scheme}://{user}:{stars}@{host}"
        assert masked in redact(f"- ** ---------- .> transport:   {masked}"), masked
        pw = password(r)
        assert pw not in redact(f"- ** ---------- .> transport:   {scheme}://{user}:{pw}@{host}")


@pytest.mark.parametrize("seed", range(6))
def test_parameter_expansion_after_secret_name_stays(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(8):
        name = r.choice(["OPENAI_API_KEY", "DB_PASSWORD", "GITHUB_TOKEN", "client_secret", "MOONSHOT_API_KEY"])
        op = r.choice([":?", "?", ":-", "-", ":=", ":+"])
        msg = r.choice(["set it", "required", "missing in .env", "", "changeme"])
        ref = f"{name}: ${{{name}{op}{msg}}}"
        line = f"ERROR src.deploy.compose: docker-compose.yml gateway.environment {ref} is unset"
        assert ref in redact(line), line
        pw = password(r)
        assert pw not in redact(f"ERROR src.deploy.compose: docker-compose.yml gateway.environment {name}: {pw}")


@pytest.mark.parametrize("seed", range(6))
def test_key_spend_and_cost_stay_key_goes(seed: int) -> None:
    r = random.Random(seed)
    for _ in range(8):
        prefix = r.choice(["x-litellm-key", "x-litellm-api-key", "api_key", "virtual-key", "token"])
        word = r.choice(["spend", "cost", "spent", "costs"])
        amount = f"{r.random() * r.choice([1, 100]):.4f}"
        header = f"{prefix}-{word}: {amount}"
        line = json.dumps({"log": f"< {header}\n", "stream": "stderr"})
        out = redact(line)
        assert json.loads(out)["log"] == f"< {header}\n", out
        key = "sk-" + _b64(r, 24).replace("/", "a").replace("+", "b")
        assert key not in redact(json.dumps({"log": f"< {prefix}: {key}\n", "stream": "stderr"}))
