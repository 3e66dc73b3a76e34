"""Rollout pages (/rollouts, /rollouts/{name}) and their actions.

The data is the rollout stage's own view (`sidecar.rollout.views`, the same dicts the JSON API
serves); actions call `RolloutController.act`, as POST /api/rollouts/{name}/{action} does.
Rollback and Promote have a confirmation step without JavaScript: GET /rollouts/{name}/rollback
(or /promote) shows a form with a required checkbox, and the POST refuses (400) unless the box was
ticked. The Promote form names the gates that are not passing: promoting past them is a human's
explicit decision, as rolling back is.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ...store.base import StoreError
from .base import guard_action, render, see_other, sidecar_of

if TYPE_CHECKING:
    from ...stages import Runtime

log = logging.getLogger(__name__)

ACTIONS = ("start", "approve", "promote", "pause", "resume", "rollback")
VERDICT_RANK = {"fail": 0, "error": 1, "inconclusive": 2, "pass": 3}
FINISHED = ("complete", "rolled_back")  # a run that ended: no stage, hold or samples to wait for
CONFIRMED = ("rollback", "promote")
MAX_REASON = 500


def routes() -> list[web.AbstractRouteDef]:
    return [
        web.get("/rollouts", rollouts_page),
        web.get("/rollouts/{name}", rollout_page),
        web.get("/rollouts/{name}/rollback", rollback_confirm),
        web.get("/rollouts/{name}/promote", promote_confirm),
        web.post("/rollouts/{name}/{action}", rollout_action),
    ]


def _controller(sidecar: Runtime) -> Any | None:
    return sidecar.stages.rollouts


def worst_verdict(verdicts: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The verdict that matters most on a summary line: a failure before an error before
    inconclusive before pass; among equals, a trigger (it rolls back) before a gate."""
    if not verdicts:
        return None
    return min(verdicts, key=lambda v: (VERDICT_RANK.get(v.get("verdict", ""), 9), v.get("role") != "trigger"))


async def summaries(sidecar: Runtime) -> dict[str, Any]:
    """Every configured rollout with its state and worst current verdict, for the overview."""
    controller = _controller(sidecar)
    if controller is None or not controller.configs:
        return {"configured": False, "rows": []}
    from ...rollout.views import detail

    rows = []
    try:
        for name in controller.configs:
            d = await detail(controller, name, history=1)
            rows.append({
                "name": name,
                "state": d["state"],
                "percent": d["percent"],
                "stage_index": d["stage"],
                "stages": d["stages"],
                "decision": d["decision"],
                "decision_reason": d.get("decision_reason"),
                "stale": d.get("stale") or [],
                "late": d.get("late") or [],
                "worst": worst_verdict(d["gates"] + d["triggers"]),
                "finished": d["state"] in FINISHED,
            })
    except StoreError as exc:
        return {"configured": True, "rows": [], "error": str(exc)}
    return {"configured": True, "rows": rows}


async def rollouts_page(request: web.Request) -> web.Response:
    sidecar = sidecar_of(request)
    return render(request, "rollouts.html", summary=await summaries(sidecar))


async def _detail(sidecar: Runtime, name: str) -> dict[str, Any] | None:
    controller = _controller(sidecar)
    if controller is None or name not in controller.configs:
        return None
    from ...rollout.state import ALLOWED
    from ...rollout.views import detail

    d = await detail(controller, name)
    d["allowed"] = {action: d["state"] in ALLOWED[action] for action in ACTIONS}
    d["timeline"] = _timeline(d)
    d["finished"] = d["state"] in FINISHED
    ended = [e for e in d["history"] if e.get("to_state") == d["state"]]
    d["finished_at"] = ended[-1]["at"] if d["finished"] and ended else None
    for v in d["gates"] + d["triggers"]:
        v["proportion"] = is_proportion(v.get("metric"))
    d["not_passing"] = [v for v in d["gates"] if v.get("verdict") != "pass" and not v.get("dry_run")]
    d["stage_groups"] = await _stage_groups(sidecar, d["history"])
    from .charts import rollout_charts

    snap = await controller._load(name)
    metrics = {f"{v.get('role')}:{v.get('name')}": v.get("metric") for v in d["gates"] + d["triggers"]}
    d["charts"] = rollout_charts(snap.data.get("series") or [], d["history"], is_proportion, metrics)
    return d


