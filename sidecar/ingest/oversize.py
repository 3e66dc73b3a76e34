"""Open records past `max_bytes`, and the limits a record's text is clipped to.

An open record larger than `max_bytes` is compacted: its first `max_bytes` (at a line
boundary) and a rolling tail are kept, so a never-ending record cannot grow memory. The raw text
of an event is clipped the same way whether the record was compacted or not (head + tail), and
then to `max_lines` lines (head + last lines, so the final exception line survives); a clipped
event is marked `truncated`. Limits never split a record: its offsets always cover all of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .formats import TB_BYTES, TextDialect
from .positions import PositionMap
from .rawrecord import TAIL_BYTES, Limits, RawRecord, clip


@dataclass(slots=True)
class OversizeRecord:
    """An open record past `max_bytes`: its head, a rolling tail, and what decides whether it is an event."""

    head: bytes
    offset: int
    line: int
    header: bool
    interesting: bool
    tail: bytes
    nbytes: int
    context: bytes = b""
    # An ERROR record whose own traceback (logger.exception) has not come yet: the first one that
    # comes is its own; any later unchained one is a crash of its own (see next_unintroduced_traceback).
    owns_next_traceback: bool = False
    # Opened by an error header or a traceback: only then can a chain sentence tie a later traceback
    # to it; in any other record every traceback at a line start is a crash of its own.
    opened_by_error: bool = False


class OversizeRecords(PositionMap):
    """The over-size half of multiline.TextScanner (a mixin: it works on the scanner's own state)."""

    d: TextDialect
    limits: Limits
    buf: bytes
    hist: bytes
    big: OversizeRecord | None
    _context: Callable[[bytes, int], bytes]  # the context lines before a record (TextScanner)

    def _compact(self) -> None:
        buf = self.buf
        off, line = self._map_start(buf, 0)
        first = next(iter(self.d.anchors(buf, 0, len(buf))), None)
        error = self.d.is_error_header(buf, 0)
        self.big = OversizeRecord(
            head=buf[: self.limits.max_bytes + 1],
            offset=off,
            line=line,
            header=self.d.header_at(buf, 0),
            interesting=first is not None,
            tail=buf[-TAIL_BYTES:],
            nbytes=len(buf),
            context=self._context(buf, 0),
            # After the first line: a message ending with the header text introduces nothing (formats.py).
            owns_next_traceback=error and buf.find(TB_BYTES, buf.find(b"\n") + 1 or len(buf)) < 0,
            opened_by_error=error or first == (0, True),
        )
        self.hist = b""
        self._rebase(buf, self.vend)
        self.buf = b""
        self.bv = self.vend

    def _feed_big(self, data: bytes, base: int, prev_end: int, out: list[RawRecord]) -> int:
        """Continue a compacted record; return where a new record starts in data, or -1."""
        big = self.big
        assert big is not None
        h = self.d.next_header(data, 0, len(data))
        u = self._crash_in_big(big, data, len(data) if h < 0 else h)
        if u >= 0:
            h = u  # a crash begins inside the over-size record: it ends there, as in _scan
        region = data if h < 0 else data[:h]
        if region:
            if not big.interesting:
                big.interesting = self.d.has_traceback(region, 0, len(region))
            big.tail = (big.tail + region[-TAIL_BYTES:])[-TAIL_BYTES:]
            big.nbytes += len(region)
        self.bv = base
        if h < 0:
            self._rebase(data, self.vend)
            self.bv = self.vend
            return -1
        end = prev_end if h == 0 else self._map_end(data, h)
        self._close_big(end, out)
        self._rebase(data, base + h)
        self.bv = base + h
        self.buf = b""
        return h

    def _crash_in_big(self, big: OversizeRecord, data: bytes, end: int) -> int:
        """Where in data[:end] a traceback no log record introduced begins, or -1 (the rule of
        TextDialect.next_unintroduced_traceback, for a record whose start was compacted away)."""
        i = data.find(TB_BYTES, 0, end)
        while i >= 0:
            if i == 0 or data[i - 1:i] == b"\n":
                if not big.opened_by_error:
                    return i
                probe = big.tail + data[:i]
                if not self.d.chained(probe, 0, len(probe)):
                    if not big.owns_next_traceback:
                        return i
                big.owns_next_traceback = False
            i = data.find(TB_BYTES, i + len(TB_BYTES), end)
        return -1

    def _close_big(self, end: int, out: list[RawRecord]) -> None:
        big = self.big
        assert big is not None
        self.big = None
        if big.interesting:
            text, _ = clip(big.head, big.tail, big.nbytes, self.limits)
            out.append(RawRecord(text, big.offset, end, big.line, big.header, True, big.context))
