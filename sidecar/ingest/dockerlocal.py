"""Docker's `local` log driver: its length-prefixed protobuf entries decoded into the json-file path.

The format, from moby's own source:
- daemon/logger/local/local.go `marshal`: each entry is a 4-byte big-endian size, a protobuf
  `LogEntry` of that size, and the same size again (so `docker logs --tail` can read backwards);
  rotated files are gzipped by default (`compress` true; recovery counts them as skipped, as for text).
- api/types/plugins/logdriver/entry.proto (proto3): 1 `source` string ("stdout"/"stderr"), 2
  `time_nano` int64, 3 `line` bytes (without its newline), 4 `partial` bool, 5
  `partial_log_metadata` {1 `last` bool, 2 `id` string, 3 `ordinal` int32}; the daemon's internal copy
  adds 6 `attrs` (`--log-opt labels=`), skipped here like any field we do not know.
- daemon/logger/local/read.go `decodeLogEntry`: the newline is given back to the line when the entry
  is not partial, or is the last part of a partial line (`PLogMetaData == nil || Last`); `maxMsgLen`
  1e6 bounds an entry.
Each decoded entry becomes what the json-file driver writes for the same message (`log` with its
newline when complete, `stream`, `time`), fed to the same DockerScanner: the stdout/stderr split, the
reassembly of lines cut at 16 KiB and the inner format detection are the json-file ones.

Field 1's tag is 0x0A - a newline - so, read as text, every entry was split into lines no header
parses: nothing stored, nothing said (round 12), then said but not read (round 13).

Recognised by its first 12 bytes: a size below MAX_ENTRY, then field 1 as a length-delimited string
of exactly "stdout" or "stderr" (the only sources moby's copier writes). A text log cannot start that
way (its first 4 bytes would have to be binary with a newline right after them). The trailing size is
not asked for: a first entry damaged there is skipped like any other (below), not read as text.

A damaged entry (its two sizes differ, a size past MAX_ENTRY, a message that is not protobuf) is
counted as a bad line and skipped: the reader looks for the next entry start (`RESYNC`) instead of
reading the rest of the file as garbage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from ..exceptions import SidecarError

if TYPE_CHECKING:
    from .jsonl import JsonRecord
    from .rawrecord import RawRecord

MAX_ENTRY = 1_000_000  # read.go maxMsgLen: moby refuses to decode a larger entry
LOOK_BYTES = 12  # the size and field 1's tag, length and "stdout"/"stderr": enough to say yes
_SOURCES = (b"\x0a\x06stdout", b"\x0a\x06stderr")
# Where an entry may start after a damaged one: a size whose first byte is 0 (entries are < 1 MB,
# so the size's top byte is 0), then field 1 holding a moby source.
RESYNC = re.compile(rb"\x00[\x00-\x0f][\x00-\xff]{2}\x0a\x06std(?:out|err)")


def looks_docker_local(first: bytes) -> bool:
    """Whether a file whose first bytes are `first` (LOOK_BYTES at least to say yes) is a Docker `local` log."""
    if len(first) < LOOK_BYTES or first[4:12] not in _SOURCES:
        return False
    return 8 <= int.from_bytes(first[:4], "big") < MAX_ENTRY


def may_be_local(first: bytes | bytearray) -> bool:
    """Whether the first bytes held are too few to say, and may still start a `local` entry (its
    field 1 tag, a newline, at byte 4): the reader waits for LOOK_BYTES before deciding how to read."""
    return len(first) < LOOK_BYTES and first[4:5] == b"\n"


@dataclass(frozen=True, slots=True)
class LocalEntry:
    """One decoded entry: where it lies in the file, and the message json-file would have written."""

    off: int
    end: int
    log: str  # the line, with its newline unless it is a non-last part of a partial line
    stream: str
    time: str  # RFC 3339 with nanoseconds, as json-file's `time`


class ProtoError(SidecarError, ValueError):
    """A `local` driver entry that does not decode (entry.proto): the decoder skips and counts it."""


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    out = shift = 0
    while True:
        if i >= len(buf) or shift > 63:
            raise ProtoError("truncated varint")
        b = buf[i]
        i += 1
        out |= (b & 0x7F) << shift
        if b < 0x80:
            return out, i
        shift += 7


def _fields(msg: bytes) -> dict[int, int | bytes]:
    """The last value of each field of a protobuf message (proto3 scalars: the last one wins)."""
    out: dict[int, int | bytes] = {}
    i = 0
    while i < len(msg):
        key, i = _varint(msg, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            val, i = _varint(msg, i)
            out[num] = val
        elif wire == 2:
            n, i = _varint(msg, i)
            if i + n > len(msg):
                raise ProtoError("field past the message")
            out[num] = msg[i:i + n]
            i += n
        elif wire in (1, 5):  # fixed64 / fixed32: no LogEntry field, skipped
            i += 8 if wire == 1 else 4
        else:
            raise ProtoError(f"wire type {wire}")
    if i != len(msg):
        raise ProtoError("field past the message")
    return out


def decode_entry(msg: bytes, off: int, end: int) -> LocalEntry:
    """One LogEntry message (entry.proto) as the json-file message moby's reader makes of it."""
    f = _fields(msg)
    source, line, t = f.get(1, b""), f.get(3, b""), f.get(2, 0)
    if not isinstance(source, bytes) or not isinstance(line, bytes) or not isinstance(t, int):
        raise ProtoError("a field of the wrong type")
    if not source:
        # moby always writes field 1 (logger.Message.Source: the copier's "stdout"/"stderr"); proto3
        # omits only an empty string. Without it the entry is damaged: eight NUL bytes are a size-0
        # entry, so a zero-filled stretch (a crash after the file grew, before its data was written)
        # read as empty stdout lines at 1970-01-01 (round 14's review).
        raise ProtoError("no source (field 1)")
    if t >= 1 << 64:  # a varint wider than int64: a damaged entry (review r14)
        raise ProtoError("time_nano wider than int64")
    if t >= 1 << 63:  # int64 as a varint: two's complement
        t -= 1 << 64
    last = False
    meta = f.get(5)
    if isinstance(meta, bytes):
        last = bool(_fields(meta).get(1, 0))
    complete = not f.get(4, 0) or last  # read.go: PLogMetaData == nil || Last
    text = line.decode("utf-8", "replace") + ("\n" if complete else "")
    sec, ns = divmod(t, 1_000_000_000)
    try:
        stamp = datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{ns:09d}Z"
    except (ValueError, OverflowError, OSError) as e:  # an int64 past datetime's years 1-9999: damaged too
        raise ProtoError(f"time_nano out of range: {e}") from e
    return LocalEntry(off, end, text, source.decode("utf-8", "replace"), stamp)


