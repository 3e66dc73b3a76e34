"""One open log file: the only owner of its descriptor, with a three-state lifecycle.

    OPEN ──lose_name()──> DRAINING ──close()──> CLOSED
      ^                      │
      └────regain_name()─────┘            (close() from OPEN too; CLOSED is final)

Why an object and not an `int`: a descriptor number is reused by the kernel as soon as it is
closed, so code that keeps the number after the close reads (or closes!) whatever got it next -
an HTTP socket, the database, another log. Here the number never leaves this object: every read
goes through an `io.FileIO`, whose `close()` releases the descriptor once and is a no-op after
that, and whose `fileno()` raises after the close. A double close is therefore impossible by
construction, and a closed handle raises `FileClosedError` on any I/O instead of touching a
descriptor that now belongs to someone else.
"""

from __future__ import annotations

import enum
import errno
import io
import os
import stat
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..exceptions import SidecarError
from .checkpoint import grown_identity, head_identity, head_matches

if TYPE_CHECKING:
    from .checkpoint import Checkpoint


class FileClosedError(SidecarError, RuntimeError):
    """I/O was attempted on a handle that was already closed (a lifecycle bug of the caller)."""


class Phase(enum.Enum):
    OPEN = "open"  # under its configured name; read as it grows
    DRAINING = "draining"  # lost its name (rotated away, deleted): read to its end, then closed
    CLOSED = "closed"  # descriptor released; the handle can never be read again


# O_NONBLOCK: opening a FIFO that took a log's name must not wait for a writer (it would stop
# the event loop); it does nothing for regular files, the only kind kept open.
_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NONBLOCK", 0)


class FileHandle:
    """A read-only descriptor on one file, addressed by offset (pread), never by a shared position."""

    __slots__ = ("_io", "phase", "path_opened")
    # A descriptor on the file: its inode cannot be reused while the handle is open, so the inode
    # names this file for as long as it is tailed (FileTable.by_ident). Not so for a MemoryHandle.
    holds_inode = True
    # The size of the compressed file whose decompressed content this handle reads (a MemoryHandle), else None:
    # its checkpoint records it (compressedgens.same_compressed_file).
    compressed_size: int | None = None

    def __init__(self, raw: io.FileIO, path: str) -> None:
        self._io = raw
        self.phase = Phase.OPEN
        self.path_opened = path

    @classmethod
    def open(cls, path: str) -> FileHandle:
        """Open `path` read-only (OSError if it cannot be: gone, no permission, not a regular file)."""
        fd = os.open(path, _FLAGS)
        try:
            regular = stat.S_ISREG(os.fstat(fd).st_mode)  # a directory, FIFO, socket or device took the name?
        except OSError:
            regular = False
        if not regular:
            os.close(fd)  # the number was never handed to anyone
            raise OSError(errno.EINVAL, "not a regular file (directory, FIFO, socket or device)", path)
        # From here on the FileIO owns the number: closefd=True makes its close the only close.
        return cls(io.FileIO(fd, "rb", closefd=True), path)

    @classmethod
    def open_as(cls, path: str, ident: tuple[int, int], size: int | None = None,
                cps: Iterable[Checkpoint] = ()) -> tuple[FileHandle, os.stat_result, list[Checkpoint]] | None:
        """Open `path` if it is still the file (device, inode) `ident` (and `size` bytes long, if given): the
        handle, its fstat and those of `cps` whose first bytes it starts with; None if it cannot be opened or is
        another file now, or if reading it fails (OSError: EIO on a failing disk; the handle is closed, never
        leaked, and the error stays out of the scan). The caller closes the handle."""
        try:
            h = cls.open(path)
        except OSError:
            return None
        try:
            fst = h.fstat()
            if (fst.st_dev, fst.st_ino) != ident or (size is not None and fst.st_size != size):
                h.close()
                return None
            return h, fst, [c for c in cps if h.head_matches(fst.st_size, c.head_len, c.head_hash)]
        except OSError:
            h.close()
            return None

    def _fd(self) -> int:
        if self.phase is Phase.CLOSED:
            raise FileClosedError(f"{self.path_opened}: handle already closed")
        return self._io.fileno()

    # -- I/O ----------------------------------------------------------------------------------
    def fstat(self) -> os.stat_result:
        return os.fstat(self._fd())

    def pread(self, n: int, offset: int) -> bytes:
        return os.pread(self._fd(), n, offset)

    def head_identity(self, size: int) -> tuple[int, str]:
        """(head_len, hash) of the file's first bytes (see checkpoint.head_identity)."""
        return head_identity(self._fd(), size)

    def head_matches(self, size: int, head_len: int, head_hash: str) -> bool:
        """Whether the file still starts with the bytes an identity recorded."""
        return head_matches(self._fd(), size, head_len, head_hash)

    def grown_identity(self, size: int, head_len: int, head_hash: str) -> tuple[int, str] | None:
        """A longer identity if the file still starts with the recorded bytes (see checkpoint.grown_identity)."""
        return grown_identity(self._fd(), size, head_len, head_hash)

    # -- lifecycle ------------------------------------------------------------------------------
    def lose_name(self) -> None:
        """OPEN -> DRAINING (rotated away or deleted)."""
        self._fd()
        self.phase = Phase.DRAINING

    def regain_name(self) -> None:
        """DRAINING -> OPEN (a rotated file showed up again under a name the source matches)."""
        self._fd()
        self.phase = Phase.OPEN

    def close(self) -> None:
        """Release the descriptor. Idempotent: FileIO closes its descriptor exactly once."""
        self.phase = Phase.CLOSED
        self._io.close()

    @property
    def closed(self) -> bool:
        return self.phase is Phase.CLOSED

    def __repr__(self) -> str:
        return f"FileHandle({self.path_opened!r}, {self.phase.value})"
