"""A transport failure whose endpoint, timeout or proxy is a setting's WRONG value is config; the same failure after
a normal setting line stays the transport answer (transport_setting.py).

Class list: the transport failures a client raises before any HTTP status (httpx/_exceptions.py: ConnectError for a
refused connect, a DNS or TLS failure; ReadTimeout; openai's APIConnectionError/APITimeoutError wrapping them;
websockets 15 InvalidProxyStatus from asyncio/client.py connect_http_proxy), crossed with the setting kinds a config
record prints for them (endpoint URL/host, timeout, proxy/NO_PROXY) and the value defects the doctrine calls
persistent (evals/TAXONOMY.md: a URL/host/port/scheme, a proxy setting): a loopback host for a hosted API, an escape
or space in a host, an IP literal a certificate does not name, a timeout below any LLM completion or in the wrong
unit, a proxy for an internal host NO_PROXY does not list, and "changed from". Near-miss twins: the same real
failure after a right value (api.moonshot.ai, a 120 s timeout, a clean URL, a host name the certificate does not
name, a proxy's 503, a listed host), a loopback URL for a local Redis, another remote's setting. Errors are raised
for real (closed loopback ports, a silent loopback server, `.invalid` names failed by getaddrinfo without a DNS
query, a TLS server with its own certificate, a proxy answering CONNECT); the setting line's shape, logger and names
vary per seed (4 seeds).
"""

from __future__ import annotations

import asyncio
import functools
import random
import socket
import ssl
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import httpx
import openai
import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from websockets.asyncio.client import connect

from tests.diagnose.loopback import loopback_server
from tests.diagnose.test_tls_and_remotes import _cert, _write, tls_server

from .logged import diagnose, logged, text_of

SEEDS = range(4)
STAMP = "2026-12-06 07:00:00"


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


def _setting_line(rng: random.Random, name: str, value: str, extra: str = "") -> str:
    key = name.split("_", 1)[1].lower()
    shape = rng.choice([
        f"settings loaded: {name}={value}{extra}",
        f"provider ready: {key}={value} ({name}){extra}",
        f"config: {name}='{value}' (env){extra}",
        f"using {name}={value}, LOG_LEVEL=INFO{extra}",
    ])
    return f"{STAMP} INFO {rng.choice(['src.core.env_config', 'src.bootstrap.settings', 'src.providers.base'])}: {shape}"


