"""Following JSONL files by polling: the complete lines appended since the last poll.

Files are read through ingest's `FileHandle` (sidecar/ingest/handle.py: one owner per descriptor,
reads by offset, a closed handle can never read another file's descriptor). The rest of ingest's
tailer is not reused, on purpose: it is built around durable checkpoints (device:inode:head-hash
identities, written only after the store accepted the events), multiline records, encodings and
at-least-once delivery of `ErrorEvent`s to a sink, none of which a metrics window wants; the
window needs "new complete lines since the last poll" and is rebuilt from the file's recent past
at start. So this follower polls the file size, keeps the handle open so the end of a rotated file
is still read, reopens when the inode changes, restarts at 0 when the file shrinks or its last
bytes changed (truncation), buffers a partial last line, and skips lines longer than
`max_line_bytes`. What it saw (rotations, errors, missing files, lines too long) is returned with
the lines, for the stream (jsonl.py) to count and log.
"""

from __future__ import annotations

import glob
import os
from collections import OrderedDict
from dataclasses import dataclass, field

from ..config import JsonlStream
from ..ingest.handle import FileHandle

HEAD = 128  # bytes that identify a file's content: a rotated or copied file starts with them too
KNOWN_HEADS = 256  # files remembered by their head (bounded)
READ_BUDGET = 8 * 1024 * 1024  # bytes per file per poll: bounds the time one poll can take
TAIL_CHECK = 64  # bytes before the read offset re-read each poll: a file rewritten in place is noticed
# `start_at: end` still reads this much of a file's end at start (from a line start): the records of
# the last `max_lateness` seconds are late records, not history (jsonl.py keeps only those). A
# sidecar restarted (or SIGKILLed) mid-stage would otherwise lose every request written between its
# last evaluation and its first read. 4 MB: ~16,000 gateway records, minutes at any real rate.
LOOKBACK = 4 * 1024 * 1024
# Lines longer than `max_line_bytes` (skipped when read) do not count toward the lookback: one 10 MB
# junk line written just before a restart pushed every record of the lateness bound out of a 4 MB
# byte lookback (generated scenario 9805: 11 uploads lost). The scan back is bounded by this.
LOOKBACK_SCAN = 64 * 1024 * 1024


@dataclass(slots=True)
class _File:
    """One followed file: its open handle, identity (device, inode) and read position."""

    path: str
    fh: FileHandle
    ino: tuple[int, int]
    offset: int
    partial: bytearray = field(default_factory=bytearray)
    skipping: bool = False  # inside a line longer than the limit: drop until the next newline
    tail: bytes = b""  # the last bytes read: still there at the next poll unless the file was rewritten
    head: bytes | None = None  # the first HEAD bytes, once the file has that many


@dataclass(slots=True)
class LinesRead:
    """What one read of the stream's files found."""

    lines: list[bytes] = field(default_factory=list)
    bytes_read: int = 0
    too_long: int = 0
    rotations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    more: bool = False  # a file has more to read than this read's budget
    mtime: float | None = None  # the newest modification time among the files (our clock: the last write)
    # Which file each run of `lines` came from: (first index, end index, path, its modification time).
    # Each file has its own writer, and each writer its own clock (jsonl.py keeps a skew per writer).
    sources: list[tuple[int, int, str, float | None]] = field(default_factory=list)


