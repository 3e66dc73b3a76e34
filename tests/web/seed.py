"""Realistic gateway errors for the dashboard tests, screenshots and benchmark.

The log text is what the gateway writes (`%(asctime)s %(levelname)s %(name)s: %(message)s`,
tracebacks unprefixed), parsed by the real ingest parser and recorded through the real
GroupRecorder, so the pages show exactly what a running sidecar would store.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sidecar.ingest.parser import FileParser, ParserOptions
from sidecar.ingest.record import ErrorEvent

XSS_MESSAGE = 'bad tool input <script>alert(1)</script> and "><img src=x onerror=alert(1)>'

GATEWAY_LOG = """\
{t} ERROR src.daemon.ws_server: Error handling connection from 172.18.0.1:51422
Traceback (most recent call last):
  File "/app/src/daemon/ws_server.py", line 412, in _handle_connection
    await websocket.send(json.dumps(response))
  File "/usr/local/lib/python3.11/site-packages/websockets/legacy/protocol.py", line 635, in send
    await self.ensure_open()
  File "/usr/local/lib/python3.11/site-packages/websockets/legacy/protocol.py", line 944, in ensure_open
    raise self.connection_closed_exc()
websockets.exceptions.ConnectionClosedError: sent 1011 (internal error) keepalive ping timeout; no close frame received
{t} ERROR src.daemon.ws.semaphore_manager: Failed to release global semaphore
Traceback (most recent call last):
  File "/app/src/daemon/ws/semaphore_manager.py", line 188, in release_global
    self._global_sem.release()
  File "/usr/local/lib/python3.11/asyncio/locks.py", line 512, in release
    raise ValueError('BoundedSemaphore released too many times')
ValueError: BoundedSemaphore released too many times
{t} ERROR src.storage.supabase_client: Failed to record upload for file_id=file-7c1e9a
Traceback (most recent call last):
  File "/app/src/storage/supabase_client.py", line 233, in record_upload
    result = self.client.table("file_uploads").insert(row).execute()
  File "/usr/local/lib/python3.11/site-packages/postgrest/_sync/request_builder.py", line 78, in execute
    raise APIError(r.json())
postgrest.exceptions.APIError: {{'code': 'PGRST204', 'details': None, 'hint': None, 'message': "Could not find the 'upload_method' column of 'file_uploads' in the schema cache"}}
{t} ERROR src.providers.kimi: Kimi chat completion failed for model kimi-k2-0905-preview
Traceback (most recent call last):
  File "/app/src/providers/kimi_chat.py", line 141, in chat_completions_create
    resp = await client.chat.completions.create(**payload)
  File "/usr/local/lib/python3.11/site-packages/openai/_base_client.py", line 1584, in _request
    raise self._make_status_error_from_response(err.response) from None
openai.RateLimitError: Error code: 429 - {{'error': {{'message': 'Your account org-2f1c has exceeded the current quota, please check your plan and billing details.', 'type': 'exceeded_current_quota_error'}}}}
{t} ERROR src.providers.glm: GLM request failed: Error code: 429 - {{'error': {{'code': '1302', 'message': 'High concurrency usage of this API, please reduce concurrency or contact customer service to increase limits'}}}}
{t} ERROR tools.smart_file_query: kimi upload returned no file ID for /mnt/project/docs/report.pdf
{t} CRITICAL src.daemon.health: Health writer failed for 34s - daemon may be stuck
{t} ERROR src.providers.kimi: Provider kimi timed out after 180.0s (request_id=req-5f2a)
Traceback (most recent call last):
  File "/app/src/providers/kimi_chat.py", line 152, in chat_completions_create
    return await asyncio.wait_for(call, timeout=self.timeout)
  File "/usr/local/lib/python3.11/asyncio/tasks.py", line 479, in wait_for
    raise exceptions.TimeoutError() from exc
