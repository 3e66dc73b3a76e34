"""The overview page (/): one panel per stage, each saying "not configured" when its stage is absent.

Figures come from the stage components and the sidecar's own telemetry (the same numbers
/metrics exports), so the page agrees with Prometheus and needs no stage-specific status API.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...clock import utc
from ...store.base import StoreError
from . import data
from . import rollouts as pages_rollouts
from . import views as v
from .base import render, repo, sidecar_of

if TYPE_CHECKING:
    from ...stages import Runtime

log = logging.getLogger(__name__)

EVENTS_MINUTES = 60


def _sample(sidecar: Runtime, name: str, labels: dict[str, str] | None = None) -> float | None:
    return sidecar.telemetry.registry.get_sample_value(name, labels or {})


def sources_panel(sidecar: Runtime) -> dict[str, Any]:
    ingest = sidecar.stages.ingest
    rows = []
    for src in sidecar.config.sources:
        name = src.name or ", ".join(src.paths)
        lag = _sample(sidecar, "sidecar_tail_lag_seconds", {"source": name})
        lag_bytes = _sample(sidecar, "sidecar_tail_lag_bytes", {"source": name})
        # received minus event time of the source's latest error: how far behind the log's own clock
        ingest_lag = _sample(sidecar, "sidecar_ingest_lag_seconds", {"source": name})
        files = _sample(sidecar, "sidecar_files_tailed", {"source": name})
        lines = _sample(sidecar, "sidecar_lines_read_total", {"source": name})
        rows.append({
            "name": name,
            "paths": src.paths,
            "format": src.format,
            "lag": lag,
            "lag_bytes": lag_bytes,
            "ingest_lag": ingest_lag,
            "files": files,
            "lines": lines,
            "state": "ok" if (lag or 0) < 10 else ("warn" if (lag or 0) < 60 else "bad"),
        })
    return {
        "configured": bool(sidecar.config.sources),
        "running": ingest is not None,
        "problems": [*ingest.problems(), *ingest.degraded()] if ingest is not None else [],
        "rows": rows,
    }


async def store_panel(sidecar: Runtime) -> dict[str, Any]:
    cfg = sidecar.config.store
    where = cfg.path if cfg.backend == "sqlite" else (cfg.supabase_url or "PostgreSQL (DSN configured)")
    started = time.perf_counter()
    try:
        await sidecar.store.ping()
        ok, error = True, None
    except (StoreError, RuntimeError) as exc:
        ok, error = False, str(exc)
    return {
        "backend": cfg.backend,
        "where": where,
        "ok": ok,
        "error": error,
        "ping_ms": (time.perf_counter() - started) * 1000,
        "spool_bytes": _sample(sidecar, "sidecar_spool_bytes"),
    }


def llm_panel(sidecar: Runtime) -> dict[str, Any]:
    """The diagnosis stage's own status (rules, LLM circuit, budgets), or "not configured"."""
    component = sidecar.stages.diagnosis
    if component is None:
        return {"running": False}
    status = component.status() if hasattr(component, "status") else {}
    llm = status.get("llm") or {"enabled": False}
    rules = status.get("rules") or {}
    return {
        "running": True,
        "kimi": bool(llm.get("enabled")),
        "mode": "rules + Kimi" if llm.get("enabled") else "rules only",
        "model": llm.get("model"),
        "circuit": llm.get("circuit"),
        "circuit_reason": llm.get("circuit_reason"),
        "circuit_retry_in": llm.get("circuit_retry_in"),
        "budget": llm.get("calls_remaining_this_hour"),
        "tokens_left": llm.get("tokens_remaining_today"),
        "budget_exhausted": bool(llm.get("budget_exhausted")),
        "calls_per_hour": sidecar.config.diagnosis.calls_per_hour,
        "last_error": llm.get("last_error"),
        "rules_count": rules.get("count"),
        "rules_problem": rules.get("problem"),
        "queued": status.get("queued"),
        "problems": list(component.degraded()),
    }


async def alerts_panel(sidecar: Runtime) -> dict[str, Any]:
    alerts = repo(sidecar, "alerts")
    receivers = sidecar.config.alerts.receivers
    if alerts is None or sidecar.stages.alerts is None:
        return {"configured": False}
    try:
        counts = await alerts.counts()
        silences = await alerts.silences(utc(sidecar.clock.time()), limit=100)
    except StoreError as exc:
        return {"configured": True, "error": str(exc)}
    return {"configured": True, "receivers": receivers, "counts": counts, "silences": len(silences)}


async def overview(request: web.Request) -> web.Response:
    sidecar = sidecar_of(request)
    now = sidecar.clock.time()
    groups = repo(sidecar, "groups")
    events: dict[str, Any] = {"configured": groups is not None}
    counts: dict[str, Any] = {"configured": groups is not None}
    if groups is not None:
        try:
            per_minute = await data.events_per_minute(sidecar, now, EVENTS_MINUTES)
            events.update(
                spark=v.sparkline(per_minute, width=600, height=60),
                total=sum(per_minute),
                last_minute=per_minute[-1] if per_minute else 0,
                minutes=EVENTS_MINUTES,
            )
            counts.update(await data.status_counts(sidecar))
            counts["recent"] = await data.recent_open(sidecar, limit=8)
        except StoreError as exc:
            log.warning("overview: groups unavailable", extra={"error": str(exc)})
            events["error"] = counts["error"] = str(exc)
    rollouts = await pages_rollouts.summaries(sidecar)
    return render(
        request,
        "overview.html",
        sources=sources_panel(sidecar),
        store=await store_panel(sidecar),
        llm=llm_panel(sidecar),
        events=events,
        groups=counts,
        rollouts=rollouts,
        alerts=await alerts_panel(sidecar),
        problems=await sidecar.problems(),
        degraded={stage: items for stage, items in sidecar.degraded().items() if items},
    )
