"""Generate a realistic gateway log (Python logging text, 1% error records with tracebacks).

Used by bench/ingest_throughput.py; importable so the benchmarks share one generator.
"""

from __future__ import annotations

import random

_INFO = [
    "INFO src.daemon.connection_manager: Connection unregistered: {id} from 172.18.0.1 (duration: {d:.2f}s, remaining: 1)",
    "INFO tools.chat: Using model: kimi-k2-0905-preview via kimi provider",
    "INFO openai._base_client: Retrying request to /chat/completions in 0.{n} seconds",
    "WARNING src.daemon.middleware.semaphores: SEMAPHORE HEALTH: Global semaphore leak: expected 5, got 4",
    "INFO src.providers.glm: GLM provider using SDK with base_url=https://api.z.ai/api/paas/v4, timeout=45s, max_retries=3",
    "INFO httpx: HTTP Request: POST https://example.supabase.co/rest/v1/provider_file_uploads \"HTTP/2 201 Created\"",
    "INFO src.providers.kimi: chat.completions.create payload (sanitized): {{\"model\": \"kimi\", \"messages\": [\"CRITICAL ERROR text in a prompt {id}\"]}}",
    "DEBUG src.daemon.ws_server: heartbeat {id}",
]
_TB = """Traceback (most recent call last):
  File "/app/src/daemon/ws/request_router.py", line {l1}, in handle_message
    result = await self._dispatch(msg)
             ^^^^^^^^^^^^^^^^^^^^^^^^^
  File "/app/src/providers/kimi.py", line {l2}, in chat
    resp = await client.chat.completions.create(**payload)
  File "/usr/local/lib/python3.13/site-packages/openai/_base_client.py", line 1549, in request
    raise self._make_status_error_from_response(err.response) from None
openai.RateLimitError: Error code: 429 - {{'error': {{'message': 'exceeded_current_quota_error {id}', 'type': 'exceeded_current_quota_error'}}}}
"""


def generate(path: str, size: int, error_ratio: float = 0.01, seed: int = 7) -> int:
    """Write about `size` bytes of log to `path`; return the number of error records written."""
    rnd = random.Random(seed)
    written = 0
    errors = 0
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        block: list[str] = []
        while written < size:
            n += 1
            ts = f"2025-11-03 17:{(n // 60) % 60:02d}:{n % 60:02d}"
            if rnd.random() < error_ratio:
                errors += 1
                rec = f"{ts} ERROR src.daemon.ws_server: Tool call failed for request {n}\n" + _TB.format(
                    l1=rnd.randint(10, 900), l2=rnd.randint(10, 900), id=n)
            else:
                rec = ts + " " + rnd.choice(_INFO).format(id=n, d=rnd.random() * 300, n=rnd.randint(1, 999999)) + "\n"
            block.append(rec)
            written += len(rec)
            if len(block) >= 4096:
                f.write("".join(block))
                block = []
        f.write("".join(block))
    return errors
