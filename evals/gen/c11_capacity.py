"""CLASSES11 D1, D2: our host's and our container's limits (evals/CLASSES11.md section D).

D1's connect timeout is REAL: a loopback listener with `listen(0)` whose accept queue is already full, so the
kernel drops our SYN and httpx/httpcore time out exactly as they do when a host table (conntrack, the accept
backlog) is full (Linux `ip-sysctl` docs: `somaxconn`, `tcp_max_syn_backlog`; `nf_conntrack_max`). D2's visible
error is the shim's view of a daemon killed by its memory limit: websockets' own ConnectionClosedError.
"""

from __future__ import annotations

import socket
from random import Random
from typing import Any

import httpx
import websockets.exceptions

from evals.gen.c11_common import logger_of, pick_carrier, raise_through, service_line
from evals.gen.case import carry, make_case, noise, project_ref, req_id
from evals.gen.frames import Frame
from evals.gen.registry import klass
from evals.gen.render import Record

REMOTES = (("kimi", "https://api.moonshot.ai/v1/chat/completions", "src.providers.kimi_chat"),
           ("glm", "https://api.z.ai/api/paas/v4/chat/completions", "src.providers.glm_chat"),
           ("supabase", "https://{proj}.supabase.co/rest/v1/tool_events", "src.storage.supabase_client"),
           ("slack", "https://hooks.slack.com/services/T0/B0/x", "src.alerts.slack"))


