"""CLASSES10 F7, H2, G3, G5, B2, F5 (evals/CLASSES10.md): token profiles, redirects, the database's own control
flow and transaction rules, a moved remote, a path of the wrong kind."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from random import Random
from typing import Any

import aiohttp
import aiohttp.connector
import httpx
import jwt
import psycopg
import psycopg.cursor_async
from aiohttp.client_reqrep import ConnectionKey

from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import _ANY, Frame, library_reraise, run_chain
from evals.gen.registry import klass
from evals.gen.render import Record


def _logger(path: str) -> str:
    return path.removeprefix("/app/").removesuffix(".py").replace("/", ".")


# --- F7 -------------------------------------------------------------------------------------------------------
# Source: jwt/api_jwt.py `_validate_claims` (audience, issuer), jwt/exceptions.py. Config when the verifier's
# expected value comes from a setting that no longer matches the issuer (every token fails since the change);
# twin: our decode call hard-codes the value (a literal in our frame) -> code.
_F7 = (
    ("aud", "audience", "SUPABASE_JWT_AUDIENCE", "authenticated", ("anon-users", "service", "api")),
    ("iss", "issuer", "SUPABASE_JWT_ISSUER", "https://{p}.supabase.co/auth/v1",
     ("https://auth.example.dev/auth/v1", "https://{p}.supabase.in/auth/v1", "supabase")),
)


@klass("10", "c10-F7")
def f7(rng: Random, twin: bool) -> dict[str, Any]:
    """A token's claim does not match what the verifier expects: the expectation from a setting (config) or a
    literal in our verification call (code)."""
    claim, kw, setting, real, wrongs = rng.choice(_F7)
    proj = project_ref(rng)
    real, wrong = real.format(p=proj), rng.choice(wrongs).format(p=proj)
    key = "".join(rng.choice("abcdef0123456789") for _ in range(64))
    now = int(time.time())
    token = jwt.encode({"aud": "authenticated", "iss": f"https://{proj}.supabase.co/auth/v1", "sub": "u-1",
                        "exp": now + 3600, "iat": now}, key, algorithm="HS256")
    expected = repr(wrong) if twin else f"settings.{setting.lower()}"
    line = f"claims = jwt.decode(token, key, algorithms=['HS256'], {kw}={expected})"
    settings = type("Settings", (), {setting.lower(): wrong})()
    path = rng.choice(("/app/src/auth/verify.py", "/app/src/daemon/auth.py", "/app/src/middleware/jwt_auth.py"))
    exc = run_chain([Frame(path, "authenticate", "user = self._verify(token)"),
                     Frame(path, "_verify", line, {"jwt": jwt, "token": token, "key": key,
                                                   "settings": settings})], rng)
    records = noise(rng, rng.randint(2, 5), 0, 60, proj)
    n_fail, rid, carrier = rng.randint(3, 9), req_id(rng), rng.choice(("exception", "message", "exception"))
    if twin:
        records.append(Record(0.5, "INFO", "src.core.env_config", f"SUPABASE_URL=https://{proj}.supabase.co"))
    else:
        records.append(Record(0.5, "INFO", "src.core.env_config",
                              f"SUPABASE_URL=https://{proj}.supabase.co {setting}={wrong}"))
    records.append(Record(50.0, "WARNING", _logger(path), f"{n_fail} requests rejected as unauthenticated since start"))
    records += carry(rng, exc, 55.0, _logger(path), f"[req:{rid}] token rejected", carrier, level="WARNING")
    axes = {"claim": claim, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-F7", kind="near-miss", records=records, category="code", severity="high",
                         description=f"Every token fails the {kw} check against a value hard-coded in our decode "
                                     "call: code.", must_mention=[], must_not=[setting], axes=axes)
    return make_case(rng, cls="c10-F7", kind="known", records=records, category="config", severity="high",
                     description=f"Every token fails the {kw} check against the value of {setting}, which no longer "
                                 "matches the issuer: config.", must_mention=[setting], must_not=[], axes=axes)


# --- H2 -------------------------------------------------------------------------------------------------------
# Source: httpx/_client.py `max_redirects` ("Exceeded maximum allowed redirects."). A user's URL in a web tool
# -> unknown; twin: the URL is our configured endpoint (a setting) -> config.
@klass("10", "c10-H2")
def h2(rng: Random, twin: bool) -> dict[str, Any]:
    """A redirect loop: on the user's URL (unknown) vs on our configured endpoint (config)."""
    user_url = rng.choice(("https://blog.example.org/post/42", "http://shop.example.net/cart",
                           "https://docs.example.com/start"))
    our_url = rng.choice(("http://alert-relay.internal:8080/hook", "http://auditor.internal/api/events"))
    setting = "ALERT_RELAY_URL" if "relay" in our_url else "AUDITOR_URL"
    url = our_url if twin else user_url
    hops = rng.choice(("self", "pair", "https"))

    def answer(req: httpx.Request) -> httpx.Response:
        u = str(req.url)
        target = {"self": u, "pair": u + "/" if not u.endswith("/") else u[:-1],
                  "https": u.replace("http://", "https://") if u.startswith("http://") else
                  u.replace("https://", "http://")}[hops]
        return httpx.Response(301 if hops == "https" else 302, headers={"location": target})

    client = httpx.Client(transport=httpx.MockTransport(answer), follow_redirects=True)
    tool = rng.choice(("web_fetch", "read_url", "link_preview"))
    ours = "/app/src/alerts/relay.py" if "relay" in our_url else "/app/src/monitoring/auditor.py"
    path = ours if twin else f"/app/tools/{tool}.py"  # the caller is part of the evidence: deciding="error"
    exc = run_chain([Frame(path, "run", "resp = self._get(url)"),
                     Frame(path, "_get", "return client.get(url)", {"client": client, "url": url})], rng)
    rid, carrier = req_id(rng), rng.choice(("exception", "message", "block"))
    records = noise(rng, rng.randint(2, 5), 0, 40, project_ref(rng))
    if twin:
        records.append(Record(0.3, "INFO", "src.core.env_config", f"{setting}={url}"))
        records.append(Record(29.0, "INFO", _logger(path), "delivering 1 event"))
    else:
        records.append(Record(29.0, "INFO", "ws_daemon", f"[req:{rid}] tool call {tool} args={{'url': {url!r}}}"))
    records += carry(rng, exc, 30.0, _logger(path), f"[req:{rid}] fetch failed", carrier)
    axes = {"hops": hops, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-H2", kind="near-miss", records=records, category="config", severity="high",
                         description="Our configured endpoint (a setting) redirects in a loop: config.",
                         must_mention=[setting], must_not=[], axes=axes, deciding="error")
    return make_case(rng, cls="c10-H2", kind="unknown", records=records, category="unknown", severity="low",
                     description="A web tool meets a redirect loop on the URL the user gave: unknown.",
                     must_mention=[], must_not=[], axes=axes, deciding="error")