class LocalDecoder:
    """Bytes of a `local` driver file in (from an entry start), decoded entries out; keeps a cut entry."""

    def __init__(self, offset: int) -> None:
        self.buf = bytearray()
        self.start = offset  # file offset of buf[0]: the first entry not decoded yet
        self.bad = 0  # damaged entries skipped
        self._lost = False  # after a damaged entry, until the next entry start is found

    def feed(self, chunk: bytes) -> list[LocalEntry]:
        self.buf += chunk
        out: list[LocalEntry] = []
        buf = self.buf
        i = self._resync(0) if self._lost else 0
        while not self._lost and len(buf) - i >= 4:
            size = int.from_bytes(buf[i:i + 4], "big")
            if size >= MAX_ENTRY:
                i = self._damaged(i)
                continue
            if len(buf) - i < size + 8:
                break  # the rest of this entry is not written yet
            end = i + size + 8
            try:
                if buf[end - 4:end] != buf[i:i + 4]:
                    raise ProtoError("leading and trailing sizes differ")
                out.append(decode_entry(bytes(buf[i + 4:end - 4]), self.start + i, self.start + end))
            except ProtoError:
                i = self._damaged(i)
                continue
            i = end
        del buf[:i]
        self.start += i
        return out

    def _damaged(self, i: int) -> int:
        """A damaged entry at i: counted once, and skipped to the next place an entry may start."""
        self.bad += 1
        return self._resync(i + 1)

    def _resync(self, i: int) -> int:
        m = RESYNC.search(self.buf, i)
        self._lost = m is None
        # None yet: all but the last bytes are dropped (an entry start may straddle the next read).
        return m.start() if m else max(i, len(self.buf) - LOOK_BYTES + 1)


class EntryScanner(Protocol):
    """docker.DockerScanner as seen from here (docker.py imports LocalEntry: no import back)."""

    def feed_entries(self, entries: list[LocalEntry], first_line: int,
                     end_off: int) -> list[RawRecord | JsonRecord]: ...


class LocalReader:
    """A `local` driver file as FileParser reads it: entries decoded (LocalDecoder) and handed to the
    json-file scanner (docker.py), the k-th entry of the file numbered as its line k + 1.

    A cut entry waits: `start` (the first byte not decoded) is the parser's partial line start, so
    its resume point; at a generation's end it stays unread (it is not a line)."""

    def __init__(self, offset: int, scanner: EntryScanner) -> None:
        self.decoder = LocalDecoder(offset)  # nothing fed yet: where reading starts
        self.scanner = scanner

    def feed(self, chunk: bytes, first_line: int) -> tuple[list[RawRecord | JsonRecord], int]:
        """(records that closed, entries decoded) for the next bytes of the file."""
        entries = self.decoder.feed(chunk)
        if not entries:
            return [], 0
        return self.scanner.feed_entries(entries, first_line, self.decoder.start), len(entries)

    @property
    def start(self) -> int:
        return self.decoder.start

    @property
    def bad(self) -> int:
        """Damaged entries skipped (counted with the parser's bad lines)."""
        return self.decoder.bad