def connect_timeout(rng: Random, path: str, url: str) -> BaseException:
    """A real httpx.ConnectTimeout: the SYN dropped by a full accept queue on loopback."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(4):
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(c)
    client = httpx.Client(timeout=httpx.Timeout(5.0, connect=0.05))
    try:
        exc, _ = raise_through([Frame(path, "send", "resp = self._post(payload)"),
                                Frame(path, "_post", "return client.post(url, json=payload)",
                                      {"client": client, "url": f"http://127.0.0.1:{port}/", "payload": {}})],
                               rng, ("none", "from"))
    finally:
        client.close()
        for c in fillers:
            c.close()
        server.close()
    return exc


# --- D1 -------------------------------------------------------------------------------------------------------
_KERNEL = ("nf_conntrack: nf_conntrack: table full, dropping packet",
           "TCP: request_sock_TCP: Possible SYN flooding on port 8079. Dropping request.  Check SNMP counters.",
           "neighbour: arp_cache: neighbor table overflow!")


@klass("11", "c11-D1")
def d1(rng: Random, twin: bool) -> dict[str, Any]:
    """Connects to several unrelated healthy remotes time out in the same minutes with a host table full (capacity)
    vs one remote only, failing with its own status record while the others answer (network)."""
    alt = Random(rng.getrandbits(64))
    proj = project_ref(rng)
    name, url, logger = rng.choice(REMOTES)
    url = url.format(proj=proj)
    path = "/app/" + logger.replace(".", "/") + ".py"
    exc = connect_timeout(rng, path, url)
    err_t = rng.uniform(60, 200)
    records = noise(rng, rng.randint(2, 5), 0, err_t + 60, proj)
    others = [r for r in REMOTES if r[0] != name]
    rng.shuffle(others)
    carrier = pick_carrier(rng, "none", ("exception", "message", "block"))
    kernel = rng.choice(_KERNEL)
    for oname, ourl, ologger in others[:rng.randint(2, 3)]:
        t = err_t - rng.uniform(2, 50)
        ourl = ourl.format(proj=proj)
        host = ourl.split("/")[2]
        if twin:
            records.append(Record(t, "INFO", "httpx", f'HTTP Request: POST {ourl} "HTTP/1.1 200 OK"'))
        else:
            records.append(Record(t, "ERROR", ologger, f"[req:{req_id(alt)}] {oname} request failed: ConnectTimeout: "
                                                       f"timed out (connect to {host}:443)"))
    gauge = rng.choice((65536, 131072, 262144))
    if twin:
        records.append(Record(err_t - alt.uniform(30, 90), "WARNING", "src.monitoring.provider_status",
                              f"{name} status: major outage - elevated connection errors ({url.split('/')[2]})"))
        records.append(Record(err_t - 5, "INFO", "src.monitoring.metrics",
                              f"[METRICS] host conntrack_count={alt.randint(900, 9000)} conntrack_max={gauge}"))
    else:
        records.append(service_line(err_t - alt.uniform(0.5, 30), "kernel", f"[{alt.uniform(1e5, 9e5):.6f}] {kernel}"))
        records.append(Record(err_t + alt.uniform(-10, 20), "INFO", "src.monitoring.metrics",
                              f"[METRICS] host conntrack_count={gauge} conntrack_max={gauge}"))
    records += carry(rng, exc, err_t, logger, f"[req:{req_id(rng)}] {name} request failed "
                                              f"(connect to {url.split('/')[2]}:443)", carrier)
    axes = {"remote": name, "carrier": carrier, "table": kernel.split(":")[0]}
    if twin:
        return make_case(rng, cls="c11-D1", kind="near-miss", records=records, category="network", severity="medium",
                         description=f"Only {name} fails to connect (its own outage record); every other remote "
                                     "answers and the host's tables are far from full: network.",
                         must_mention=[name], must_not=["conntrack"], axes=axes)
    return make_case(rng, cls="c11-D1", kind="known", records=records, category="capacity", severity="high",
                     description="Connects to several unrelated remotes time out in the same minutes while the host "
                                 "kernel's table is full: capacity of our host.",
                     must_mention=["table"], must_not=[f"{name} outage"], axes=axes)


# --- D2 -------------------------------------------------------------------------------------------------------
# Source: Linux cgroup v2 docs (memory.current counts shmem and file pages), Docker `--tmpfs`/`--shm-size` docs,
# Lib/tempfile.py (temp dir), websockets/exceptions.py (ConnectionClosedError: "no close frame received or sent").
@klass("11", "c11-D2")
def d2(rng: Random, twin: bool) -> dict[str, Any]:
    """The container is killed for memory while the process RSS is flat and a memory-backed mount fills (capacity)
    vs the process heap growing with an in-process cache (code)."""
    alt = Random(rng.getrandbits(64))
    mount = rng.choice(("/tmp", "/dev/shm", "/app/scratch"))
    limit = rng.choice((512, 1024, 2048))
    path = rng.choice(("/app/scripts/ws/shim.py", "/app/scripts/ws/run_ws_shim.py"))
    closed = websockets.exceptions.ConnectionClosedError(None, None)
    exc, wrap = raise_through([Frame(path, "relay", "reply = await self._forward(msg)", is_async=True),
                               Frame(path, "_forward", "raise closed", {"closed": closed}, is_async=True)], rng,
                              ("none", "from"))
    err_t = rng.uniform(200, 400)
    records = noise(rng, rng.randint(2, 5), 0, err_t + 30, project_ref(rng))
    rss0 = rng.randint(180, 320)
    cache0 = rng.randint(200, 2000)
    steps = rng.randint(3, 5)
    for i in range(steps):
        t = err_t - (steps - i) * rng.uniform(30, 45)
        rss = rss0 + alt.randint(-4, 4) if not twin else rss0 + (limit - rss0) * (i + 1) // (steps + 1)
        cgroup = rss0 + (limit - rss0) * (i + 1) // (steps + 1)
        used = cgroup - rss0 if not twin else alt.randint(1, 9)
        records.append(Record(t, "INFO", "src.monitoring.metrics",
                              f"[METRICS] process_rss_mb={rss} container_memory_mb={cgroup}/{limit} "
                              f"mount_used_mb{{path=\"{mount}\"}}={used} cache_entries={cache0 + (i * 4000 if twin else alt.randint(0, 9))}"))
        if not twin:
            records.append(Record(t + 1, "DEBUG", "src.file_management.extract",
                                  f"wrote {mount}/extract-{alt.getrandbits(32):08x}.bin ({alt.randint(40, 160)} MB)"))
    runtime = rng.choice(("docker", "containerd"))
    records.append(service_line(err_t - 0.4, runtime,
                                f"container exai-mcp-daemon died: exitCode=137 OOMKilled=true (memory limit {limit}M)"))
    carrier = pick_carrier(rng, wrap, ("exception", "message", "excepthook"))
    records += carry(rng, exc, err_t, logger_of(path), f"[req:{req_id(rng)}] daemon connection lost", carrier)
    axes = {"mount": mount, "carrier": carrier, "wrap": wrap, "limit": str(limit)}
    if twin:
        return make_case(rng, cls="c11-D2", kind="near-miss", records=records, category="code", severity="high",
                         description="The kill follows the process's own RSS growing with its in-process cache entries "
                                     "(the memory-backed mount is empty): code.",
                         must_mention=["cache"], must_not=[mount], axes=axes)
    return make_case(rng, cls="c11-D2", kind="known", records=records, category="capacity", severity="high",
                     description=f"The container was killed for memory while the process RSS stayed flat: files "
                                 f"written to the memory-backed {mount} are charged to the container: capacity.",
                     must_mention=[mount], must_not=["memory leak"], axes=axes)