def _cursor(exc: BaseException) -> Any:
    """A cursor whose `execute` is psycopg's own re-raise line (cursor_async.py) for the server's error."""
    return type("AsyncCursor", (), {"execute": staticmethod(
        library_reraise(psycopg.cursor_async, "execute", "raise ex.with_traceback(None)", exc))})()


# --- G3 -------------------------------------------------------------------------------------------------------
# Source: PostgreSQL errcodes (25001 active_sql_transaction: "X cannot run inside a transaction block",
# xact.c PreventInTransactionBlock), psycopg's implicit transaction (connection.py `autocommit`). Code; twin: the
# same DDL fails on a lock timeout (55P03 "canceling statement due to lock timeout") -> concurrency.
_G3 = ("VACUUM", "CREATE INDEX CONCURRENTLY", "REINDEX TABLE CONCURRENTLY", "DROP INDEX CONCURRENTLY",
       "ALTER SYSTEM")


@klass("10", "c10-G3")
def g3(rng: Random, twin: bool) -> dict[str, Any]:
    """A statement the implicit transaction forbids (code) vs the same statement timing out on a lock (concurrency)."""
    stmt = rng.choice(_G3)
    sql = {"VACUUM": "VACUUM (ANALYZE) tool_events", "ALTER SYSTEM": "ALTER SYSTEM SET work_mem = '64MB'",
           "CREATE INDEX CONCURRENTLY": f"{stmt} idx_tool_events_created ON tool_events (created_at)",
           "REINDEX TABLE CONCURRENTLY": f"{stmt} tool_events",
           "DROP INDEX CONCURRENTLY": f"{stmt} idx_tool_events_created"}[stmt]
    err = psycopg.errors.lookup("55P03")("canceling statement due to lock timeout") if twin else \
        psycopg.errors.lookup("25001")(f"{stmt} cannot run inside a transaction block")
    path = rng.choice(("/app/scripts/maintenance.py", "/app/src/storage/migrations.py", "/app/scripts/db_tasks.py"))
    exc = run_chain([Frame(path, "run_step", "await self._exec(step.sql)", {"step": _ANY}, is_async=True),
                     Frame(path, "_exec", "await cur.execute(sql)", {"cur": _cursor(err), "sql": sql},
                           is_async=True)], rng)
    records = noise(rng, rng.randint(1, 4), 0, 30, project_ref(rng))
    records.append(Record(20.0, "INFO", _logger(path), f"maintenance step: {sql}"))
    carrier, holder = rng.choice(("exception", "message")), rng.randint(100, 9000)
    if twin:
        records.append(Record(24.0, "", "", f"{{pg_ts}} [{holder}] LOG:  process {holder} still waiting for "
                                            f"ShareUpdateExclusiveLock on relation 16402 of database 5 after "
                                            f"1000.118 ms", service="supabase-db"))
    records += carry(rng, exc, 26.0, _logger(path), "maintenance step failed", carrier)
    axes = {"statement": stmt, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-G3", kind="near-miss", records=records, category="concurrency",
                         severity="medium", description="The maintenance DDL waited on another session's lock until "
                         "lock_timeout: concurrency.", must_mention=[], must_not=[], axes=axes, deciding="error")
    return make_case(rng, cls="c10-G3", kind="known", records=records, category="code", severity="medium",
                     description="Our runner sends a statement that cannot run inside the driver's implicit "
                                 "transaction: code.", must_mention=[], must_not=[], axes=axes, deciding="error")


