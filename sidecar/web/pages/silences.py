"""The silences page (/alerts/silences): list, create (matchers and an end), expire.

Silences are the alerting stage's (`Alerts.add_silence` / `expire_silence`, the same calls as
POST/DELETE /api/alerts/silences), so the page and the API validate alike. A form posts one
matcher per line (`severity=critical`, `logger=~src\\.providers\\..*`, `fingerprint!=abc`) and an
end: a duration ("2h", "30m", "1d") or a UTC date and time. Muting an error group for a while
(pages/errors.py) is a silence on its fingerprint made through `create`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...clock import utc
from ...errors.cleantext import clean_text
from ...exceptions import SidecarError
from ...store.base import StoreError
from ..api.alerts import MAX_SILENCE, parse_duration
from .base import guard_action, render, repo, see_other, sidecar_of

if TYPE_CHECKING:
    from ...stages import Runtime

log = logging.getLogger(__name__)

SHOWN = 100
MAX_MATCHERS = 20
DURATIONS = [("30m", "30 minutes"), ("1h", "1 hour"), ("4h", "4 hours"), ("8h", "8 hours"), ("1d", "1 day"),
             ("7d", "7 days")]


class SilenceFormError(SidecarError, ValueError):
    """What the person filled in cannot make a silence (shown above the form)."""


def routes() -> list[web.AbstractRouteDef]:
    return [
        web.get("/alerts/silences", silences_page),
        web.post("/alerts/silences", create_silence),
        web.post("/alerts/silences/{silence_id}/expire", expire_silence),
    ]


def parse_end(now: float, duration: str, until: str) -> float:
    """The silence's end (epoch seconds) from a duration or a UTC `YYYY-MM-DDTHH:MM` time."""
    if until.strip():
        try:
            dt = datetime.fromisoformat(until.strip())
        except ValueError:
            raise SilenceFormError(f"'{until[:40]}' is not a date and time") from None
        end = (dt if dt.tzinfo else dt.replace(tzinfo=utc(0).tzinfo)).timestamp()
    else:
        try:
            end = now + parse_duration(duration or "")
        except ValueError as exc:
            raise SilenceFormError(str(exc)) from None
    if end <= now:
        raise SilenceFormError("the end must be in the future")
    if end - now > MAX_SILENCE:
        raise SilenceFormError("a silence may last at most 90 days")
    return end


async def create(sidecar: Runtime, matchers: list[str], end: float, *, comment: str | None,
                 created_by: str) -> dict[str, Any]:
    component = sidecar.stages.alerts
    if component is None:
        raise SilenceFormError("alerting is not running in this build: silences have nothing to silence")
    try:
        row: dict[str, Any] = await component.add_silence(matchers, end, comment=comment, created_by=created_by)
    except ValueError as exc:
        raise SilenceFormError(str(exc)) from None
    return row


async def _page(request: web.Request, status: int = 200, error: str | None = None,
                form: dict[str, str] | None = None) -> web.Response:
    sidecar = sidecar_of(request)
    alerts = repo(sidecar, "alerts")
    if alerts is None:
        return render(request, "silences.html", configured=False)
    now = utc(sidecar.clock.time())
    try:
        rows = await alerts.silences(now, include_expired=True, limit=SHOWN)
    except StoreError as exc:
        return render(request, "silences.html", status=503, configured=True, store_error=str(exc))
    for row in rows:
        row["active"] = row["starts_at"] <= now < row["ends_at"]
    return render(request, "silences.html", status=status, configured=True, store_error=None, silences=rows,
                  now_dt=now, durations=DURATIONS, error=error, form=form or {"duration": "1h"},
                  running=sidecar.stages.alerts is not None)


async def silences_page(request: web.Request) -> web.Response:
    form = {"duration": "1h"}
    prefill = request.query.get("matcher")
    if prefill:
        form["matchers"] = clean_text(prefill[:300])
    return await _page(request, form=form)


async def create_silence(request: web.Request) -> web.Response:
    back = "/alerts/silences"
    refused = await guard_action(request, back)
    if refused is not None:
        return refused
    sidecar = sidecar_of(request)
    post = await request.post()
    form = {k: clean_text(str(post.get(k) or ""))[:2000] for k in ("matchers", "duration", "until", "comment")}
    lines = [ln.strip() for ln in form["matchers"].splitlines() if ln.strip()]
    try:
        if not lines:
            raise SilenceFormError("give at least one matcher, e.g. severity=critical")
        if len(lines) > MAX_MATCHERS:
            raise SilenceFormError(f"at most {MAX_MATCHERS} matchers")
        end = parse_end(sidecar.clock.time(), form["duration"], form["until"])
        await create(sidecar, lines, end, comment=form["comment"][:1000] or None, created_by="dashboard")
    except SilenceFormError as exc:
        return await _page(request, status=400, error=str(exc), form=form)
    except StoreError as exc:
        log.warning("silence not created", extra={"error": str(exc)})
        return render(request, "refused.html", status=503, reason=f"The store is unavailable: {exc}", back=back)
    return see_other(back, "silenced")


async def expire_silence(request: web.Request) -> web.Response:
    back = "/alerts/silences"
    refused = await guard_action(request, back)
    if refused is not None:
        return refused
    sidecar = sidecar_of(request)
    silence_id = request.match_info["silence_id"][:100]
    component = sidecar.stages.alerts
    try:
        if component is not None:
            done = await component.expire_silence(silence_id)
        else:
            done = await sidecar.store.alerts.expire_silence(silence_id, utc(sidecar.clock.time()))
    except StoreError as exc:
        return render(request, "refused.html", status=503, reason=f"The store is unavailable: {exc}", back=back)
    if not done:
        return render(request, "not_found.html", status=404, what="No active silence with that id.", back=back)
    return see_other(back, "expired")
