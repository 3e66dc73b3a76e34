"""Rotated generations a compressor wrote (`.gz`, `.bz2`, `.xz`): read decompressed, and only once.

The class, from the writers' own manuals and source:
- logrotate(8) `compress` ("Old versions of log files are compressed with gzip(1) by default"; `compresscmd`
  bzip2 / xz / zstd, `compressext`): the rotated file is compressed at once and the plain one removed;
  `delaycompress` leaves `name.1` plain and compresses it at the NEXT rotation (`name.2.gz`).
- CPython Lib/logging/handlers.py `BaseRotatingHandler.rotate`: with a `rotator`, the handler calls
  rotator(source, namer(default_name)) instead of renaming; the logging cookbook's rotator gzips the
  source into `app.log.1.gz` and removes it (RotatingFileHandler and TimedRotatingFileHandler alike).
- Docker json-file / local drivers with `compress=true` (moby pkg/loggerutils: `container.log.1.gz`).
Each is the whole content of ONE generation, written after that generation ended: the same bytes a
reader of the generation under its plain name read, or would have read. So a compressed sibling is:
- the file a checkpoint knows, when its decompressed first bytes are that checkpoint's (head_len, hash):
  read past the checkpoint's offset only, under the checkpoint's key (the receipt stream names its
  events as the plain file's reader did: a replica's or a retry's copy counts once);
- the content of a file being tailed now (the rotator compressed it while we hold its descriptor):
  not read, that reader reads it;
- otherwise a generation nobody read (it lived and rotated while we were down): read from 0.
Not readable (a compressor killed mid-write leaves a truncated stream; zstd, which the standard library
of 3.11 lacks; zip; more than MAX_DECOMPRESSED): counted `compressed_skipped` and named in a warning.
The format is told by its magic bytes, not its name (a namer may call a gzip anything).

Read whole into memory, then tailed through `MemoryHandle` like any drained generation: a rotated
generation is bounded by the writer's own size limit (maxBytes, logrotate `size`, max-size).
Decompressed off the event loop and one generation at a time (compressedgens.read_pending): at most
MAX_DECOMPRESSED bytes of them are held at once, however many unread ones a start finds.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import zlib
from collections.abc import Callable
from io import BufferedIOBase

from ..exceptions import SidecarError
from .checkpoint import HEAD_BYTES, head_hash_of
from .handle import FileClosedError, FileHandle, Phase

MAX_DECOMPRESSED = 64 * 1024 * 1024  # bytes of one generation held in memory while it is read; past it: skipped
_OPENERS: tuple[tuple[bytes, Callable[[str], BufferedIOBase]], ...] = (
    (b"\x1f\x8b", lambda p: gzip.open(p, "rb")),  # RFC 1952
    (b"BZh", lambda p: bz2.open(p, "rb")),
    (b"\xfd7zXZ\x00", lambda p: lzma.open(p, "rb")),  # xz file format 1.0.4, 2.1.1.1
)


class Unreadable(SidecarError, ValueError):
    """A compressed file that cannot be read (truncated, corrupt, unknown format, too large)."""


# What a damaged compressed file raises while read: gzip's broken deflate body is zlib.error (flipped bytes, a
# compressor killed after the file grew and was zero-filled), not OSError (re-read r15: it escaped into start-up).
_DAMAGED = (OSError, EOFError, lzma.LZMAError, zlib.error, ValueError)

def _opener(path: str) -> Callable[[str], BufferedIOBase]:
    with open(path, "rb") as f:
        magic = f.read(6)
    for m, opener in _OPENERS:
        if magic.startswith(m):
            return opener
    raise Unreadable(f"not gzip, bzip2 or xz (first bytes {magic[:4].hex()})")


def decompressed_head(path: str, n: int = HEAD_BYTES) -> bytes:
    """The first `n` decompressed bytes (fewer if the content is shorter). Unreadable if they cannot be had."""
    try:
        with _opener(path)(path) as z:
            return z.read(n)
    except _DAMAGED as e:
        raise Unreadable(str(e)) from e


def decompress(path: str, limit: int = MAX_DECOMPRESSED) -> bytes:
    """The whole decompressed content. Unreadable if truncated or corrupt, or past `limit`."""
    try:
        with _opener(path)(path) as z:
            data = z.read(limit + 1)
    except _DAMAGED as e:
        raise Unreadable(str(e)) from e
    if len(data) > limit:
        raise Unreadable(f"more than {limit} bytes decompressed")
    return data


def head_is(head: bytes, head_len: int, head_hash: str) -> bool:
    """Whether content starting with `head` starts with the bytes an identity recorded."""
    return 0 < head_len <= len(head) and head_hash_of(head[:head_len]) == head_hash


class MemoryHandle(FileHandle):
    """A compressed generation's decompressed bytes behind FileHandle's interface (and lifecycle): the
    stat is the compressed file's (its device and inode are the generation's identity), its size the
    content's. No descriptor is held: the bytes are read at open, released at close."""

    __slots__ = ("_data", "_st", "compressed_size")
    # No descriptor: the compressed file may be deleted (the writer's backupCount) while its content
    # is read, and its inode reused by the NEW live file; FileTable.by_ident must not name it then.
    holds_inode = False

    def __init__(self, data: bytes, st: os.stat_result, path: str) -> None:  # noqa: D107 - no FileIO
        self._data = data
        self.compressed_size: int | None = st.st_size
        fields = {k: getattr(st, k) for k in dir(st) if k.startswith("st_")}
        seq = (st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, len(data),
               int(st.st_atime), int(st.st_mtime), int(st.st_ctime))
        self._st = os.stat_result(seq, {k: v for k, v in fields.items() if k not in _SEQ_FIELDS})
        self.phase = Phase.OPEN
        self.path_opened = path

    def held(self) -> int:
        """Bytes held in memory (0 once closed)."""
        return len(self._data)

    def _fd(self) -> int:
        if self.phase is Phase.CLOSED:
            raise FileClosedError(f"{self.path_opened}: handle already closed")
        return -1  # never handed to the OS: every I/O method is overridden below

    def fstat(self) -> os.stat_result:
        self._fd()
        return self._st

    def pread(self, n: int, offset: int) -> bytes:
        self._fd()
        return self._data[offset:offset + n]

    def head_identity(self, size: int) -> tuple[int, str]:
        data = self.pread(min(HEAD_BYTES, max(size, 0)), 0)
        return len(data), head_hash_of(data)

    def head_matches(self, size: int, head_len: int, head_hash: str) -> bool:
        return size >= head_len and (head_len == 0 or head_is(self.pread(head_len, 0), head_len, head_hash))

    def grown_identity(self, size: int, head_len: int, head_hash: str) -> tuple[int, str] | None:
        data = self.pread(min(HEAD_BYTES, max(size, 0)), 0)
        if len(data) < head_len or head_hash_of(data[:head_len]) != head_hash:
            return None
        return len(data), head_hash_of(data)

    def close(self) -> None:
        self.phase = Phase.CLOSED
        self._data = b""


_SEQ_FIELDS = ("st_mode", "st_ino", "st_dev", "st_nlink", "st_uid", "st_gid", "st_size")
