"""Join physical lines into records and pick out the ones that are errors.

A record starts at a header line; every following line that is not a header (traceback lines,
chained-exception sentences, exception-group `| ` lines, `=== TOOL CALL FAILED ===` blocks,
multi-line messages) belongs to it. The scanner keeps only the open record between feeds; closed
records that are not errors are never copied or decoded.

Where positions map to the file: positions.py; records past `max_bytes`: oversize.py.
"""

from __future__ import annotations

from .formats import TextDialect
from .oversize import OversizeRecord, OversizeRecords
from .rawrecord import TAIL_BYTES, Limits, Piece, RawRecord, clip

CONTEXT_BYTES = 4096


class TextScanner(OversizeRecords):
    """Records of a Python-logging text stream, fed as complete lines; yields error-candidate records."""

    def __init__(self, dialect: TextDialect, limits: Limits) -> None:
        self.d = dialect
        self.limits = limits
        self.buf = b""
        self.bv = 0  # virtual position of buf[0]
        self.vend = 0
        self.pieces: list[Piece] = []
        self.hist = b""  # bytes just before buf (context lines)
        self.big: OversizeRecord | None = None
        self.end_off = 0  # file offset / line of vend
        self.end_line = 1
        self._lc: tuple[int, int, int] = (-1, 0, 0)  # newline-count cache: (piece vstart, buf pos, line)

    # -- feeding ----------------------------------------------------------------------------------
    def feed(self, data: bytes, pieces: list[Piece], end_off: int, end_line: int) -> list[RawRecord]:
        """Append `data` (complete lines) described by `pieces` (vstart/vend relative to data)."""
        base = self.vend
        prev_end = self.end_off
        for p in pieces:
            p.vstart += base
            p.vend += base
            self.pieces.append(p)
        self.vend += len(data)
        self.end_off, self.end_line = end_off, end_line
        self._lc = (-1, 0, 0)
        out: list[RawRecord] = []
        if self.big is not None:
            h = self._feed_big(data, base, prev_end, out)
            if h < 0:
                return out
            buf = data[h:]
        else:
            buf = self.buf + data if self.buf else data
        if not buf:
            self.buf = b""
            return out
        cut = self._last_record_start(buf)
        if cut > 0:
            self._scan(buf, cut, out)
            self._advance(buf, cut)
        else:
            self.buf = buf
        while len(self.buf) > self.limits.max_bytes:
            u = self.d.next_unintroduced_traceback(self.buf, 0, 0, len(self.buf))
            if u <= 0:
                self._compact()
                break
            # A crash begins inside the open record: the record ends there, as _scan would have
            # cut it had the next header arrived first; only the crash stays open. Without this
            # the over-size path glued the crash to the INFO line before it (and whether it did
            # depended on where reads split the file).
            buf = self.buf
            self._scan(buf, u, out)
            self._advance(buf, u)
        return out

    def flush(self) -> list[RawRecord]:
        """Close the open record (quiet file, or end of input)."""
        out: list[RawRecord] = []
        self._lc = (-1, 0, 0)
        if self.big is not None:
            self._close_big(self.end_off, out)
        elif self.buf:
            buf = self.buf
            self._scan(buf, len(buf), out)
            self._advance(buf, len(buf))
        return out

    def pending(self) -> bool:
        return self.big is not None or bool(self.buf)

    def pending_text(self) -> bytes:
        if self.big is not None:
            return self.big.tail
        return self.buf[-TAIL_BYTES:]

    def resume(self) -> tuple[int, int]:
        """File (offset, line) where reading must restart so nothing open is lost."""
        if self.big is not None:
            return self.big.offset, self.big.line
        if self.buf:
            return self._map_start(self.buf, 0)
        return self.end_off, self.end_line

    # -- record boundaries ------------------------------------------------------------------------
    def _last_record_start(self, buf: bytes) -> int:
        """Largest header line start > 0 in buf, or 0 (buf[0] always starts a record)."""
        pos = len(buf) - 1
        header_at = self.d.header_at
        for _ in range(64):
            nl = buf.rfind(b"\n", 0, pos)
            if nl < 0:
                return 0
            if header_at(buf, nl + 1):
                return nl + 1
            pos = nl
        last = 0
        for h in self.d.headers(buf, 1, len(buf)):
            if h > 0:
                last = h
        return last

    def _record_start(self, buf: bytes, a: int, lo: int) -> int:
        """Start of the record containing line start `a` (not before `lo`, itself a record start)."""
        header_at = self.d.header_at
        pos = a
        while pos > lo:
            nl = buf.rfind(b"\n", lo, pos - 1)
            start = nl + 1 if nl >= 0 else lo
            if start <= lo:
                return lo
            if header_at(buf, start):
                return start
            pos = start
        return lo

    def _scan(self, buf: bytes, cut: int, out: list[RawRecord]) -> None:
        """Emit every error-candidate record that lies wholly in buf[0:cut] (cut is a record start)."""
        done = 0
        d = self.d
        anchors = list(d.anchors(buf, 0, cut))
        for k, (a, is_tb) in enumerate(anchors):
            if a < done:
                continue
            s = a
            if is_tb:
                s = self._record_start(buf, a, done)
                if s != a and not d.is_error_header(buf, s):
                    s = a  # an uncaught traceback after an INFO/WARNING record: its own record
            le = buf.find(b"\n", a, cut) + 1 or cut
            if k + 1 < len(anchors) and anchors[k + 1] == (le, False):
                if not is_tb:  # a run of one-line error records: emitted together
                    done = self._one_line_run(buf, anchors, k, cut, out)
                    continue
                e = le  # the next line is an error header: no search needed
            elif not is_tb and le < cut and d.header_at(buf, le):
                # A one-line error record before an INFO/WARNING record (the usual interleaving).
                done = self._one_line_run(buf, anchors, k, cut, out)
                continue
            else:
                e = d.next_header(buf, le, cut)
                if e < 0:
                    e = cut
            u = d.next_unintroduced_traceback(buf, s, le, e)
            if u > 0:
                e = u  # another crash begins inside this record (stderr interleaved with stdout)
            # An error-level anchor is a header line (its pattern is a narrowing of the header's).
            out.append(self._record(buf, s, e, True if s == a and not is_tb else None))
            done = e

    def _one_line_run(self, buf: bytes, anchors: list[tuple[int, bool]], k: int, cut: int,
                      out: list[RawRecord]) -> int:
        """Emit the run of one-line error records that starts at header anchor `k`; return where it ends.

        The caller saw that the line after anchor `k` starts a header (an error one, or any other
        level). Errors in a storm are one-line records, each followed by another header: an error's,
        or an INFO/WARNING record's between them. Such a record needs none of `_scan`'s searches
        (its end is the next line; no traceback can start inside one line) and, within one exact
        piece, none of the position mapping: offsets are the piece's plus the buffer position, line
        numbers are counted from the record before. It is the same RawRecord `_record` builds
        (unclipped: one line, under max_bytes). The run goes on from error header to error header
        while each one's next line is a header; anything else ends it, and the caller handles that
        record the general way. Lines between two errors belong to non-error records: skipped, as
        `_scan` skips them.
        """
        s = anchors[k][0]
        le = buf.find(b"\n", s, cut) + 1 or cut
        p = self._piece(self.bv + s)
        if not p.exact or self.limits.max_lines < 1:
            out.append(self._record(buf, s, le, True))
            return le
        base = p.off - p.vstart + self.bv  # file offset of buffer position 0 within p
        stop = min(p.vend, self.vend - 1) - self.bv  # records ending past this leave p (or end the stream)
        max_bytes = self.limits.max_bytes
        context = self._context
        header_at = self.d.header_at
        line = self._map_start(buf, s)[1]
        n = len(anchors)
        first, first_end = s, le
        end = -1
        while True:
            if le > stop or le - s > max_bytes:
                break
            nxt = anchors[k + 1] if k + 1 < n else None
            if nxt is not None and nxt[0] == le:
                if nxt[1]:
                    break  # a traceback follows: the record is not one line
            elif not (le < cut and header_at(buf, le)):
                break
            out.append(RawRecord(buf[s:le], base + s, base + le, line, True, False, context(buf, s)))
            self._lc = (p.vstart, s, line)
            end = le
            if nxt is None or nxt[1]:
                break
            line += 1 + (buf.count(b"\n", le, nxt[0]) if nxt[0] > le else 0)
            s = nxt[0]
            k += 1
            le = buf.find(b"\n", s, cut) + 1 or cut
        if end < 0:  # not even the first record fitted the fast path
            out.append(self._record(buf, first, first_end, True))
            return first_end
        return end

    def _record(self, buf: bytes, s: int, e: int, header: bool | None = None) -> RawRecord:
        off, line = self._map_start(buf, s)
        end = self._map_end(buf, e)
        # The tail matters only to a record over max_bytes: no copy of up to 8 KiB for every event.
        tail = buf[max(s, e - TAIL_BYTES):e] if e - s > self.limits.max_bytes else b""
        text, truncated = clip(buf[s:e], tail, e - s, self.limits)
        if header is None:
            header = self.d.header_at(buf, s)
        return RawRecord(text, off, end, line, header, truncated, self._context(buf, s))

    def _context(self, buf: bytes, s: int) -> bytes:
        """The (at most `context_lines`) complete lines of the CONTEXT_BYTES before `s`."""
        n = self.limits.context_lines
        if n <= 0:
            return b""
        if s < CONTEXT_BYTES and self.hist:
            before = self.hist[-(CONTEXT_BYTES - s):] + buf[:s]
            lines = before.split(b"\n")
            return b"\n".join(lines[-n - 1:-1]) if len(lines) > 1 else b""
        # The same lines, from the window's right end: rsplit with maxsplit n splits off only the
        # last n lines (no split of the window's ~50), and replaced n + 1 rfind calls whose argument
        # parsing cost more than their search (bench/ingest_callgrind.py, bench/RESULTS.md round 11).
        lo = max(0, s - CONTEXT_BYTES)
        end = buf.rfind(b"\n", lo, s)
        if end < 0:
            return b""
        window = buf[lo:end]
        parts = window.rsplit(b"\n", n)
        return window if len(parts) <= n else window[len(parts[0]) + 1:]

    def _advance(self, buf: bytes, cut: int) -> None:
        """Drop buf[:cut] (closed records) and rebase the pieces onto the new start."""
        self.hist = buf[max(0, cut - CONTEXT_BYTES):cut] if cut >= CONTEXT_BYTES else (self.hist + buf[:cut])[-CONTEXT_BYTES:]
        nbv = self.bv + cut
        self._rebase(buf, nbv)
        self.buf = buf[cut:]
        self.bv = nbv

