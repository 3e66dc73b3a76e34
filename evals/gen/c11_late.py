"""CLASSES11 B1, B2, F3, F5: name resolution, addresses, the pooler, a setting not re-read (evals/CLASSES11.md).

B1/B2 run aiohttp's real connector (`TCPConnector._resolve_host` wraps a resolver's OSError in
ClientConnectorDNSError; `_create_direct_connection` tries each resolved address and raises ClientConnectorError
with the last one) over a resolver that answers as getaddrinfo does (the libc's EAI_* codes and texts, `socket`
docs). B2's refused connect is real (a closed loopback port); the printed address and port are rewritten to the
remote's public one, as frames.py rewrites paths. F3's pooler refusal is psycopg's OperationalError carrying
libpq's text of the pooler's FATAL (Supabase docs "Connecting to your database": the pooler's user is
`postgres.<project-ref>`; PgBouncer docs: `auth_file`, "no such user"). F5 runs the real openai SDK (c11_provider).
"""

from __future__ import annotations

import asyncio
import socket
from random import Random
from typing import Any

import aiohttp
import psycopg
from aiohttp.abc import AbstractResolver

from evals.gen.c10_runtime import closed_port
from evals.gen.c11_common import logger_of, pick_carrier, raise_through, service_line
from evals.gen.c11_provider import sdk_error
from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame, _compile_src, build_chain, trim
from evals.gen.registry import klass
from evals.gen.render import Record


class _Answer(AbstractResolver):
    """The gateway's resolver in front of aiohttp (a small DNS cache): it answers what getaddrinfo answered, an
    error (kept in its negative cache) or a list of addresses in aiohttp's resolve shape. Its `resolve` is compiled
    under the gateway's path (frames._compile_src) so the traceback shows a gateway frame, not this generator."""

    def __init__(self, answer: Any) -> None:
        self._failed: dict[str, BaseException] = {}
        self._hosts: dict[str, Any] = {}
        self.answer = answer

    async def close(self) -> None:
        return None

    resolve = _compile_src("/app/src/net/dns_cache.py", 41, [
        "async def resolve(self, host, port=0, family=0):",
        "    if isinstance(self.answer, BaseException):",
        "        raise self._failed.setdefault(host, self.answer)",
        "    return [{**a, 'hostname': host, 'port': port} for a in self.answer]",
    ], {}, "resolve")


def aiohttp_connect_error(rng: Random, path: str, url: str, answer: Any) -> BaseException:
    """Run our POST through aiohttp's real connector, `answer` being the resolver's result; the exception."""

    async def framed() -> None:
        connector = aiohttp.TCPConnector(resolver=_Answer(answer), happy_eyeballs_delay=None)
        async with aiohttp.ClientSession(connector=connector) as session:
            call = build_chain([Frame(path, "send", "await self._post(session, payload)", is_async=True),
                                Frame(path, "_post", "async with session.post(url, json=payload) as resp:",
                                      {"session": session, "url": url, "payload": {}}, is_async=True)], rng)
            await call()

    try:
        asyncio.run(framed())
    except BaseException as exc:  # noqa: BLE001 - the product
        return trim(exc)
    raise AssertionError("connect did not fail")


# --- B1 -------------------------------------------------------------------------------------------------------
# Source: socket docs (getaddrinfo, EAI_AGAIN "Temporary failure in name resolution", EAI_NODATA "No address
# associated with hostname", EAI_NONAME "Name or service not known"), aiohttp/connector.py, resolv.conf(5).
_TRANSIENT = ((socket.EAI_AGAIN, "Temporary failure in name resolution"),
              (socket.EAI_NODATA, "No address associated with hostname"))
_REMOTES = (("api.moonshot.ai", "/v1/chat/completions", "KIMI_BASE_URL", "src.providers.kimi_chat"),
            ("api.z.ai", "/api/paas/v4/chat/completions", "GLM_BASE_URL", "src.providers.glm_chat"),
            ("hooks.slack.com", "/services/T0/B0/x", "SLACK_WEBHOOK_URL", "src.alerts.slack"))


