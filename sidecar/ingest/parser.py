"""One file's bytes in, `ErrorEvent`s out: the code path shared by `sidecar run` and `sidecar replay`.

`FileParser` owns everything between "bytes read at offset N" and "error events" (the last step,
records to events, in recordevents.py): splitting
complete lines (a partial last line waits for its newline), truncating over-long lines without
holding them in memory, detecting the format from the first lines, the format's scanner, and
building events. It does no I/O, so the tailer and replay detect exactly the same events, and the
resume point it reports (start of the open record, or of a partial line) is what the tailer
checkpoints once the events before it were accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from .blocks import BlockMerger
from .detect import detect_format
from .docker import DockerScanner
from .dockerlocal import LocalReader, looks_docker_local, may_be_local
from .encoding import SNIFF_BYTES, UTF8_BOM, FileEncoding, LineTranscoder, sniff
from .eventtime import zone
from .exportprefix import EXPORT_PREFIX, line_prefix
from .formats import TextDialect
from .jsonl import JsonScanner
from .multiline import TextScanner
from .rawrecord import Limits, Piece
from .receiptstream import ReceiptStream
from .record import ErrorEvent
from .recordevents import RecordEvents
from .sysdialect import SystemDialect, looks_system
from .tracebacks import looks_complete
from .transcoded import TRUNCATION_MARK, TranscodedLines

PREFIX_WAIT = 4096  # bytes of a first line to wait for before deciding how to read the file
_DETECT_MAX = 64 * 1024


@dataclass(frozen=True, slots=True)
class ParserOptions:
    format: str = "auto"  # auto | text | json | docker
    pattern: str | None = None
    max_line_bytes: int = 256 * 1024
    limits: Limits = Limits()
    encoding: str = "utf-8"  # configured; a BOM overrides it (encoding.sniff)
    timezone: str | None = None  # of timestamps printed without a zone (eventtime.zone)


class FileParser(RecordEvents, TranscodedLines):
    """Parse one file incrementally from `offset` (which must be a line start; `line` its number).

    Bytes to lines (encodings, partial and over-long lines), lines to records (format detection and
    the format's scanner) here; records to events in recordevents.py (a mixin on this state)."""

    def __init__(self, source: str, path: str, options: ParserOptions, offset: int = 0, line: int = 1,
                 file_key: str = "", dialect: TextDialect | None = None, head: bytes | None = None) -> None:
        """`head`: the file's first bytes, to decide its encoding when starting past offset 0."""
        self.source = source
        self.path = path
        self.file_key = file_key
        # The receipt stream names events by the bytes BEFORE `offset` (read by whoever read them to
        # the checkpoint) and then only by what `feed` gets: `head` is read at open, and the file can be
        # replaced in place before the first read (copytruncate or truncate, then writes past our
        # offset: at offset 0, or behind an empty identity, nothing looks truncated). Its bytes past
        # `offset` would name the NEW generation's events by the old one's first bytes, another name
        # than a replica that opened the file later gives them: stored twice (dev seed logrotate-442,
        # two replicas; tests/ingest/test_receipt_stream.py "another generation").
        self.receipts = ReceiptStream(ReceiptStream.prefix_of(file_key, f"{source}:{path}"), (head or b"")[:offset])
        self.options = options
        self.dialect = dialect or TextDialect(options.pattern, zone(options.timezone))
        self.limit = options.max_line_bytes
        # Line splitting state: bytes before `offset` are consumed; `partial` starts at partial_off.
        self.offset = offset  # file offset of the next byte to feed
        self.partial = bytearray()
        self.partial_off = offset
        self.line = line  # line number of the partial line / next line
        self.discarding = 0  # >0 while dropping the rest of an over-long line (bytes dropped so far)
        self.format: str | None = None if options.format == "auto" else options.format
        self.scanner: TextScanner | JsonScanner | DockerScanner | None = None
        # Complete lines waiting for format detection, their pieces and the (offset, line) after them.
        self.held = bytearray()
        self.held_pieces: list[Piece] = []
        self.held_end = (offset, line)
        # counters (the tailer turns them into telemetry)
        self.lines = 0
        self._truncated = 0  # physical lines over the limit; a docker scanner counts its own
        self.blocks = BlockMerger(options.limits.max_lines, options.limits.max_bytes)
        if self.format is not None:
            self.scanner = self._make_scanner(self.format)
        # Encoding: decided from the first SNIFF_BYTES at offset 0 (bytes wait in `_pre` meanwhile).
        self.encoding: FileEncoding | None = None
        self._pre = bytearray()
        self._tc: LineTranscoder | None = None
        self._prefix = EXPORT_PREFIX  # what is cut before each line on the per-line path
        self._raw = bytearray()  # non-UTF-8: the kept start of the partial line (raw bytes)
        self._raw_skip = 0  # non-UTF-8: bytes dropped from an over-long partial line after `_raw`
        self._local: LocalReader | None = None  # a Docker `local` driver file: entries, not lines
        if offset > 0:  # at offset 0 the stream itself is the head (a BOM is then skipped)
            self._decide_encoding(head or b"")

    # -- public -------------------------------------------------------------------------------
    def feed(self, chunk: bytes) -> list[ErrorEvent]:
        """Consume the next bytes of the file; return the events of records that closed."""
        out: list[ErrorEvent] = []
        self.receipts.extend(self.offset, chunk)
        if self.encoding is None:
            self._pre += chunk
            self.offset += len(chunk)
            # The encoding needs the first bytes; whether lines carry an export prefix, the first line.
            if len(self._pre) < SNIFF_BYTES or (b"\n" not in self._pre and len(self._pre) < PREFIX_WAIT) or (
                    may_be_local(self._pre)):
                return out
            chunk = self._start_encoding()
        if self._local is not None:
            self._feed_local(chunk, out)
            return self.blocks.push(out) if out or self.blocks.block is not None else out
        if self._tc is None and not self.discarding and (self._bom_in(chunk) or (
                self.partial and UTF8_BOM in bytes(self.partial[-2:]) + chunk[:2])):
            self._to_line_path()  # a BOM past offset 0 (encoding.py): cut from its line's text
        if self._tc is not None:
            self._feed_transcoded(chunk, out)
            return self.blocks.push(out) if out or self.blocks.block is not None else out
        step = self.limit
        if len(chunk) <= step:
            self._feed(chunk, out)
        else:
            for i in range(0, len(chunk), step):
                self._feed(chunk[i:i + step], out)
        return self.blocks.push(out) if out or self.blocks.block is not None else out

    def _feed_held(self, out: list[ErrorEvent]) -> None:
        """Bytes held while the encoding was undecided (too few to sniff a BOM): decided now, and fed."""
        if self.encoding is None and self._pre:
            chunk = self._start_encoding()
            if self._local is not None:
                self._feed_local(chunk, out)
            elif self._tc is not None:
                self._feed_transcoded(chunk, out)
            else:
                self._feed(chunk, out)

    def flush(self) -> list[ErrorEvent]:
        """Close the open record (multiline timeout, or end of input). A partial line stays."""
        out: list[ErrorEvent] = []
        self._feed_held(out)
        if self.scanner is None and self.held:
            self._decide(force=True, out=out)
        if self.scanner is not None:
            self._build(self.scanner.flush(), out)
        return self.blocks.push(out) + self.blocks.flush()

    def cut_line(self) -> bool:
        """Whether bytes after the last newline are held: a line written without its newline (yet)."""
        return self.encoding is not None and self._local is None and self.offset > self.partial_off

    def end(self, continuation: bytes = b"") -> list[ErrorEvent]:
        """No more bytes will come to this content: close the open record, and a partial last line too.

        For a generation that is over: the old content at a truncation, read to its end from the live
        file or the copy (rotation.restart); a rotated file let go after ROTATE_WAIT quiet
        (rotation.finish); a rotated name a glob keeps whose generation ended (copies.ended_generation). A
        process that printed without a newline (`print(..., end="")`, a handler's `terminator=""`) and was
        then rotated writes the rest elsewhere (copytruncate: the truncated live file; a handler's rollover:
        the new file) or after nobody reads (a rename, after ROTATE_WAIT); the written part was lost with
        the line (round 13: an ERROR header held as the partial line, never an event). Its text is what the
        file holds; its offsets stay the file's (the newline is not in it: `offset` and the events'
        `end_offset` are the file's end, the receipt stream its bytes read so far). A Docker `local`
        file's cut entry is not a line: it stays unread (dockerlocal.py).
        `continuation`: the rest of that line, where the writer went on (the next generation's first line,
        with its newline: continued.py); the line's text is then whole, its offsets still this file's."""
        out: list[ErrorEvent] = []
        self._feed_held(out)
        end = self.offset
        if self.cut_line():
            held = len(self.receipts.head)
            assert self.encoding is not None
            out += self.feed(continuation or "\n".encode(self.encoding.codec))
            del self.receipts.head[held:]
            self.offset = self.partial_off = end
        out += self.flush()
        for ev in out:
            ev.end_offset = min(ev.end_offset, end)
        return out

    def settle(self) -> list[ErrorEvent]:
        """Flush early if the open record already looks complete (low latency on quiet files)."""
        # JSON lines are complete records as read: that scanner never holds an open one.
        if self.scanner is None or isinstance(self.scanner, JsonScanner) or not self.scanner.pending():
            return []
        text = self.scanner.pending_text().decode("utf-8", "replace")
        if not text or not looks_complete(text.split("\n")):
            return []
        out: list[ErrorEvent] = []
        self._build(self.scanner.flush(), out)
        return self.blocks.push(out)  # an open TOOL CALL block still waits for its END or the timeout

    def pending(self) -> bool:
        return bool(self._pre) or bool(self.held) or self.blocks.block is not None or (
            self.scanner is not None and self.scanner.pending())

    def resume_point(self) -> tuple[int, int]:
        """(offset, line) where a restart must resume: nothing before it is still needed."""
        cands = [(self.partial_off, self.line)]
        block = self.blocks.open_offset()
        if block is not None:
            cands.append(block)
        if self.held:
            cands.append((self.held_pieces[0].off, self.held_pieces[0].line))
        if self.scanner is not None:
            cands.append(self.scanner.resume())
        return min(cands)

    @property
    def bad_lines(self) -> int:
        return getattr(self.scanner, "bad_lines", 0) + (self._local.bad if self._local is not None else 0)

    @property
    def truncated_lines(self) -> int:
        return self._truncated + getattr(self.scanner, "truncated_lines", 0)

    # -- line splitting -----------------------------------------------------------------------
    def _feed(self, chunk: bytes, out: list[ErrorEvent]) -> None:
        first = chunk.find(b"\n")
        if first < 0:
            self._add_partial(chunk)
            self.offset += len(chunk)
            return
        last = chunk.rfind(b"\n")
        pieces: list[Piece] = []
        parts: list[bytes] = []
        vpos = 0
        off = self.partial_off
        line = self.line
        if self.partial or self.discarding:
            head = chunk[: first + 1]
            total = len(self.partial) + self.discarding + len(head)
            if self.discarding or total > self.limit + 1:
                kept = bytes(self.partial[: self.limit]) if self.discarding else (bytes(self.partial) + head)[: self.limit]
                data = kept.rstrip(b"\r\n") + TRUNCATION_MARK % total
                pieces.append(Piece(0, len(data), off, line, off + total, exact=False))
                self._truncated += 1
                parts.append(data)
                vpos = len(data)
                body_start = first + 1
            else:
                parts.append(bytes(self.partial))
                vpos = len(self.partial)
                body_start = 0
            self.partial.clear()
            self.discarding = 0
        else:
            body_start = 0
        body = chunk[body_start: last + 1]
        nlines = chunk.count(b"\n", 0, last + 1)
        if body:
            body_off = self.offset + body_start
            if pieces:  # the truncated line consumed the first line of the chunk
                pieces.append(Piece(vpos, vpos + len(body), body_off, line + 1, body_off + len(body)))
            else:
                pieces.append(Piece(0, vpos + len(body), off, line, body_off + len(body)))
            parts.append(body)
        data = parts[0] if len(parts) == 1 else b"".join(parts)
        self.offset += len(chunk)
        self.lines += nlines
        self.line += nlines
        end_off = self.offset - (len(chunk) - last - 1)
        self.partial_off = end_off
        rest = chunk[last + 1:]
        if rest:
            self._add_partial(rest)
        self._lines(data, pieces, end_off, self.line, out)

    def _add_partial(self, data: bytes) -> None:
        if self.discarding:
            self.discarding += len(data)
            return
        room = self.limit + 1 - len(self.partial)
        if len(data) <= room:
            self.partial += data
        else:
            self.partial += data[:room]
            self.discarding = len(data) - room

    # -- encodings ----------------------------------------------------------------------------------
    def _decide_encoding(self, head: bytes) -> None:
        if self.options.format in ("auto", "docker") and looks_docker_local(head):
            # Binary entries (dockerlocal.py), decoded into the json-file path: before `sniff`, whose NUL
            # pattern would take the sizes' zero bytes for UTF-16.
            self.encoding = FileEncoding("utf-8", 0)
            self.format = "docker"
            self.scanner = self._make_scanner("docker")
            assert isinstance(self.scanner, DockerScanner)
            self._local = LocalReader(self.partial_off, self.scanner)
            return
        self.encoding = sniff(head, self.options.encoding)
        # A UTF-8 capture whose lines carry an export prefix takes the per-line path (where the
        # prefix is cut, exportprefix.strip_export_prefix) instead of the byte fast path.
        # Decided on the head as UTF-8 text (a UTF-16 capture's prefix is found too); a non-UTF-8
        # file whose head tells nothing keeps cutting the export prefixes line by line.
        prefix = None
        if self.options.format in ("auto", "text"):
            body = head[self.encoding.bom:]
            prefix = line_prefix(body if self.encoding.is_utf8 else LineTranscoder(self.encoding).decode(body))
        self._prefix = prefix or EXPORT_PREFIX
        self._tc = None if self.encoding.is_utf8 and prefix is None else LineTranscoder(self.encoding)

    def _start_encoding(self) -> bytes:
        """Decide from the bytes held at offset 0; return them (minus the BOM) to be fed."""
        data = bytes(self._pre)
        self._pre.clear()
        self._decide_encoding(data)
        assert self.encoding is not None
        self.offset -= len(data)  # fed again below, now for real
        bom = self.encoding.bom if self.offset == 0 else 0
        if bom:
            self.offset += bom
            self.partial_off = self.offset
            data = data[bom:]
        return data

    def _feed_local(self, chunk: bytes, out: list[ErrorEvent]) -> None:
        """A Docker `local` file (dockerlocal.LocalReader): its entries are its lines."""
        assert self._local is not None
        records, n = self._local.feed(chunk, self.line)
        self.offset += len(chunk)
        self.partial_off = self._local.start
        self.line += n
        self.lines += n
        if records:
            self._build(records, out)

    # -- format + scanner -----------------------------------------------------------------------
    def _make_scanner(self, fmt: str) -> TextScanner | JsonScanner | DockerScanner:
        limits = self.options.limits
        if fmt == "json":
            return JsonScanner(limits, self.dialect.tz)
        if fmt == "docker":
            return DockerScanner(self.dialect, limits, self.limit)
        return TextScanner(self.dialect, limits)

    def _lines(self, data: bytes, pieces: list[Piece], end_off: int, end_line: int, out: list[ErrorEvent]) -> None:
        if self.scanner is None:
            shift = len(self.held)
            self.held += data
            for p in pieces:
                self.held_pieces.append(Piece(p.vstart + shift, p.vend + shift, p.off, p.line, p.end, p.exact))
            self.held_end = (end_off, end_line)
            self._decide(force=False, out=out)
            return
        self._build(self.scanner.feed(data, pieces, end_off, end_line), out)

    def _decide(self, force: bool, out: list[ErrorEvent]) -> None:
        fmt = detect_format(bytes(self.held))
        if fmt is None and not force and len(self.held) < _DETECT_MAX:
            return
        self.format = fmt or "text"
        if self.format == "text" and not self.dialect.custom and looks_system(bytes(self.held), self.dialect):
            # Another program's log (syslog, journald, klog, ...): its records by the header cut
            # `sidecar fingerprint` uses (sysdialect.py). Only when the format was detected.
            self.dialect = SystemDialect(self.dialect.tz)
        self.scanner = self._make_scanner(self.format)
        data, pieces = bytes(self.held), self.held_pieces
        self.held = bytearray()
        self.held_pieces = []
        end_off, end_line = self.held_end
        self._build(self.scanner.feed(data, pieces, end_off, end_line), out)