class LineFollower:
    """Follows the files of one `JsonlStream` (paths or glob patterns) from poll to poll."""

    def __init__(self, config: JsonlStream) -> None:
        self.config = config
        self.files: dict[str, _File] = {}
        # head bytes -> how far a file starting with them was read. A glob (`metrics.jsonl*`) also
        # matches the file rotated away by rename (same content under a new name) and the copy
        # copytruncate leaves: both start where the followed file started, and were read that far
        # (the copy may hold a few lines more: written after our last read, before the truncation).
        self._heads: OrderedDict[bytes, int] = OrderedDict()

    def _paths(self, read: LinesRead) -> list[str]:
        found: list[str] = []
        for pattern in self.config.paths:
            matched = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
            if not matched:
                read.missing.append(pattern)
            found.extend(p for p in matched if p not in found)
        return found

    def _open(self, path: str, from_end: bool, read: LinesRead) -> None:
        try:
            fh = FileHandle.open(path)  # kept open across polls: the end of a rotated file is still read
            st = fh.fstat()
        except FileNotFoundError:
            return
        except OSError as exc:
            read.errors.append(f"cannot open {path}: {exc.strerror or exc}")
            return
        offset = self._lookback_start(fh, st.st_size) if from_end else 0
        head = self._head(fh) if st.st_size >= HEAD else None
        if head is not None and not from_end and head in self._heads:
            offset = min(st.st_size, self._heads[head])  # a rotated-away or copied file already read
        self.files[path] = _File(path, fh, (st.st_dev, st.st_ino), offset, head=head)

    def _lookback_start(self, fh: FileHandle, size: int) -> int:
        """Where `start_at: end` starts reading: the line start LOOKBACK bytes of readable lines
        (at most `max_line_bytes` each) before the end, found by scanning back line by line
        (at most LOOKBACK_SCAN bytes: a file of junk costs a bounded read at start)."""
        limit = self.config.max_line_bytes
        counted = 0
        pos = size
        pending = 0  # bytes of the line being measured, seen so far (scanning backwards)
        start = size  # the earliest line start found
        while pos > 0 and size - pos < LOOKBACK_SCAN:
            n = min(1024 * 1024, pos)
            try:
                block = fh.pread(n, pos - n)
            except OSError:
                return self._line_start(fh, size - LOOKBACK)
            pos -= len(block) if block else n
            if not block:
                break
            idx = len(block)
            while True:
                nl = block.rfind(b"\n", 0, idx)
                if nl < 0:
                    pending += idx
                    break
                length = pending + (idx - nl - 1)
                pending = 0
                if length <= limit:
                    counted += length + 1
                start, idx = pos + nl + 1, nl
                if counted >= LOOKBACK:
                    return start
        return 0 if pos == 0 else start

    @staticmethod
    def _line_start(fh: FileHandle, at: int) -> int:
        """The first line start at or after byte `at` (0 when `at` is before the file's start)."""
        if at <= 0:
            return 0
        try:
            block = fh.pread(1024 * 1024, at - 1)
        except OSError:
            return at
        newline = block.find(b"\n")
        return at + newline if newline >= 0 else at - 1 + len(block)

    @staticmethod
    def _head(fh: FileHandle) -> bytes | None:
        try:
            head = fh.pread(HEAD, 0)
        except OSError:
            return None
        return head if len(head) == HEAD else None

    def _read_to(self, state: _File) -> None:
        """Remember how far the file with `state`'s head has been read."""
        if state.head is None and state.offset >= HEAD:
            state.head = self._head(state.fh)
        if state.head is not None:
            self._heads[state.head] = max(state.offset, self._heads.get(state.head, 0))
            self._heads.move_to_end(state.head)
            while len(self._heads) > KNOWN_HEADS:
                self._heads.popitem(last=False)

    def read(self, first: bool) -> LinesRead:
        """The complete lines appended to every file since the last read (blocking: run it in a
        thread). `first`: the first read, where `start_at: end` skips the files' history (but for
        the last LOOKBACK bytes: see there)."""
        read = LinesRead()
        for path in self._paths(read):
            state = self.files.get(path)
            if state is None:
                # Present at start with start_at=end: skip history (but the lookback). A file that appears later
                # is new data: read it from its beginning.
                self._open(path, from_end=first and self.config.start_at == "end", read=read)
                state = self.files.get(path)
                if state is None:
                    if not os.path.exists(path):
                        read.missing.append(path)
                    continue
            self._drain(state, read)
            try:
                st = os.stat(path)
            except FileNotFoundError:
                # Deleted, or rotated away and not yet recreated: keep the old handle until it is,
                # and say so (gates reading this stream go stale; the rollout page shows why).
                read.missing.append(path)
                continue
            except OSError as exc:
                read.errors.append(f"cannot stat {path}: {exc.strerror or exc}")
                continue
            read.mtime = max(read.mtime or st.st_mtime, st.st_mtime)
            if (st.st_dev, st.st_ino) != state.ino:
                # Rotation: the old file was drained above; follow the new one from 0.
                state.fh.close()
                del self.files[path]
                read.rotations.append("rotated")
                self._open(path, from_end=False, read=read)
                new = self.files.get(path)
                if new is not None:
                    self._drain(new, read)
            elif st.st_size < state.offset:
                read.rotations.append("truncated")
                state.offset = 0
                state.partial.clear()
                state.skipping = False
                state.tail = b""
                state.head = None
                self._drain(state, read)
        return read

    def _rewritten(self, state: _File) -> bool:
        """True when the bytes just before our offset changed: the file was truncated and written
        again (possibly past our offset already, so its size alone does not show it)."""
        if not state.tail or state.offset < len(state.tail):
            return False
        try:
            return state.fh.pread(len(state.tail), state.offset - len(state.tail)) != state.tail
        except OSError:
            return False

    def _drain(self, state: _File, read: LinesRead) -> None:
        start = len(read.lines)
        self._drain_lines(state, read)
        self._read_to(state)
        if len(read.lines) > start:
            try:
                mtime: float | None = state.fh.fstat().st_mtime
            except OSError:
                mtime = None
            read.sources.append((start, len(read.lines), state.path, mtime))

    def _drain_lines(self, state: _File, read: LinesRead) -> None:
        limit = self.config.max_line_bytes
        budget = READ_BUDGET
        if self._rewritten(state):
            read.rotations.append("truncated")
            state.offset = 0
            state.partial.clear()
            state.skipping = False
            state.tail = b""
            state.head = None
        while budget > 0:
            try:
                chunk = state.fh.pread(min(budget, 1024 * 1024), state.offset)
            except OSError as exc:
                read.errors.append(f"cannot read {state.path}: {exc.strerror or exc}")
                return
            if not chunk:
                return
            budget -= len(chunk)
            state.offset += len(chunk)
            state.tail = (state.tail + chunk[-TAIL_CHECK:])[-TAIL_CHECK:]
            read.bytes_read += len(chunk)
            pieces = chunk.split(b"\n")
            for i, piece in enumerate(pieces):
                last = i == len(pieces) - 1
                if last:
                    if state.skipping:
                        continue
                    state.partial += piece
                    if len(state.partial) > limit:
                        state.partial.clear()
                        state.skipping = True
                        read.too_long += 1
                    continue
                if state.skipping:
                    state.skipping = False  # the newline ending the oversized line
                    continue
                if state.partial:
                    line = bytes(state.partial) + piece
                    state.partial.clear()
                else:
                    line = piece
                if len(line) > limit:
                    read.too_long += 1
                    continue
                read.lines.append(line)
        read.more = True  # the budget ran out before the end of the file: the next read goes on

    def tail(self, path: str, nbytes: int = 64 * 1024) -> list[bytes]:
        """The complete lines in the last `nbytes` of a followed file (its newest records), unread or not."""
        state = self.files.get(path)
        if state is None:
            return []
        try:
            size = state.fh.fstat().st_size
            block = state.fh.pread(min(nbytes, size), max(0, size - nbytes))
        except OSError:
            return []
        lines = block.split(b"\n")[:-1]  # the last piece is a partial line (or empty)
        return lines[1:] if size > nbytes else lines  # the first piece may start mid-line

    def close(self) -> None:
        for state in self.files.values():
            try:
                state.fh.close()
            except OSError:
                pass
        self.files.clear()
