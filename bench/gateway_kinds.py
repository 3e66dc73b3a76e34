"""The true error kinds of the generated gateway corpora (bench/gateway_corpus.py), one generator each.

Taxonomy: the gateway's recurring failure modes (research/upstream-gateway.md, sections 1.5, 5 and 6)
plus generic Python exceptions. Each generator draws the parts that vary between instances of ONE error
(request ids, UUIDs, hex suffixes that may hold no digit, hostnames, IPs/ports, durations, file names,
model names from a fixed set per kind, process names, token counts, letters-only ids, enum values in one
slot) and keeps what names the failure fixed (error code, attribute, key, column, source line). Kinds that
share wording but differ in cause are separate kinds on purpose (K01/K02, K03/K04, K13/K14, K15/K16).
Judgement calls, one error each: K07's semaphore name (global/kimi/glm: one leak check, one code path),
K18's tool name (one missing module), K24's process name, K28's endpoint tag, K22's bind address.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field

SITE = "/usr/local/lib/python3.11/site-packages"
KIMI_MODELS = ("kimi-k2-0905-preview", "kimi-k2-turbo-preview", "kimi-thinking-preview", "moonshot-v1-128k")
GLM_MODELS = ("glm-4.5", "glm-4.5-air", "glm-4.5-flash", "glm-4.6")
TOOLS = ("chat", "analyze", "debug", "thinkdeep", "codereview", "planner", "consensus")
WORDS = ("alpha", "bravo", "cedar", "delta", "ember", "fable", "grove", "haven", "ivory", "jade", "koala",
         "lumen", "maple", "nova", "onyx", "pearl", "quill", "raven", "sable", "tidal")


@dataclass
class Event:
    """One log record: a header line (logger, level, message) and an optional traceback (raw lines)."""

    logger: str
    level: str
    message: str
    traceback: list[str] = field(default_factory=list)
    kind: str | None = None  # the true error kind; None for context lines (INFO/WARNING)


@dataclass
class Ctx:
    """What is fixed within one corpus: the Supabase project, and the deploy's line-number shift per file."""

    supabase_host: str
    shift: dict[str, int] = field(default_factory=dict)

    def line(self, path: str, base: int) -> int:
        return base + self.shift.get(path, 0)


# ----------------------------------------------------------------------------- random parts
def hexs(rng: random.Random, n: int) -> str:
    """Hex string; one time in three it holds no digit at all (e.g. `eedd`), which must not split groups."""
    alphabet = "abcdef" if rng.random() < 0.34 else "0123456789abcdef"
    return "".join(rng.choice(alphabet) for _ in range(n))


def uuid(rng: random.Random) -> str:
    h = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


def letters(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(n))


def ip(rng: random.Random) -> str:
    return f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def port(rng: random.Random) -> int:
    return rng.randint(32768, 60999)


def fname(rng: random.Random) -> str:
    stem = rng.choice(WORDS) + rng.choice(("", "_", "-")) + rng.choice((letters(rng, 4), str(rng.randint(1, 999))))
    return stem + rng.choice((".py", ".md", ".txt", ".json", ".pdf", ".tar.gz"))


def frame(path: str, line: int, func: str, code: str) -> list[str]:
    return [f'  File "{path}", line {line}, in {func}', f"    {code}"]


CAUSE = ["", "The above exception was the direct cause of the following exception:", ""]


def httpx_chain(inner: str, outer_mod: str) -> list[str]:
    """The httpcore -> httpx part of a chained traceback (real frames of httpx/_transports/default.py)."""
    return (["Traceback (most recent call last):"]
            + frame(f"{SITE}/httpx/_transports/default.py", 101, "map_httpcore_exceptions", "yield")
            + frame(f"{SITE}/httpx/_transports/default.py", 394, "handle_async_request",
                    "resp = await self._pool.handle_async_request(req)")
            + [f"httpcore.{inner}"] + CAUSE + ["Traceback (most recent call last):"]
            + frame(f"{SITE}/openai/_base_client.py", 1529, "request", "response = await self._client.send(")
            + [f"httpx.{outer_mod}"] + CAUSE)


# ----------------------------------------------------------------------------- kinds
def k01(rng: random.Random, c: Ctx) -> Event:
    return Event("src.providers.kimi_chat", "ERROR",
                 f"Kimi API error 429 exceeded_current_quota_error for key ending {hexs(rng, 4)}")


