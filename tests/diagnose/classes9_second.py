"""Generators for CLASSES9 classes whose category a SECOND record decides (round 10): N1 across remotes, R3, R4, K2.

Each error is raised for real by the library the spec cites (httpx/requests/aiohttp against a loopback peer that
closes before a status line; aiohttp's connector waiting for a free slot; the default-executor pattern with every
worker busy; a thread that dies, then a queue/future/barrier wait on it). The first record is the same in a class and
its near-miss twin; only the second record (the idle gap, the pool figure, the dead thread's name) separates them.
Stamps of context records are written relative to the error record's own stamp (`at`), since `logged` stamps it
with the wall clock. A generator returns (excerpt, expected category).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import errno
import io
import os
import queue
import random
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from tests.diagnose.classes8_base import Ctx, Gen, _record
from tests.diagnose.classes8_vary import neutral
from tests.diagnose.loopback import loopback_server


def at(error: str, seconds_before: float, logger: str, text: str, level: str = "INFO") -> str:
    """A record `seconds_before` the error record's own stamp."""
    then = datetime.fromisoformat(error[:19]) - timedelta(seconds=seconds_before)
    return f"{then:%Y-%m-%d %H:%M:%S} {level} {logger}: {text}"


def _excerpt(rng: random.Random, before: list[str], error: str, after: list[str] = ()) -> str:  # type: ignore[assignment]
    out: list[str] = []
    for rec in before:
        out.extend(neutral(rng, 1) if rng.random() < 0.5 else [])
        out.append(rec)
    return "\n".join([*out, error, *after])


# ---- N1 across remotes: the storage API, the provider, an internal service ------------------------------------------
# (logger of the component, what it names, the host printed in the request lines, the category of the close when no
# idle race is shown: the remote's own side - protocol_causes.py - storage/provider, network for no named remote)
REMOTES = (
    ("src.storage.conversation_store", "append turn", "qkzr{h}.supabase.co/rest/v1/conversation_messages", "storage"),
    ("src.storage.file_registry", "register upload", "abcd{h}.supabase.co/rest/v1/provider_file_uploads", "storage"),
    ("src.providers.kimi_chat", "chat completion", "api.moonshot.ai/v1/chat/completions", "provider"),
    ("src.providers.glm_chat", "chat completion", "api.z.ai/api/paas/v4/chat/completions", "provider"),
    ("src.monitoring.alerts", "post alert", "alerts-relay.internal/hooks/alerts", "network"),
)


