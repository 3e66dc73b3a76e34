"""Alerts to chat channels and Alertmanager: routing, grouping, silences, a durable delivery outbox."""

from .component import Alerts, build

__all__ = ["Alerts", "build"]
