"""Round-11 review: near-misses of user_value.py where a tool-call argument's text occurs in the failure but is NOT
the refused value (strict xfails: each fails the run once the mechanism tells them apart).

user_value.py downgrades a code/config answer to unknown when `_named(value, said)`: the argument's text as a whole
word anywhere in what the failure says. Two near-miss shapes, each with real errors raised by the real library:
- a PATH: the user's argument is a bare file name (`config.yaml`) and the failure refuses a longer path of ours that
  merely ends with it (`/…/gateway/config.yaml`): `(?<![\\w])` accepts the '/' before it. The refused value is the
  setting's path, not the user's argument: config must stay.
- a WORD: the user's argument is a word (`json`, `csv`) that is also a module name in the exception's dotted type
  (`json.decoder.JSONDecodeError`): the refusal names no user value at all; code must stay.
What varies by seed: the file or word, the tool, the carrier of the tool call (tools/call k=v, args={...},
toolcalls.jsonl, Docker json-file), the request id. The twin (must hold today and after the fix): the argument IS
the refused path, which user_value.py rightly reads as the user's.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.diagnose.logged import diagnose, logged
from tests.diagnose.test_user_value import _call_record

SEEDS = range(1, 7)
NAMES = ("config.yaml", "settings.toml", "providers.json", "routes.yaml", "secrets.env")
TOOLS = ("read_path", "file_inspect", "project_scan", "export_chat")


def _missing_setting_file(tmp: Path, name: str, req: str) -> str:
    path = tmp / "gateway" / name
    try:
        open(path)  # noqa: SIM115 - raises FileNotFoundError
    except FileNotFoundError:
        return logged("src.core.paths", f"[req:{req}] loading gateway settings failed")
    raise AssertionError("no FileNotFoundError")


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="user_value._named: a bare file name argument matches the tail of a longer "
                                       "path of ours in the refusal (review r11)")
@pytest.mark.parametrize("seed", SEEDS)
def test_a_bare_name_argument_is_not_our_longer_path(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    name, req = rng.choice(NAMES), f"{rng.randrange(16**6):06x}"
    err = _missing_setting_file(tmp_path, name, req)
    alone = diagnose(err)
    assert alone.category == "config", (seed, alone.rule)
    call = _call_record(rng.randrange(4), req, rng.choice(TOOLS), "path", name, rng.randrange(1, 50))
    d = diagnose(call + "\n" + err)
    assert d.category == "config", (seed, name, d.rule)


@pytest.mark.parametrize("seed", SEEDS)
def test_twin_the_argument_is_the_refused_path(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    name, req = rng.choice(NAMES), f"{rng.randrange(16**6):06x}"
    err = _missing_setting_file(tmp_path, name, req)
    call = _call_record(rng.randrange(4), req, rng.choice(TOOLS), "path", str(tmp_path / "gateway" / name),
                        rng.randrange(1, 50))
    d = diagnose(call + "\n" + err)
    assert d.category == "unknown" and "+user-value" in (d.rule or ""), (seed, d.rule)


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="user_value._named: an argument word that is a module name in the exception's "
                                       "dotted type (json.decoder.JSONDecodeError) reads as the refused value "
                                       "(review r11)")
@pytest.mark.parametrize("seed", SEEDS)
def test_an_argument_word_in_the_exception_type_is_no_user_value(seed: int) -> None:
    rng = random.Random(seed)
    req = f"{rng.randrange(16**6):06x}"
    reply = rng.choice(("", "<html>502 Bad Gateway</html>", "{'ok': True}", "data: [DONE]"))
    try:
        json.loads(reply)
    except ValueError:
        err = logged(rng.choice(("src.providers.kimi", "src.providers.glm")), f"[req:{req}] parsing reply failed")
    alone = diagnose(err)
    call = _call_record(rng.randrange(4), req, rng.choice(TOOLS), "format", "json", rng.randrange(1, 50))
    d = diagnose(call + "\n" + err)
    assert d.category == alone.category, (seed, alone.rule, d.rule)


# recovered.py + following.py: a later record of the same LOGGER is tied to the error whatever it says it did, and
# _success accepts any success word in it; the "another remote" check only fires when both records name a known
# service (situation.remote), so a success on ANOTHER host of an arbitrary name, or an unrelated "health check ok",
# reads as this operation recovering. The test_recovered twin varies the host AND the logger; these keep the logger.
LOGGERS = ("src.storage.file_download", "tools.repo_fetch", "src.export.archive", "app.workers.fetcher")


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="recovered.py: a same-logger success of another host or another operation "
                                       "makes a never-resolving name transient (review r11)")
@pytest.mark.parametrize("seed", SEEDS)
async def test_a_same_logger_success_elsewhere_is_not_this_name_resolving(seed: int) -> None:
    import asyncio
    import socket

    rng = random.Random(seed)
    host = f"api-{rng.randrange(10**4)}.example.invalid"
    other = f"{rng.choice(('backup', 'mirror', 'eu'))}-{rng.randrange(99)}.example.org"
    logger = rng.choice(LOGGERS)
    try:
        await asyncio.get_running_loop().getaddrinfo(host, 443)
    except socket.gaierror:
        excerpt = logged(logger, f"call to https://{host}/v1/items failed")
    else:
        pytest.skip(f"this host's resolver answered for {host} (RFC 6761 reserves .invalid)")
    stamp = " ".join(excerpt.split(" ", 2)[:2])
    alone = diagnose(excerpt)
    assert alone.category == "config", (seed, alone.rule)
    success = rng.choice((f'HTTP Request: POST https://{other}/v1/items "HTTP/1.1 200 OK"',
                          f"call to https://{other}/v1/items ok", f"reconnected to {other}",
                          f"health check ok (uptime {rng.randrange(999)} s)"))
    d = diagnose("\n".join([excerpt, f"{stamp} INFO {logger}: {success}"]))
    assert d.category == "config" and "+recovered" not in (d.rule or ""), (seed, success, d.rule)
