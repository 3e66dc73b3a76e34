"""What was going on around an error group, for the LLM prompt (the rules never need it).

Event-time first/last seen and the per-minute rate, the other samples when they differ from the
latest, log lines of the same request/session, groups that began within minutes of this one, and
on a regression the previous diagnosis with the resolution note; recent changes: rollout steps
around first seen and the releases the group occurred in. Every value is read defensively
(a missing table or column gives less context, never no diagnosis) and bounded in count and size;
the prompt redacts it (prompt.py `_json_block`).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from typing import Any

from ..store.base import Store
from .model import DiagnosisInput, one_line

log = logging.getLogger(__name__)

NEARBY_WINDOW = timedelta(minutes=10)
MAX_NEARBY = 5
MAX_OTHER_SAMPLES = 3
MAX_LINKED_LINES = 8
MAX_TEXT = 300
RECENT_MINUTES = 15
CHANGES_BEFORE = timedelta(hours=1)  # a rollout step up to an hour before first seen may be the cause
CHANGES_AFTER = timedelta(minutes=5)
MAX_CHANGES = 8

_IDS = re.compile(r"\[req:(?P<req>[\w-]{4,})\]|\breq(?:uest)?[_ -]?id[=: ]+(?P<rid>[\w-]{6,})"
                  r"|\bsession[_ ]?(?:id)?[=: ]+(?P<sid>[0-9a-f][\w-]{3,})|\btask[=: ]+(?P<task>[\w.-]{4,})", re.I)


def linked_ids(inp: DiagnosisInput) -> set[str]:
    """Request/session/task ids named in the error record."""
    text = "\n".join([*inp.messages(), inp.traceback[-8192:]])
    return {v for m in _IDS.finditer(text) for v in m.groupdict().values() if v}


def linked_lines(inp: DiagnosisInput, ids: set[str]) -> list[str]:
    """Context lines that name one of `ids` (the same request/session/task), nearest last."""
    if not ids:
        return []
    out = [one_line(ln, MAX_TEXT) for ln in inp.context if any(i in ln for i in ids)]
    return out[-MAX_LINKED_LINES:]


def rate_per_minute(count: int, first: datetime | None, last: datetime | None) -> float | None:
    if first is None or last is None:
        return None
    minutes = max(1.0, (last - first).total_seconds() / 60.0)
    return round(count / minutes, 2)


async def gather(store: Store, inp: DiagnosisInput) -> dict[str, Any]:
    """The surroundings of `inp`'s group (see the module docstring); {} when nothing could be read."""
    out: dict[str, Any] = {
        "event_time": {
            "first_seen": inp.first_seen.isoformat() if inp.first_seen else None,
            "last_seen": inp.last_seen.isoformat() if inp.last_seen else None,
            "occurrences": inp.count,
            "per_minute_rate": rate_per_minute(inp.count, inp.first_seen, inp.last_seen),
        },
    }
    lines = linked_lines(inp, linked_ids(inp))
    if lines:
        out["same_request_lines"] = lines
    db = store.db
    try:
        rows = await db.fetchall(
            "SELECT minute, count FROM error_occurrences WHERE error_hash = ? ORDER BY minute DESC LIMIT ?",
            (inp.fingerprint, RECENT_MINUTES))
        if rows:
            out["event_time"]["recent_per_minute"] = {
                datetime.fromtimestamp(int(r["minute"]) * 60).strftime("%H:%M"): int(r["count"]) for r in reversed(rows)}
        samples = await db.fetchall(
            "SELECT message FROM error_samples WHERE error_hash = ? ORDER BY id DESC LIMIT 20", (inp.fingerprint,))
        others: list[str] = []
        for r in samples:
            msg = one_line(str(r["message"] or ""), MAX_TEXT)
            if msg and msg != one_line(inp.message, MAX_TEXT) and msg not in others:
                others.append(msg)
        if others:
            out["other_samples"] = others[:MAX_OTHER_SAMPLES]
        if inp.first_seen is not None:
            near = await db.fetchall(
                "SELECT error_hash, title, level, logger, created_at, occurrence_count FROM error_investigations "
                "WHERE created_at >= ? AND created_at <= ? AND error_hash != ? ORDER BY created_at LIMIT ?",
                (inp.first_seen - NEARBY_WINDOW, inp.first_seen + NEARBY_WINDOW, inp.fingerprint, MAX_NEARBY))
            if near:
                out["groups_started_nearby"] = [
                    {"title": one_line(str(r["title"] or ""), 160), "level": r["level"], "logger": r["logger"],
                     "first_seen": str(r["created_at"]), "count": r["occurrence_count"]} for r in near]
        if inp.regressions > 0:
            # the newest row is usually this regression's own rules answer: prefer the last LLM
            # answer, else the one before the newest
            recent = await db.fetchall(
                "SELECT source, category, result FROM diagnoses WHERE error_hash = ? ORDER BY id DESC LIMIT 5",
                (inp.fingerprint,))
            prev = next((r for r in recent if r["source"] != "rules"), recent[1] if len(recent) > 1 else None)
            note = await db.fetchone("SELECT resolution_notes FROM error_investigations WHERE error_hash = ?",
                                     (inp.fingerprint,))
            previous: dict[str, Any] = {}
            if prev is not None:
                result = prev["result"] if isinstance(prev["result"], dict) else {}
                previous["diagnosis"] = one_line(str(result.get("summary", "")), MAX_TEXT)
                previous["category"] = prev["category"]
                previous["source"] = prev["source"]
            if note is not None and note["resolution_notes"]:
                previous["resolution_note"] = one_line(str(note["resolution_notes"]), MAX_TEXT)
            if previous:
                out["previous_resolution"] = previous
    except Exception as exc:  # context is optional: a missing table/column never blocks a diagnosis
        log.debug("diagnosis surroundings incomplete", extra={"fingerprint": inp.fingerprint, "error": str(exc)})
    try:
        changes = await recent_changes(store, inp)
        if changes:
            out["recent_changes"] = changes
    except Exception as exc:
        log.debug("diagnosis recent changes unavailable", extra={"fingerprint": inp.fingerprint, "error": str(exc)})
    return out


async def recent_changes(store: Store, inp: DiagnosisInput) -> dict[str, Any]:
    """Rollout steps from an hour before first seen to 5 minutes after, and the group's releases."""
    out: dict[str, Any] = {}
    db = store.db
    if inp.first_seen is not None:
        rows = await db.fetchall(
            "SELECT rollout, at, action, from_state, to_state, from_percent, to_percent, actor FROM rollout_events "
            "WHERE at >= ? AND at <= ? ORDER BY at DESC, id DESC LIMIT ?",
            (inp.first_seen - CHANGES_BEFORE, inp.first_seen + CHANGES_AFTER, MAX_CHANGES))
        if rows:
            out["rollout_steps"] = [
                {"at": str(r["at"]), "rollout": one_line(str(r["rollout"]), 80), "action": r["action"],
                 "state": f"{r['from_state']} -> {r['to_state']}",
                 "percent": f"{r['from_percent']} -> {r['to_percent']}", "by": one_line(str(r["actor"] or ""), 80)}
                for r in reversed(rows)]
    releases = await db.fetchall(
        "SELECT release, count, first_seen FROM error_releases WHERE error_hash = ? ORDER BY first_seen LIMIT 5",
        (inp.fingerprint,))
    if releases:
        out["releases_of_this_group"] = [
            {"release": one_line(str(r["release"]), 120), "first_seen": str(r["first_seen"]), "count": r["count"]}
            for r in releases]
    return out
