"""A failure that names a value the same request's tool call carried is the user's input: unknown <= 0.4, whatever
library raised it (user_value.py, tool_args.py; CLASSES10 H1/F5-twin, CLASSES11 H1/H3, the brief's point 3).

Real failures raised by the real code: httpx following a loopback site that redirects to itself
(TooManyRedirects, user_target.py), os.makedirs / os.listdir / open on a path of the wrong kind (FileExistsError,
NotADirectoryError, IsADirectoryError), and the real postgrest client against a loopback PostgREST answering 400 with
SQLSTATE 2201B for the user's regex (httpx logs the refused request, the operand percent-encoded in it). What varies
by seed: the value, the tool and logger, the tool-call carrier (`tools/call NAME (k=v)`, `tool call NAME args={...}`,
a toolcalls.jsonl record, a Docker json-file line wrapping the text record), the error carrier (traceback or one-line
message), the request id, neutral records between. Twins: the value in ANOTHER request's tool call keeps the first
category; the same request's call carrying a different value while a setting prints the failing one stays code/config
(the setting's origin, never the user's unknown).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from sidecar.diagnose.model import Diagnosis
from tests.diagnose.classes8_base import _captured, _http_answer
from tests.diagnose.logged import diagnose, logged
from tests.diagnose.loopback import loopback_server

SEEDS = range(1, 9)
TOOLS = ("read_path", "file_inspect", "project_scan", "find_messages", "search_history")
LOGGERS = ("tools.{tool}", "src.tools.{tool}", "src.core.paths", "src.storage.supabase_client")
NEUTRAL = ("src.monitoring.health: health check ok (uptime {n} s)", "src.metrics.exporter: scraped {n} series",
           "src.daemon.heartbeat: heartbeat {n} sent")


def _stamp(s: int) -> str:
    return f"2026-12-06 09:{s // 60:02d}:{s % 60:02d}"


def _call_record(shape: int, req: str, tool: str, key: str, value: str, s: int) -> str:
    """The tool call in one of the gateway's carriers (tool_args.py's module docstring)."""
    if shape == 0:
        return f"{_stamp(s)} INFO src.daemon.ws_server: [req:{req}] tools/call {tool} ({key}={value!r}, timeout=30)"
    if shape == 1:
        return f"{_stamp(s)} INFO ws_daemon: [req:{req}] tool call {tool} args={ {key: value}!r}"
    if shape == 2:
        return json.dumps({"provider": "kimi", "tool_name": tool, "args": {key: value}, "request_id": req,
                           "start_ts": 1765011600.5, "ok": False})
    text = f"{_stamp(s)} INFO ws_daemon: [req:{req}] tool call {tool} args={json.dumps({key: value})}\n"
    return json.dumps({"log": text, "stream": "stderr", "time": "2026-12-06T09:00:10.000000000Z"})


def _path_failure(rng: random.Random, tmp: Path) -> tuple[str, Callable[[], object]]:
    """A user path of the wrong kind and the real call that refuses it."""
    name = f"{rng.choice(['notes', 'docs', 'build', 'data'])}_{rng.randrange(999)}"
    tmp.mkdir(parents=True, exist_ok=True)
    kind = rng.randrange(3)
    target = tmp / name
    if kind == 0:
        target.write_text("x")
        return str(target), lambda: os.makedirs(target)
    if kind == 1:
        target.write_text("x")
        return str(target), lambda: os.listdir(target)
    target.mkdir()
    return str(target), lambda: open(target)  # noqa: SIM115 - raises IsADirectoryError


def _regex_failure(rng: random.Random) -> tuple[str, Callable[[], object], list[str]]:
    """The user's pattern sent by the real postgrest client; the loopback PostgREST refuses it with 2201B."""
    import postgrest

    pattern = rng.choice(["foo[bar", "(unclosed", "a{2,1}", "err**"]) + str(rng.randrange(99))
    body = json.dumps({"code": "2201B", "message": "invalid regular expression: brackets [] not balanced",
                       "details": None, "hint": None}).encode()
    records: list[str] = []

    def run() -> object:
        with loopback_server(_http_answer(400, body)) as port, _captured("httpx") as seen:
            client = postgrest.SyncPostgrestClient(f"http://127.0.0.1:{port}/rest/v1")
            try:
                return client.from_("messages").select("*").filter("summary", "imatch", pattern).execute()
            finally:
                records.extend(r.replace(f"127.0.0.1:{port}", "qzkv.supabase.co") for r in seen)
    return pattern, run, records