async def _stage_groups(sidecar: Runtime, history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per stage of the rollout's runs (newest first): the error groups first seen while it ran,
    so a TimeoutError that began at 10% is next to the 10% stage (the group page links back), and
    the older groups that spiked while it ran (data.spiked_between)."""
    from . import data

    if getattr(sidecar.store, "groups", None) is None:
        return []
    out = []
    for i, e in enumerate(history):
        if e.get("action") not in data.STAGE_ACTIONS:
            continue
        until = history[i + 1]["at"] if i + 1 < len(history) else None
        groups = await data.began_between(sidecar, e["at"], until)
        spiked = await data.spiked_between(sidecar, e["at"], until, sidecar.clock.time())
        out.append({"percent": e.get("to_percent"), "since": e["at"], "until": until,
                    "ongoing": i + 1 >= len(history), "groups": groups, "spiked": spiked})
    return list(reversed(out))[:10]


def is_proportion(metric: Any) -> bool:
    """Whether a verdict's metric label (`success_rate(...)`, `error_rate{...}`) is a proportion:
    its observed value, threshold and baseline then read as percentages, like its reason does."""
    from ...rollout.gates import PROPORTIONS

    return isinstance(metric, str) and metric.split("(")[0].split("{")[0] in PROPORTIONS


def _timeline(d: dict[str, Any]) -> list[dict[str, Any]]:
    """Each stage of the plan marked done / current / ahead (or failed, on a rollback)."""
    out = []
    for i, stage in enumerate(d["plan"]):
        if d["state"] == "complete" or i < d["stage"]:
            mark = "done"
        elif i == d["stage"] and d["state"] in ("rolling_back", "rolled_back"):
            mark = "failed"
        elif i == d["stage"] and d["state"] != "idle":
            mark = "current"
        else:
            mark = "ahead"
        out.append({**stage, "index": i, "mark": mark})
    return out


async def rollout_page(request: web.Request) -> web.Response:
    sidecar = sidecar_of(request)
    name = request.match_info["name"]
    try:
        d = await _detail(sidecar, name)
    except StoreError as exc:
        return render(request, "refused.html", status=503, reason=f"The store is unavailable: {exc}", back="/rollouts")
    if d is None:
        return render(request, "not_found.html", status=404, what=f"No rollout named {name}.", back="/rollouts")
    return render(request, "rollout_detail.html", r=d)


def _confirm_page(template: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The page that asks before a rollback or a promotion (the same lookup, its own template)."""

    async def confirm(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        d = await _detail(sidecar_of(request), name)
        if d is None:
            return render(request, "not_found.html", status=404, what=f"No rollout named {name}.", back="/rollouts")
        return render(request, template, r=d, error=None)

    return confirm


rollback_confirm = _confirm_page("rollback_confirm.html")
promote_confirm = _confirm_page("promote_confirm.html")


async def rollout_action(request: web.Request) -> web.Response:
    from ...rollout.state import Conflict, InvalidTransition, UnknownRollout

    sidecar = sidecar_of(request)
    name = request.match_info["name"]
    action = request.match_info["action"]
    back = f"/rollouts/{name}"
    controller = _controller(sidecar)
    if action not in ACTIONS or controller is None or name not in controller.configs:
        return render(request, "not_found.html", status=404, what=f"No rollout action {name}/{action}.",
                      back="/rollouts")
    refused = await guard_action(request, back)
    if refused is not None:
        return refused
    form = await request.post()
    raw_reason = form.get("reason")
    reason = (raw_reason.strip()[:MAX_REASON] or None) if isinstance(raw_reason, str) else None
    if action in CONFIRMED and form.get("confirm") != "yes":
        d = await _detail(sidecar, name)
        return render(request, f"{action}_confirm.html", status=400, r=d,
                      error=f"Tick the box to confirm the {'rollback' if action == 'rollback' else 'promotion'}.")
    try:
        await controller.act(name, action, actor="dashboard", reason=reason)
    except UnknownRollout:
        return render(request, "not_found.html", status=404, what=f"No rollout named {name}.", back="/rollouts")
    except (InvalidTransition, Conflict) as exc:
        return render(request, "refused.html", status=409, reason=str(exc), back=back)
    except StoreError as exc:
        log.warning("rollout action failed", extra={"error": str(exc), "rollout": name, "action": action})
        return render(request, "refused.html", status=503, reason=f"The store is unavailable: {exc}", back=back)
    return see_other(back, action)