@klass("11", "c11-B1")
def b1(rng: Random, twin: bool) -> dict[str, Any]:
    """A resolver answers no-data/temporary failure for a name that exists and recovers (network) vs the no-such-name
    family since a URL setting changed to a name that does not exist (config)."""
    alt = Random(rng.getrandbits(64))
    host, upath, setting, logger = rng.choice(_REMOTES)
    code, text = rng.choice(_TRANSIENT)
    typo = host.replace("api.", rng.choice(("apl.", "api-v2.", "api."))).replace(".ai", rng.choice((".ia", ".ai.")))
    shown = typo if twin else host
    answer = socket.gaierror(socket.EAI_NONAME, "Name or service not known") if twin else socket.gaierror(code, text)
    path = "/app/" + logger.replace(".", "/") + ".py"
    exc = aiohttp_connect_error(rng, path, f"https://{shown}{upath}", answer)
    err_t = rng.uniform(60, 200)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 60, project_ref(rng))
    carrier = pick_carrier(rng, "none", ("exception", "message", "block"))
    fails = rng.randint(1, 3)
    records += carry(rng, exc, err_t, logger, f"[req:{req_id(rng)}] request to {shown} failed", carrier)
    if twin:
        records.append(Record(err_t - alt.uniform(30, 120), "INFO", "src.core.env_config",
                              f"settings reloaded: {setting}=https://{typo}{upath.rsplit('/', 2)[0]}"))
        for _ in range(fails):
            records.append(Record(alt.uniform(err_t - 25, err_t - 1), "ERROR", logger,
                                  f"[req:{req_id(alt)}] request to {typo} failed: Name or service not known"))
    else:
        for _ in range(fails):
            records.append(Record(alt.uniform(err_t - 25, err_t - 1), "WARNING", logger,
                                  f"[req:{req_id(alt)}] request to {host} failed: {text}, retrying"))
        records.append(Record(err_t + alt.uniform(20, 60), "INFO", logger,
                              f"[req:{req_id(alt)}] request to {host} ok after retry (resolver recovered)"))
    axes = {"host": host, "eai": str(code), "carrier": carrier}
    if twin:
        return make_case(rng, cls="c11-B1", kind="near-miss", records=records, category="config", severity="high",
                         description=f"The name does not exist (no-such-name) since {setting} changed to it: config.",
                         must_mention=[setting], must_not=["transient"], axes=axes, deciding="error")
    return make_case(rng, cls="c11-B1", kind="known", records=records, category="network", severity="medium",
                     description=f"The resolver answered {text} for a name that exists; retries after the window "
                                 "succeed: network.", must_mention=["resolv"], must_not=[setting], axes=axes)


