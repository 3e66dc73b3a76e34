"""Error pages: the list (/errors), one group (/errors/{fingerprint}) and its actions.

Actions (resolve, mute, reopen, re-diagnose) are POSTs checked like the JSON API, performed
through the errors stage's repository and the diagnosis stage, then redirected back to the
detail page (POST-redirect-GET), so a reload never repeats them.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...clock import utc
from ...diagnose.primary import answers
from ...errors.cleantext import clean_text
from ...errors.groups import change_status
from ...redaction import redact
from ...store import keyset
from ...store.base import StoreError
from ...store.groups import UnknownGroup
from . import data, silences
from . import views as v
from .base import guard_action, render, repo, see_other, sidecar_of

if TYPE_CHECKING:
    from ...stages import Runtime

log = logging.getLogger(__name__)

PER_PAGE = 50
ROW_SPARK_HOURS = 24  # hourly bars, by clock hour: readable at 120 px (48 half-hours were a flat line with a tick)
MAX_NOTES = 4000
FINGERPRINT = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


def routes() -> list[web.AbstractRouteDef]:
    return [
        web.get("/errors", errors_list),
        web.get("/errors/{fingerprint}", error_detail),
        web.post("/errors/{fingerprint}/{action}", error_action),
    ]


def _sdk_context(sample: dict[str, Any]) -> dict[str, Any] | None:
    """What an SDK sent with the sample (release, tags, request, breadcrumbs, locals), if any."""
    stored = sample.get("data")
    if isinstance(stored, str):
        try:
            stored = json.loads(stored)
        except ValueError:
            return None
    sdk = stored.get("sdk") if isinstance(stored, dict) else None
    return sdk if isinstance(sdk, dict) else None


def _filter(query: Any) -> data.GroupFilter:
    def text(name: str, limit: int) -> str:
        # Cleaned like the JSON API's filters: a NUL in a query string must not reach PostgreSQL.
        return clean_text(query.get(name, "")[:limit])

    sort = query.get("sort", "last_seen")
    return data.GroupFilter(
        q=text("q", 200).strip(),
        status=query.get("status", ""),
        level=text("level", 20),
        logger=text("logger", 200),
        category=text("category", 50),
        sort=sort if sort in data.SORTS else "last_seen",
    )


async def errors_list(request: web.Request) -> web.Response:
    sidecar = sidecar_of(request)
    if repo(sidecar, "groups") is None:
        return render(request, "errors.html", configured=False)
    flt = _filter(request.query)
    per_page = v.clamp_int(request.query.get("per"), PER_PAGE, 10, 200)
    page = v.clamp_int(request.query.get("page"), 1, 1, 1_000_000)
    # The pager's links carry a keyset cursor (and the page number, for "page N of M" only).
    cursor = request.query.get("cursor", "")[:keyset.MAX_CURSOR] or None
    now = sidecar.clock.time()
    try:
        try:
            found = await data.list_groups(sidecar, flt, page, per_page, cursor)
        except keyset.BadCursor:  # a stale or edited link (e.g. the sort changed): start over
            page, cursor = 1, None
            found = await data.list_groups(sidecar, flt, page, per_page)
        rows, total = found.rows, found.total
        pager = v.Pager(page, per_page, total)
        if page > pager.pages or (cursor and not rows):  # past the end (filter narrowed): last page
            pager = v.Pager(pager.pages, per_page, total)
            found = await data.list_groups(sidecar, flt, pager.page, per_page)
            rows, total = found.rows, found.total
        sparks = await data.hourly_sparklines(sidecar, [g.fingerprint for g in rows], now, ROW_SPARK_HOURS)
        for g in rows:
            g.spark = v.bars(sparks.get(g.fingerprint, []))
        facets = await data.facets(sidecar)
        stage = await data.stage_at(sidecar, now)
        since = v.as_datetime(stage["since"]) if stage else None
        for g in rows:
            first = v.as_datetime(g.first_seen)
            g.new_in_stage = bool(since and first and first >= since)
    except StoreError as exc:
        log.warning("errors page: store unavailable", extra={"error": str(exc)})
        return render(request, "errors.html", status=503, configured=True, store_error=str(exc), flt=flt)
    params = flt.params()
    if per_page != PER_PAGE:
        params["per"] = str(per_page)
    return render(
        request,
        "errors.html",
        configured=True,
        store_error=None,
        flt=flt,
        rows=rows,
        pager=pager,
        facets=facets,
        statuses=data.GROUP_STATUSES,
        stage=stage,
        levels=sorted(set(data.LEVELS) | set(facets.get("level", []))),
        sorts=[("last_seen", "Last seen"), ("severity", "Severity"), ("count", "Count"), ("first_seen", "First seen")],
        page_url=lambda n: v.query_url("/errors", params, page=n),
        # Older/newer by keyset cursor; back to page 1 without one (so new groups show there).
        next_url=v.query_url("/errors", params, page=pager.page + 1, cursor=found.next_cursor),
        prev_url=v.query_url("/errors", params, page=pager.page - 1,
                             cursor=found.prev_cursor if pager.page > 2 else None),
        sort_url=lambda s: v.query_url("/errors", {**params, "sort": s}, page=1),
    )


def _in_app(sidecar: Runtime) -> Callable[[str], bool]:
    """The grouping's in-app rule for this configuration (which frames the page highlights)."""
    from ...errors.fingerprint import is_in_app

    grouping = sidecar.config.grouping
    return lambda path: is_in_app(path, grouping)


