"""Helpers shared by the channel renderers: truncation to a channel's limits, summaries, times.

Renderers are pure: Notification (already redacted) -> JSON payload that fits the channel.
"""

from __future__ import annotations

from datetime import UTC, datetime

from .model import FIRING, Alert, Notification

ELLIPSIS = "…"


def cut(text: str, limit: int) -> str:
    """At most `limit` characters; a cut text ends with an ellipsis so readers know."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + ELLIPSIS


def iso(ts: float) -> str:
    """Epoch seconds -> RFC 3339 UTC with milliseconds (what Alertmanager and Discord accept)."""
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def headline(note: Notification) -> str:
    """One line for the whole notification: `[FIRING:3] New error: ...` (Alertmanager style)."""
    firing = note.firing
    if firing:
        first = firing[0].title
        more = f" (+{len(firing) - 1} more)" if len(firing) > 1 else ""
        word = "NOTICE" if all(a.one_shot for a in firing) else "FIRING"  # diagnoses, promotions
        return f"[{word}:{len(firing)}] {first}{more}"
    first = note.alerts[0].title if note.alerts else "alerts"
    more = f" (+{len(note.alerts) - 1} more)" if len(note.alerts) > 1 else ""
    return f"[RESOLVED] {first}{more}"


def status_word(alert: Alert) -> str:
    if alert.status == FIRING:
        return "notice" if alert.one_shot else "firing"
    return "resolved"