def k02(rng: random.Random, c: Ctx) -> Event:
    return Event("src.providers.kimi_chat", "ERROR",
                 f"Kimi API error 429 rate_limit_reached_error for key ending {hexs(rng, 4)}")


def _glm(rng: random.Random, code: str, text: str) -> Event:
    return Event("src.providers.glm_chat", "ERROR",
                 f"GLM chat failed for model {rng.choice(GLM_MODELS)}: Error code: 429, with error text "
                 f'{{"error":{{"code":"{code}","message":"{text}"}}}}')


def k03(rng: random.Random, c: Ctx) -> Event:
    return _glm(rng, "1302", "High concurrency usage of this API, please reduce concurrency or contact customer "
                             "service to increase limits")


def k04(rng: random.Random, c: Ctx) -> Event:
    return _glm(rng, "1113", "Insufficient balance or no resource package. Please recharge.")


def k05(rng: random.Random, c: Ctx) -> Event:
    return Event("ws_daemon", "ERROR", f"Connection error for {ip(rng)}:{port(rng)}: sent 1011 (internal error) "
                                       "keepalive ping timeout; no close frame received")


def k06(rng: random.Random, c: Ctx) -> Event:
    return Event("src.monitoring.resilient_websocket", "ERROR",
                 f"Connection closed for {ip(rng)}:{port(rng)}: no close frame received or sent")


def k07(rng: random.Random, c: Ctx) -> Event:
    n = rng.choice((5, 8, 10, 16))
    sem = rng.choice(("global", "kimi", "glm"))
    return Event("src.daemon.middleware.semaphores", "ERROR",
                 f"Semaphore leak detected: {sem} expected={n}, actual={n - rng.randint(1, 3)}")


def k08(rng: random.Random, c: Ctx) -> Event:
    return Event("src.storage.supabase_client", "ERROR",
                 f"Failed to record upload {fname(rng)}: {{'message': \"Could not find the 'upload_method' column "
                 "of 'provider_file_uploads' in the schema cache\", 'code': 'PGRST204', 'hint': None, 'details': None}")


def k09(rng: random.Random, c: Ctx) -> Event:
    return Event("src.storage.supabase_client", "ERROR",
                 f"Failed to link file {uuid(rng)}: {{'message': 'duplicate key value violates unique constraint "
                 "\"conversation_files_pkey\"', 'code': '23505', 'hint': None, 'details': "
                 f"'Key (conversation_id, file_id)=({uuid(rng)}, {uuid(rng)}) already exists.'}}")


def k10(rng: random.Random, c: Ctx) -> Event:
    return Event("src.storage.supabase_client", "ERROR",
                 f"Failed to save conversation file: POST https://{c.supabase_host}/rest/v1/conversation_files "
                 '"HTTP/2 500 Internal Server Error"')


def k11(rng: random.Random, c: Ctx) -> Event:
    p = "/app/src/providers/kimi_chat.py"
    tb = (httpx_chain("ReadTimeout", "ReadTimeout") + ["Traceback (most recent call last):"]
          + frame(p, c.line(p, 214), "chat_completions_create",
                  "resp = await self.client.chat.completions.create(**payload)")
          + frame(f"{SITE}/openai/_base_client.py", 1561, "request", "raise APITimeoutError(request=request) from err")
          + ["openai.APITimeoutError: Request timed out."])
    return Event("src.providers.kimi_chat", "ERROR",
                 f"Kimi chat failed for model {rng.choice(KIMI_MODELS)} after {rng.uniform(40, 400):.1f}s", tb)


def k12(rng: random.Random, c: Ctx) -> Event:
    return Event("src.providers.glm_chat", "ERROR",
                 f"GLM streaming timeout: GLM streaming exceeded timeout of 300s (elapsed: {rng.randint(301, 420)}s). "
                 "This prevents indefinite hangs. Increase GLM_STREAM_TIMEOUT if needed.")


_EXTRACT = "/app/src/providers/kimi_response.py"


def _extract(rng: random.Random, c: Ctx, base: int, code: str, exc: str) -> Event:
    tb = (["Traceback (most recent call last):"]
          + frame("/app/tools/chat.py", c.line("/app/tools/chat.py", 188), "execute",
                  "text = extract_content(resp, model)")
          + frame(_EXTRACT, c.line(_EXTRACT, base), "extract_content", code) + [exc])
    return Event("src.providers.kimi_response", "ERROR",
                 f"Failed to extract content from Kimi response (model: {rng.choice(KIMI_MODELS)})", tb)


