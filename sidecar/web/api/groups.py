"""Groups API: list and read error groups, change their status.

- `GET /api/groups?status=&level=&logger=&q=&category=&sort=last_seen|count|first_seen|severity&page=1&limit=50`
  -> `{"items": [...], "total": N, "page": P, "limit": L, "next_cursor": C|null, "prev_cursor": C|null}`
  (status may repeat or be comma-separated). `&cursor=C` (from a previous answer, same sort) reads
  the page after (or before) it by seeking the sort index (keyset, sidecar/store/keyset.py): stable
  while groups arrive and as fast on page 2,000 as on page 1; `page` is then ignored. A cursor that
  is not one of ours, or was made for another sort, is 400.
  `sort=severity`: most severe first, then last seen. Each item's `effective_severity` is the
  diagnosis' `severity` when there is one, else the level's class (sidecar/severity.py).
- `GET /api/groups/{fingerprint}` -> the group with `samples`, per-minute `counts` for the last
  hour (`?minutes=` up to 1440), top `loggers` and its `diagnosis` (null until there is one);
  `answers`: the rules' and the LLM's latest answers, which is `primary` and the `reason`, and
  whether they `disagree` (null until there is one).
- `POST /api/groups/{fingerprint}/resolve|mute|reopen` (API token; optional JSON body
  `{"notes": "..."}`) -> the updated group. A `group.status` event goes on the bus.

Unknown fingerprints answer 404, bad parameters 400; timestamps are ISO 8601 UTC.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...clock import utc
from ...diagnose.primary import answers
from ...errors.groups import change_status, clean_text
from ...jsonvalue import jsonable
from ...severity import effective
from ...store.groups import ACTIONS, SORTS, STATUSES, UnknownGroup, sort_values
from ...store.keyset import BadCursor, encode
from ..auth import require_token
from ..pages.data import _titles  # one rule for title + template, the dashboard's

if TYPE_CHECKING:
    from ...stages import Runtime

MAX_LIMIT = 200
MAX_NOTES = 4000


def group_json(row: dict[str, Any], latest_message: str | None = None) -> dict[str, Any]:
    """A group row as the API shows it: `fingerprint` first, ISO timestamps, no internal columns.

    `title` is a real message (the latest sample's, redacted) and `template` the learned template
    the group's occurrences share, as the dashboard shows them (web/pages/data.py decides both).
    """
    out = {"fingerprint": row["error_hash"]}
    for key, value in row.items():
        if key in ("transition_token",):
            continue
        out[key] = jsonable(value)
    out["title"], template = _titles(row, latest_message)
    out["template"] = template if template is not None else row.get("template", row.get("title"))
    out["effective_severity"] = effective(row.get("severity"), row.get("level"))
    return out


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _int_param(request: web.Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise web.HTTPBadRequest(text=json.dumps({"error": f"{name} must be an integer"}),
                                 content_type="application/json") from None
    if not lo <= value <= hi:
        raise web.HTTPBadRequest(text=json.dumps({"error": f"{name} must be between {lo} and {hi}"}),
                                 content_type="application/json")
    return value


def routes(sidecar: Runtime) -> list[web.RouteDef]:
    from ..context import SIDECAR_KEY

    def _sidecar(request: web.Request) -> Runtime:
        return request.app[SIDECAR_KEY]

    async def list_groups(request: web.Request) -> web.Response:
        sc = _sidecar(request)
        statuses = [s for value in request.query.getall("status", []) for s in value.split(",") if s]
        unknown = [s for s in statuses if s not in STATUSES]
        if unknown:
            return _error(400, f"unknown status {unknown[0]!r} (expected one of {', '.join(STATUSES)})")
        sort = request.query.get("sort", "last_seen")
        if sort not in SORTS:
            return _error(400, f"unknown sort {sort!r} (expected one of {', '.join(SORTS)})")
        limit = _int_param(request, "limit", 50, 1, MAX_LIMIT)
        page = _int_param(request, "page", 1, 1, 1_000_000)
        def text(name: str) -> str | None:
            value = request.query.get(name)
            return clean_text(value)[:500] if value else None

        filters: dict[str, Any] = dict(status=statuses or None, level=text("level"), logger=text("logger"),
                                       q=text("q"), category=text("category"), sort=sort, limit=limit)
        cursor = request.query.get("cursor")
        next_cursor = prev_cursor = None
        if cursor or page == 1:
            try:
                found = await sc.store.groups.page(cursor=cursor or None, **filters)
            except BadCursor as exc:
                return _error(400, str(exc))
            rows, total, next_cursor, prev_cursor = found.rows, found.total, found.next_cursor, found.prev_cursor
        else:  # `page=N` without a cursor: an OFFSET (deferred join past 1,000); cursors from here on
            rows, total = await sc.store.groups.list(offset=(page - 1) * limit, **filters)
            if rows and (page - 1) * limit + len(rows) < total:
                next_cursor = encode(sort, sort_values(sort, rows[-1]), backward=False)
            if rows:
                prev_cursor = encode(sort, sort_values(sort, rows[0]), backward=True)
        latest = await sc.store.groups.latest_messages([r["error_hash"] for r in rows])
        return web.json_response({"items": [group_json(r, latest.get(r["error_hash"])) for r in rows],
                                  "total": total, "page": page, "limit": limit,
                                  "next_cursor": next_cursor, "prev_cursor": prev_cursor})

    async def get_group(request: web.Request) -> web.Response:
        sc = _sidecar(request)
        fingerprint = request.match_info["fingerprint"]
        repo = sc.store.groups
        row = await repo.get(fingerprint)
        if row is None:
            return _error(404, f"no group with fingerprint {fingerprint}")
        fingerprint = row["error_hash"]  # an id merged into another group shows that group
        minutes = _int_param(request, "minutes", 60, 1, 1440)
        now = utc(sc.clock.time())
        samples = await repo.samples(fingerprint, 100)
        body = group_json(row, samples[0]["message"] if samples and samples[0].get("message") else None)
        body["samples"] = [jsonable(s) for s in samples]
        series = await repo.series(fingerprint, now, minutes)
        end_minute = int(now.timestamp() // 60)
        body["counts"] = {
            "minutes": minutes,
            "start": utc((end_minute - minutes + 1) * 60).isoformat(),
            "series": series,
        }
        body["loggers"] = [{"logger": name, "count": n} for name, n in await repo.loggers(fingerprint)]
        body["releases"] = [jsonable(r) for r in await repo.releases(fingerprint)]
        result = row.get("investigation_result")
        body["diagnosis"] = (
            {"result": result, "fix_recommendation": row.get("fix_recommendation"),
             "source": row.get("diagnosis_source"), "model": row.get("model_used"),
             "category": row.get("category"), "severity": row.get("severity"),
             "duration_ms": row.get("investigation_duration_ms"),
             "diagnosed_at": jsonable(row.get("diagnosed_at"))}
            if result is not None else None
        )
        # both engines' answers, which one is primary and why (diagnose/primary.py)
        body["answers"] = jsonable(answers(await sc.store.diagnoses.history(fingerprint, 20)))
        return web.json_response(body)

    def _status_handler(action: str):  # noqa: ANN202 - aiohttp handler factory
        @require_token
        async def handler(request: web.Request) -> web.Response:
            sc = _sidecar(request)
            fingerprint = request.match_info["fingerprint"]
            notes: str | None = None
            if request.can_read_body:
                try:
                    payload = await request.json()
                except (json.JSONDecodeError, UnicodeDecodeError):
                    return _error(400, "the body must be JSON, e.g. {\"notes\": \"fixed in 1.2.3\"}")
                if payload is not None:
                    if not isinstance(payload, dict):
                        return _error(400, "the body must be a JSON object")
                    raw_notes = payload.get("notes")
                    if raw_notes is not None and not isinstance(raw_notes, str):
                        return _error(400, "notes must be a string")
                    notes = clean_text(raw_notes[:MAX_NOTES]) if raw_notes is not None else None
            try:
                row = await change_status(sc.store, sc.bus, sc.clock, sc.stages.groups, fingerprint, action, notes)
            except UnknownGroup:
                return _error(404, f"no group with fingerprint {fingerprint}")
            return web.json_response(group_json(row))

        return handler

    defs = [
        web.get("/api/groups", list_groups),
        web.get("/api/groups/{fingerprint}", get_group),
    ]
    for action in ACTIONS:
        defs.append(web.post(f"/api/groups/{{fingerprint}}/{action}", _status_handler(action)))
    return defs