def _kimi_refused(port: int) -> Callable[[], object]:
    def run() -> object:
        client = openai.OpenAI(api_key="sk-test", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
        return client.chat.completions.create(model="kimi-k2-0905-preview", messages=[{"role": "user", "content": "hi"}])
    return run


def _excerpt(before: list[str], raise_it: Callable[[], object], logger: str, message: str) -> str:
    try:
        raise_it()
    except Exception:
        return "\n".join([*before, logged(logger, message)])
    raise AssertionError("did not raise")


KIMI_FAILED = ("src.providers.kimi_chat", "Kimi chat failed (model: kimi-k2-0905-preview): Connection error.")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_hosted_api_setting_pointing_at_loopback_is_config(seed: int) -> None:
    rng = random.Random(seed)
    port = _closed_port()
    host = rng.choice(["127.0.0.1", "localhost", "0.0.0.0", "[::1]"])
    name = rng.choice(["KIMI_BASE_URL", "KIMI_API_URL", "MOONSHOT_BASE_URL"])
    line = _setting_line(rng, name, f"http://{host}:{rng.choice([11434, 8000, port])}/v1")
    d = diagnose(_excerpt([line], _kimi_refused(port), *KIMI_FAILED))
    assert d.category == "config" and name in text_of(d) and "Kimi" in text_of(d), (d.rule, d.summary)
    assert d.confidence <= 0.5


@pytest.mark.parametrize("seed", SEEDS)
def test_the_same_refusal_after_the_real_host_stays_the_transport_answer(seed: int) -> None:
    rng = random.Random(seed)
    port = _closed_port()
    name = rng.choice(["KIMI_BASE_URL", "KIMI_API_URL"])
    line = _setting_line(rng, name, rng.choice(["https://api.moonshot.ai/v1", "https://api.moonshot.cn/v1"]))
    d = diagnose(_excerpt([line], _kimi_refused(port), *KIMI_FAILED))
    assert d.category != "config" and "+setting" not in (d.rule or ""), (d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_local_redis_refusing_at_its_loopback_url_is_not_read_as_a_setting(seed: int) -> None:
    rng = random.Random(seed)
    port = _closed_port()
    line = _setting_line(rng, rng.choice(["REDIS_URL", "CACHE_REDIS_URL"]), f"redis://localhost:{port}/0")
    d = diagnose(_excerpt([line], redis.Redis(port=port, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)).ping, "src.cache.redis_cache",
                          "cache ping failed"))
    assert d.category != "config" and "+setting" not in (d.rule or ""), (d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_changed_endpoint_setting_before_a_refusal_is_config_at_lower_confidence(seed: int) -> None:
    rng = random.Random(seed)
    port = _closed_port()
    new = rng.choice(["http://gateway-llm-proxy:8080/v1", "https://kimi-relay.internal.example/v1"])
    line = _setting_line(rng, "KIMI_BASE_URL", new, rng.choice([" (changed from https://api.moonshot.ai/v1)",
                                                                 " - overrides KIMI_API_URL"]))
    d = diagnose(_excerpt([line], _kimi_refused(port), *KIMI_FAILED))
    assert d.category == "config" and "KIMI_BASE_URL" in text_of(d) and d.confidence <= 0.45, (d.rule, d.summary)


def _read_until_closed(c: socket.socket) -> None:
    """Read the request and never answer, until the client gives up (closes) or 5 s pass."""
    c.settimeout(5)
    while c.recv(65536):
        pass


def _silent_timeout(seconds: float) -> Callable[[], object]:
    def answer(c: socket.socket) -> None:
        _read_until_closed(c)  # never answers: the client's read timeout fires

    def run() -> object:
        with loopback_server(answer) as port:
            client = openai.OpenAI(api_key="sk-test", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0,
                                   timeout=seconds)
            return client.chat.completions.create(model="kimi-k2-0905-preview", messages=[{"role": "user", "content": "x"}])
    return run


KIMI_TIMED_OUT = ("src.providers.kimi_chat", "Kimi chat failed (model: kimi-k2-0905-preview): Request timed out.")


@pytest.mark.parametrize("seed", SEEDS)
def test_an_llm_timeout_below_any_completion_or_in_milliseconds_is_config(seed: int) -> None:
    rng = random.Random(seed)
    value = rng.choice(["3", "2", "5", "30000", "45000"])
    name = rng.choice(["KIMI_TIMEOUT_SECS", "KIMI_TIMEOUT_SECONDS", "KIMI_REQUEST_TIMEOUT_S"])
    line = _setting_line(rng, name, value, ", GLM_TIMEOUT_SECS=120")
    d = diagnose(_excerpt([line], _silent_timeout(0.2), *KIMI_TIMED_OUT))
    assert d.category == "config" and name in text_of(d) and "GLM" not in d.summary, (d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_normal_timeout_or_another_providers_setting_stays_the_timeout(seed: int) -> None:
    rng = random.Random(seed)
    line = rng.choice([_setting_line(rng, "KIMI_TIMEOUT_SECS", rng.choice(["120", "300", "60"])),
                       _setting_line(rng, "GLM_TIMEOUT_SECS", rng.choice(["3", "5"]))])
    d = diagnose(_excerpt([line], _silent_timeout(0.2), *KIMI_TIMED_OUT))
    assert d.category != "config" and "+setting" not in (d.rule or ""), (line, d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_storage_timeout_setting_is_judged_only_against_the_latency_the_log_reports(seed: int) -> None:
    rng = random.Random(seed)
    setting = _setting_line(rng, "SUPABASE_TIMEOUT_SECS", "5")
    latency = f"{STAMP} INFO src.daemon.health: supabase rpc latency median {rng.choice([12, 20, 40])} s over the last hour"

    def run() -> object:
        with loopback_server(_read_until_closed) as port:
            return httpx.get(f"http://127.0.0.1:{port}/rest/v1/rpc/search", timeout=0.2)

    plain = diagnose(_excerpt([setting], run, "src.storage.supabase_client", "supabase rpc failed"))
    assert plain.category != "config" and "+setting" not in (plain.rule or ""), plain.rule
    told = diagnose(_excerpt([setting, latency], run, "src.storage.supabase_client", "supabase rpc failed"))
    assert told.category == "config" and "SUPABASE_TIMEOUT_SECS" in text_of(told), (told.rule, told.summary)


def _resolve_invalid() -> object:
    """httpx's real ConnectError for a name that does not resolve, without sending a DNS query off the machine:
    getaddrinfo with AI_NUMERICHOST fails a name as glibc fails an NXDOMAIN ([Errno -2] Name or service not
    known, EAI_NONAME), through the same frames (socket.create_connection -> socket.getaddrinfo), with no look-up."""
    numeric_only = functools.partial(socket.getaddrinfo, flags=socket.AI_NUMERICHOST)
    with mock.patch.object(socket, "getaddrinfo", numeric_only):
        return httpx.get(f"https://proj-{random.randrange(10**6)}.invalid/rest/v1/uploads", timeout=2)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_host_setting_with_an_escape_or_a_space_names_the_setting(seed: int) -> None:
    rng = random.Random(seed)
    name = rng.choice(["SUPABASE_URL", "SUPABASE_REST_URL"])
    bad = rng.choice(["https://qzkvhrnwpbtdyxms.supabase.co\\r", "https://qzkvhrnwpbtdyxms.supabase.co ",
                      "https://<project-ref>.supabase.co", "https://https://qzkvhrnwpbtdyxms.supabase.co"])
    line = f"{STAMP} DEBUG src.core.env_config: {name}='{bad}'"
    d = diagnose(_excerpt([line], _resolve_invalid, "src.storage.supabase_client", "[HEALTH] supabase probe failed"))
    assert d.category == "config" and name in text_of(d), (d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_clean_host_setting_leaves_the_dns_answer_alone(seed: int) -> None:
    rng = random.Random(seed)
    line = _setting_line(rng, "SUPABASE_URL", "https://qzkvhrnwpbtdyxms.supabase.co")
    excerpt = _excerpt([line], _resolve_invalid, "src.storage.supabase_client", "[HEALTH] supabase probe failed")
    assert "+setting" not in (diagnose(excerpt).rule or "")


def _tls_get(tmp: Path, connect_host: str) -> Callable[[], object]:
    cert, key = _cert("supabase.internal.example", None)
    chain = _write(tmp, "leaf", cert, key)
    ca = _write(tmp, "ca", cert)

    def run() -> object:
        with tls_server(chain) as port:
            ctx = ssl.create_default_context(cafile=str(ca))
            return httpx.get(f"https://{connect_host}:{port}/rest/v1/", verify=ctx, timeout=5)
    return run


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_an_ip_literal_url_setting_a_certificate_does_not_name_is_config(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    line = _setting_line(rng, "SUPABASE_URL", "https://127.0.0.1:8443", " (self-hosted Kong)")
    d = diagnose(_excerpt([line], _tls_get(tmp_path, "127.0.0.1"), "src.daemon.health_checks", "supabase REST probe failed"))
    assert d.category == "config" and "SUPABASE_URL" in text_of(d) and "IP" in text_of(d), (d.rule, d.summary)


def test_a_host_name_the_certificate_does_not_name_stays_the_remotes(tmp_path: Path) -> None:
    line = _setting_line(random.Random(0), "SUPABASE_URL", "https://localhost:8443")
    d = diagnose(_excerpt([line], _tls_get(tmp_path, "localhost"), "src.daemon.health_checks", "supabase REST probe failed"))
    assert d.category == "network" and "+setting" not in (d.rule or ""), (d.rule, d.summary)


def _through_proxy(status: bytes, target: str) -> Callable[[], object]:
    def answer(c: socket.socket) -> None:
        c.recv(65536)
        c.sendall(b"HTTP/1.1 " + status + b"\r\nContent-Length: 0\r\n\r\n")

    def run() -> object:
        async def go() -> None:
            with loopback_server(answer) as port:
                async with connect(f"ws://{target}/ws", proxy=f"http://127.0.0.1:{port}", open_timeout=5):
                    pass
        return asyncio.run(go())
    return run


def _proxy_line(rng: random.Random, no_proxy: str) -> str:
    proxy = rng.choice(["http://proxy.corp.internal:3128", "http://10.0.0.5:8080"])
    return (f"{STAMP} INFO src.core.env_config: proxy: HTTP_PROXY={proxy}, HTTPS_PROXY={proxy}, "
            f"NO_PROXY={no_proxy} (provider egress)")


@pytest.mark.parametrize("seed", SEEDS)
def test_a_proxy_refusing_an_internal_host_no_proxy_misses_is_config(seed: int) -> None:
    rng = random.Random(seed)
    target = rng.choice(["exai-daemon:8079", "daemon.svc.cluster.local:8079", "ws-hub.internal:9000"])
    log = _excerpt([_proxy_line(rng, "api.moonshot.ai,api.z.ai,.supabase.co")],
                   _through_proxy(b"403 Forbidden", target), "src.monitoring.resilient_websocket",
                   f"connect to ws://{target}/ws failed")
    d = diagnose(log)
    assert d.category == "config" and "NO_PROXY" in text_of(d) and "Kimi" not in text_of(d), (d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_proxys_5xx_or_a_listed_host_is_not_read_as_the_proxy_setting(seed: int) -> None:
    rng = random.Random(seed)
    target = "exai-daemon:8079"
    status, no_proxy = rng.choice([(b"503 Service Unavailable", "api.moonshot.ai"),
                                   (b"502 Bad Gateway", "api.z.ai"),
                                   (b"403 Forbidden", "exai-daemon,api.moonshot.ai")])
    log = _excerpt([_proxy_line(rng, no_proxy)], _through_proxy(status, target), "src.monitoring.resilient_websocket",
                   f"connect to ws://{target}/ws failed")
    assert "+setting" not in (diagnose(log).rule or "")