def _redirect_failure(rng: random.Random) -> tuple[str, Callable[[], object], list[str]]:
    """The user's URL fetched by a real httpx client from a loopback site that redirects to itself (TooManyRedirects:
    the message names no host; only the same request's call ties the URL)."""
    import httpx

    path = f"/{rng.choice(['cart', 'post', 'login'])}/{rng.randrange(99)}"
    site = contextlib.ExitStack()
    port = site.enter_context(loopback_server(lambda c: _redirect_to(c, path)))
    url = f"http://127.0.0.1:{port}{path}"

    def run() -> object:
        with site, httpx.Client(follow_redirects=True, max_redirects=rng.choice([3, 5])) as client:
            return client.get(url)
    return url, run, []


def _redirect_to(c: socket.socket, path: str) -> None:
    c.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        data += c.recv(65536)
    c.sendall(b"HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
              % path.encode())


def _excerpt(rng: random.Random, tmp: Path, *, tie: str) -> str:
    """tie: 'same' (the call of this request carries the value), 'other' (another request's call carries it),
    'setting' (this request's call carries another value; a setting prints the failing one), 'none'."""
    # every draw happens whatever the tie, so the twins of one seed differ only by the tie
    kind, shape, one_line = rng.random(), rng.randrange(4), rng.random() < 0.4
    req, other = f"{rng.randrange(16**8):08x}", f"{rng.randrange(16**8):08x}"
    tool = rng.choice(TOOLS)
    http: list[str] = []
    if kind < 0.4:
        value, run = _path_failure(rng, tmp)
        key = rng.choice(["path", "file", "target"])
    elif kind < 0.7:
        value, run, http = _redirect_failure(rng)
        key = rng.choice(["url", "link", "target"])
    else:
        value, run, http = _regex_failure(rng)
        key = rng.choice(["query", "pattern"])
    lines: list[str] = []
    if tie == "setting":
        lines.append(f"{_stamp(1)} INFO src.core.env_config: EXAI_SEARCH_DEFAULT={value!r} (from environment)")
    alt = "readme_" + str(rng.randrange(99))
    lines += [f"{_stamp(2 + i)} INFO " + rng.choice(NEUTRAL).format(n=rng.randrange(999)) for i in range(rng.randrange(3))]
    if tie in ("same", "other", "setting"):
        shown = value if tie != "setting" else alt
        lines.append(_call_record(shape, req if tie != "other" else other, tool, key, shown, 8))
    lines += [f"{_stamp(9)} INFO " + rng.choice(NEUTRAL).format(n=rng.randrange(999)) for _ in range(rng.randrange(2))]
    logger = rng.choice(LOGGERS).format(tool=tool)
    try:
        run()
    except Exception as exc:  # noqa: BLE001 - the real library's refusal, logged as the gateway logs it
        if not one_line:
            record = logged(logger, f"[req:{req}] {tool} failed")
        else:
            record = logged(logger, f"[req:{req}] {tool} failed: {type(exc).__module__}.{type(exc).__name__}: {exc}")
            record = record.split("\nTraceback")[0]
    else:
        raise AssertionError("the failure did not raise")
    return "\n".join([*lines, *http, record])


def _first(rng_seed: int, tmp: Path) -> Diagnosis:
    return diagnose(_excerpt(random.Random(rng_seed), tmp, tie="none"))


@pytest.mark.parametrize("seed", SEEDS)
def test_the_users_value_named_by_the_refusal_is_unknown(seed: int, tmp_path: Path) -> None:
    first = _first(seed, tmp_path / "a")
    d = diagnose(_excerpt(random.Random(seed), tmp_path / "b", tie="same"))
    if first.category in ("code", "config"):
        assert d.category == "unknown", (first.rule, d.rule, d.summary)
        assert d.confidence <= 0.4
        assert "user" in d.summary.lower()
    else:  # the first answer did not blame us: nothing to move, and never confidently
        assert d.category == first.category and d.confidence <= max(first.confidence, 0.4)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("tie", ["other", "setting"])
def test_twins_keep_the_first_answer(seed: int, tie: str, tmp_path: Path) -> None:
    first = _first(seed, tmp_path / "a")
    d = diagnose(_excerpt(random.Random(seed), tmp_path / "b", tie=tie))
    assert "+user-value" not in (d.rule or "") and "+user-target" not in (d.rule or ""), (tie, d.rule, d.summary)
    if tie == "other":  # another request's call says nothing about this error: the first category
        assert d.category == first.category, (d.rule, d.summary)
    elif first.category in ("code", "config"):  # the value is the setting's: never the user's unknown
        assert d.category in ("code", "config"), (d.rule, d.summary)


def test_the_seeds_draw_several_shapes(tmp_path: Path) -> None:
    """The generator varies its carriers: different seeds give different tool-call carriers and failures."""
    texts = {_excerpt(random.Random(s), tmp_path / str(s), tie="same").split("\n")[-1][:40] for s in SEEDS}
    assert len(texts) >= 3
