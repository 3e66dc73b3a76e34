"""Alerts to chat channels and Alertmanager: routing, grouping, silences, a durable delivery outbox."""

from .component import Alerts

__all__ = ["Alerts"]