async def error_detail(request: web.Request) -> web.Response:
    sidecar = sidecar_of(request)
    fingerprint = request.match_info["fingerprint"]
    if repo(sidecar, "groups") is None:
        return render(request, "errors.html", configured=False)
    found = await data.group(sidecar, fingerprint) if FINGERPRINT.match(fingerprint) else None
    if found is None:
        return render(request, "not_found.html", status=404, what=f"No error group {fingerprint}.", back="/errors")
    g, row = found
    now = sidecar.clock.time()
    sample_rows = await data.samples(sidecar, fingerprint)
    in_app = _in_app(sidecar)
    # The whole record is redacted before it is cut into lines: a name and its value can sit on two
    # lines (YAML `password: |`, Kubernetes `- name: X` / `value: y`), which per-line redaction misses.
    # The message too, before the template cuts it to one line: a name can follow its value
    # (`if "<value>" == API_KEY`), and a cut that drops the name leaves a value nothing marks.
    samples = [
        {**s, "message": redact(s.get("message") or ""),
         "trace": v.traceback_lines(redact(s.get("raw") or s.get("message") or ""), in_app),
         "sdk": _sdk_context(s)}
        for s in sample_rows
    ]
    if not samples and isinstance(row.get("error_context"), dict):
        ctx = row["error_context"]
        raw = ctx.get("raw") or ctx.get("traceback") or g.message
        samples = [{"seen_at": g.last_seen, "file": ctx.get("file"), "line": ctx.get("line"),
                    "source": ctx.get("source"), "level": g.level, "logger": g.logger,
                    "message": redact(g.message), "trace": v.traceback_lines(redact(raw), in_app)}]
    # One read of the day's per-minute counts serves both charts: 30-min buckets, and the last hour as is.
    day = await data.occurrences(sidecar, fingerprint, now, 24 * 60)
    day_buckets = v.bucket_counts(enumerate(day), len(day) - 1, len(day), 48)
    history = await data.diagnosis_history(sidecar, fingerprint)
    loggers = await sidecar.store.groups.loggers(fingerprint)
    releases = await sidecar.store.groups.releases(fingerprint)
    return render(
        request,
        "error_detail.html",
        g=g,
        row=row,
        samples=samples,
        spark_day=v.sparkline(day_buckets, width=600, height=60),
        spark_hour=v.sparkline(day[-60:], width=600, height=60),
        history=history,
        answers=answers(history),
        loggers=loggers,
        releases=releases,
        diagnosis=g.diagnosis,
        can_rediagnose=_diagnoser(sidecar) is not None,
        mute_durations=silences.DURATIONS,
        began=await data.stage_at(sidecar, g.first_seen),
        silenced_by=await _silenced_by(sidecar, fingerprint),
    )