# --- G5 -------------------------------------------------------------------------------------------------------
# Source: PL/pgSQL docs (`INTO STRICT` -> P0002 no_data_found "query returned no rows" / P0003 too_many_rows
# "query returned more than one row"; `RAISE` -> P0001), errcodes appendix (22012 division_by_zero). Our
# function's control flow -> code; twin: the value the function trips on is the user's input -> unknown.
_G5 = (("P0002", "query returned no rows"), ("P0003", "query returned more than one row"),
       ("22012", "division by zero"), ("P0001", "conversation {v} has no owner"))


@klass("10", "c10-G5")
def g5(rng: Random, twin: bool) -> dict[str, Any]:
    """Our server-side function raises on data it should handle (code) vs on the user's value (unknown)."""
    code, msg = rng.choice(_G5)
    fn = rng.choice(("claim_upload_job", "usage_ratio", "conversation_owner", "next_retry_at"))
    value = rng.choice(("c-1f2e", "0", "''", "9999"))
    ctx = f"PL/pgSQL function {fn}(text) line {rng.randint(4, 40)} at " + \
        ("SQL statement" if code.startswith("P000") and code != "P0001" else "RAISE" if code == "P0001" else
         "assignment")
    err = psycopg.errors.lookup(code)(msg.format(v=value) + f"\nCONTEXT:  {ctx}")
    path = rng.choice(("/app/src/storage/jobs.py", "/app/src/storage/usage.py", "/app/src/storage/conversations.py"))
    exc = run_chain([Frame(path, "handle", "row = await self._call(arg)", is_async=True),
                     Frame(path, "_call", f"await cur.execute('SELECT {fn}(%s)', (arg,))", {"cur": _cursor(err),
                           "arg": value}, is_async=True)], rng)
    rid, carrier = req_id(rng), rng.choice(("exception", "message"))
    records = noise(rng, rng.randint(2, 5), 0, 40, project_ref(rng))
    if twin:
        records.append(Record(29.0, "INFO", "ws_daemon",
                              f"[req:{rid}] tool call lookup args={{'id': {value!r}}} (user input, not validated)"))
    else:
        records.append(Record(29.0, "INFO", _logger(path), f"[req:{rid}] scheduled run of {fn} for {value}"))
    records += carry(rng, exc, 30.0, _logger(path), f"[req:{rid}] {fn} failed", carrier)
    axes = {"sqlstate": code, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-G5", kind="near-miss", records=records, category="unknown", severity="low",
                         description="The function trips on the value a user passed in a tool call: unknown.",
                         must_mention=[], must_not=[], axes=axes)
    return make_case(rng, cls="c10-G5", kind="known", records=records, category="code", severity="medium",
                     description="Our PL/pgSQL function's control flow raises on data our scheduler gave it: code.",
                     must_mention=[], must_not=[], axes=axes)


