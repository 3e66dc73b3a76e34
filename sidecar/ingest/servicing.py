"""One pass over one tailed file: what its state says to do now, then read what it holds (a mixin of tail.Ingest).

Split out of tail.py (round 20: 406 lines, two ideas - the loop over files and what one file's pass does). The tailer's
loop (tail.py) decides WHICH files a pass looks at and when; this decides what a look at one file does. The descriptor
is the table's (tracked.FileTable); a file retired (closed) is never serviced again - the loop skips what is no longer
in the table, and a handle closed raises FileClosedError rather than reading another file's reused descriptor number.

The file's lifecycle, as one pass sees it (`_service`; each line one state, the first that holds decides):
  first bytes, not asked yet     -> ask the store whether it is a copy of another replica's stream; read next pass
  deleted (st_nlink 0), named    -> lose its name (rotation.FileSet.detach): drained through our descriptor
  shorter than read / than head  -> truncated: restart (its copy's unread gap first, copies.py), read from 0
  grown, first bytes changed     -> regrown (truncated and rewritten past our offset): restart
  grown, identity short          -> a longer identity (one read); if it was empty or a lone BOM: look behind
  read to its end, draining      -> quiet ROTATE_WAIT: finish (close its record, then the file: FileSet.finish)
  read to its end, partial line  -> quiet ROTATE_WAIT under a rotated name: maybe its generation ended
  more to read                   -> read up to READ_BUDGET (`_read`), each read's provenance checked
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ..clock import Clock
from .checkpoint import HEAD_BYTES, identifies_content
from .checkpointing import CheckpointWriter
from .continued import continued_in_live
from .copystreams import fresh_copy_stream, live_twin, twin_prefix
from .provenance import Provenance, read_provenance
from .record import ErrorEvent
from .rotation import FileSet
from .tracked import READ_BUDGET, READ_CHUNK, ROTATE_WAIT, Tracked


class FileService:
    """What one pass does with one file (tail.Ingest's own state: a mixin)."""

    fs: FileSet
    store: Any
    clock: Clock
    telemetry: Any
    ckpt: CheckpointWriter
    _stopping: bool
    _deliver: Callable[[Tracked, list[ErrorEvent], tuple[int, int]], Awaitable[bool]]

    async def _service(self, f: Tracked) -> bool:
        """Deliver pending events, then read what the file holds (within budget). True if progress."""
        try:
            st = f.handle.fstat()
        except OSError as exc:
            self.fs.source_error(f.src, f"cannot stat {f.path}: {exc.strerror}")
            return False
        f.size = st.st_size
        if f.stream_check and f.size > 0:
            return await self._ask_stream(f)
        if st.st_nlink == 0 and f.path is not None:
            self.fs.detach(f, "deleted")
        # After a restart the file is read on the NEXT pass, from a fresh look: `f.size` describes
        # the content before the restart, and the identity the restart took may be of an emptier
        # file (truncated again meanwhile); reading now would read content no identity covers, whose
        # copy (at the next copytruncate) nothing would recognise: read again from 0, stored twice.
        if f.size < f.parser.offset or f.size < f.head_len:  # it held head_len bytes when we took its identity
            await self.fs.restart(f, "truncate")
            return True
        if f.size > f.parser.offset:
            if not f.handle.head_matches(f.size, f.head_len, f.head_hash) or not self._grow_identity(f):
                await self.fs.restart(f, "regrown")
                return True
        if f.size <= f.parser.offset:
            await self._at_end(f)
            return False
        return await self._read(f)

    async def _ask_stream(self, f: Tracked) -> bool:
        """Before its first read: a copy of what another replica stored since our start? (An empty file has no first
        bytes to match: asked once it has some, still before its first read.) Read on the next pass, from a fresh
        look: the file may have changed during the query."""
        f.stream_check = False
        # One look at the live name: its inode if another than f's (live_twin), asked of the store.
        live = live_twin(f.origin, f.src.cfg, f.ident)
        stream = await fresh_copy_stream(self.store, live, f.ident, f.handle) if self.store and live else None
        if stream is not None and f in self.fs.table:
            self.fs.restream(f, stream)
        elif self.store is not None:
            # Read under its own inode; the original's reader may hold its content unstored: the
            # store counts each event once under either name (copystreams.twin_prefix)
            f.parser.receipts.twin = twin_prefix(live)
        return True

    def _grow_identity(self, f: Tracked) -> bool:
        """First seen nearly empty: strengthen the identity now that there is more to hash. False if the file was
        copytruncated and rewritten since its first bytes were checked (the caller restarts it)."""
        if f.head_len >= HEAD_BYTES or f.size <= f.head_len:
            return True
        was_empty = not identifies_content(f.head_len, f.head_hash)  # empty, or only its BOM
        grown = f.handle.grown_identity(f.size, f.head_len, f.head_hash)
        if grown is None:
            return False
        f.head_len, f.head_hash = grown
        self.ckpt.dirty = True
        if was_empty:
            self.fs.look_behind(f)
        return True

    async def _at_end(self, f: Tracked) -> None:
        """Read to its end: a drained generation quiet ROTATE_WAIT is finished; a partial last line quiet as long
        under a rotated name the glob matches may end its generation (copies.ended_generation; asked once per quiet
        spell, on a scan's pass)."""
        now = self.clock.monotonic()
        f.behind_since = None
        if f.draining_since is not None and now - f.last_data >= ROTATE_WAIT:
            await self.fs.finish(f)
        elif (f.parser.offset > f.parser.partial_off and now - f.last_data >= ROTATE_WAIT
              and f.ended_look != f.last_data):
            f.ended_look = f.last_data
            if self.fs.ended_generation(f):
                await self._deliver(f, f.parser.end(continued_in_live(f)), f.parser.resume_point())

    async def _read(self, f: Tracked) -> bool:
        """Read up to READ_BUDGET of what `f` holds past our offset, parse and deliver it. True if progress."""
        if f.behind_since is None:
            f.behind_since = self.clock.monotonic()
        budget = READ_BUDGET
        progressed = False
        while budget > 0 and f.size > f.parser.offset and not self._stopping:
            n = min(READ_CHUNK, f.size - f.parser.offset, budget)
            try:
                data = f.handle.pread(n, f.parser.offset)
            except OSError as exc:
                self.fs.source_error(f.src, f"cannot read {f.path}: {exc.strerror}")
                break
            if not data:
                break
            # A copytruncate may have landed around the read (provenance.py): an unproven read may
            # be the NEW content's middle (stored twice, the old rest skipped): dropped unparsed, and
            # `restart` reads the old rest from the copy and the new content from 0. A read proven
            # to predate the truncation is kept (it may hold the copy window), then the file restarts.
            origin = read_provenance(f.handle, f.parser.offset, data, f.head_len, f.head_hash,
                                     lambda at, n: self.fs.copy_bytes(f, at, n),
                                     lambda at, data: self.fs.later_copy_holds(f, at, data))
            if origin is Provenance.UNPROVEN:
                await self.fs.restart(f, "regrown")
                progressed = True
                break
            budget -= len(data)
            progressed = True
            events = f.parser.feed(data)
            self._count_read(f, len(data))
            f.last_data = self.clock.monotonic()
            f.settled = False
            await self._deliver(f, events, f.parser.resume_point())
            if origin is Provenance.OLD:
                await self.fs.restart(f, "regrown")
                break
        if f.size <= f.parser.offset:
            f.behind_since = None
        return progressed

    def _count_read(self, f: Tracked, nbytes: int) -> None:
        t = self.telemetry
        name = f.src.name
        t.bytes_read.labels(name).inc(nbytes)
        p = f.parser
        c = f.counted
        if p.lines != c["lines"]:
            t.lines_read.labels(name).inc(p.lines - c["lines"])
            c["lines"] = p.lines
        if p.truncated_lines != c["trunc"]:
            t.truncated_lines.labels(name).inc(p.truncated_lines - c["trunc"])
            c["trunc"] = p.truncated_lines
        bad = p.bad_lines
        if bad != c["bad"]:
            t.parse_errors.labels(name, "malformed_record").inc(bad - c["bad"])
            c["bad"] = bad

