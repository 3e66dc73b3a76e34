"""PromQL gates: instant queries through the Prometheus HTTP API (`GET /api/v1/query`).

Works with anything that speaks that API (Prometheus, Thanos Query, Mimir, VictoriaMetrics).
A query must reduce to ONE number: a scalar, or a vector with exactly one element (wrap it in
`sum(...)`). `$window` in a query is replaced by the gate's window in seconds (`[300s]`), so
one query serves gates with different windows. An empty vector, NaN, +-Inf, an HTTP or API
error, or a timeout are raised as `PromQLError` with a reason; `MetricsHub.measure` turns them
into "no data" measurements.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from .errors import PromQLError

SessionGetter = Callable[[], Awaitable[aiohttp.ClientSession]]
MAX_RESPONSE = 4 * 1024 * 1024


def render(query: str, window: float) -> str:
    secs = f"{max(1, round(window))}s"
    return query.replace("${window}", secs).replace("$window", secs)


def result_value(payload: Any) -> float:
    """The single number in a `/api/v1/query` JSON response. Raises `PromQLError`."""
    if not isinstance(payload, dict):
        raise PromQLError("bad_response", "response is not a JSON object")
    if payload.get("status") != "success":
        raise PromQLError("api_error", f"{payload.get('errorType', 'error')}: {payload.get('error', '')}"[:300])
    data = payload.get("data") or {}
    rtype = data.get("resultType")
    result = data.get("result")
    if rtype == "scalar":
        raw = result[1] if isinstance(result, list) and len(result) == 2 else None
    elif rtype == "vector":
        if not isinstance(result, list):
            raise PromQLError("bad_response", "vector result is not a list")
        if not result:
            raise PromQLError("empty", "query returned an empty vector (no series matched, or no traffic)")
        if len(result) > 1:
            raise PromQLError("ambiguous", f"query returned {len(result)} series; aggregate it to one (sum/avg)")
        value = result[0].get("value") if isinstance(result[0], dict) else None
        raw = value[1] if isinstance(value, list) and len(value) == 2 else None
    else:
        raise PromQLError("bad_result_type", f"result type {rtype!r}: use an instant vector or scalar")
    try:
        number = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise PromQLError("bad_response", f"value {raw!r} is not a number") from None
    if math.isnan(number):
        raise PromQLError("nan", "query returned NaN (e.g. 0/0: no traffic in the window)")
    if math.isinf(number):
        raise PromQLError("inf", "query returned an infinite value")
    return number


class PromQLClient:
    def __init__(self, base_url: str, timeout: float, session: SessionGetter) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._session = session
        self.queries = 0
        self.errors = 0
        self.last_error: str | None = None

    async def query(self, query: str, at: float | None = None) -> float:
        """Evaluate an instant query (at `at`, epoch seconds; default: the server's now)."""
        params = {"query": query}
        if at is not None:
            params["time"] = f"{at:.3f}"
        self.queries += 1
        try:
            return await self._query(params)
        except PromQLError as exc:
            self.errors += 1
            self.last_error = str(exc)
            raise

    async def _query(self, params: dict[str, str]) -> float:
        session = await self._session()
        url = f"{self.base_url}/api/v1/query"
        try:
            async with session.get(url, params=params, timeout=aiohttp.ClientTimeout(total=self.timeout)) as resp:
                body = await resp.content.read(MAX_RESPONSE + 1)
                status = resp.status
        except TimeoutError:
            raise PromQLError("timeout", f"no answer from {self.base_url} within {self.timeout:g}s") from None
        except aiohttp.ClientError as exc:
            raise PromQLError("connection", f"{type(exc).__name__}: {exc}") from None
        if len(body) > MAX_RESPONSE:
            raise PromQLError("too_large", f"response passed {MAX_RESPONSE} bytes")
        try:
            payload = json.loads(body)
        except ValueError:
            raise PromQLError("bad_response", f"HTTP {status}: not JSON: {body[:120]!r}") from None
        if status != 200 and isinstance(payload, dict) and payload.get("status") != "error":
            raise PromQLError("http_status", f"HTTP {status}")
        return result_value(payload)