# --- B2 -------------------------------------------------------------------------------------------------------
# Source: aiohttp/connector.py `_wrap_create_connection` (`raise client_error(req.connection_key, exc) from exc`,
# its message names the connected address), `ttl_dns_cache`. Network when our long-lived process connects to a
# remote's OLD address after it moved (a later resolution shows the new one); twin: the address is pinned by a
# setting (extra_hosts / an IP in the URL) -> config.
@klass("10", "c10-B2")
def b2(rng: Random, twin: bool) -> dict[str, Any]:
    """Refused connects to a remote's previous address: a stale cache (network) vs an address pinned by a setting."""
    host, port = rng.choice((("alert-relay.internal", 8443), ("auditor.internal", 9000), ("redis-cache", 6379)))
    old, new = f"10.0.{rng.randint(1, 9)}.{rng.randint(2, 250)}", f"10.0.{rng.randint(10, 19)}.{rng.randint(2, 250)}"
    key = ConnectionKey(host, port, port == 8443, True, None, None, None, None)
    os_err = ConnectionRefusedError(111, f"Connect call failed ('{old}', {port})")
    raiser = library_reraise(aiohttp.connector, "_wrap_create_connection",
                             "raise client_error(req.connection_key, exc) from exc", os_err,
                             {"client_error": aiohttp.ClientConnectorError, "exc": os_err,
                              "req": type("R", (), {"connection_key": key})()})
    path = rng.choice(("/app/src/alerts/relay.py", "/app/src/monitoring/auditor_client.py"))
    exc = run_chain([Frame(path, "deliver", "await self._post(event)", is_async=True),
                     Frame(path, "_post", "resp = await session._request('POST', url, json=event)",
                           {"session": type("S", (), {"_request": staticmethod(raiser)})()}, is_async=True)], rng)
    records = noise(rng, rng.randint(2, 5), 0, 300, project_ref(rng))
    carrier, attempts = rng.choice(("exception", "message")), rng.choice((3, 5))
    if twin:
        records.append(Record(0.2, "INFO", "src.daemon.ws_server",
                              f"compose extra_hosts: {host}:{old} (from docker-compose.override.yml)"))
    else:
        records.append(Record(0.2, "INFO", "src.daemon.ws_server", f"aiohttp connector ttl_dns_cache=None "
                                                                   f"({host} resolved once to {old})"))
        records.append(Record(250.0, "DEBUG", "src.monitoring.dns_probe", f"getaddrinfo({host}) -> {new} "
                                                                          "(record changed 02:10 UTC)"))
    records += carry(rng, exc, 240.0, _logger(path), f"delivery failed (attempt {attempts}/{attempts})", carrier)
    axes = {"remote": host, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-B2", kind="near-miss", records=records, category="config", severity="high",
                         description="Connects refused at an address pinned by an extra_hosts setting: config.",
                         must_mention=[], must_not=[], axes=axes)
    return make_case(rng, cls="c10-B2", kind="known", records=records, category="network", severity="medium",
                     description="Connects refused at the remote's old address kept by our resolver cache while a "
                                 "fresh lookup gives the new one: network.", must_mention=[], must_not=[], axes=axes)


# --- F5 -------------------------------------------------------------------------------------------------------
# Source: errno (EISDIR, ENOTDIR, EEXIST), Lib/os.py `makedirs`, builtin `open`. A path setting of the wrong kind
# -> config; twin: the same path came from a user's tool call -> unknown. The error is the kernel's, on a real
# scratch tree (relative paths, as the gateway's cwd /app makes them).
_F5 = (("open(path, 'rb')", "dir", "EXAI_CA_BUNDLE", "certs"),
       ("os.makedirs(path, exist_ok=True)", "file", "LOG_DIR", "logs/ws_daemon.log"),
       ("os.listdir(path)", "file", "EXAI_PROMPTS_DIR", "prompts/system.md"))


