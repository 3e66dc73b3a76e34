"""The alerts page (/alerts): recent deliveries, failures and silences, read through `store.alerts`."""

from __future__ import annotations

import logging

from aiohttp import web

from ...clock import utc
from ...store.base import StoreError
from .base import render, repo, sidecar_of

log = logging.getLogger(__name__)

SHOWN = 50


def routes() -> list[web.AbstractRouteDef]:
    return [web.get("/alerts", alerts_page)]


async def alerts_page(request: web.Request) -> web.Response:
    sidecar = sidecar_of(request)
    alerts = repo(sidecar, "alerts")
    cfg = sidecar.config.alerts
    if alerts is None:
        return render(request, "alerts.html", configured=False, receivers=cfg.receivers)
    now = utc(sidecar.clock.time())
    try:
        deliveries = await alerts.recent(limit=SHOWN)
        failures = await alerts.recent(limit=SHOWN, status="failed")
        counts = await alerts.counts()
        silences = await alerts.silences(now, include_expired=True, limit=SHOWN)
    except StoreError as exc:
        log.warning("alerts page: store unavailable", extra={"error": str(exc)})
        return render(request, "alerts.html", status=503, configured=True, store_error=str(exc),
                      receivers=cfg.receivers)
    return render(
        request,
        "alerts.html",
        configured=True,
        store_error=None,
        receivers=cfg.receivers,
        running=sidecar.stages.alerts is not None,
        deliveries=deliveries,
        failures=failures,
        counts=counts,
        silences=silences,
        now_dt=now,
    )
