"""Alerting under an error storm: events -> alerts -> routes -> groups -> rendered payloads.

Measures, for a burst of N `group.new` events (distinct fingerprints, as a cascading outage makes):
- the pure path the Alerts component runs per event (map + redact + route + aggregate) and per
  flush (render Slack, Discord, Teams, webhook payloads), in events/s;
- how many messages leave per route, grouped, against the baseline of one message per event (what
  a notifier without grouping sends), and the time that baseline spends rendering them.

Usage: .venv/bin/python bench/alerts.py [--events 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from sidecar.alerts import discord, slack, teams, webhook
from sidecar.alerts.events import EventMapper
from sidecar.alerts.grouping import Aggregator
from sidecar.alerts.matchers import parse_matcher
from sidecar.alerts.model import Notification
from sidecar.alerts.rules import Route, routes_for
from sidecar.bus import BusEvent
from sidecar.redaction import redact

ROUTES = (
    Route("critical", ("slack",), (parse_matcher("severity=~critical|error"),), ("kind",), 30, 300, 14400, True),
    Route("all", ("hook",), (), ("kind",), 30, 300, 14400, False),
)
RENDER = (slack.render, discord.render, teams.render, lambda n: webhook.render(n, "hook", "http://s:8081"))


def events(n: int) -> list[BusEvent]:
    return [BusEvent("group.new", 1_763_900_000.0 + i * 10.0 / n, {
        "fingerprint": f"{i:016x}", "title": f"KeyError: 'file_id' in upload handler #{i}", "level": "ERROR",
        "logger": "ws_daemon", "exception_type": "KeyError", "count": 1,
        "message": f"upload failed for request {i}; api_key=sk-live-TESTONLY{i:020d}"}) for i in range(n)]


def grouped(evs: list[BusEvent]) -> tuple[float, float, int, int]:
    mapper = EventMapper("http://s:8081", redact)
    agg = Aggregator(ROUTES)
    t0 = time.perf_counter()
    for ev in evs:
        for alert in mapper.map(ev).fire:
            for route in routes_for(ROUTES, alert.labels):
                agg.add(alert, route, ev.at)
    t1 = time.perf_counter()
    notes = agg.flush_due(evs[-1].at + 60)
    size = 0
    for note in notes:
        for render in RENDER:
            size += len(json.dumps(render(note)))
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(notes), size


def naive(evs: list[BusEvent]) -> tuple[float, int, int]:
    """Baseline: one message per event and route, rendered for each channel (no grouping)."""
    mapper = EventMapper("http://s:8081", redact)
    t0 = time.perf_counter()
    messages = size = 0
    for ev in evs:
        for alert in mapper.map(ev).fire:
            for route in routes_for(ROUTES, alert.labels):
                note = Notification("k", route.name, route.receivers, {}, (alert,), "new", ev.at)
                for render in RENDER:
                    size += len(json.dumps(render(note)))
                messages += 1
    return time.perf_counter() - t0, messages, size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    evs = events(args.events)
    g_ingest, g_flush, n_base = [], [], []
    for _ in range(args.rounds):
        ingest, flush, messages, gsize = grouped(evs)
        g_ingest.append(ingest)
        g_flush.append(flush)
        base, base_messages, bsize = naive(evs)
        n_base.append(base)
    gi, gf, nb = statistics.median(g_ingest), statistics.median(g_flush), statistics.median(n_base)
    print(f"events: {args.events} group.new in 10 s, 2 routes, 4 channel renderers, {args.rounds} rounds (median)")
    print(f"grouped: map+redact+route+aggregate {gi * 1000:.1f} ms ({args.events / gi:,.0f} events/s); "
          f"flush+render {gf * 1000:.1f} ms; {messages} messages, {gsize / 1024:.0f} KiB of payload")
    print(f"baseline (one message per event): {nb * 1000:.1f} ms; {base_messages} messages, "
          f"{bsize / 1024:.0f} KiB of payload")
    print(f"ratio: messages {base_messages / messages:,.0f}x fewer; CPU {nb / (gi + gf):.1f}x less; "
          f"payload {bsize / gsize:,.0f}x smaller")


if __name__ == "__main__":
    main()