def _closed_before_status(rng: random.Random, logger: str, message: str) -> str:
    """h11 (httpx), http.client (requests) or aiohttp meeting a peer that reads the request and closes."""
    def answer(c: socket.socket) -> None:
        # read the whole request (headers and body) before closing: a close with unread bytes is a TCP reset, another
        # error text (a load-dependent race otherwise)
        c.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            data += c.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        length = next((int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")), 0)
        while len(body) < length:
            body += c.recv(65536)

    lib = rng.choice(["aiohttp", "requests", "httpx"])
    with loopback_server(answer) as port:
        url = f"http://127.0.0.1:{port}/{rng.choice(['rest/v1/items', 'v1/chat/completions', 'hooks/alerts'])}"

        def run() -> object:
            if lib == "requests":
                import requests
                return requests.post(url, json={}, timeout=5)
            if lib == "httpx":
                import httpx
                return httpx.post(url, json={}, timeout=5)
            import aiohttp

            async def go() -> None:
                async with aiohttp.ClientSession() as s, s.post(url, json={}) as r:
                    await r.read()
            return asyncio.run(go())
        return _record(run, logger, message)


def _n1(rng: random.Random, idle: bool) -> tuple[str, str]:
    logger, what, host, remote_side = rng.choice(REMOTES)
    host = host.format(h=f"{rng.randrange(16**4):04x}")
    n = rng.choice([2, 3, 4])
    error = _closed_before_status(rng, logger, rng.choice([f"{what} failed (attempt 1/{n})", f"{what} failed; retrying",
                                                           f"[req:{rng.randrange(16**8):08x}] {what} failed, will retry"]))
    gap = rng.randrange(70, 1800) if idle else rng.uniform(0.2, 2.5)
    request = at(error, gap, "httpx", f'HTTP Request: {rng.choice(["GET", "POST"])} https://{host} "HTTP/1.1 200 OK"')
    return _excerpt(rng, [request], error), remote_side


def n1_idle_reuse_any_remote(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The first request after minutes without one to that host: network (whatever the remote)."""
    return _n1(rng, idle=True)[0], "network"


def n1_twin_busy_connection(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same close a second after the last request to the host: no idle race shown -> unchanged (the remote's
    side, as protocol_causes reads it: storage/provider, or network when no remote is named)."""
    return _n1(rng, idle=False)


# ---- R3: aiohttp's connect timeout spent waiting for the connector's limit ------------------------------------------
def _connector_wait(rng: random.Random, limit: int, logger: str, message: str) -> str:
    """`limit` requests held open by a peer that never answers, then one more with a short connect timeout: aiohttp's
    ClientTimeout.connect covers acquiring a connection from the pool (client.py), so it raises
    ConnectionTimeoutError without any connect attempt."""
    release = threading.Event()

    def answer(c: socket.socket) -> None:
        c.recv(65536)
        release.wait(5)

    import aiohttp

    with loopback_server(answer) as port:
        url = f"http://127.0.0.1:{port}/hooks/alerts"

        async def go() -> None:
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit)) as s:
                async def hold() -> None:
                    async with s.post(url, json={}) as r:
                        await r.read()
                held = [asyncio.create_task(hold()) for _ in range(limit)]
                await asyncio.sleep(0.05)  # let them take every slot (no time window is asserted)
                try:
                    async with s.post(url, json={}, timeout=aiohttp.ClientTimeout(total=None, connect=0.05)) as r:
                        await r.read()
                finally:
                    release.set()
                    for t in held:
                        t.cancel()
                    await asyncio.gather(*held, return_exceptions=True)
        return _record(lambda: asyncio.run(go()), logger, message)


ALERTS = ("src.monitoring.alerts", "src.monitoring.slack_notifier", "src.daemon.outbound_http")


def _pool_figure(rng: random.Random, used: int, limit: int, waiting: int, noun: str) -> str:
    return rng.choice([f"{noun}: {used}/{limit} connections in use (limit={limit}), {waiting} requests waiting",
                       f"{noun} stats: in_use={used} limit={limit} waiting={waiting}",
                       f"{noun} in use {used} of {limit}, queued={waiting}"])


def r3_connector_slot_wait(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    limit, logger = rng.choice([2, 3, 4]), rng.choice(ALERTS)
    error = _connector_wait(rng, limit, logger, rng.choice(["alert delivery failed (attempt 1/3)", "post to relay failed",
                                                            "notification not sent"]))
    figure = at(error, rng.uniform(0.5, 3), logger, _pool_figure(rng, limit, limit, rng.randrange(5, 400),
                                                                  rng.choice(["connector", "alert session pool"])), "DEBUG")
    return _excerpt(rng, [figure], error), "capacity"


def r3_twin_pool_not_full(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same class and the same figure's words, but the pool far from its bound: a real connect problem."""
    limit, logger = rng.choice([2, 3, 4]), rng.choice(ALERTS)
    error = _connector_wait(rng, limit, logger, rng.choice(["alert delivery failed (attempt 1/3)", "post to relay failed"]))
    figure = at(error, rng.uniform(0.5, 3), logger, _pool_figure(rng, rng.randrange(0, 2), 100, 0,
                                                                  rng.choice(["connector", "alert session pool"])), "DEBUG")
    return _excerpt(rng, [figure], error), "network"


# ---- R4: the default executor saturated by blocking calls -----------------------------------------------------------
def _executor_wait(workers: int, logger: str, message: str) -> str:
    """Every worker of the executor busy (blocked on an event), then asyncio.wait_for around one more
    run_in_executor call times out: base_events.run_in_executor queues it, nothing fails in the pool."""
    gate = threading.Event()

    async def go() -> None:
        loop = asyncio.get_running_loop()
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
        busy = [loop.run_in_executor(pool, gate.wait, 5) for _ in range(workers)]
        try:
            await asyncio.wait_for(loop.run_in_executor(pool, sum, [1, 2]), 0.05)
        finally:
            gate.set()
            await asyncio.gather(*busy)
            pool.shutdown()
    return _record(lambda: asyncio.run(go()), logger, message)


def r4_executor_saturated(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    workers = rng.choice([2, 4, 6])
    logger = rng.choice(["src.file_management.hashing", "src.utils.token_counter", "src.tools.archive_scan"])
    error = _executor_wait(workers, logger, rng.choice(["digest timed out after 30s", "token count timed out",
                                                        "[req:0c4d] blocking step did not finish in time"]))
    queued = rng.randrange(3, 90)
    figure = at(error, rng.uniform(0.5, 5), logger, rng.choice([
        f"default executor: max_workers={workers}, running={workers}, queued={queued}",
        f"thread pool busy {workers} of {workers} workers running, {queued} jobs queued"]), "DEBUG")
    return _excerpt(rng, [figure], error), "capacity"


# ---- K2: a wait on a worker that had died ---------------------------------------------------------------------------
WORKERS = (("embedder", "src.utils.embedder"), ("usage-flusher", "src.monitoring.usage_flusher"),
           ("broadcast-writer", "src.daemon.broadcast_writer"), ("health-writer", "src.daemon.ws.health_writer"))


def _dies_import() -> None:
    from json import estimate_tokens_batch  # type: ignore[attr-defined]  # noqa: F401


def _dies_attribute() -> None:
    payload: object = {"rows": []}
    payload.rows.append(1)  # type: ignore[attr-defined]


DEATHS: tuple[tuple[Callable[[], None], str], ...] = ((_dies_import, "code"), (_dies_attribute, "code"))


def _thread_death(name: str, target: Callable[[], None]) -> str:
    """What threading's default excepthook prints for a thread whose run() raised (to sys.stderr); pytest replaces
    threading.excepthook with its own, so the default (threading.__excepthook__) is put back while the thread runs."""
    err = io.StringIO()
    hook = threading.excepthook
    threading.excepthook = threading.__excepthook__
    try:
        with contextlib.redirect_stderr(err):
            t = threading.Thread(target=target, name=name)
            t.start()
            t.join()
    finally:
        threading.excepthook = hook
    assert err.getvalue().startswith(f"Exception in thread {name}"), err.getvalue()[:200]
    return err.getvalue().rstrip("\n")


def _wait_symptom(rng: random.Random, logger: str) -> str:
    shape = rng.choice(["queue", "future", "barrier"])

    def run() -> object:
        if shape == "queue":
            return queue.Queue().get(timeout=0.01)
        if shape == "future":
            return concurrent.futures.Future().result(timeout=0.01)
        return threading.Barrier(2).wait(timeout=0.01)
    return _record(run, logger, rng.choice(["no result from the worker in time", "waiting for the worker failed",
                                            f"[req:{rng.randrange(16**8):08x}] result wait gave up"]))


def k2_wait_on_dead_worker(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    name, logger = rng.choice(WORKERS)
    die, category = rng.choice(DEATHS)
    death = _thread_death(name, die)
    error = _wait_symptom(rng, logger)
    started = at(error, rng.randrange(60, 900), logger, f"{name} thread started")
    return _excerpt(rng, [started, death], error), category


def k2_twin_other_worker_died(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """Another component's thread died (its name shares nothing with the waiting one): the wait's answer is the one it
    gets with no death in the log ("unchanged": the test diagnoses the excerpt without the death block too)."""
    (name, _), (_, logger) = rng.sample(WORKERS, 2)
    death = _thread_death(name, rng.choice(DEATHS)[0])
    error = _wait_symptom(rng, logger)
    return _excerpt(rng, [death], error), UNCHANGED


def k2_twin_bind_error_death(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The dead thread's cause is a port already taken (a setting): the wait takes its category, config."""
    name, logger = rng.choice(WORKERS)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]

    def die() -> None:
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
        finally:
            s.close()
    try:
        death = _thread_death(name, die)
    finally:
        taken.close()
    assert f"[Errno {errno.EADDRINUSE}]" in death, death[-200:]
    error = _wait_symptom(rng, logger)
    return _excerpt(rng, [at(error, 30, logger, f"{name} listening on 127.0.0.1:{port}"), death], error), "config"


UNCHANGED = "unchanged"
NOT = "not:"  # a twin whose answer must not be this category (and never confident)


def without_deaths(excerpt: str) -> str:
    """The excerpt without its "Exception in thread" blocks (up to the next stamped record)."""
    out, skipping = [], False
    for ln in excerpt.splitlines():
        if ln.startswith("Exception in thread "):
            skipping = True
        elif skipping and ln[:4].isdigit():
            skipping = False
        if not skipping:
            out.append(ln)
    return "\n".join(out)


CLASSES9_SECOND: dict[str, tuple[Gen, ...]] = {
    "N1": (n1_idle_reuse_any_remote, n1_twin_busy_connection),
    "R3": (r3_connector_slot_wait, r3_twin_pool_not_full),
    "R4": (r4_executor_saturated,),
    "K2": (k2_wait_on_dead_worker, k2_twin_other_worker_died, k2_twin_bind_error_death),
}


# ---- F5: a client honouring a proxy from the environment (trust_env) that does not listen --------------------------
@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """The process environment with `values` set (and every other proxy variable removed), restored after."""
    names = {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy",
             *values}
    old = {n: os.environ.get(n) for n in names}
    for n in names:
        os.environ.pop(n, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for n, v in old.items():
            if v is None:
                os.environ.pop(n, None)
            else:
                os.environ[n] = v


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port


PROXIED = (("src.storage.supabase_http", "Supabase health probe failed", "https://qkzr{h}.supabase.co/rest/v1/"),
           ("src.providers.kimi_chat", "Kimi chat failed", "https://api.moonshot.ai/v1/models"),
           ("src.tools.web_fetch", "fetch failed", "https://docs.example.org/page"))


def _get(lib: str, url: str) -> object:
    if lib == "requests":
        import requests
        return requests.get(url, timeout=5)
    if lib == "httpx":
        import httpx
        return httpx.get(url, timeout=5)
    import aiohttp

    async def go() -> None:
        async with aiohttp.ClientSession(trust_env=True) as s, s.get(url) as r:
            await r.read()
    return asyncio.run(go())


def f5_env_proxy_not_listening(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    logger, message, url = rng.choice(PROXIED)
    url = url.format(h=f"{rng.randrange(16**4):04x}")
    proxy = f"http://127.0.0.1:{_closed_port()}"
    var = rng.choice(["HTTPS_PROXY", "https_proxy", "ALL_PROXY"])
    lib = rng.choice(["httpx", "requests", "aiohttp"] if var != "ALL_PROXY" else ["httpx", "requests"])
    with _environment({var: proxy}):
        error = _record(lambda: _get(lib, url), logger, message)
    before = [at(error, rng.randrange(5, 600), rng.choice(["src.core.env_config", "src.daemon.startup"]),
                 f"environment: {var}={proxy} (from env_file ./host.env)")] if rng.random() < 0.6 else []
    return _excerpt(rng, before, error), "config"


def f5_twin_direct_connect_refused(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same client, logger and words, no proxy: the remote's own port refuses - whatever the remote's reading
    (the path, the service, or no family for requests' ConnectionError), never the proxy setting."""
    logger, message, _ = rng.choice(PROXIED)
    lib = rng.choice(["httpx", "requests", "aiohttp"])
    with _environment({}):
        error = _record(lambda: _get(lib, f"http://127.0.0.1:{_closed_port()}/v1/x"), logger, message)
    return _excerpt(rng, [], error), NOT + "config"


CLASSES9_SECOND["F5"] = (f5_env_proxy_not_listening, f5_twin_direct_connect_refused)


# ---- a server-side COPY given our path (needs the test PostgreSQL: CLASSES_PG, test_server_side_copy) ---------------
def _copy_failure(rng: random.Random, ctx: Ctx, path: str, direction: str) -> str:
    from tests.diagnose.classes8_base import _pg_client
    table = rng.choice(["tool_events", "usage_seed", "model_catalog"])
    sql = (f"CREATE TEMP TABLE IF NOT EXISTS {table} (tool text); COPY {table} (tool) {direction} '{path}' "
           f"WITH (FORMAT csv{', HEADER true' if rng.random() < 0.5 else ''})")
    logger = rng.choice(["scripts.seed_models", "src.storage.seed", "src.monitoring.usage_export"])
    return _record(_pg_client(rng, ctx.dsn, sql.encode()), logger, rng.choice(["seeding failed", "export failed",
                                                                                  f"loading {table} failed"]))


def copy_our_path_to_the_server(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """COPY FROM a path of our container (printed before), read by the database server process -> code."""
    path = f"/app/data/{rng.choice(['seed', 'fixtures', 'import'])}/{rng.randrange(16**6):06x}.csv"
    error = _copy_failure(rng, ctx, path, "FROM")
    before = [at(error, 0.4, "scripts.seed_models", f"seeding from {path} (present in this container: "
                                                    f"{rng.randrange(2, 500)} rows)")] if rng.random() < 0.7 else []
    return _excerpt(rng, before, error), "code"


def copy_twin_server_relation_file(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same SQLSTATE 58P01 and words without the COPY hint (the server's own file: a RAISE of the relation-file
    message) -> not code (the server's storage)."""
    from tests.diagnose.classes8_base import _pg_raise
    oid = rng.randrange(16384, 99999)
    return _pg_raise(ctx, rng, "58P01", f"could not open file \"base/16384/{oid}\": No such file or directory"), \
        NOT + "code"


CLASSES_PG: dict[str, tuple[Gen, ...]] = {"COPY": (copy_our_path_to_the_server, copy_twin_server_relation_file)}


# ---- U4 near miss: an early-ended download of ANOTHER file before a user's corrupt archive --------------------------
def u4_twin_other_file_cut(rng: random.Random, ctx: Ctx) -> tuple[str, str]:
    """The same early-end warning of our download, for a file other than the one that fails: the failing file is the
    user's own (unknown, as without the warning); only the file's name ties a download to the failure."""
    from tests.diagnose.classes9_gen import _corrupt
    shown = f"/mnt/project/{rng.choice(['release.zip', 'assets.zip', 'backup.zip'])}"
    other = rng.choice(["model-cache.tar", "tokenizer.json", "wheel-bundle.tgz"])
    error = _record(lambda: _corrupt(rng, ctx, shown), rng.choice(["tools.smart_file_query", "src.tools.archive_scan"]),
                    f"opening {shown} failed")
    cut = at(error, rng.uniform(1, 30), "src.tools.smart_file_download",
             f"download of https://files.example.org/{other} ended early: got {rng.randrange(1000, 9000)} of "
             f"{rng.randrange(10000, 90000)} bytes (connection reset by peer)", "WARNING")
    return _excerpt(rng, [cut], error), "unknown"


CLASSES9_SECOND["U4"] = (u4_twin_other_file_cut,)
