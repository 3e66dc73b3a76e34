"""Errors of the metrics stage. Every error from outside (a target, a file, Prometheus) carries a
short machine `reason` used as a label on the sidecar's own metrics and in "no data" results."""

from __future__ import annotations

from ..exceptions import SidecarError


class MetricsError(SidecarError):
    """Base class of the metrics stage's errors."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


class ScrapeError(MetricsError):
    """A scrape failed; `reason` is one of timeout, connection, http_status, too_large, parse,
    bad_json, internal (a bug of ours, caught so scraping goes on). `series_limit` is also counted
    under sidecar_scrape_errors_total, for a successful scrape whose new series hit the cap."""


class ParseError(ScrapeError):
    """The body is not a valid exposition (or health JSON)."""

    def __init__(self, detail: str, reason: str = "parse") -> None:
        super().__init__(reason, detail)


class PromQLError(MetricsError):
    """A PromQL query failed or gave an unusable result."""


class HistoryReplaying(MetricsError):
    """A jsonl stream is still replaying its file's history (a replay longer than one read,
    follow.READ_BUDGET): its window lacks records it will hold a read or more later, so nothing
    measured from it now is a count of what happened. Raised rather than answered with a partial
    measurement: a rollout evaluation turns it into an `error` verdict and leaves the stage's
    totals as they were (stagetotals: neither settled nor carried on a window that is not whole;
    tests/rollout/test_replay_counts.py: 90 uploads counted twice when a carry was taken there)."""

    def __init__(self, stream: str) -> None:
        super().__init__("replaying", f"stream {stream!r} is still reading its history")
