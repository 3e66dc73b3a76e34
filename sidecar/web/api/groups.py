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
from typing import TYPE_CHECKING, Annotated, Any

from aiohttp import web
from aiohttp.typedefs import Handler
from pydantic import Field

from ...clock import utc
from ...diagnose.primary import answers
from ...errors.cleantext import clean_text
from ...errors.groups import change_status
from ...exceptions import ApiError
from ...jsonvalue import jsonable
from ...severity import effective
from ...store.groups import ACTIONS, SORTS, STATUSES, UnknownGroup, sort_values
from ...store.keyset import BadCursor, encode
from ..auth import require_token
from ..pages.data import _titles  # one rule for title + template, the dashboard's
from .query import Query, between, one_of, parse_query

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


class GroupListQuery(Query):
    """`GET /api/groups` parameters (checked in this order)."""

    status: Annotated[list[str], one_of(tuple(STATUSES))] = Field(default_factory=list)
    sort: Annotated[str, one_of(tuple(SORTS))] = "last_seen"
    limit: Annotated[int, between(1, MAX_LIMIT)] = 50
    page: Annotated[int, between(1, 1_000_000)] = 1
    level: str | None = None
    logger: str | None = None
    q: str | None = None
    category: str | None = None
    cursor: str | None = None  # from a previous answer's next_cursor/prev_cursor (same sort)


class GroupQuery(Query):
    """`GET /api/groups/{fingerprint}` parameters."""

    minutes: Annotated[int, between(1, 1440)] = 60


def _not_found(fingerprint: str) -> ApiError:
    return ApiError(404, f"no group with fingerprint {fingerprint}")


def routes(sidecar: Runtime) -> list[web.RouteDef]:
    from ..context import SIDECAR_KEY

    def _sidecar(request: web.Request) -> Runtime:
        return request.app[SIDECAR_KEY]

    async def list_groups(request: web.Request) -> web.Response:
        sc = _sidecar(request)
        query = parse_query(request, GroupListQuery)
        limit, page = query.limit, query.page

        def text(value: str | None) -> str | None:
            return clean_text(value)[:500] if value else None

        filters: dict[str, Any] = dict(status=query.status or None, level=text(query.level),
                                       logger=text(query.logger), q=text(query.q),
                                       category=text(query.category), sort=query.sort, limit=limit)
        cursor = query.cursor
        next_cursor = prev_cursor = None
        if cursor or page == 1:
            try:
                found = await sc.store.groups.page(cursor=cursor or None, **filters)
            except BadCursor as exc:
                raise ApiError(400, str(exc)) from None
            rows, total, next_cursor, prev_cursor = found.rows, found.total, found.next_cursor, found.prev_cursor
        else:  # `page=N` without a cursor: an OFFSET (deferred join past 1,000); cursors from here on
            rows, total = await sc.store.groups.list(offset=(page - 1) * limit, **filters)
            if rows and (page - 1) * limit + len(rows) < total:
                next_cursor = encode(query.sort, sort_values(query.sort, rows[-1]), backward=False)
            if rows:
                prev_cursor = encode(query.sort, sort_values(query.sort, rows[0]), backward=True)
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
            raise _not_found(fingerprint)
        fingerprint = row["error_hash"]  # an id merged into another group shows that group
        minutes = parse_query(request, GroupQuery).minutes
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

    def _status_handler(action: str) -> Handler:
        @require_token
        async def handler(request: web.Request) -> web.Response:
            sc = _sidecar(request)
            fingerprint = request.match_info["fingerprint"]
            notes: str | None = None
            if request.can_read_body:
                try:
                    payload = await request.json()
                except (json.JSONDecodeError, UnicodeDecodeError):
                    raise ApiError(400, 'the body must be JSON, e.g. {"notes": "fixed in 1.2.3"}') from None
                if payload is not None:
                    if not isinstance(payload, dict):
                        raise ApiError(400, "the body must be a JSON object")
                    raw_notes = payload.get("notes")
                    if raw_notes is not None and not isinstance(raw_notes, str):
                        raise ApiError(400, "notes must be a string")
                    notes = clean_text(raw_notes[:MAX_NOTES]) if raw_notes is not None else None
            try:
                row = await change_status(sc.store, sc.bus, sc.clock, sc.stages.groups, fingerprint, action, notes)
            except UnknownGroup:
                raise _not_found(fingerprint) from None
            return web.json_response(group_json(row))

        return handler

    defs = [
        web.get("/api/groups", list_groups),
        web.get("/api/groups/{fingerprint}", get_group),
    ]
    for action in ACTIONS:
        defs.append(web.post(f"/api/groups/{{fingerprint}}/{action}", _status_handler(action)))
    return defs
