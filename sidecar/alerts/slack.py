"""Slack incoming webhook: Block Kit blocks plus a `text` fallback (notifications, old clients).

Limits honoured (api.slack.com/reference/block-kit): 50 blocks per message, section text 3000
characters, header text 150, at most 10 section fields of 2000 characters each. Alerts beyond the
block budget are summarised as "and N more". Log text is escaped (&, <, >) so an error message
cannot ping `<!channel>` or forge links.
"""

from __future__ import annotations

import json
from typing import Any

from .model import FIRING, Alert, Notification
from .render import cut, headline, status_word

MAX_BLOCKS = 50
SECTION_TEXT = 3000
HEADER_TEXT = 150
FIELD_TEXT = 2000
MAX_FIELDS = 10
FALLBACK_TEXT = 3000
BLOCKS_BUDGET = 40_000  # characters of block JSON; Slack rejects very large messages (msg_too_long)
_EMOJI = {"critical": ":red_circle:", "error": ":large_orange_circle:", "warning": ":warning:",
          "info": ":information_source:"}


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link(url: str, label: str) -> str:
    # `|` and `>` end a Slack link; the label was escaped, the URL is ours.
    return f"<{url.replace('>', '%3E').replace('|', '%7C')}|{label.replace('|', '¦')}>"


def _section(alert: Alert) -> dict[str, Any]:
    mark = ":white_check_mark:" if alert.status != FIRING else _EMOJI.get(alert.severity, ":bell:")
    title = escape(cut(alert.title, 500))
    head = f"{mark} *{_link(alert.url, title) if alert.url else title}* ({status_word(alert)})"
    body = escape(alert.text)
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn",
                                                         "text": cut(f"{head}\n{body}" if body else head, SECTION_TEXT)}}
    fields = [{"type": "mrkdwn", "text": cut(f"*{escape(k)}*\n{escape(v)}", FIELD_TEXT)}
              for k, v in list(alert.fields.items())[:MAX_FIELDS]]
    if fields:
        block["fields"] = fields
    return block


def render(note: Notification) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": cut(headline(note), HEADER_TEXT), "emoji": True}},
    ]
    budget = MAX_BLOCKS - len(blocks) - 1  # keep one for the "and N more" context
    if len(note.alerts) <= budget + 1:
        budget += 1  # no "and N more" needed if everything fits
    size = 0
    shown = 0
    for alert in note.alerts[:budget]:
        section = _section(alert)
        size += len(json.dumps(section, ensure_ascii=False))
        if shown and size > BLOCKS_BUDGET:
            break
        blocks.append(section)
        shown += 1
    hidden = len(note.alerts) - shown
    if hidden:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": f"…and {hidden} more alert{'s' if hidden != 1 else ''} in this group"}]})
    fallback_lines = [headline(note)] + [f"• {a.title} ({status_word(a)})" for a in note.alerts[:20]]
    if len(note.alerts) > 20:
        fallback_lines.append(f"…and {len(note.alerts) - 20} more")
    return {"text": cut(escape("\n".join(fallback_lines)), FALLBACK_TEXT), "blocks": blocks}
