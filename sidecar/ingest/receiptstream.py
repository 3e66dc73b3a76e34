"""The receipt stream of a file's events: a name every replica gives the same content, whenever it opened the file.

Why not the file key: `file_key` (opening.py) hashes the first min(1024, size) bytes the file had
WHEN THIS SIDECAR OPENED IT, plus, for a file opened empty, its ctime, plus a `.n` suffix when the
name was taken by another of this sidecar's checkpoints. Two replicas tailing one file (a shared
volume) open it at different sizes (a replica started later sees more of the head), logrotate's
`create` chmods the new file after creating it (the ctime moves: a replica that opened it in
between keys it differently), and their checkpoints differ: the same event got two keys and was
counted twice (tests/ingest/test_writer_replicas.py: 4 of 7 generated classes on the first seed).

The class of identities that holds: device and inode, plus a hash of bytes every reader of the event
has read, in the same place, by the time the event exists. For an event at offset `o`: the file's
first `n = min(1024, end of the first line that starts at or after o)` bytes - a record is emitted only
after its first line is complete, so those bytes exist for anyone who emits it, and they are the
file's first bytes, not the reader's. From offset 1024 on, every event's stream is the same (the
file's first 1024 bytes), so a batch still has one range row per file (store/receipt_ranges.py);
only the events of the first KiB get one each. A new generation on a reused inode (logrotate
create after delete, `mode='w'`) has other first bytes: another stream. Left: two generations on one
inode that begin with the SAME bytes up to an event's first line (a file truncated and the same
text written again, e.g. an identical crash without timestamps) name the same event; nothing in
the bytes tells them apart, and a replica that did not see the truncation cannot know. A last line
flushed without a newline (idle timeout) uses the bytes read so far.

The line end is searched as the byte 0x0A in the raw file, also in UTF-16 (where a code unit may
hold 0x0A elsewhere): not a text rule but the same byte rule for every replica.
"""

from __future__ import annotations

import hashlib

from .checkpoint import HEAD_BYTES

ALIAS = "@"  # file key suffix `@dev:ino`: the stream prefix of the original this file is a copy of


class ReceiptStream:
    """The first HEAD_BYTES bytes of one file as its parser reads them, and the streams they name."""

    __slots__ = ("prefix", "head", "_full", "twin")

    def __init__(self, prefix: str, head: bytes = b"") -> None:
        """`prefix`: device:inode (or the event's source:path when there is no file identity);
        `head`: the file's first bytes as read at open (any length; only the first HEAD_BYTES count)."""
        self.prefix = prefix
        self.head = bytearray(head[:HEAD_BYTES])
        self._full: str | None = None
        # device:inode of the live file this one may be a copytruncate copy of, or "" (copystreams.py):
        # every event then also names the stream it has under that inode, from the same bytes.
        self.twin = ""

    @staticmethod
    def prefix_of(file_key: str, fallback: str) -> str:
        """device:inode of a file key `dev:ino:hash[...]` (a resumed copy carries its original's).

        A key ending in `@dev:ino` names a copytruncate copy read under its original's stream
        (copystreams.py): that original's device:inode."""
        if ALIAS in file_key:
            return file_key.rsplit(ALIAS, 1)[1]
        parts = file_key.split(":")
        return f"{parts[0]}:{parts[1]}" if len(parts) >= 3 else (file_key or fallback)

    def extend(self, pos: int, chunk: bytes) -> None:
        """The parser read `chunk` at file offset `pos`: keep what falls in the first HEAD_BYTES."""
        have = len(self.head)
        if have >= HEAD_BYTES or pos > have or pos + len(chunk) <= have:
            return
        self.head += chunk[have - pos:HEAD_BYTES - pos]

    def at(self, offset: int) -> str:
        """The stream of the event whose record starts at `offset` (see the module docstring)."""
        if offset >= HEAD_BYTES:
            if self._full is None or len(self.head) < HEAD_BYTES:
                self._full = self._name(HEAD_BYTES)
            return self._full
        nl = self.head.find(b"\n", offset)
        return self._name(nl + 1 if nl >= 0 else len(self.head))

    def twin_of(self, name: str) -> str:
        """The stream `name` (what `at` gave an event) under the `twin` prefix: the twin's inode, the same bytes."""
        return f"{self.twin}:{name[len(self.prefix) + 1:]}"

    def _name(self, n: int) -> str:
        return stream_name(self.prefix, bytes(self.head[:n]))


def stream_name(prefix: str, data: bytes) -> str:
    """The stream of events whose naming bytes (the file's first bytes, see the module) are `data`."""
    return f"{prefix}:{hashlib.blake2b(data, digest_size=12).hexdigest()[:16]}/{len(data)}"


def alias_key(key: str, prefix: str) -> str:
    """`key` marked as read under stream prefix `prefix` (ReceiptStream.prefix_of reads it back)."""
    return f"{key.split(ALIAS, 1)[0]}{ALIAS}{prefix}"