def k13(rng: random.Random, c: Ctx) -> Event:
    return _extract(rng, c, 41, 'content = message.get("content")',
                    "AttributeError: 'NoneType' object has no attribute 'get'")


def k14(rng: random.Random, c: Ctx) -> Event:
    return _extract(rng, c, 37, "deadline = self.config.timeout_secs",
                    "AttributeError: 'Config' object has no attribute 'timeout_secs'")


_WS = "/app/src/daemon/ws_server.py"


def _handler(rng: random.Random, c: Ctx, base: int, code: str, exc: str) -> Event:
    tb = (["Traceback (most recent call last):"]
          + frame(f"{SITE}/websockets/asyncio/server.py", 376, "conn_handler", "await self.handler(connection)")
          + frame(_WS, c.line(_WS, base), "_connection_handler", code) + [exc])
    return Event("websockets.server", "ERROR", "connection handler failed", tb)


def k15(rng: random.Random, c: Ctx) -> Event:
    return _handler(rng, c, 702, 'session_id = hello["session_id"]', "KeyError: 'session_id'")


def k16(rng: random.Random, c: Ctx) -> Event:
    return _handler(rng, c, 731, 'tool = msg["tool_name"]', "KeyError: 'tool_name'")


def k17(rng: random.Random, c: Ctx) -> Event:
    p = "/app/tools/smart_file_query.py"
    tb = (["Traceback (most recent call last):"] + frame(p, c.line(p, 143), "_resolve", "file_id, name, size = entry")
          + ["ValueError: not enough values to unpack (expected 3, got 2)"])
    return Event("tools.smart_file_query", "ERROR", f"smart_file_query failed for {fname(rng)}", tb)


def k18(rng: random.Random, c: Ctx) -> Event:
    return Event("tools.registry", "ERROR", f"Failed to load tool {rng.choice(TOOLS)}: "
                                            "No module named 'utils.infrastructure.semantic_cache_legacy'")


def k19(rng: random.Random, c: Ctx) -> Event:
    return Event("tools.chat", "ERROR",
                 f"Conversation thread '{uuid(rng)}' was not found or has expired. This may happen if the "
                 "conversation was created more than 3 hours ago or if the server was restarted.")


def k20(rng: random.Random, c: Ctx) -> Event:
    path = "/".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))) + "/" + fname(rng)
    return Event("tools.chat", "ERROR",
                 f"Error in chat: [chat:security] Path escapes repository root: /mnt/project/{path}")


def k21(rng: random.Random, c: Ctx) -> Event:
    return Event("ws_daemon", "CRITICAL", f"Health writer failed for {rng.randint(31, 95)}s - daemon may be stuck...")


def k22(rng: random.Random, c: Ctx) -> Event:
    host = rng.choice(("0.0.0.0", "127.0.0.1", "::"))
    tb = (["Traceback (most recent call last):"]
          + frame("/usr/local/lib/python3.11/asyncio/base_events.py", 1536, "create_server", "sock.bind(sa)")
          + [f"OSError: [Errno 98] error while attempting to bind on address ('{host}', 8082): address already in use"])
    return Event("src.daemon.ws_server", "ERROR", f"Failed to start health server (attempt {rng.randint(1, 3)}/3)", tb)


def k23(rng: random.Random, c: Ctx) -> Event:
    p = "/app/src/storage/pg_pool.py"
    tb = (["Traceback (most recent call last):"]
          + frame(p, c.line(p, 61), "record_toolcall", "async with self.pool.connection() as conn:")
          + frame(f"{SITE}/psycopg_pool/pool_async.py", 256, "getconn", "raise PoolTimeout(")
          + [f"psycopg_pool.PoolTimeout: couldn't get a connection after {rng.choice((10, 15, 30, 60))}.00 sec"])
    return Event("src.storage.pg_pool", "ERROR", f"Failed to record tool call {uuid(rng)}", tb)


def k24(rng: random.Random, c: Ctx) -> Event:
    proc = rng.choice(("ws-shim", "uvicorn-worker", "auditor")) + "-" + rng.choice((letters(rng, 4), hexs(rng, 4)))
    return Event("src.daemon.supervisor", "ERROR",
                 f"Worker process {proc} (pid {rng.randint(100, 65000)}) exited unexpectedly with code "
                 f"{rng.choice((-9, 137, 1))}")