@klass("10", "c10-F5")
def f5(rng: Random, twin: bool) -> dict[str, Any]:
    """A path of the wrong kind: from a setting (config) vs from a user's tool call (unknown)."""
    line, kind, setting, rel = rng.choice(_F5)
    path = rng.choice(("/app/src/bootstrap/startup.py", "/app/src/core/paths.py", "/app/tools/file_reader.py"))
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            os.makedirs(os.path.dirname(rel) or ".", exist_ok=True)
            if kind == "dir":
                os.makedirs(rel, exist_ok=True)
            else:
                open(rel, "w").close()
            exc = run_chain([Frame(path, "load", "data = self._read(path)"),
                             Frame(path, "_read", line, {"os": os, "path": rel})], rng)
        finally:
            os.chdir(cwd)
    rid, carrier = req_id(rng), rng.choice(("exception", "message", "block"))
    records = noise(rng, rng.randint(2, 5), 0, 40, project_ref(rng))
    if twin:
        records.append(Record(29.0, "INFO", "ws_daemon", f"[req:{rid}] tool call read_path args={{'path': {rel!r}}}"))
    else:
        records.append(Record(0.4, "INFO", "src.core.env_config", f"{setting}={rel}"))
    records += carry(rng, exc, 30.0, _logger(path), f"[req:{rid}] cannot use {rel}", carrier)
    axes = {"op": line.split("(")[0], "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-F5", kind="near-miss", records=records, category="unknown", severity="low",
                         description="A path of the wrong kind named by the user in a tool call: unknown.",
                         must_mention=[], must_not=[], axes=axes)
    return make_case(rng, cls="c10-F5", kind="known", records=records, category="config", severity="high",
                     description=f"The path setting {setting} names the wrong kind of file: config.",
                     must_mention=[setting], must_not=[], axes=axes)


# --- F6 -------------------------------------------------------------------------------------------------------
# Source: errno EXDEV (rename(2) across two filesystems), Lib/os.py `replace`/`rename` (no copy fallback, unlike
# Lib/shutil.py `move`). The kernel's own error on this machine's two real mounts (a tmpfs and the disk). Config
# (the deployment's mounts: staging and destination on different filesystems); twin: another writer moved the
# same file first (its record in the window) -> concurrency.
@klass("10", "c10-F6")
def f6(rng: Random, twin: bool) -> dict[str, Any]:
    """A rename fails: across two mounts (config) vs the file already moved by another writer (concurrency)."""
    name = f"upload-{rng.randint(100, 999)}"
    # the twin's directories share one filesystem (else the kernel answers EXDEV before it looks for the source)
    staging, final = "/dev/shm/exai-staging", "/dev/shm/exai-uploads" if twin else "/tmp/exai-uploads"
    src, dst = f"{staging}/{name}.part", f"{final}/{name}.bin"
    op = rng.choice(("os.replace(tmp_path, final_path)", "os.rename(tmp_path, final_path)"))
    path = rng.choice(("/app/src/file_management/manager.py", "/app/tools/kimi_upload.py",
                       "/app/src/utils/atomic_write.py"))
    os.makedirs(staging, exist_ok=True)
    os.makedirs(final, exist_ok=True)
    try:
        if not twin:
            open(src, "w").close()
        exc = run_chain([Frame(path, "commit", "self._publish(tmp_path, final_path)"),
                         Frame(path, "_publish", op, {"os": os, "tmp_path": src, "final_path": dst})], rng)
    finally:
        for p in (src, dst):
            with contextlib.suppress(FileNotFoundError):
                os.remove(p)
        for d in (staging, final):
            with contextlib.suppress(OSError):
                os.rmdir(d)
    rid, other, carrier = req_id(rng), rng.choice(("gw-b", "exai-mcp-daemon-2", "cleanup-cron")), \
        rng.choice(("exception", "message", "block"))
    records = noise(rng, rng.randint(2, 5), 0, 40, project_ref(rng))
    records.append(Record(0.4, "INFO", "src.core.env_config", f"UPLOAD_STAGING_DIR={staging} UPLOAD_DIR={final}"))
    if twin:
        records.append(Record(29.7, "INFO", _logger(path), f"[{other}] moved {src} -> {dst}"))
    records += carry(rng, exc, 30.0, _logger(path), f"[req:{rid}] cannot publish {name}", carrier)
    axes = {"op": op.split("(")[0], "carrier": carrier}
    if twin:
        return make_case(rng, cls="c10-F6", kind="near-miss", records=records, category="concurrency",
                         severity="medium", description="Another writer moved the same staged file first: "
                         "concurrency.", must_mention=[], must_not=[], axes=axes, deciding="error")
    return make_case(rng, cls="c10-F6", kind="known", records=records, category="config", severity="high",
                     description="Staging and upload directories sit on two filesystems; rename cannot cross them: "
                                 "config (the mounts).", must_mention=[], must_not=[], axes=axes, deciding="error")
