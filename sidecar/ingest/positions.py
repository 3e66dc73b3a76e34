"""Where a scanner's buffer positions are in the file: the virtual byte stream and its pieces.

The scanner sees a virtual byte stream (what it was fed) and maps positions back to
the file with `Piece`s: an exact piece is a run of the file fed unchanged (text logs: one piece
per read), an inexact piece stands for one line whose bytes differ from the file (a truncated
over-long line, or a line reassembled from Docker records) and maps to that line's file range.
"""

from __future__ import annotations

from bisect import bisect_right

from .rawrecord import Piece


class PositionMap:
    """The position half of multiline.TextScanner (a mixin: it works on the scanner's own state)."""

    pieces: list[Piece]
    bv: int  # virtual position of buf[0]
    vend: int  # virtual position of the end of what was fed
    end_off: int  # file offset / line of vend
    end_line: int
    _lc: tuple[int, int, int]  # newline-count cache: (piece vstart, buf pos, line)

    def _rebase(self, buf: bytes, nbv: int) -> None:
        bv = self.bv
        keep = [p for p in self.pieces if p.vend > nbv]
        if keep and keep[0].vstart < nbv:
            p = keep[0]
            if p.exact:
                p.line += buf.count(b"\n", p.vstart - bv, nbv - bv)
                p.off += nbv - p.vstart
            p.vstart = nbv
        self.pieces = keep

    # -- position mapping -------------------------------------------------------------------------
    def _piece(self, v: int) -> Piece:
        ps = self.pieces
        if len(ps) <= 4:  # a text log has one piece per read: no list to build for a bisection
            for p in reversed(ps):
                if p.vstart <= v:
                    return p
            return ps[0]
        i = bisect_right([p.vstart for p in ps], v) - 1
        return ps[max(i, 0)]

    def _map_start(self, buf: bytes, s: int) -> tuple[int, int]:
        v = self.bv + s
        if v >= self.vend:
            return self.end_off, self.end_line
        p = self._piece(v)
        if not p.exact:
            return p.off, p.line
        pv, ps, pl = self._lc
        if pv == p.vstart and ps <= s:
            line = pl + buf.count(b"\n", ps, s)
        else:
            line = p.line + buf.count(b"\n", p.vstart - self.bv, s)
        self._lc = (p.vstart, s, line)
        return p.off + (v - p.vstart), line

    def _map_end(self, buf: bytes, e: int) -> int:
        v = self.bv + e
        if v >= self.vend:
            return self.end_off
        p = self._piece(v - 1)
        return p.off + (v - p.vstart) if p.exact else p.end