# --- B2 -------------------------------------------------------------------------------------------------------
# Source: aiohttp/connector.py `_create_direct_connection` (each resolved address in turn, the last error raised),
# aiohappyeyeballs/impl.py (staggered attempts), httpcore (the OS picks the address).
@klass("11", "c11-B2")
def b2(rng: Random, twin: bool) -> dict[str, Any]:
    """One of a remote's addresses is dead: failures name it while other connects of the same minute reach the
    other address (network) vs the dead address pinned by our setting for every connect (config)."""
    alt = Random(rng.getrandbits(64))
    host, upath, setting, logger = rng.choice(_REMOTES[:2])
    dead = f"104.18.{rng.randint(1, 40)}.{rng.randint(2, 250)}"
    good = f"172.67.{rng.randint(1, 200)}.{rng.randint(2, 250)}"
    port = closed_port(rng)
    addr = [{"host": "127.0.0.1", "family": socket.AF_INET, "proto": 0, "flags": socket.AI_NUMERICHOST}]
    path = "/app/" + logger.replace(".", "/") + ".py"
    exc = aiohttp_connect_error(rng, path, f"https://{host}:{port}{upath}", addr)
    err_t = rng.uniform(60, 200)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 60, project_ref(rng))
    carrier = pick_carrier(rng, "none", ("exception", "message", "block"))
    out = carry(rng, exc, err_t, logger, f"[req:{req_id(rng)}] request to {host} failed", carrier)
    for rec in out:
        for attr in ("message", "exc"):
            text = getattr(rec, attr)
            if text:
                setattr(rec, attr, text.replace(f"('127.0.0.1', {port})", f"('{dead}', 443)")
                        .replace(f"{host}:{port}", f"{host}:443"))
    records += out
    for _ in range(alt.randint(3, 5)):
        t = alt.uniform(err_t - 50, err_t + 50)
        if twin:
            records.append(Record(t, "WARNING", logger, f"[req:{req_id(alt)}] connect to {host} ({dead}:443) "
                                                        "refused, retry failed"))
        else:
            records.append(Record(t, "DEBUG", logger, f"[req:{req_id(alt)}] connected to {host} ({good}:443)"))
    if twin:
        records.append(Record(0.3, "INFO", "src.daemon.ws_server",
                              f"compose extra_hosts: {host}:{dead} (pinned by {setting.replace('URL', 'IP')})"))
    else:
        records.append(Record(err_t - alt.uniform(1, 20), "DEBUG", logger,
                              f"resolved {host} -> [{dead}, {good}]"))
    for rec in records:  # a WARNING after the error would be the page: keep them before it
        if rec.level == "WARNING" and rec.t > err_t:
            rec.t = err_t - (rec.t - err_t) / 10 - 0.01
    axes = {"host": host, "carrier": carrier}
    if twin:
        return make_case(rng, cls="c11-B2", kind="near-miss", records=records, category="config", severity="high",
                         description=f"Every connect goes to the one dead address our compose pins for {host}: config.",
                         must_mention=["extra_hosts"], must_not=[], axes=axes)
    return make_case(rng, cls="c11-B2", kind="known", records=records, category="network", severity="medium",
                     description=f"{host} resolves to several addresses and one ({dead}) is dead: its connects fail "
                                 f"while others reach {good}: network.", must_mention=[dead], must_not=[], axes=axes)


# --- F3 -------------------------------------------------------------------------------------------------------
_POOLERS = (("aws-0-eu-central-1.pooler.supabase.com", 6543, "Tenant or user not found"),
            ("aws-0-ap-southeast-2.pooler.supabase.com", 5432, "Tenant or user not found"),
            ("pgbouncer", 6432, 'no such user: "{user}"'))


