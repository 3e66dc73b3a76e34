"""SDK error events by release: the metrics source `sdk` that rollout gates can count.

The collect stage (sidecar/ingest/collect: Sentry envelopes and store requests, OTLP logs) hands
every error event it stored to `SdkErrors.add`, in process, at the moment the store accepted it.
A gate then measures, e.g., errors per second of release X against release Y:

    metric:      {source: sdk, function: rate, where: {release: "gateway@2.4.0"}}
    relative_to: {source: sdk, function: rate, where: {release: "gateway@2.3.9"}}

Decisions:
- Fields a `where` may name: release, environment, project (Sentry project id), service
  (OTLP service.name), level, sdk (sentry | otlp). Any other key is refused by `check_spec`, so
  a typo fails at start instead of measuring 0 forever.
- Time is arrival time on the sidecar's clock, not the SDK's `timestamp`: the stream is fed when
  the event is stored, so a window is always complete up to now and the SDK's clock cannot put
  events outside every window.
- An event counts once: a retried delivery (same Sentry event_id / OTLP record identity, the
  store's receipt key) is not counted again; the identities remembered are bounded.
- Zero events is a measurement (0), never "no data", and the source is never stale: it is fed in
  process, so "nothing arrived" means "no errors reported". A gateway whose SDK stopped sending
  reads as healthy here; the rollout's traffic gates (jsonl, scrape) carry freshness.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from .model import Measurement
from .recordwindow import RecordWindow

FIELDS = frozenset({"release", "environment", "project", "service", "level", "sdk"})
MAX_RECORDS = 200_000  # ~60 MB at most; evicting the oldest is counted in `evicted`
MAX_IDENTITIES = 50_000


class SdkErrors:
    """The in-process stream of SDK error events (bounded by count and age)."""

    def __init__(self, retention: float, max_records: int = MAX_RECORDS) -> None:
        self.window = RecordWindow(retention=retention, max_records=max_records)
        self._seen: OrderedDict[str, None] = OrderedDict()
        self.added = 0
        self.repeats = 0

    def add(self, record: Mapping[str, Any], t: float, identity: str = "") -> bool:
        """Count one stored SDK error event at time `t`; False for a repeat of `identity`."""
        if identity:
            if identity in self._seen:
                self._seen.move_to_end(identity)
                self.repeats += 1
                return False
            self._seen[identity] = None
            if len(self._seen) > MAX_IDENTITIES:
                self._seen.popitem(last=False)
        self.window.add(t, {k: str(v) for k, v in record.items() if k in FIELDS and v not in (None, "")})
        self.added += 1
        return True

    @staticmethod
    def check(where: Mapping[str, str]) -> list[str]:
        """Why a `where` over this source can never match (the hub checks the function)."""
        out = []
        unknown = sorted(set(where) - FIELDS)
        if unknown:
            out.append(f"source sdk cannot filter on {', '.join(unknown)} (fields: {', '.join(sorted(FIELDS))})")
        return out

    def measure(self, function: str, where: Mapping[str, str], start: float, end: float) -> Measurement:
        """Errors in (start, end] matching `where`: `count`, or `rate` per second."""
        self.window.prune(end)
        n = len(self.window.select(start, end, where))
        value = float(n) if function == "count" else n / max(end - start, 1e-9)
        return Measurement(value, count=n, newest=end)

    def status(self) -> dict[str, Any]:
        return {"records": len(self.window.records), "added": self.added, "repeats": self.repeats,
                "evicted": self.window.evicted}

