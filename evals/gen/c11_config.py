"""CLASSES11 F1, F2, F4, F7, F8: settings, credentials and the deployment (evals/CLASSES11.md section F).

Real errors: `pwd.getpwuid` of a uid with no account (KeyError), `os.getlogin` without a controlling terminal
(OSError ENXIO, the twin), cryptography's `Fernet.decrypt` and PyJWT's `decode` under another key, psycopg_pool's
`_check_size`, `asyncio.wait_for` cutting an inner call, websockets' ConnectionClosedError, and httpx's
WriteTimeout from a loopback peer that stops reading (a path that stalls above a size).
"""

from __future__ import annotations

import asyncio
import getpass
import os
import pwd
import socket
import threading
import types
from random import Random
from typing import Any

import httpx
import jwt
import psycopg_pool
import websockets.exceptions
from cryptography.fernet import Fernet

from evals.gen.c11_common import logger_of, pick_carrier, raise_through, service_line
from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame, build_chain
from evals.gen.registry import klass
from evals.gen.render import Record


def _free_uid(rng: Random) -> int:
    """A uid with no account entry on this host (as in a container started with `user: <uid>`)."""
    for uid in rng.sample(range(1001, 65000), 50):
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid
    raise RuntimeError("every sampled uid has an account")


# --- F1 -------------------------------------------------------------------------------------------------------
# Source: Lib/getpass.py `getuser` (LOGNAME, USER, LNAME, USERNAME, then pwd.getpwuid(os.getuid())), pwd docs,
# os.getlogin docs ("use getpass.getuser() ... getlogin needs a controlling terminal").
@klass("11", "c11-F1")
def f1(rng: Random, twin: bool) -> dict[str, Any]:
    """An identity lookup fails: the container runs as a uid with no account entry (config) vs our code calling a
    terminal-bound identity API on every deployment (code)."""
    alt = Random(rng.getrandbits(64))
    uid = _free_uid(rng)
    path = rng.choice(("/app/src/file_management/cache_paths.py", "/app/src/utils/identity.py",
                       "/app/src/audit/actor.py"))
    via = rng.choice(("pwd", "getpass"))
    env = {"pwd": pwd, "getpass": getpass, "os": os, "uid": uid}
    stmt = "owner = pwd.getpwuid(uid).pw_name" if via == "pwd" else "user = getpass.getuser()"
    saved = {k: os.environ.pop(k) for k in ("LOGNAME", "USER", "LNAME", "USERNAME") if k in os.environ}
    real_getuid = os.getuid
    try:
        if via == "getpass":  # getpass.getuser falls back to pwd.getpwuid(os.getuid()): our uid has no entry
            env["getpass"] = getpass
            os.getuid = lambda: uid  # the container's uid, only for this call
        case_exc, wrap = raise_through([Frame(path, "resolve", "name = self._who()"), Frame(path, "_who", stmt, env)],
                                       rng)
    finally:
        os.getuid = real_getuid
        os.environ.update(saved)
    exc = case_exc
    if twin:  # compiled after the case's chain (same file): only when it is the one printed
        exc, _ = raise_through([Frame(path, "resolve", "name = self._who()"),
                                Frame(path, "_who", "user = os.getlogin()", {"os": os})], alt, (wrap,))
    err_t = rng.uniform(2, 30)
    records = noise(rng, rng.randint(1, 4), 0, err_t + 30, project_ref(rng))
    home = rng.choice(("/", "/nonexistent", "/home/app"))
    if twin:
        records.append(Record(0.2, "INFO", "src.daemon.ws_server", f"running as uid={alt.randint(1000, 1001)} "
                                                                    f"user=app HOME=/home/app (passwd entry ok)"))
    else:
        records.append(Record(0.2, "INFO", "src.daemon.ws_server", f"running as uid={uid} gid={uid} HOME={home} "
                                                                    "(compose user: override)"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger_of(path), "cannot resolve the process owner", carrier)
    axes = {"via": via, "carrier": carrier, "wrap": wrap}
    if twin:
        return make_case(rng, cls="c11-F1", kind="near-miss", records=records, category="code", severity="medium",
                         description="Our code calls os.getlogin(), which needs a controlling terminal: it fails on every "
                                     "deployment whatever the user: code.", must_mention=["getlogin"],
                         must_not=["passwd entry"], axes=axes, deciding="error")
    return make_case(rng, cls="c11-F1", kind="known", records=records, category="config", severity="medium",
                     description=f"The container runs as uid {uid}, which has no account entry: identity lookups "
                                 "fail (the deployment's user): config.", must_mention=[str(uid)], must_not=[],
                     axes=axes)


# --- F2 -------------------------------------------------------------------------------------------------------
# Source: cryptography/fernet.py (`decrypt` -> InvalidToken, `MultiFernet`), jwt/api_jws.py (signature
# verification -> InvalidSignatureError "Signature verification failed").
@klass("11", "c11-F2")
def f2(rng: Random, twin: bool) -> dict[str, Any]:
    """Every stored item fails verification since a key/secret change (config) vs one item among many readable
    ones (unknown: that item's data)."""
    alt = Random(rng.getrandbits(64))
    kind = rng.choice(("fernet", "jwt"))
    setting = rng.choice(("FILE_ENCRYPTION_KEY", "SESSION_SECRET", "TOKEN_SIGNING_KEY"))
    old = Fernet(Fernet.generate_key()) if kind == "fernet" else "old-secret-" + f"{rng.getrandbits(256):064x}"
    new = Fernet(Fernet.generate_key()) if kind == "fernet" else "new-secret-" + f"{rng.getrandbits(256):064x}"
    blob: Any = old.encrypt(b"{}") if isinstance(old, Fernet) else jwt.encode({"sub": "u"}, str(old), "HS256")
    path = rng.choice(("/app/src/storage/secure_blobs.py", "/app/src/daemon/session_tokens.py",
                       "/app/src/file_management/credentials.py"))
    stmt = "return fernet.decrypt(blob)" if kind == "fernet" else "return jwt.decode(blob, secret, algorithms=['HS256'])"
    exc, wrap = raise_through([Frame(path, "load", "data = self._open(blob)"),
                               Frame(path, "_open", stmt, {"fernet": new, "jwt": jwt, "blob": blob, "secret": new})],
                              rng)
    err_t = rng.uniform(100, 300)
    records = noise(rng, rng.randint(2, 5), 0, err_t + 30, project_ref(rng))
    logger = logger_of(path)
    items = [f"{rng.getrandbits(40):010x}" for _ in range(rng.randint(3, 5))]
    deploy = err_t - rng.uniform(30, 90)
    if twin:
        records.append(Record(1.0, "INFO", "src.core.env_config", f"{setting}=*** (unchanged, fingerprint "
                                                                   f"{alt.getrandbits(24):06x})"))
        for item in items[:-1]:
            records.append(Record(alt.uniform(deploy, err_t - 1), "DEBUG", logger, f"opened item {item}"))
    else:
        records.append(Record(deploy, "INFO", "src.core.env_config",
                              f"{setting} changed (fingerprint {alt.getrandbits(24):06x} -> {alt.getrandbits(24):06x}); "
                              "restarting workers"))
        for item in items[:-1]:
            records.append(Record(alt.uniform(deploy + 1, err_t - 1), "ERROR", logger,
                                  f"cannot open item {item}: {type(exc).__name__}"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger, f"cannot open item {items[-1]}", carrier)
    axes = {"kind": kind, "setting": setting, "carrier": carrier, "wrap": wrap}
    if twin:
        return make_case(rng, cls="c11-F2", kind="near-miss", records=records, category="unknown", severity="low",
                         description="One stored item fails verification among many that open with the same, unchanged "
                                     "key: that item's data: unknown.", must_mention=[], must_not=["key rotation"],
                         axes=axes)
    return make_case(rng, cls="c11-F2", kind="known", records=records, category="config", severity="high",
                     description=f"Every stored item fails since {setting} changed without keeping the old key for "
                                 "reading: config.", must_mention=[setting], must_not=[], axes=axes)


# --- F4 -------------------------------------------------------------------------------------------------------
# Source: psycopg_pool/base.py `_check_size`, Lib/asyncio/tasks.py `wait_for` (the outer deadline cancels the
# inner call: TimeoutError), research §5 (the timeout hierarchy: daemon, shim and client).
def _f4_error(rng: Random, pair: str, path: str, lo: int, hi: int) -> tuple[BaseException, str]:
    if pair == "pool":
        return raise_through([Frame(path, "open_pool", "self.pool = make_pool(dsn)"),
                              Frame(path, "make_pool", "return psycopg_pool.ConnectionPool(dsn, min_size=cfg.pool_min, "
                                                       "max_size=cfg.pool_max, open=False)",
                                    {"psycopg_pool": psycopg_pool, "dsn": "",
                                     "cfg": types.SimpleNamespace(pool_min=hi, pool_max=lo)})], rng)

    provider = rng.choice(("kimi", "glm"))
    provider_call = build_chain([Frame(f"/app/src/providers/{provider}_chat.py", "chat_completion",
                                       "await self._first_token.wait()",
                                       {"self": types.SimpleNamespace(_first_token=asyncio.Event())}, is_async=True)],
                                rng)

    return raise_through([Frame(path, "run_tool", "return await asyncio.wait_for(call(), timeout=cfg.tool_timeout)",
                                {"asyncio": asyncio, "call": provider_call,
                                 "cfg": types.SimpleNamespace(tool_timeout=0.001)}, is_async=True)], rng,
                         ("none", "from"))


@klass("11", "c11-F4")
def f4(rng: Random, twin: bool) -> dict[str, Any]:
    """Two settings valid one by one contradict each other (config) vs one value of the pair is our code's
    default (code)."""
    pair = rng.choice(("pool", "timeouts"))
    path = rng.choice(("/app/src/storage/pg.py", "/app/src/daemon/ws_server.py", "/app/src/daemon/tool_runner.py"))
    lo, hi = rng.choice(((4, 10), (5, 20), (2, 8))) if pair == "pool" else rng.choice(((120, 180), (60, 300),
                                                                                        (90, 120)))
    exc, wrap = _f4_error(rng, pair, path, lo, hi)
    if pair == "pool":
        a, b = ("DB_POOL_MAX_SIZE", lo), ("DB_POOL_MIN_SIZE", hi)
    else:
        a, b = ("TOOL_TIMEOUT_SECS", lo), ("KIMI_TIMEOUT_SECS", hi)
    err_t = rng.uniform(5, 200)
    records = noise(rng, rng.randint(2, 5), 0, err_t + 30, project_ref(rng))
    where = rng.choice(("same-line", "two-lines"))
    first = f"{a[0]}={a[1]}" if not twin else f"{a[0]} not set (default {a[1]})"
    if where == "same-line":
        records.append(Record(0.3, "INFO", "src.core.env_config", f"settings: {first} {b[0]}={b[1]}"))
    else:
        records.append(Record(0.3, "INFO", "src.core.env_config", f"settings: {b[0]}={b[1]}"))
        records.append(Record(0.31, "INFO", "src.core.env_config", f"settings: {first}"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    header = "cannot open the database pool" if pair == "pool" else \
        f"[req:{req_id(rng)}] tool call cancelled after {lo:.1f}s (provider call still running)"
    records += carry(rng, exc, err_t, logger_of(path), header, carrier)
    axes = {"pair": pair, "carrier": carrier, "wrap": wrap, "lines": where}
    if twin:
        return make_case(rng, cls="c11-F4", kind="near-miss", records=records, category="code", severity="medium",
                         description=f"Only {b[0]} is a setting; {a[0]}={a[1]} is our code's default, which the setting "
                                     "contradicts: code.", must_mention=[a[0]], must_not=[], axes=axes)
    return make_case(rng, cls="c11-F4", kind="known", records=records, category="config", severity="medium",
                     description=f"{a[0]}={a[1]} and {b[0]}={b[1]} are valid one by one but contradict each other: "
                                 "config.", must_mention=[b[0]], must_not=[], axes=axes)


# --- F7 -------------------------------------------------------------------------------------------------------
# Source: Docker compose `healthcheck` (interval, timeout, start_period, retries), `docker stop` (SIGTERM, then
# SIGKILL after the grace period), Dockerfile shell-form CMD (PID 1 is /bin/sh, which does not forward SIGTERM).
_F7_KINDS = {
    "grace": ["container exai-mcp-daemon: stop signal SIGTERM sent (stop_grace_period {g}s)",
              "container exai-mcp-daemon: killed with SIGKILL after {g}s grace; exitCode=137 OOMKilled=false"],
    "health": ["container exai-mcp-daemon health_status: unhealthy (check timed out after {g}s, start_period 0s)",
               "autoheal: restarting exai-mcp-daemon (unhealthy); exitCode=137 OOMKilled=false"],
    "pid1": ["container exai-mcp-daemon: stop signal SIGTERM sent to PID 1 (/bin/sh -c python -m src.daemon)",
             "container exai-mcp-daemon: killed with SIGKILL after {g}s grace; exitCode=137 OOMKilled=false"],
}


@klass("11", "c11-F7")
def f7(rng: Random, twin: bool) -> dict[str, Any]:
    """The runtime kills a process that was making progress (config: its lifecycle settings) vs a process whose
    health writer had stalled minutes before (code)."""
    alt = Random(rng.getrandbits(64))
    kind = rng.choice(sorted(_F7_KINDS))
    grace = rng.choice((3, 5, 10))
    path = rng.choice(("/app/scripts/ws/shim.py", "/app/scripts/ws/run_ws_shim.py"))
    exc, wrap = raise_through([Frame(path, "relay", "reply = await self._forward(msg)", is_async=True),
                               Frame(path, "_forward", "raise closed",
                                     {"closed": websockets.exceptions.ConnectionClosedError(None, None)},
                                     is_async=True)], rng, ("none", "from"))
    err_t = rng.uniform(120, 300)
    records = noise(rng, rng.randint(2, 4), 0, err_t - 60, project_ref(rng))
    events = _F7_KINDS[kind]
    kill_t = err_t - rng.uniform(0.2, 2)
    records.append(service_line(kill_t - grace, "docker", events[0].format(g=grace)))
    records.append(service_line(kill_t, "docker", events[1].format(g=grace)))
    if twin:
        last = err_t - alt.uniform(240, 600)
        records.append(Record(last, "INFO", "src.monitoring.health_writer", "heartbeat written to /tmp/health.json"))
        records.append(Record(last + 0.5, "DEBUG", "src.daemon.ws_server", "event loop lag 0.002s"))
    else:
        inflight = alt.randint(2, 9)
        for i in range(4):
            t = kill_t - grace + 0.5 + i * grace / 4
            records.append(Record(t, "INFO", "src.daemon.ws_server",
                                  f"draining: {max(inflight - i, 1)} requests in flight" if kind == "grace" else
                                  f"[req:{req_id(alt)}] tool call chat completed in {alt.uniform(1, 9):.2f}s"))
        records.append(Record(kill_t - alt.uniform(1, 5), "INFO", "src.monitoring.health_writer",
                              "heartbeat written to /tmp/health.json"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "excepthook"))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{req_id(rng)}] daemon connection lost", carrier)
    axes = {"kind": kind, "carrier": carrier, "wrap": wrap, "grace": str(grace)}
    if twin:
        return make_case(rng, cls="c11-F7", kind="near-miss", records=records, category="code", severity="high",
                         description="The runtime killed a process that was truly stuck: its health writer and loop "
                                     "records stopped minutes before: code.", must_mention=["heartbeat"],
                         must_not=["grace period"], axes=axes)
    return make_case(rng, cls="c11-F7", kind="known", records=records, category="config", severity="high",
                     description="The container runtime killed a healthy, progressing process (no OOM): its "
                                 "health-check / stop-grace / entrypoint settings do not fit the process: config.",
                     must_mention=["SIGKILL" if kind != "health" else "health"], must_not=["OOM"], axes=axes)


# --- F8 -------------------------------------------------------------------------------------------------------
# Source: Docker network driver option `com.docker.network.driver.mtu`, RFC 4821 (PMTU black holes),
# httpx/_config.py `Timeout.write`; the stall is real: a loopback peer that stops reading.
def write_stall(rng: Random, path: str, url_path: str) -> BaseException:
    """A real httpx.WriteTimeout: the peer accepted the connection and stopped reading the body."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    port = srv.getsockname()[1]
    conns: list[socket.socket] = []
    threading.Thread(target=lambda: conns.append(srv.accept()[0]), daemon=True).start()
    client = httpx.Client(timeout=httpx.Timeout(5.0, write=0.05))
    try:
        exc, _ = raise_through([Frame(path, "upload", "resp = self._send(body)"),
                                Frame(path, "_send", "return client.post(url, content=body)",
                                      {"client": client, "url": f"http://127.0.0.1:{port}{url_path}",
                                       "body": b"\0" * (8 << 20)})], rng, ("none",))
    finally:
        client.close()
        for c in conns:
            c.close()
        srv.close()
    return exc


@klass("11", "c11-F8")
def f8(rng: Random, twin: bool) -> dict[str, Any]:
    """Uploads stall with a write timeout only above a body size since a network move (config: the MTU) vs stalls
    of every size, intermittently (network)."""
    alt = Random(rng.getrandbits(64))
    target = rng.choice((("https://api.moonshot.ai/v1/files", "/v1/files", "src.providers.kimi_files"),
                         ("https://{p}.supabase.co/storage/v1/object/uploads/x", "/storage/v1/object/uploads/x",
                          "src.file_management.storage_upload")))
    proj = project_ref(rng)
    url = target[0].format(p=proj)
    path = "/app/" + target[2].replace(".", "/") + ".py"
    exc = write_stall(rng, path, target[1])
    err_t = rng.uniform(200, 400)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 30, proj)
    move = rng.choice(("moved to the wireguard overlay network gw-wg0", "host pool changed to vpc-b (overlay)",
                       "network exai_default recreated (driver overlay)"))
    records.append(Record(rng.uniform(1, 10), "INFO", "src.daemon.ws_server", f"startup: {move}"))
    big = rng.randint(2, 40) * 1024 * 1024 + rng.randint(0, 99999)
    for _ in range(rng.randint(4, 6)):
        t = rng.uniform(20, err_t - 5)
        small = alt.randint(300, 1300)
        size = small if not twin or alt.random() < 0.5 else alt.randint(2_000_000, 30_000_000)
        ok = not twin or alt.random() < 0.5
        if ok:
            records.append(Record(t, "INFO", target[2], f"uploaded {size} bytes in {alt.uniform(0.05, 0.9):.2f}s"))
        else:
            records.append(Record(t, "WARNING", target[2], f"upload of {size} bytes stalled (WriteTimeout), retry ok"))
        if not twin:
            records.append(Record(t + 2, "WARNING", target[2],
                                  f"upload of {alt.randint(2_000_000, 30_000_000)} bytes stalled (WriteTimeout)"))
    carrier = pick_carrier(rng, "none", ("exception", "message", "block"))
    records += carry(rng, exc, err_t, target[2], f"[req:{req_id(rng)}] upload of {big} bytes to {url} failed", carrier)
    axes = {"target": target[1].split("/")[1], "carrier": carrier}
    if twin:
        return make_case(rng, cls="c11-F8", kind="near-miss", records=records, category="network", severity="medium",
                         description="Stalls hit uploads of every size, intermittently, and retries succeed: network.",
                         must_mention=[], must_not=["MTU"], axes=axes)
    return make_case(rng, cls="c11-F8", kind="known", records=records, category="config", severity="high",
                     description="Since the network move every upload above a size stalls and every small one passes: "
                                 "the path's MTU (a network setting): config.", must_mention=["MTU"], must_not=[],
                     axes=axes)
