"""Docker json-file logs: `{"log": "...\\n", "stream": "stderr", "time": "..."}`, one record per line.

The `local` driver's entries come here too, decoded (dockerlocal.py, `feed_entries`): the same messages.

Each stream (stdout/stderr) is reassembled separately: a record whose `log` has no trailing
newline is the first part of a longer line (Docker splits at 16 KiB), and the inner lines then go
through the same scanners as a plain file (text or JSON, detected per stream from its first
lines). Positions of inner lines map back to the outer file: an inner line's offset and line
number are those of the Docker record where it started, its end is the end of the record where
it finished.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .bounded import put_bounded
from .detect import detect_format
from .dockerlocal import LocalEntry
from .formats import TextDialect
from .jsonl import JsonRecord, JsonScanner
from .multiline import TextScanner
from .rawrecord import Limits, Piece, RawRecord

_TB_START = "Traceback (most recent call last):"
_MAX_TB_TIMES = 1024


@dataclass
class _Stream:
    scanner: TextScanner | JsonScanner | None = None
    partial: list[str] = field(default_factory=list)
    partial_off: int = -1
    partial_line: int = 0
    held: list[tuple[bytes, Piece]] = field(default_factory=list)  # lines waiting for format detection


class DockerScanner:
    def __init__(self, dialect: TextDialect, limits: Limits, max_line_bytes: int) -> None:
        self.dialect = dialect
        self.limits = limits
        self.max_line_bytes = max_line_bytes
        self.streams: dict[str, _Stream] = {}
        self.end_off = 0
        self.end_line = 1
        self.bad_lines = 0
        self.truncated_lines = 0
        # Docker's `time` of records that start a traceback: an excepthook traceback on stderr has
        # no log header, so this is its event time (bounded: only such lines, oldest dropped first).
        self._tb_times: dict[int, str] = {}

    def _stream(self, name: str) -> _Stream:
        st = self.streams.get(name)
        if st is None:
            st = self.streams[name] = _Stream()
        return st

    def feed(self, data: bytes, pieces: list[Piece], end_off: int, end_line: int) -> list[RawRecord | JsonRecord]:
        self.end_off, self.end_line = end_off, end_line
        batches: dict[str, list[tuple[bytes, Piece]]] = {}
        for outer in pieces:
            pos = outer.vstart
            off = outer.off
            line = outer.line
            segment = data[outer.vstart:outer.vend]
            for raw in segment.split(b"\n")[:-1] if outer.exact else [segment.rstrip(b"\n")]:
                n = len(raw) + 1
                rec_end = off + n if outer.exact else outer.end
                self._record(raw, off, line, rec_end, batches)
                pos += n
                off += n
                line += 1
        return self._feed_batches(batches)

    def _feed_batches(self, batches: dict[str, list[tuple[bytes, Piece]]]) -> list[RawRecord | JsonRecord]:
        out: list[RawRecord | JsonRecord] = []
        for name, lines in batches.items():
            out.extend(self._feed_stream(self._stream(name), lines))
        out.sort(key=lambda r: r.offset)
        return out

    def _record(self, raw: bytes, off: int, line: int, end: int, batches: dict[str, list[tuple[bytes, Piece]]]) -> None:
        if not raw.strip():
            return
        try:
            rec = json.loads(raw)
            log = rec["log"]
            name = str(rec.get("stream") or "stdout")
            if not isinstance(log, str):
                raise TypeError("log is not a string")
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            self.bad_lines += 1
            return
        time = rec.get("time")
        self._message(log, name, time if isinstance(time, str) else None, off, line, end, batches)

    def feed_entries(self, entries: list[LocalEntry], first_line: int, end_off: int) -> list[RawRecord | JsonRecord]:
        """Docker `local` driver entries (dockerlocal.py), the k-th numbered as line first_line + k."""
        self.end_off, self.end_line = end_off, first_line + len(entries)
        batches: dict[str, list[tuple[bytes, Piece]]] = {}
        for k, e in enumerate(entries):
            self._message(e.log, e.stream, e.time, e.off, first_line + k, e.end, batches)
        return self._feed_batches(batches)

    def _message(self, log: str, name: str, time: str | None, off: int, line: int, end: int,
                 batches: dict[str, list[tuple[bytes, Piece]]]) -> None:
        """One message of a stream (json-file's record, or a `local` entry): a line, or a part of one."""
        st = self._stream(name)
        if st.partial_off < 0:
            st.partial_off, st.partial_line = off, line
            if log.startswith(_TB_START) and time is not None:
                put_bounded(self._tb_times, off, time, _MAX_TB_TIMES)
        if log.endswith("\n"):
            st.partial.append(log)
            text = "".join(st.partial)
            st.partial = []
            inner = text.encode("utf-8", "replace")
            if len(inner) > self.max_line_bytes + 1:
                inner = inner[: self.max_line_bytes] + b" [line truncated by sidecar]\n"
                self.truncated_lines += 1
            piece = Piece(0, len(inner), st.partial_off, st.partial_line, end, exact=False)
            batches.setdefault(name, []).append((inner, piece))
            st.partial_off = -1
        else:
            if sum(len(p) for p in st.partial) < self.max_line_bytes:
                st.partial.append(log)

    def _feed_stream(self, st: _Stream, lines: list[tuple[bytes, Piece]]) -> list[RawRecord | JsonRecord]:
        if st.scanner is None:
            st.held.extend(lines)
            fmt = detect_format(b"".join(d for d, _ in st.held))
            if fmt is None:
                return []
            st.scanner = JsonScanner(self.limits, self.dialect.tz) if fmt in ("json", "docker") else TextScanner(self.dialect, self.limits)
            lines, st.held = st.held, []
        data = bytearray()
        pieces = []
        for inner, p in lines:
            p.vstart, p.vend = len(data), len(data) + len(inner)
            data += inner
            pieces.append(p)
        last = pieces[-1]
        return list(st.scanner.feed(bytes(data), pieces, last.end, last.line + 1))

    def time_at(self, offset: int) -> str | None:
        """Docker's `time` of the record at `offset` if it started a traceback (see __init__)."""
        return self._tb_times.pop(offset, None)

    def flush(self) -> list[RawRecord | JsonRecord]:
        out: list[RawRecord | JsonRecord] = []
        for st in self.streams.values():
            if st.scanner is not None:
                out.extend(st.scanner.flush())
        out.sort(key=lambda r: r.offset)
        return out

    def pending(self) -> bool:
        return any((st.scanner is not None and st.scanner.pending()) or st.held for st in self.streams.values())

    def pending_text(self) -> bytes:
        texts = [st.scanner.pending_text() for st in self.streams.values()
                 if isinstance(st.scanner, TextScanner) and st.scanner.pending()]
        return texts[0] if len(texts) == 1 else b""

    def resume(self) -> tuple[int, int]:
        best = (self.end_off, self.end_line)
        for st in self.streams.values():
            cands = []
            if st.partial_off >= 0:
                cands.append((st.partial_off, st.partial_line))
            if st.held:
                cands.append((st.held[0][1].off, st.held[0][1].line))
            if st.scanner is not None and st.scanner.pending():
                cands.append(st.scanner.resume())
            for c in cands:
                if c[0] < best[0]:
                    best = c
        return best
