"""`FileParser`'s per-line path (parser.py): input that is not plain UTF-8 split into lines one by one.

Non-UTF-8 encodings (UTF-16 with or without a BOM, a configured `encoding`), a UTF-8 BOM found past
offset 0 (encoding.py), and captures whose lines carry an export prefix (exportprefix.py): each
complete line is re-encoded to UTF-8 (LineTranscoder), its prefix cut, and mapped to its bytes by an
inexact piece. A mixin on the parser's own line-splitting state, like recordevents.RecordEvents.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .encoding import UTF8_BOM, FileEncoding, LineTranscoder
from .exportprefix import strip_export_prefix
from .rawrecord import Piece

if TYPE_CHECKING:
    from .record import ErrorEvent

TRUNCATION_MARK = b" [line truncated by sidecar: %d bytes]\n"


class TranscodedLines:
    """Lines of non-UTF-8 (or prefixed) input, on the parser's state (see the module docstring)."""

    _tc: LineTranscoder | None
    _raw: bytearray
    _raw_skip: int
    _prefix: re.Pattern[bytes]
    partial: bytearray
    partial_off: int
    offset: int
    limit: int
    line: int
    lines: int
    _truncated: int

    def _lines(self, data: bytes, pieces: list[Piece], end_off: int, end_line: int, out: list[ErrorEvent]) -> None:
        raise NotImplementedError  # FileParser's

    @staticmethod
    def _bom_in(chunk: bytes) -> bool:
        """Whether `chunk` holds a UTF-8 BOM: memchr for its first byte (rare in logs), then the search.
        (`UTF8_BOM in chunk` alone is a substring search over every byte: +0.5% of the parse's instructions.)"""
        i = chunk.find(0xEF)
        return i >= 0 and chunk.find(UTF8_BOM, i) >= 0

    def _to_line_path(self) -> None:
        """Read the rest of a UTF-8 file line by line (LineTranscoder), keeping the partial line."""
        self._tc = LineTranscoder(FileEncoding("utf-8", 0))
        self._raw = bytearray(self.partial)
        self.partial.clear()

    def _feed_transcoded(self, chunk: bytes, out: list[ErrorEvent]) -> None:
        """Non-UTF-8 input: each complete line re-encoded to UTF-8, an inexact piece mapping to its bytes."""
        tc = self._tc
        assert tc is not None
        data = bytes(self._raw) + chunk if self._raw else chunk
        lines, rest = tc.split(data, self._raw_skip % tc.unit)
        self.offset += len(chunk)
        cap = (self.limit + 1) * tc.unit
        if not lines:
            self._keep_partial(data, cap)
            return
        pieces: list[Piece] = []
        parts: list[bytes] = []
        v = 0
        line = self.line
        off = self.partial_off
        for i, (text, _pos, n) in enumerate(lines):
            text = strip_export_prefix(text, self._prefix)
            raw_len = n + (self._raw_skip if i == 0 else 0)
            if len(text) > self.limit + 1 or (i == 0 and self._raw_skip):
                text = text[: self.limit].rstrip(b"\r\n") + TRUNCATION_MARK % raw_len
                self._truncated += 1
            pieces.append(Piece(v, v + len(text), off, line, off + raw_len, exact=False))
            parts.append(text)
            v += len(text)
            off += raw_len
            line += 1
        self._raw_skip = 0
        self._raw = bytearray()
        self.lines += len(lines)
        self.line = line
        self.partial_off = off
        self._keep_partial(data[rest:], cap)
        self._lines(b"".join(parts), pieces, off, line, out)

    def _keep_partial(self, data: bytes, cap: int) -> None:
        """Hold a partial raw line, at most `cap` bytes of it (the rest is counted, not kept).

        Only whole code units are dropped: the bytes of a unit the read cut in two stay, so the
        newline that unit may begin (UTF-16 `\x00` + `\n`) is still found when the rest arrives.
        Dropping them lost the line's end, and with it the line, when a read ended mid-unit.
        """
        if len(data) <= cap:
            self._raw = bytearray(data)
        else:
            unit = self._tc.unit if self._tc is not None else 1
            drop = (len(data) - cap) // unit * unit  # cap is whole units from the line's start
            self._raw = bytearray(data[:cap] + data[cap + drop:])
            self._raw_skip += drop