def k25(rng: random.Random, c: Ctx) -> Event:
    token = rng.choice((letters(rng, 8), hexs(rng, 8), "".join(rng.choice(string.ascii_letters) for _ in range(8))))
    return Event("src.daemon.auth", "ERROR",
                 f"Rejected client {ip(rng)}:{port(rng)}: invalid bearer token {token}... for session {uuid(rng)}")


def k26(rng: random.Random, c: Ctx) -> Event:
    return Event("src.file_management.manager", "ERROR",
                 f"Upload of {fname(rng)} ({rng.uniform(0.1, 90):.1f} MB) failed with both providers. "
                 "Primary: kimi upload returned no file ID, Fallback: glm upload returned no file ID")


def k27(rng: random.Random, c: Ctx) -> Event:
    model = rng.choice(KIMI_MODELS[:2])
    limit = 262144
    return Event("src.providers.kimi_chat", "ERROR",
                 f"Kimi call failed for model {model}: Error code: 400 - {{'error': {{'message': 'Invalid request: "
                 f"Your request exceeded model token limit: {limit} (requested: {rng.randint(limit + 1, 400000)})', "
                 "'type': 'invalid_request_error'}}")


def k28(rng: random.Random, c: Ctx) -> Event:
    p = "/app/src/daemon/monitoring_endpoint.py"
    tb = (["Traceback (most recent call last):"]
          + frame(p, c.line(p, 233), "_snapshot", 'path = os.path.join(LOG_DIR, "ws_daemon.health.json")')
          + ["NameError: name 'os' is not defined"])
    return Event("src.daemon.monitoring_endpoint", "ERROR",
                 f"[{rng.choice(('STATUS', 'HEALTH', 'EVENTS'))}] request from {ip(rng)} failed", tb)


KINDS: dict[str, Callable[[random.Random, Ctx], Event]] = {
    "K01_kimi_quota_429": k01, "K02_kimi_rate_limit_429": k02, "K03_glm_1302_concurrency": k03,
    "K04_glm_1113_balance": k04, "K05_ws_keepalive_1011": k05, "K06_ws_no_close_frame": k06,
    "K07_semaphore_leak": k07, "K08_pgrst204_upload_method": k08, "K09_23505_conversation_files": k09,
    "K10_supabase_500_conversation_files": k10, "K11_kimi_api_timeout": k11, "K12_glm_stream_timeout": k12,
    "K13_attr_nonetype_get": k13, "K14_attr_config_timeout_secs": k14, "K15_keyerror_session_id": k15,
    "K16_keyerror_tool_name": k16, "K17_unpack_expected_3_got_2": k17, "K18_module_semantic_cache_legacy": k18,
    "K19_conversation_expired": k19, "K20_path_escapes_root": k20, "K21_health_writer_stuck": k21,
    "K22_port_bind_in_use": k22, "K23_pg_pool_timeout": k23, "K24_worker_exited": k24,
    "K25_invalid_bearer": k25, "K26_upload_no_file_id": k26, "K27_kimi_token_limit": k27,
    "K28_nameerror_os": k28,
}


def context_line(rng: random.Random, c: Ctx) -> Event:
    """An INFO/DEBUG/WARNING record that is not an error event (some hold the words ERROR or CRITICAL)."""
    choices: list[tuple[str, str, str]] = [
        ("INFO", "src.daemon.connection_manager",
         f"Connection registered: {hexs(rng, 4)} from {ip(rng)} (total: {rng.randint(1, 9)})"),
        ("INFO", "tools.chat", f"Using model: {rng.choice(KIMI_MODELS + GLM_MODELS)} via provider"),
        ("INFO", "httpx", f'HTTP Request: POST https://{c.supabase_host}/rest/v1/provider_file_uploads "HTTP/2 201 Created"'),
        ("INFO", "openai._base_client", f"Retrying request to /chat/completions in {rng.uniform(0.3, 1):.6f} seconds"),
        ("WARNING", "src.daemon.middleware.semaphores", "SEMAPHORE HEALTH: Global semaphore leak: expected 5, got 4"),
        ("WARNING", "asyncio", "socket.send() raised exception."),
        ("INFO", "src.providers.kimi", 'chat.completions.create payload (sanitized): {"model": "kimi-k2-0905-preview", '
                                       f'"messages": ["summarise: CRITICAL ERROR seen in job {uuid(rng)}"]}}'),
        ("DEBUG", "src.daemon.ws_server", f"heartbeat {letters(rng, 6)}"),
    ]
    level, logger, msg = rng.choice(choices)
    return Event(logger, level, msg)
