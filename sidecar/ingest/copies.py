"""Copies of tailed files (logrotate copytruncate): recognising them, and reading what they hold that we did not.

A copy is a sibling (`name.1`, ...) with another inode that starts with a tailed file's first bytes.
What decides what (see rotation.py's taxonomy): a copy at least as long as our offset holds the
gap we had not read when the original was truncated; a shorter one holds only what we read; a copy
the glob matches waits for its original's truncation before it counts as a copy.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterable
from contextlib import closing
from typing import TYPE_CHECKING

from .checkpoint import Checkpoint, file_key, identifies_content
from .copystreams import is_rotated_name, live_twin
from .generations import COMPRESSED, live_name, siblings
from .handle import FileHandle
from .record import ErrorEvent
from .recovery import is_known, known_idents
from .tracked import READ_CHUNK, ROTATE_WAIT, FileTable, Tracked

if TYPE_CHECKING:
    from ..clock import Clock


def _opened(candidates: Iterable[tuple[str, os.stat_result]]
            ) -> Generator[tuple[str, os.stat_result, FileHandle, os.stat_result], None, None]:
    """(path, listed stat, handle, fstat of what was opened) for each candidate that still opens.

    The name may have moved on since the listing: callers compare the two stats. Each handle is
    closed when the loop moves on, or when the generator is closed (a caller that stops early wraps
    it in `closing()`, so the last handle does not wait for garbage collection)."""
    for p, st in candidates:
        try:
            h = FileHandle.open(p)
        except OSError:
            continue
        try:
            yield p, st, h, h.fstat()
        finally:
            h.close()


class CopySearch:
    """The copy half of rotation.FileSet (a mixin: it works on the file set's own state)."""

    table: FileTable
    saved: dict[str, Checkpoint]
    clock: Clock
    count_read: Callable[[Tracked, int], None]
    _deferred: dict[str, float]  # possible copies the glob matches: first seen

    def _copy_candidate(self, path: str, h: FileHandle, size: int) -> bool:
        """A new file that starts with the same bytes as a tracked one: a copytruncate copy?

        logrotate copies first and truncates after; if the copy matches the glob it must not be
        read from 0 (duplicates): its unread part is read as the original's gap when the
        truncation is seen, and it is then registered as consumed. Until then (at most
        ROTATE_WAIT) the new file waits; a genuine file with an identical head is read after that.
        """
        now = self.clock.monotonic()
        hashes: dict[int, str] = {}
        for f in self.table:
            # A draining original counts too: renamed or deleted after its copy was taken, it still
            # reads the copy's gap when it sees its truncation (restart), so the copy must wait.
            if not identifies_content(f.head_len, f.head_hash) or size < f.head_len:
                continue
            digest = hashes.get(f.head_len)
            if digest is None:
                _, digest = h.head_identity(f.head_len)
                hashes[f.head_len] = digest
            if digest != f.head_hash:
                continue
            first = self._deferred.setdefault(path, now)
            if now - first > ROTATE_WAIT:
                break  # the original was never truncated: a genuine file
            self.table.active.add(f)  # look at the original now
            return True
        self._deferred.pop(path, None)
        return False

    def _consume_read_copies(self, f: Tracked) -> bool:
        """Register copies of `f` that hold nothing we have not read (shorter than our offset).

        We read past the copy's end before the truncation (what came after the copy is the copy
        window, read from the original in time). Such a copy is a sibling no checkpoint knows; once
        `f` has new first bytes nothing would tell it from an unseen generation, read from 0."""
        name = f.path or f.origin
        if not name or not identifies_content(f.head_len, f.head_hash):
            return False
        known = known_idents(self.saved)
        found = False
        # Only siblings no longer than what we read (they hold nothing new), not tracked, not compressed.
        candidates = ((p, st) for p, st in siblings(name, f.src.cfg.rotated_dirs)
                      if 0 < st.st_size <= f.parser.offset and not p.endswith(COMPRESSED)
                      and (ident := (st.st_dev, st.st_ino)) != f.ident and ident not in self.table.by_ident)
        for p, st, h, fst in _opened(candidates):
            if (fst.st_dev, fst.st_ino) != (st.st_dev, st.st_ino) or is_known(h, fst, known) or not self._starts_like(
                    f, h, fst.st_size):
                continue
            hl, hh = h.head_identity(fst.st_size)
            key = file_key(fst.st_dev, fst.st_ino, hh)
            self.saved[key] = Checkpoint(key=key, source=f.src.name, path=p, dev=fst.st_dev, ino=fst.st_ino,
                                         head_len=hl, head_hash=hh, offset=fst.st_size, line=f.parser.line,
                                         size=fst.st_size, updated=self.clock.time(), format=f.parser.format)
            found = True
        return found

    @staticmethod
    def _starts_like(f: Tracked, h: FileHandle, size: int) -> bool:
        """Whether the file open as `h` (`size` bytes) starts with `f`'s first bytes: its identity
        (head_len bytes), or - a copy SHORTER than that identity - all of it is the first bytes our
        parser read from `f`. A copy shorter than the identity: logrotate copied the file, the writer
        appended inside the slice before the truncation, and we took (or grew) the identity past the
        copy's end; it was then read from 0 as a generation nobody saw (dev seed logrotate-326, #16)."""
        if size >= f.head_len:
            return identifies_content(f.head_len, f.head_hash) and h.head_matches(size, f.head_len, f.head_hash)
        head = f.parser.receipts.head
        return 0 < size <= len(head) and h.pread(size, 0) == bytes(head[:size])

    def _copy_of(self, f: Tracked) -> tuple[str, FileHandle, os.stat_result] | None:
        """A sibling (name.1, name-2026...) holding a copy of what we had not read yet (copytruncate).

        The returned handle belongs to the caller (`_read_gap` closes it)."""
        name = f.path or f.origin  # a file renamed after its copytruncate still has its copy
        if not name or not identifies_content(f.head_len, f.head_hash):
            return None  # no first bytes to recognise a copy by (opened while empty, or holding only its BOM)
        for p, st in siblings(name, f.src.cfg.rotated_dirs):
            if st.st_size < f.parser.offset or (st.st_dev, st.st_ino) == f.ident:
                continue
            try:
                h = FileHandle.open(p)
            except OSError:
                continue
            try:
                st = h.fstat()  # the file opened (the name may have moved on since the listing)
                copy = st.st_size >= f.parser.offset and (st.st_dev, st.st_ino) != f.ident and h.head_matches(
                    st.st_size, f.head_len, f.head_hash)
            except OSError:
                copy = False  # EIO on a failing disk: no copy to read from (the next sibling may be); handle closed
            if copy:
                return p, h, st
            h.close()
        return None

    def copy_bytes(self, f: Tracked, offset: int, n: int) -> bytes | None:
        """The bytes at [offset, offset+n) of a copy of `f` (copytruncate), None if no copy holds them all."""
        copy = self._copy_of(f)
        if copy is None:
            return None
        _, h, st = copy
        try:
            return h.pread(n, offset) if st.st_size >= offset + n else None
        finally:
            h.close()

    def later_copy_holds(self, f: Tracked, offset: int, data: bytes) -> bool:
        """Whether a sibling that is NOT a copy of `f`'s content (another generation: copied from
        the file after a truncation we did not see) holds `data` at `offset` (provenance.py)."""
        name = f.path or f.origin
        if not name:
            return False
        candidates = ((p, st) for p, st in siblings(name, f.src.cfg.rotated_dirs)
                      if st.st_size >= offset + len(data) and (st.st_dev, st.st_ino) != f.ident
                      and not p.endswith(COMPRESSED))
        with closing(_opened(candidates)) as opened:
            for _, _, h, fst in opened:
                if identifies_content(f.head_len, f.head_hash) and h.head_matches(fst.st_size, f.head_len, f.head_hash):
                    continue  # a copy of our own content
                if h.pread(len(data), offset) == data:
                    return True
        return False

    @staticmethod
    def live_goes_on(f: Tracked) -> bool:
        """Whether the live name of rotated file `f`'s family starts with `f`'s first bytes and holds `f`'s
        partial last line (the bytes after its last newline) at the same offset, and more after it: `f` is a
        snapshot of a live file that finished that line (logrotate `copy`), not a generation that ended
        (rename, copytruncate, a handler's rollover)."""
        start, end = f.parser.partial_off, f.parser.offset
        if end <= start or not f.origin:
            return False
        live = live_name(f.origin, f.src.cfg.paths, f.src.cfg.exclude, f.src.cfg.rotated_dirs)
        try:
            other = FileHandle.open(live)
        except OSError:
            return False
        with closing(other):
            st = other.fstat()
            # A snapshot starts with the live file's first bytes too (f's identity): a new generation whose
            # byte at that offset happens to equal a short cut line ("2" of "2026-...", fresh seed 61502 of
            # round 15: a rollover's cut line never ended, its record lost) is not one.
            if (st.st_dev, st.st_ino) == f.ident or not other.head_matches(st.st_size, f.head_len, f.head_hash):
                return False
            theirs = other.pread(end - start + 1, start)
        return len(theirs) > end - start and theirs[:end - start] == f.handle.pread(end - start, start)

    def ended_generation(self, f: Tracked) -> bool:
        """Whether `f`, tailed under a rotated name its glob matches (`app.log.1`, `app.log.<date>`), is a
        generation that ended: its family's live name is another file, and that file does not go on
        with `f`'s partial last line (`live_goes_on`). Such a file is tailed for as long as it exists,
        never finished: its partial last line is read as a line once it stayed quiet (tail._timeouts)."""
        if f.path is None or not is_rotated_name(f.path):
            return False
        return (live_name(f.path, f.src.cfg.paths, f.src.cfg.exclude, f.src.cfg.rotated_dirs) != f.path
                and live_twin(f.path, f.src.cfg, f.ident) is not None and not self.live_goes_on(f))

    def _read_gap(self, f: Tracked, copy: tuple[str, FileHandle, os.stat_result]) -> list[ErrorEvent]:
        path, h, st = copy
        size = st.st_size
        events: list[ErrorEvent] = []
        try:
            pos = f.parser.offset
            while pos < size:
                data = h.pread(min(READ_CHUNK, size - pos), pos)
                if not data:
                    break
                events += f.parser.feed(data)
                self.count_read(f, len(data))
                pos += len(data)
            # The copy is now fully read: remember it, so a glob that matches it does not re-read it.
            hl, hh = h.head_identity(size)
            key = file_key(st.st_dev, st.st_ino, hh)
            self.saved[key] = Checkpoint(key=key, source=f.src.name, path=path, dev=st.st_dev, ino=st.st_ino,
                                         head_len=hl, head_hash=hh, offset=size, line=f.parser.line, size=size,
                                         updated=self.clock.time(), format=f.parser.format)
        finally:
            h.close()
        return events
