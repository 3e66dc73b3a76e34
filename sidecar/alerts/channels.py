"""Which payload a chat or webhook receiver gets for a group's notification (Alertmanager receivers are
posted per alert batch, sidecar/alerts/alertmanager.py)."""

from __future__ import annotations

from typing import Any

from ..config import ReceiverConfig
from . import discord, slack, teams, webhook
from .model import Notification


def render_for(receiver: ReceiverConfig, note: Notification, external_url: str) -> Any:
    if receiver.kind == "slack":
        return slack.render(note)
    if receiver.kind == "discord":
        return discord.render(note)
    if receiver.kind == "teams":
        return teams.render(note)
    if receiver.kind == "webhook":
        return webhook.render(note, receiver.name, external_url)
    raise ValueError(f"{receiver.kind} receivers are not notified per group")
