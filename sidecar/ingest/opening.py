"""Where a newly opened file is read from: its checkpoint (same inode AND first bytes), its end, or 0.

The half of rotation.FileSet that opens a file (a mixin like copies.CopySearch: it works on the
file set's own state). A file's key names its content for the exactly-once receipts: a resumed
file keeps its checkpoint's key (re-read events keep their event keys), new content gets one no
other file's checkpoint holds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from .checkpoint import HEAD_BYTES, Checkpoint, file_key, vouches_for
from .copystreams import copied_live, is_rotated_name, live_twin, twin_prefix
from .encoding import sniff
from .generations import live_name
from .handle import FileHandle
from .parser import FileParser
from .receiptstream import ALIAS, alias_key
from .tracked import FileTable, SourceState, Tracked

if TYPE_CHECKING:
    from ..clock import Clock

log = logging.getLogger(__name__)

SNIFF_HEAD = 4096  # first bytes handed to the parser: the encoding (BOM, NUL pattern) and the export prefix (lines)


class FileOpening:
    """Opening tailed files (a mixin of rotation.FileSet)."""

    table: FileTable
    saved: dict[str, Checkpoint]
    clock: Clock
    on_dirty: Callable[[], None]
    scans: int
    live_streams: dict[tuple[int, int], list[str]]  # copystreams.load_streams, read at start

    def count_rotation(self, src: SourceState, kind: str) -> None:
        raise NotImplementedError  # rotation.FileSet's

    def open_file(self, src: SourceState, path: str | None, h: FileHandle, size: int, startup: bool,
                  resume: Checkpoint | None = None, origin: str = "") -> Tracked:
        """Start tailing the file behind `h` (the table owns the handle from here on).

        `origin`: for a file opened without its configured name (a rotated generation), the
        name it was found under: where recovery looks for it after a restart.
        New content of a rotated name that is a copy of what another replica read from the live
        file (copytruncate) is read under the live file's stream (copystreams.py); the key says so,
        so a restart keeps it."""
        st = h.fstat()
        dev, ino = st.st_dev, st.st_ino
        cp = resume or self._checkpoint_for(dev, ino, h, size)
        head_len, head_hash = h.head_identity(size)
        offset, line = 0, 1
        if cp is not None:
            if size >= cp.offset:
                offset, line = cp.offset, cp.line
                if vouches_for(cp, size):
                    head_len, head_hash = cp.head_len, cp.head_hash
                # else: checkpointed while empty, it has content now: that identity vouches for nothing read
                # (recovery.is_known), and kept empty, a truncation before our first read looked like no change
                # (size 0 is not below offset 0 nor head_len 0): the copy a copytruncate made of the unread
                # content was never read (writer taxonomy logrotate-0 under load: stopped and started between
                # logrotate's copy and its truncate, 4 records lost). Its first bytes now let restart() find it.
            else:
                self.count_rotation(src, "truncate")
            self.saved.pop(cp.key, None)
        elif startup and src.first_run and src.cfg.start_at == "end":
            offset, line = self._end_position(h, size, src.options.encoding)
        key = (self._fresh_key(dev, ino, head_hash, st.st_ctime_ns if head_len == 0 else None)
               if cp is None or size < cp.offset else cp.key)
        stream_check = False
        twin = ""
        # Which receipt stream a rotated name's events belong to is decided before its first read
        # (copystreams.py). A checkpoint at offset 0 under the file's own inode records no decision:
        # nothing was read under that key (the replica stopped between opening the copy and asking
        # the store), so it is decided now as for a new file - else the resumed key names the copy's
        # events by its own inode while the twin stored them under the original's (dev seed
        # logrotate-442, two replicas, under load: 3 records twice).
        undecided = cp is not None and cp.offset == 0 and ALIAS not in cp.key
        if cp is None or size < cp.offset or undecided:
            name = path or origin
            live = live_name(name, src.cfg.paths, src.cfg.exclude, src.cfg.rotated_dirs) if is_rotated_name(name) else name
            stream = copied_live(self.live_streams, self._held_head, name, st, h, live)
            if stream is not None:
                key = alias_key(key, stream)
            else:  # the start-up snapshot may be stale: the store is asked before the first read (tail.py)
                stream_check = is_rotated_name(path or origin)
        elif ALIAS not in key and is_rotated_name(path or origin):
            # Resumed under its own inode: before the restart it was read with the live inode as its twin
            # (tail.py, copystreams.live_twin), which the key does not keep. Without it again, the rest
            # of a copy another replica reads under the live file's stream counted twice (writer replicas
            # logrotate_copy-42100: two writers, two replicas, a restart while reading a `copy` snapshot).
            twin = twin_prefix(live_twin(path or origin, src.cfg, (dev, ino)))
        at_open = h.pread(SNIFF_HEAD, 0)
        parser = FileParser(src.name, path or "", src.options, offset=offset, line=line, file_key=key,
                            head=at_open)
        parser.receipts.twin = twin
        f = Tracked(src=src, path=path, handle=h, dev=dev, ino=ino, key=key, head_len=head_len,
                    head_hash=head_hash, parser=parser, acked=(offset, line), size=size, head_at_open=at_open[:HEAD_BYTES],
                    last_data=self.clock.monotonic(), origin=path or origin, empty_mtime=st.st_mtime_ns,
                    opened_scan=self.scans, stream_check=stream_check)
        if path is None:
            h.lose_name()
        self.table.add(f)
        self.on_dirty()
        log.debug("ingest: open", extra={"path": path, "origin": origin, "ino": ino, "key": key, "offset": offset,
                                         "size": size, "resuming": cp.key if cp is not None else None})
        return f

    def restream(self, f: Tracked, stream: str) -> None:
        """Read `f` under stream prefix `stream` (a copy of content another replica stored under the
        live file's stream, copystreams.fresh_copy_stream). Only before anything was read from it:
        its parser starts again at the same place with the new key."""
        assert f.inflight == 0 and not f.parser.pending() and f.parser.offset == f.acked[0], f.key
        self.saved.pop(f.key, None)
        f.key = alias_key(f.key, stream)
        f.parser = FileParser(f.src.name, f.path or "", f.src.options, offset=f.acked[0], line=f.acked[1],
                              file_key=f.key, head=f.handle.pread(SNIFF_HEAD, 0))
        self.on_dirty()
        log.debug("ingest: copy read under the live file's stream", extra={"origin": f.origin, "key": f.key})

    def _held_head(self, ident: tuple[int, int]) -> list[bytes]:
        """First bytes the file we tail on `ident` was seen holding (copystreams.copied_live): what our
        parser read, and what it held at open (another generation if it was replaced in place since:
        still content of that inode; the parser's receipt head no longer includes it, parser.py)."""
        f = self.table.by_ident.get(ident)
        return [] if f is None else [h for h in (bytes(f.parser.receipts.head), f.head_at_open) if h]

    def _fresh_key(self, dev: int, ino: int, head_hash: str, empty_ctime: int | None = None) -> str:
        """A key for new content on (dev, ino) that no other file's checkpoint holds.

        A copy resumed at start keeps its original's key (re-read events keep their event keys, so
        the store recognises them); if the original is then emptied, its new content would hash
        (empty) to that same key, and the two checkpoints would overwrite each other.
        A file opened EMPTY has no first bytes to tell it from an earlier file on a reused inode
        (logrotate `create` after compress/delete, RotatingFileHandler reopening): both keyed
        `dev:ino:<hash of nothing>`, the new file's events hit the old one's receipts (stored
        event keys outlive checkpoints) and were dropped as re-sent (generated writer scenario
        logrotate-502, round 8). Its creation's ctime (`empty_ctime`) tells them apart; the key
        is kept in its checkpoint, so a restart resumes under the same key."""
        def taken(k: str) -> bool:
            cp = self.saved.get(k)
            if cp is not None and (cp.dev, cp.ino) != (dev, ino):
                return True
            return any(f.key == k and f.ident != (dev, ino) for f in self.table)

        base = key = file_key(dev, ino, head_hash) + (f"~{empty_ctime:x}" if empty_ctime is not None else "")
        n = 1
        while taken(key):
            n += 1
            key = f"{base}.{n}"
        return key

    def _end_position(self, h: FileHandle, size: int, encoding: str) -> tuple[int, int]:
        """Start after the last complete line (line numbers: counted once, so events say the truth)."""
        if size == 0:
            return 0, 1
        enc = sniff(h.pread(SNIFF_HEAD, 0), encoding)
        nl = "\n".encode(enc.codec)
        unit = len(nl)
        lines = 0
        pos = 0
        last_end = enc.bom
        while pos < size:
            chunk = h.pread(min(1 << 20, size - pos), pos)
            if not chunk:
                break
            lines += chunk.count(nl)
            i = chunk.rfind(nl)
            while i >= 0 and (pos + i - enc.bom) % unit:  # a newline split across two UTF-16 units
                i = chunk.rfind(nl, 0, i)
            if i >= 0:
                last_end = pos + i + unit
            step = len(chunk) - (len(chunk) % unit)  # keep chunks aligned to code units
            if step <= 0:
                break
            pos += step
        return last_end, lines + 1

    def _checkpoint_for(self, dev: int, ino: int, h: FileHandle, size: int) -> Checkpoint | None:
        """The saved checkpoint of the file behind `h`: same inode AND first bytes.

        A checkpoint taken while a file was empty has no first bytes and matches any file on that
        inode (reused inodes are common): it is used only when nothing better matches, and then
        resumes at 0 like a new file would. Checkpoints that do not match are dead (inode reused).
        """
        same = [cp for cp in self.saved.values() if cp.dev == dev and cp.ino == ino]
        for cp in same:
            if cp.head_len > 0 and not h.head_matches(size, cp.head_len, cp.head_hash):
                self.saved.pop(cp.key, None)
        alive = [cp for cp in same if cp.key in self.saved]
        if not alive:
            return None
        best = max(alive, key=lambda cp: (cp.head_len > 0, cp.updated))
        for cp in alive:
            if cp is not best:
                self.saved.pop(cp.key, None)
        return best
