"""The outage spool's files: append-only segments of fsynced records, and the drain position.

On disk: segment files `seg-<n>.spool`, one record per line, `<crc32 hex> <payload>\n` (payloads
are single-line JSON). A torn last line (a crash mid-write; the batch was never acknowledged to
the tailer, so it will be read again) is cut off when the spool opens. The drain position is in
`position.json`, replaced atomically after each delivered record. Blocking file I/O throughout:
the SpoolingSink calls it from a worker thread.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import SidecarError

log = logging.getLogger(__name__)

_SEGMENT_PREFIX = "seg-"
_SEGMENT_SUFFIX = ".spool"
_OVERHEAD = 10  # per record: 8 hex digits of crc32, a space, the newline


class SpoolError(SidecarError):
    """The spool directory cannot be used (permissions, disk)."""


@dataclass(frozen=True, slots=True)
class Position:
    segment: int
    offset: int


class Spool:
    """The on-disk queue (blocking file I/O: call it from a worker thread)."""

    def __init__(self, directory: str | Path, max_bytes: int, segment_bytes: int | None = None) -> None:
        self.dir = Path(directory)
        self.max_bytes = max_bytes
        self.segment_bytes = segment_bytes or max(64 * 1024, min(8 * 1024 * 1024, max_bytes // 8))
        self._segments: dict[int, int] = {}  # segment number -> size in bytes
        self._read = Position(1, 0)
        self._write_fd: int | None = None
        self._lock_fd: int | None = None
        self._write_seg = 0
        self.records = 0  # records not yet drained

    # --- opening --------------------------------------------------------------------------------

    def open(self) -> None:
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._lock()
            for path in self.dir.glob(f"{_SEGMENT_PREFIX}*{_SEGMENT_SUFFIX}"):
                num = int(path.name[len(_SEGMENT_PREFIX):-len(_SEGMENT_SUFFIX)])
                self._segments[num] = path.stat().st_size
            self._read = self._load_position()
            for num in [n for n in self._segments if n < self._read.segment]:
                self._remove(num)
            if self._segments and self._read.segment not in self._segments:
                self._read = Position(min(self._segments), 0)
            if self._segments:
                last = max(self._segments)
                self._segments[last] = self._repair_tail(last)
                self.records = sum(self._count(n) for n in sorted(self._segments))
                self._write_seg = last
            else:
                self._write_seg = max(self._read.segment, 1)
                self._read = Position(self._write_seg, 0)
            self._open_writer()
        except (OSError, ValueError) as exc:
            raise SpoolError(f"cannot open spool {self.dir}: {exc}") from exc

    def _path(self, num: int) -> Path:
        return self.dir / f"{_SEGMENT_PREFIX}{num:012d}{_SEGMENT_SUFFIX}"

    def _load_position(self) -> Position:
        try:
            data = json.loads((self.dir / "position.json").read_text())
            return Position(int(data["segment"]), int(data["offset"]))
        except FileNotFoundError:
            first = min(self._segments, default=1)
            return Position(first, 0)

    def _repair_tail(self, num: int) -> int:
        """Cut a torn or corrupt last record off segment `num`; return its valid size."""
        valid = 0
        with open(self._path(num), "rb") as f:
            for line in f:
                if _parse(line) is None:
                    break
                valid += len(line)
        size = self._path(num).stat().st_size
        if valid != size:
            log.warning("spool: cut a torn record off a segment", extra={"bytes": size - valid, "path": str(self._path(num))})
            os.truncate(self._path(num), valid)
        return valid

    def _count(self, num: int) -> int:
        start = self._read.offset if num == self._read.segment else 0
        with open(self._path(num), "rb") as f:
            f.seek(start)
            return sum(1 for line in f if line.endswith(b"\n"))

    def _open_writer(self) -> None:
        if self._write_fd is not None:
            os.close(self._write_fd)
        self._write_fd = os.open(self._path(self._write_seg), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._segments.setdefault(self._write_seg, 0)
        _fsync_dir(self.dir)

    # --- size -----------------------------------------------------------------------------------

    @property
    def pending_bytes(self) -> int:
        total = sum(size for num, size in self._segments.items() if num >= self._read.segment)
        return total - self._read.offset

    def has_room(self, payload_bytes: int) -> bool:
        """Room for a record of `payload_bytes`; an empty spool takes any one record (else it could never)."""
        return self.records == 0 or self.pending_bytes + payload_bytes + _OVERHEAD <= self.max_bytes

    # --- writing --------------------------------------------------------------------------------

    def append(self, payload: bytes) -> None:
        """Append one record and fsync it: when this returns, the batch survives a crash."""
        if b"\n" in payload:
            raise ValueError("spool payloads are single lines")
        line = b"%08x " % zlib.crc32(payload) + payload + b"\n"
        if self._write_fd is None:
            raise SpoolError("spool is not open")
        if self._segments[self._write_seg] >= self.segment_bytes:
            self._write_seg += 1
            self._open_writer()
        size = self._segments[self._write_seg]
        try:
            written = os.write(self._write_fd, line)
            if written != len(line):
                raise OSError(f"short write ({written} of {len(line)} bytes)")
            os.fsync(self._write_fd)
        except OSError as exc:
            # Disk full or failing: cut what was written so the next append starts on a line boundary.
            try:
                os.ftruncate(self._write_fd, size)
            except OSError:
                pass
            raise SpoolError(f"cannot write to spool {self.dir}: {exc}") from exc
        self._segments[self._write_seg] += len(line)
        self.records += 1

    # --- reading --------------------------------------------------------------------------------

    def peek(self) -> tuple[bytes, Position] | None:
        """The oldest undrained record and the position just after it (None when empty)."""
        pos = self._read
        while True:
            size = self._segments.get(pos.segment)
            if size is None:
                return None
            if pos.offset < size:
                with open(self._path(pos.segment), "rb") as f:
                    f.seek(pos.offset)
                    line = f.readline()
                payload = _parse(line)
                if payload is None:  # cannot happen after _repair_tail unless the file was damaged
                    raise SpoolError(f"corrupt spool record in {self._path(pos.segment)} at {pos.offset}")
                return payload, Position(pos.segment, pos.offset + len(line))
            if pos.segment >= self._write_seg:
                return None
            pos = Position(pos.segment + 1, 0)

    def ack(self, end: Position) -> None:
        """Mark the record ending at `end` drained; delete finished segments."""
        self.records = max(0, self.records - 1)
        if self.records == 0 and end.segment == self._write_seg and end.offset >= self._segments[end.segment]:
            # Empty: roll to a fresh segment so the drained one can be deleted.
            self._write_seg += 1
            self._open_writer()
            end = Position(self._write_seg, 0)
        self._read = end
        tmp = self.dir / "position.json.tmp"
        tmp.write_text(json.dumps({"segment": end.segment, "offset": end.offset}))
        os.replace(tmp, self.dir / "position.json")
        for num in [n for n in self._segments if n < end.segment]:
            self._remove(num)

    def reset_count(self) -> None:
        """The count disagrees with the files (peek found nothing): trust the files."""
        self.records = 0

    def _remove(self, num: int) -> None:
        self._segments.pop(num, None)
        try:
            self._path(num).unlink()
        except FileNotFoundError:
            pass

    def set_aside(self, payload: bytes, reason: str) -> Path:
        """Keep a record that cannot be delivered (for a person to inspect), out of the queue."""
        dead = self.dir / "dead"
        dead.mkdir(exist_ok=True)
        path = dead / "rejected.jsonl"
        with open(path, "ab") as f:
            f.write(json.dumps({"reason": reason}).encode()[:-1] + b',"batch":' + payload + b"}\n")
            f.flush()
            os.fsync(f.fileno())
        return path

    def _lock(self) -> None:
        """One process per spool directory: two appending to the same segments would corrupt them."""
        fd = os.open(self.dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise SpoolError(f"spool {self.dir} is in use by another sidecar process (give each its own "
                             "store.spool_dir)") from None
        self._lock_fd = fd

    def close(self) -> None:
        if self._write_fd is not None:
            os.close(self._write_fd)
            self._write_fd = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = None


def _parse(line: bytes) -> bytes | None:
    if not line.endswith(b"\n") or len(line) < _OVERHEAD or line[8:9] != b" ":
        return None
    payload = line[9:-1]
    try:
        crc = int(line[:8], 16)
    except ValueError:
        return None
    return payload if zlib.crc32(payload) == crc else None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