@klass("11", "c11-F3")
def f3(rng: Random, twin: bool) -> dict[str, Any]:
    """The pooler refuses the connection by its own addressing rules: our URL's user lacks the tenant suffix
    (config) vs the pooler failing for every tenant with a correct URL (storage)."""
    alt = Random(rng.getrandbits(64))
    host, port, fatal = rng.choice(_POOLERS)
    ref = project_ref(rng)
    user = "postgres"
    ip = f"{rng.randint(3, 54)}.{rng.randint(1, 250)}.{rng.randint(1, 250)}.{rng.randint(2, 250)}"
    text = (f'connection failed: connection to server at "{host}" ({ip}), port {port} failed: '
            f"FATAL:  {fatal.format(user=user)}")
    path = rng.choice(("/app/src/storage/pg.py", "/app/src/storage/audit.py"))
    exc, wrap = raise_through([Frame(path, "connect", "self.conn = await self._open(dsn)", is_async=True),
                               Frame(path, "_open", "raise refused", {"refused": psycopg.OperationalError(text)},
                                     is_async=True)], rng, ("none", "from"))
    err_t = rng.uniform(5, 100)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 30, ref)
    shown_user = f"{user}.{ref}" if twin else user
    records.append(Record(0.3, "INFO", "src.core.env_config",
                          f"DATABASE_URL=postgresql://{shown_user}:***@{host}:{port}/postgres"))
    if twin:
        records.append(Record(err_t - alt.uniform(30, 200), "INFO", "src.monitoring.provider_status",
                              "supabase status: Supavisor connection pooler degraded - all projects in the region "
                              "failing to connect" if host != "pgbouncer" else
                              "pgbouncer: every client refused since its auth_file reload failed"))
        records.append(Record(err_t - alt.uniform(1, 20), "ERROR", "src.storage.audit",
                              f"other client also refused by the pooler: {fatal.format(user='dashboard')}"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records += carry(rng, exc, err_t, logger_of(path), "cannot connect to the database", carrier)
    axes = {"pooler": host.split(".")[0], "carrier": carrier, "wrap": wrap}
    if twin:
        return make_case(rng, cls="c11-F3", kind="near-miss", records=records, category="storage", severity="high",
                         description="The URL's user carries the tenant suffix; the pooler itself refuses every tenant "
                                     "(status record, other clients): storage.", must_mention=["pooler"],
                         must_not=["DATABASE_URL"], axes=axes)
    return make_case(rng, cls="c11-F3", kind="known", records=records, category="config", severity="high",
                     description="The pooler routes by the tenant suffix of the user name; our DATABASE_URL's user "
                                 "lacks it, so the pooler rejects us before the database: config.",
                     must_mention=["DATABASE_URL"], must_not=[], axes=axes)


# --- F5 -------------------------------------------------------------------------------------------------------
# Source: research §4.1 (`get_config()` caches a global; a rollback needs a restart), Lib/functools.py
# (`lru_cache`), pydantic_settings (values read at instantiation).
@klass("11", "c11-F5")
def f5(rng: Random, twin: bool) -> dict[str, Any]:
    """The old behaviour continues after a setting was rolled back, stopping at a restart (config: the restart is
    the missing step) vs persisting after the restart (code: the path does not consult the flag)."""
    alt = Random(rng.getrandbits(64))
    flag = rng.choice(("ASYNC_UPLOADS_ENABLED", "KIMI_FILES_V2", "STREAMING_UPLOADS"))
    body = {"error": {"message": rng.choice(("unsupported file type: application/octet-stream",
                                              "purpose 'batch' is not supported for this endpoint",
                                              "file is empty")), "type": "invalid_request_error"}}
    path = rng.choice(("/app/src/file_management/async_uploader.py", "/app/src/providers/kimi_files_v2.py"))
    import io
    exc, wrap, line = sdk_error(rng, "kimi", 400, body,
                                [Frame(path, "upload", "file_id = self._create(fh)"), Frame(path, "_create", "")],
                                "client.files.create(file=fh, purpose='file-extract')",
                                {"fh": ("a.bin", io.BytesIO(b"x"), "application/octet-stream")})
    err_t = rng.uniform(300, 500)
    records = noise(rng, rng.randint(2, 4), 0, err_t + 60, project_ref(rng))
    rollback = err_t - rng.uniform(60, 200)
    restart = err_t + rng.uniform(20, 60)
    records.append(Record(1.0, "INFO", "src.core.env_config", f"{flag}=true (rollout 100%)"))
    records.append(service_line(rollback, "deploy", f"env updated: {flag}=false (rollback; containers not recreated)"))
    for _ in range(rng.randint(2, 3)):
        records.append(Record(rng.uniform(rollback + 5, err_t - 1), "INFO", logger_of(path),
                              f"[req:{req_id(rng)}] upload via v2 path ({flag} cached=true)"))
    records.append(Record(restart, "INFO", "src.daemon.ws_server", f"daemon started; {flag}=false"))
    after = alt.uniform(restart + 5, restart + 40)
    if twin:
        records.append(Record(after, "INFO", logger_of(path),
                              f"[req:{req_id(alt)}] upload via v2 path ({flag} read: false)"))
        records.append(Record(after + 0.2, "INFO", logger_of(path),
                              f"[req:{req_id(alt)}] upload failed again via v2 path after restart: BadRequestError"))
    else:
        records.append(Record(after, "INFO", logger_of(path), f"[req:{req_id(alt)}] upload via v1 path ok"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "block"))
    records.append(Record(err_t - 0.1, "INFO", "httpx2", line))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{req_id(rng)}] upload failed", carrier)
    axes = {"flag": flag, "carrier": carrier, "wrap": wrap}
    if twin:
        return make_case(rng, cls="c11-F5", kind="near-miss", records=records, category="code", severity="medium",
                         description=f"After the restart the process reads {flag}=false and still takes the new path: "
                                     "the code does not consult the flag: code.", must_mention=[flag],
                         must_not=["restart"], axes=axes)
    return make_case(rng, cls="c11-F5", kind="known", records=records, category="config", severity="medium",
                     description=f"{flag} was rolled back in the environment but the process kept its cached value "
                                 "until a restart (after which the errors stop): config.", must_mention=["restart"],
                     must_not=[], axes=axes)
