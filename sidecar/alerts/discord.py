"""Discord webhook: `content` plus one embed per alert, within Discord's limits.

Limits (discord.com/developers/docs/resources/message#embed-object-embed-limits): content 2000,
10 embeds, embed title 256, description 4096, 25 fields of name 256 / value 1024, footer 2048, and
6000 characters across all embeds of a message. `allowed_mentions: {parse: []}` keeps text from a
log line from pinging @everyone or roles.
"""

from __future__ import annotations

from typing import Any

from .model import FIRING, Alert, Notification
from .render import cut, headline, iso, status_word

CONTENT = 2000
MAX_EMBEDS = 10
TITLE = 256
DESCRIPTION = 4096
MAX_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
TOTAL = 6000
RED, ORANGE, YELLOW, BLUE, GREEN = 0x992D22, 0xE67E22, 0xF1C40F, 0x3498DB, 0x2ECC71
_COLOR = {"critical": RED, "error": ORANGE, "warning": YELLOW, "info": BLUE}


def embed_size(embed: dict[str, Any]) -> int:
    """Characters Discord counts toward the 6000 total."""
    n = len(embed.get("title", "")) + len(embed.get("description", ""))
    n += len(embed.get("footer", {}).get("text", "")) + len(embed.get("author", {}).get("name", ""))
    n += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return n


def _embed(alert: Alert, budget: int) -> dict[str, Any]:
    color = GREEN if alert.status != FIRING else _COLOR.get(alert.severity, RED)
    title = cut(alert.title, min(TITLE, max(budget, 1)))
    embed: dict[str, Any] = {"title": title, "color": color, "timestamp": iso(alert.ends_at or alert.starts_at)}
    if alert.url:
        embed["url"] = alert.url
    budget -= len(title)
    fields = []
    for name, value in list(alert.fields.items())[:MAX_FIELDS]:
        fname, fvalue = cut(name, FIELD_NAME), cut(value, FIELD_VALUE)
        if len(fname) + len(fvalue) > budget:
            break
        fields.append({"name": fname, "value": fvalue, "inline": len(fvalue) <= 40})
        budget -= len(fname) + len(fvalue)
    if fields:
        embed["fields"] = fields
    description = f"{status_word(alert)}\n{alert.text}" if alert.text else status_word(alert)
    if budget > 0:
        embed["description"] = cut(description, min(DESCRIPTION, budget))
    return embed


def render(note: Notification) -> dict[str, Any]:
    embeds: list[dict[str, Any]] = []
    remaining = TOTAL
    for i, alert in enumerate(note.alerts):
        if len(embeds) == MAX_EMBEDS or remaining < 64:
            break
        reserve = 64 if i < len(note.alerts) - 1 else 0  # room to say "and N more" is in content, not embeds
        embed = _embed(alert, remaining - reserve)
        embeds.append(embed)
        remaining -= embed_size(embed)
    hidden = len(note.alerts) - len(embeds)
    more = f"\n…and {hidden} more alert{'s' if hidden != 1 else ''} in this group" if hidden else ""
    content = cut(headline(note), CONTENT - len(more)) + more
    return {"content": content, "embeds": embeds, "allowed_mentions": {"parse": []}}
