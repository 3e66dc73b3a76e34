"""Pure presentation helpers for the dashboard: sparklines, times, pages, traceback lines.

Everything here is a function of its arguments (no I/O, no clock reads), so the templates stay
dumb and these decisions are unit-tested without a server.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

SPARK_WIDTH = 120
SPARK_HEIGHT = 24


@dataclass(frozen=True, slots=True)
class Sparkline:
    """An inline SVG polyline: `points` in a `width` x `height` viewBox, plus the figures it shows."""

    points: str
    area: str
    width: int
    height: int
    total: int
    peak: int
    buckets: int


def bucket_counts(rows: Iterable[tuple[int, int]], end_minute: int, minutes: int, buckets: int) -> list[int]:
    """Sum per-minute (minute, count) rows into `buckets` equal bins ending at `end_minute` (inclusive).

    Rows outside the window are ignored. `minutes` must be a multiple of `buckets` for equal bins;
    otherwise the last bins absorb the remainder.
    """
    buckets = max(1, min(buckets, minutes))
    out = [0] * buckets
    start = end_minute - minutes + 1
    for minute, count in rows:
        if start <= minute <= end_minute:
            out[min(buckets - 1, (minute - start) * buckets // minutes)] += int(count)
    return out


def sparkline(values: Sequence[int], width: int = SPARK_WIDTH, height: int = SPARK_HEIGHT) -> Sparkline:
    """Scale counts into SVG points; a flat zero series draws a baseline, not an empty box.

    Coordinates are integers in a viewBox ten times the nominal size (CSS sets the displayed
    size): integer formatting keeps a 50-row page's sparklines cheap to render.
    """
    n = len(values)
    peak = max(values, default=0)
    w, h = width * 10, height * 10
    pad = 15  # keep the stroke inside the box
    usable = h - 2 * pad
    last = max(1, n - 1)
    points = " ".join(
        f"{(i * w) // last if n > 1 else 0},{h - pad - (usable * v // peak if peak else 0)}"
        for i, v in enumerate(values)
    )
    area = f"0,{h} {points} {w},{h}" if points else ""
    return Sparkline(points, area, w, h, sum(values), peak, n)


@dataclass(frozen=True, slots=True)
class Bars:
    """A bar sparkline (one bar per bucket) in a `width` x `height` viewBox, plus its figures."""

    bars: tuple[tuple[int, int, int, int], ...]  # x, y, width, height of each non-empty bucket
    width: int
    height: int
    total: int
    peak: int
    buckets: int


def bars(values: Sequence[int], width: int = SPARK_WIDTH, height: int = SPARK_HEIGHT) -> Bars:
    """Counts as bars on a square-root scale with a visible minimum: one event in an hour of a
    day-long sparkline is a bar you can see next to a 500-event peak, not a one-pixel tick, and
    an empty hour has no bar at all (the list's 24 h column reads "when", then "how much")."""
    n = len(values)
    peak = max(values, default=0)
    w, h = width * 10, height * 10
    slot = w // max(1, n)
    gap = max(1, slot // 6)
    low = h // 5  # the shortest bar for a non-zero bucket
    out = []
    for i, value in enumerate(values):
        if value <= 0 or peak <= 0:
            continue
        bar_h = low + int((h - low) * (value / peak) ** 0.5)
        out.append((i * slot, h - bar_h, slot - gap, bar_h))
    return Bars(tuple(out), w, h, sum(values), peak, n)


def minute_of(ts: float) -> int:
    return int(ts // 60)


def as_datetime(value: Any) -> datetime | None:
    """Accept the store's aware datetimes, epoch floats or ISO text; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(float(value), UTC)
    try:
        dt = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def fmt_time(value: Any) -> str:
    dt = as_datetime(value)
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if dt else "—"


def ago(value: Any, now: float) -> str:
    """'42 s ago', '5 min ago', '3 h ago', '2 d ago' (or 'in …' for a time ahead of `now`)."""
    dt = as_datetime(value)
    if dt is None:
        return "never"
    delta = now - dt.timestamp()
    future = delta < 0
    delta = abs(delta)
    if delta < 60:
        text = f"{int(delta)} s"
    elif delta < 3600:
        text = f"{int(delta // 60)} min"
    elif delta < 86400:
        text = f"{int(delta // 3600)} h"
    else:
        text = f"{int(delta // 86400)} d"
    return f"in {text}" if future else f"{text} ago"


def fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def fmt_bytes(value: Any) -> str:
    """1536 -> '1.5 KiB'; None -> '—'."""
    try:
        n = float(value)
    except (TypeError, ValueError):
        return "—"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def fmt_percent(value: Any) -> str:
    """12.5 -> '12.5%', 10.0 -> '10%'; None -> '—'."""
    try:
        return f"{float(value):.3g}%"
    except (TypeError, ValueError):
        return "—"


def fmt_count(n: Any) -> str:
    try:
        v = int(n)
    except (TypeError, ValueError):
        return "—"
    if v >= 1_000_000:
        return f"{v / 1_000_000:.1f}M"
    if v >= 10_000:
        return f"{v / 1000:.0f}k"
    return f"{v:,}"


@dataclass(frozen=True, slots=True)
class Pager:
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def first_item(self) -> int:
        return 0 if self.total == 0 else self.offset + 1

    @property
    def last_item(self) -> int:
        return min(self.total, self.offset + self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def clamp_int(raw: str | None, default: int, lo: int, hi: int) -> int:
    try:
        value = int(raw) if raw not in (None, "") else default
    except ValueError:
        value = default
    return max(lo, min(hi, value))


def query_url(path: str, params: Mapping[str, Any], **changes: Any) -> str:
    """`path?params` with `changes` applied; empty values are dropped so URLs stay short."""
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "") and not (k == "page" and str(v) == "1")}
    return f"{path}?{urlencode(kept)}" if kept else path


_FRAME_LINE = re.compile(r'^\s*File "(?P<file>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.*))?$')


@dataclass(frozen=True, slots=True)
class TraceLine:
    text: str
    kind: str  # header | frame | code | exception | text
    in_app: bool = False


def traceback_lines(raw: str, in_app: Callable[[str], bool]) -> list[TraceLine]:
    """Split a raw record into lines classed for display: the source line after an application
    frame is marked in-app too, so the whole frame stands out, not only its `File ...` line."""
    out: list[TraceLine] = []
    lines = raw.splitlines()
    prev_frame_in_app: bool | None = None
    for i, text in enumerate(lines):
        m = _FRAME_LINE.match(text)
        if i == 0:
            out.append(TraceLine(text, "header"))
            prev_frame_in_app = None
        elif m:
            app = in_app(m.group("file"))
            out.append(TraceLine(text, "frame", app))
            prev_frame_in_app = app
        elif prev_frame_in_app is not None and text.startswith("    "):
            out.append(TraceLine(text, "code", prev_frame_in_app))
            prev_frame_in_app = None
        elif text and not text.startswith((" ", "\t")) and text != "Traceback (most recent call last):":
            out.append(TraceLine(text, "exception"))
            prev_frame_in_app = None
        else:
            out.append(TraceLine(text, "text"))
            prev_frame_in_app = None
    return out


def safe_next(raw: str | None, default: str = "/") -> str:
    """Only same-site paths may be redirect targets (the rules live in web/guard.py)."""
    from ..guard import safe_next as guarded

    return guarded(raw, default)