TimeoutError
{t} ERROR src.providers.kimi: Kimi request rejected: Error code: 400 - {{'error': {{'message': 'unknown tool type: web_search', 'type': 'invalid_request_error'}}}}
"""


def _stamp(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def parse(text: str, *, offset: int = 0, file_key: str = "web-seed", path: str = "/app/logs/ws_daemon.log") -> list[ErrorEvent]:
    """Error events of `text` as the tailer would produce them; `offset` keeps event keys unique."""
    parser = FileParser("gateway", path, ParserOptions(format="text"), offset=offset, file_key=file_key)
    events = parser.feed(text.encode("utf-8"))
    return events + parser.flush()


def gateway_events(ts: float, *, offset: int = 0) -> list[ErrorEvent]:
    """One of each known gateway failure, logged at `ts`."""
    return parse(GATEWAY_LOG.format(t=_stamp(ts)), offset=offset)


def log_line(ts: float, message: str, *, level: str = "ERROR", logger: str = "src.tools.chat", offset: int = 0) -> list[ErrorEvent]:
    return parse(f"{_stamp(ts)} {level} {logger}: {message}\n", offset=offset)


def numbered_events(n: int, ts: float, *, start: int = 0, offset: int = 0) -> list[ErrorEvent]:
    """`n` distinct groups (distinct exception types), spread over levels, loggers and categories."""
    loggers = ("src.daemon.ws_server", "src.providers.kimi", "src.providers.glm", "tools.chat")
    levels = ("ERROR", "CRITICAL", "ERROR", "WARNING")
    lines = []
    for i in range(start, start + n):
        lines.append(
            f"{_stamp(ts)} {levels[i % 4]} {loggers[i % 4]}: handler {i} failed\n"
            "Traceback (most recent call last):\n"
            f'  File "/app/src/handlers/h{i}.py", line {10 + i % 90}, in run\n'
            "    do_work()\n"
            f"app.errors.Failure{i}Error: handler {i} failed\n"
        )
    return parse("".join(lines), offset=offset, file_key=f"numbered-{start}")


# --- rollouts -------------------------------------------------------------------------------------

ROLLOUT = "async-upload"


def rollout_config(hook_command: list[str] | None = None) -> dict:
    """The gateway's async-upload plan (1 -> 10 -> 50 -> 100 %), gates and triggers from its rollout doc."""
    canary = {"execution_type": "async"}
    success = {"source": "jsonl", "stream": "rollout", "function": "success_rate", "where": canary}
    errors = {"source": "jsonl", "stream": "rollout", "function": "error_rate", "where": canary}
    p95 = {"source": "jsonl", "stream": "rollout", "function": "quantile", "quantile": 0.95,
           "field": "duration_ms", "where": canary}
    p95_base = {**p95, "where": {"execution_type": "sync"}}
    stages = [
        {"percent": pct, "hold": 300, "min_samples": n,
         "gates": [{"name": "success_rate", "metric": success, "op": ">=", "threshold": rate, "min_samples": n},
                   {"name": "latency_p95", "metric": p95, "op": "<=", "threshold": 1.2, "relative_to": p95_base}]}
        for pct, n, rate in ((1, 100, 0.995), (10, 500, 0.99), (50, 2000, 0.985), (100, 5000, 0.98))
    ]
    cfg = {
        "name": ROLLOUT,
        "flag": "ASYNC_UPLOAD_ROLLOUT",
        "stages": stages,
        "triggers": [{"name": "error_rate", "metric": errors, "op": ">", "threshold": 0.05, "min_samples": 50}],
        "interval": 10,
    }
    if hook_command:
        cfg["hooks"] = [{"kind": "rollback", "command": hook_command, "retries": 0}]
    return cfg


class FakeTraffic:
    """Measurements as the metrics stage would report them: success/error proportions with
    counts, p95 latency per variant. Tests set the numbers; the gates do the deciding."""

    def __init__(self, requests: int = 0, errors: int = 0, p95_canary: float = 120.0, p95_base: float = 110.0):
        self.requests, self.errors, self.p95_canary, self.p95_base = requests, errors, p95_canary, p95_base

    async def measure(self, spec, window):  # noqa: ANN001, ANN201 - the MeasureFn protocol
        from sidecar.metrics.model import Measurement

        n, bad = self.requests, self.errors
        if spec.function == "quantile":
            value = self.p95_base if spec.where.get("execution_type") == "sync" else self.p95_canary
            return Measurement(value, max(n, 1))
        if n == 0:
            return Measurement(None, 0, 0, "no records in window")
        if spec.function == "success_rate":
            return Measurement((n - bad) / n, n, n - bad)
        if spec.function == "error_rate":
            return Measurement(bad / n, n, bad)
        return Measurement(float(n), n)