async def _silenced_by(sidecar: Runtime, fingerprint: str) -> list[dict[str, Any]]:
    """Active silences made for this group alone (a mute with a duration is one)."""
    alerts = repo(sidecar, "alerts")
    if alerts is None:
        return []
    rows = await alerts.silences(utc(sidecar.clock.time()))
    mine = [{"name": "fingerprint", "value": fingerprint, "op": "="}]
    return [r for r in rows if [{**m, "op": m.get("op") or "="} for m in r["matchers"]] == mine]


def _diagnoser(sidecar: Runtime) -> Any | None:
    component = sidecar.stages.diagnosis
    return component if component is not None and hasattr(component, "rerun") else None


ACTIONS = {"resolve": "resolved", "mute": "muted", "reopen": "reopened", "rediagnose": "rediagnose"}


async def error_action(request: web.Request) -> web.Response:
    sidecar = sidecar_of(request)
    fingerprint = request.match_info["fingerprint"]
    action = request.match_info["action"]
    back = f"/errors/{fingerprint}"
    if action not in ACTIONS or not FINGERPRINT.match(fingerprint):
        return render(request, "not_found.html", status=404, what=f"No action {action!r}.", back="/errors")
    refused = await guard_action(request, back)
    if refused is not None:
        return refused
    if repo(sidecar, "groups") is None:
        return render(request, "not_found.html", status=404, what="Error grouping is not configured.", back="/")
    form = await request.post()
    list_back = _list_return(form.get("next"))
    raw_note = form.get("notes")
    notes = (clean_text(raw_note.strip()[:MAX_NOTES]) or None) if isinstance(raw_note, str) else None
    duration = form.get("for")
    if action == "mute" and isinstance(duration, str) and duration and duration != "forever":
        # Mute for a while: a silence on this fingerprint until then. The group keeps its status
        # (it stays in the list, counted); alerts about it resume when the silence ends.
        try:
            end = silences.parse_end(sidecar.clock.time(), duration[:20], "")
            await silences.create(sidecar, [f"fingerprint={fingerprint}"], end, comment=notes,
                                  created_by="dashboard (mute)")
        except silences.SilenceFormError as exc:
            return render(request, "refused.html", status=400, reason=str(exc), back=back)
        except StoreError as exc:
            return render(request, "refused.html", status=503, reason=f"The store is unavailable: {exc}", back=back)
        return see_other(back, "muted_for")
    try:
        if action == "rediagnose":
            diagnoser = _diagnoser(sidecar)
            if diagnoser is None:
                return render(request, "refused.html", status=409, reason="Diagnosis is not configured.", back=back)
            from ...diagnose.service import GroupNotFound

            try:
                state, _ = await diagnoser.rerun(fingerprint)
            except GroupNotFound:
                return _unknown(request, fingerprint)
            return see_other(back, "rediagnose" if state == "done" else "rediagnose_busy")
        try:
            await change_status(sidecar.store, sidecar.bus, sidecar.clock, sidecar.stages.groups, fingerprint,
                                action, notes)
        except UnknownGroup:
            return _unknown(request, fingerprint)
    except StoreError as exc:
        log.warning("dashboard action failed", extra={"error": str(exc), "action": action, "fingerprint": fingerprint})
        return render(request, "refused.html", status=503, reason=f"The store is unavailable: {exc}", back=back)
    # From the list's keyboard actions: back to the same list page (and filters), not the group.
    return see_other(list_back or back, ACTIONS[action])


LIST_RETURN = re.compile(r"^/errors(?:\?[A-Za-z0-9_.~%&=+-]{0,400})?$")


def _list_return(value: Any) -> str | None:
    """A `next` that is the errors list with a plain query string, else None (no open redirect)."""
    return value if isinstance(value, str) and LIST_RETURN.fullmatch(value) else None


def _unknown(request: web.Request, fingerprint: str) -> web.Response:
    return render(request, "not_found.html", status=404, what=f"No error group {fingerprint}.", back="/errors")

