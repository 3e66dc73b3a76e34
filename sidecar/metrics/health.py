"""Gateway health JSON (`/health`, `/health/memory`, `/health/semaphores`) -> gauge samples.

Every numeric field becomes a gauge named by its dotted path (`current_metrics.process_memory_mb`,
`global.current`, `providers.kimi.utilization`); booleans become 0/1; status words under keys
named `status`, `*_status`, `level` or `alert_level` become a severity number (0 healthy ...
3 critical) so a gate can say "semaphore status <= 1". Lists are skipped (histories can be long)
and the walk is bounded in depth and field count.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .errors import ParseError

STATUS_LEVELS = {
    "healthy": 0, "ok": 0, "normal": 0, "info": 0, "up": 0, "none": 0,
    "degraded": 1, "warning": 1, "high_utilization": 1,
    "unhealthy": 2, "leak_detected": 2, "exhausted": 2, "error": 2, "down": 2,
    "critical": 3,
}
MAX_DEPTH = 6
MAX_FIELDS = 1000


def _is_status_key(key: str) -> bool:
    return key in ("status", "level", "alert_level") or key.endswith("_status")


def flatten_health(doc: Any) -> list[tuple[str, float]]:
    """Numeric leaves of a JSON document as (dotted path, value)."""
    out: list[tuple[str, float]] = []

    def walk(node: Any, path: str, depth: int) -> None:
        if len(out) >= MAX_FIELDS or depth > MAX_DEPTH:
            return
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}.{k}" if path else str(k), depth + 1)
        elif isinstance(node, bool):
            out.append((path, 1.0 if node else 0.0))
        elif isinstance(node, int | float):
            value = float(node)
            if not math.isnan(value):
                out.append((path, value))
        elif isinstance(node, str) and path and _is_status_key(path.rsplit(".", 1)[-1]):
            level = STATUS_LEVELS.get(node.strip().lower())
            if level is not None:
                out.append((path, float(level)))

    walk(doc, "", 0)
    return out


def parse_health(body: bytes) -> list[tuple[str, float]]:
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"not JSON: {str(exc)[:200]}", reason="bad_json") from None
    if not isinstance(doc, dict):
        raise ParseError("health JSON is not an object", reason="bad_json")
    return flatten_health(doc)
