"""Compressed generations found beside a log (`.gz`/`.bz2`/`.xz`): decided once, read decompressed once.

A rotated generation compressed after the rotation (logrotate `compress`/`delaycompress`, the logging
cookbook's gzip rotator, Docker `local`'s `compress`) holds content a checkpoint may already have read
under the plain name. `adopt_compressed` decides from its decompressed first bytes (compressed.py) whether
it is ours to read and from where; `read_pending` decompresses the queued ones off the event loop, one at a
time, and opens them as in-memory generations (compressed.MemoryHandle) that drain and close like any
rotated file. Moved out of recovery.py (round 16): recovery at start and the running scan both adopt
compressed files through here; recovery.py keeps the decisions about plain files.
"""

from __future__ import annotations

import asyncio
import logging
import os
from contextlib import closing

from .bounded import put_bounded
from .checkpoint import HEAD_BYTES, UNREADABLE, Checkpoint, file_key, identifies_content, says_content
from .compressed import MemoryHandle, Unreadable, decompress, decompressed_head, head_is
from .filesethost import PendingCompressed, RecoveryHost
from .handle import FileClosedError, FileHandle
from .receiptstream import ALIAS, ReceiptStream, alias_key
from .tracked import SourceState, Tracked

log = logging.getLogger(__name__)
MAX_COMPRESSED_SEEN = 4096  # compressed files decided (the oldest forgotten: asked again, read content is known)
# UNREADABLE (checkpoint.py): Checkpoint.format of a damaged compressed file's verdict (remember_unreadable). Safe in
# a field that means the log's format: nothing reads Checkpoint.format back into a parser (a resumed file's parser takes its source's
# format: tracked.py), it is only carried into the checkpoints made from this one (recovery's claim of a moved file
# keeps the marker); the verdict's head hash is of the compressed bytes, which no decompressed head matches
# (`_read_of`); and it is written read to its end (offset = size), so recovery at start leaves it alone.

def adopt_compressed(fs: RecoveryHost, src: SourceState, path: str, st: os.stat_result, final: bool = True,
                     of: Checkpoint | None = None) -> str:
    """A compressed sibling (compressed.py: logrotate `compress`, a handler's gzip rotator, Docker's
    `compress`): read past what a checkpoint of the same content read, or from 0 if none did; not
    read if a file tailed now holds that content (its reader reads it). Each compressed file is decided
    once (`fs.compressed_seen`). Returns "pending" when its first bytes make it one to read: queued in
    `fs.compressed_pending`, decompressed off the event loop by `read_pending` (which counts it
    `compressed_read`, or `compressed_skipped`); "compressed_skipped" if its first bytes cannot be had, ""
    when there is nothing to read, or "wait": not `final` and not readable yet (a compressor may still be
    writing it: asked again, and final once its size and mtime did not change between two asks).
    `of`: only if its content is that checkpoint's (else "other", undecided): recovery's claim of a
    checkpoint's file, which does not ask when it was written (an old archive nobody read is not ours)."""
    ident, shape = (st.st_dev, st.st_ino), (st.st_size, st.st_mtime_ns)
    if ident in fs.compressed_pending:
        return "pending"
    # Decided for this inode AND this size and mtime: logrotate `rotate N` deletes `.N.gz` and may write the next
    # `.gz` into the same inode number; a reused inode is a new file, asked again (re-read r15).
    seen = fs.compressed_seen.get(ident)
    if seen is not None and seen == (shape, True):
        return ""
    final = final or seen == (shape, False)
    if known_unreadable(fs, st, path):
        _decided(fs, ident, shape, "compressed_skipped")
        return ""  # counted and said when it was found unreadable
    kind = _adopt_compressed(fs, src, path, st, final, of)
    if kind == "pending":
        fs.compressed_pending[ident] = PendingCompressed(src, path, st, final)
    if kind not in ("other", "pending"):
        _decided(fs, ident, shape, kind)
    return kind


def _decided(fs: RecoveryHost, ident: tuple[int, int], shape: tuple[int, int], kind: str) -> None:
    put_bounded(fs.compressed_seen, ident, (shape, kind != "wait"), MAX_COMPRESSED_SEEN)


def _unreadable(fs: RecoveryHost, src: SourceState, path: str, st: os.stat_result, final: bool,
                e: Unreadable) -> str:
    if not final:
        return "wait"
    log.warning("ingest: a compressed generation could not be read (counted in sidecar_rotations_total"
                "{kind=\"compressed_skipped\"} once; not decompressed again while it is this file)",
                extra={"path": path, "error": str(e)})
    fs.count_rotation(src, "compressed_skipped")
    remember_unreadable(fs, src, path, st)
    return "compressed_skipped"


def remember_unreadable(fs: RecoveryHost, src: SourceState, path: str, st: os.stat_result) -> None:
    """Keep the verdict on a damaged compressed file (truncated: a compressor killed mid-write; corrupt; too
    large) in the checkpoint file, by the identity every file is known by - its inode and first bytes, here the
    compressed bytes as they are (nothing decompresses) - and its size: a compressed file is written once, then
    only renamed (logrotate's `.1.gz` -> `.2.gz` keeps the inode). Every start asked it again before (a moved
    checkpoint whose content it holds, a glob matching it): decompressed in full, counted `compressed_skipped`
    again (round 17). Written like a file read to its end (offset = size): recovery at start leaves it alone."""
    got = FileHandle.open_as(path, (st.st_dev, st.st_ino), st.st_size)
    if got is None:
        return  # gone, replaced or still growing since it was judged: judged again when met
    with closing(got[0]) as h:
        hl, hh = h.head_identity(st.st_size)
    key = file_key(st.st_dev, st.st_ino, hh)
    fs.saved[key] = Checkpoint(key=key, source=src.name, path=path, dev=st.st_dev, ino=st.st_ino, head_len=hl,
                               head_hash=hh, offset=st.st_size, line=1, size=st.st_size, updated=fs.clock.time(),
                               format=UNREADABLE)
    fs.on_dirty()


def still_known(fs: RecoveryHost, cp: Checkpoint) -> bool:
    """`cp` is an unreadable verdict (`remember_unreadable`) on a file this run still knows (`fs.compressed_seen`:
    that inode at that size): kept past RETAIN_CLOSED by the prune (checkpointing.py), which otherwise drops it a
    week after it was last asked at a start, and a sidecar up longer would judge (and count) the file again at its
    next start."""
    if cp.format != UNREADABLE:
        return False
    seen = fs.compressed_seen.get((cp.dev, cp.ino))
    return seen is not None and seen[0][0] == cp.size


def known_unreadable(fs: RecoveryHost, st: os.stat_result, path: str) -> bool:
    """This very file (inode, size, first compressed bytes) was found unreadable before (`remember_unreadable`).
    A reused inode holds another file: other first bytes or another size, asked again. A verdict met again is
    saved again as of now: kept by `updated` like any closed file's checkpoint (checkpointing.py, RETAIN_CLOSED
    7 days), one stored once was dropped after a week and a `rotate 14` generation decompressed and counted
    again (round 17)."""
    verdicts = [c for c in fs.saved.values() if c.format == UNREADABLE and (c.dev, c.ino) == (st.st_dev, st.st_ino)
                and c.size == st.st_size]
    if not verdicts:
        return False
    got = FileHandle.open_as(path, (st.st_dev, st.st_ino), st.st_size, verdicts)
    if got is None:
        return False
    got[0].close()
    matched = got[2]
    for c in matched:
        c.updated = fs.clock.time()
    if matched:
        fs.on_dirty()
    return bool(matched)


def _adopt_compressed(fs: RecoveryHost, src: SourceState, path: str, st: os.stat_result, final: bool,
                      of: Checkpoint | None) -> str:
    try:
        head = decompressed_head(path)  # HEAD_BYTES only: cheap enough on the loop
    except Unreadable as e:
        return _unreadable(fs, src, path, st, final, e)
    if of is not None and not head_is(head, of.head_len, of.head_hash):
        return "other"
    holder = _held_by(fs, head)
    if holder is not None:
        hold(fs, holder, src, path, st)
        return ""
    if read_to_end(fs, st, head):
        return ""
    remember_as_read(fs, src, path, st, head)
    return "pending"


def _held_by(fs: RecoveryHost, head: bytes) -> Tracked | None:
    """A file tailed now whose first bytes are the compressed file's content's: its reader reads that content."""
    return next((f for f in fs.table if _holds(f, head)), None)


def _holds(f: Tracked, head: bytes) -> bool:
    """Whether `f` holds the content starting with `head` (up to HEAD_BYTES of it: all of it when shorter).

    Its identity's first bytes matching is not enough: a file first seen holding only what every file of its writer
    starts with - a BOM (.NET, PowerShell), a fixed header (W3C/IIS `#Software:`/`#Fields:` lines, a log4j/logback
    header) - matches EVERY generation that writer left, and the new live log (rotated, created, nothing but its
    header written yet) was taken to hold an older `.gz`: never read, its records lost (re-read r18). A holder of a
    compressed copy is its source, never shorter than it: it holds the content when its identity says something
    about content and covers the content's whole head - or, its identity shorter (only a BOM or header when taken,
    not grown yet: tail.py grows it on the next read), when the bytes it holds NOW start with the whole head.
    UNDECIDABLE from first bytes: a header of HEAD_BYTES or more makes every generation look alike here, as in
    every identity of this package. Both ends by the one rule (checkpoint.says_content): a content that says nothing
    (only a BOM, nothing) is no file's to hold - before, a `.gz` of only a BOM was held by any tailed lone-BOM file."""
    if not says_content(head) or not head_is(head, f.head_len, f.head_hash):
        return False  # a content that says nothing (only a BOM: checkpoint.says_content) is no file's to hold
    if f.head_len >= len(head) and identifies_content(f.head_len, f.head_hash):
        return True
    try:
        return f.handle.pread(len(head), 0) == head
    except (OSError, FileClosedError):
        return False  # gone from under us: it holds nothing we can read


def hold(fs: RecoveryHost, holder: Tracked, src: SourceState, path: str, st: os.stat_result) -> None:
    """A compressed file judged "nothing to read" because `holder`, tailed now, holds its content (the plain file
    still open: a rename then `compress` with the plain generation not yet drained, the logging cookbook's rotator
    compressing the live file itself). The verdict lived in memory only (compressed_seen): once the holder was closed,
    its checkpoint was the only record of that content, and a reuse of its inode (the next live log) dropped it as a
    dead one - a start that met the compressed file then read it from 0, every record stored twice (round 18). Kept
    with the holder until it is closed (`held_read`), then written under the compressed file's own identity."""
    put_bounded(fs.compressed_held, (st.st_dev, st.st_ino), (PendingCompressed(src, path, st, True), holder),
                MAX_COMPRESSED_SEEN)


def held_read(fs: RecoveryHost, f: Tracked, cp: Checkpoint | None) -> None:
    """`f` is closed with its content read to `cp` (None: its content ended unread - truncated in place): each
    compressed file judged held by it (`hold`) gets a checkpoint of its own identity - its inode, its size as
    judged, the content's first bytes - read as far as `f` was (`_remember_read_under`). A start that meets it then
    decides as this run did: read to its end, nothing to read (read_to_end); else read past `cp`. One gone, or
    another file now (other inode or size), is left alone."""
    for ident, (job, holder) in list(fs.compressed_held.items()):
        if holder is not f:
            continue
        del fs.compressed_held[ident]
        try:
            st = os.stat(job.path)
        except OSError:
            continue
        if cp is not None and (st.st_dev, st.st_ino) == ident and st.st_size == job.st.st_size:
            _remember_read_under(fs, job.src, job.path, st, cp)


def _read_of(fs: RecoveryHost, head: bytes, st: os.stat_result) -> Checkpoint | None:
    """The furthest checkpoint of the content whose first bytes are `head` (saved, or read and dropped since:
    `read_heads`); on a tie the content's reader's, not the compressed file `st`'s copy of it (`remember_as_read`)."""
    ident = (st.st_dev, st.st_ino)
    return max((c for c in (*fs.saved.values(), *fs.read_heads.values())
                if identifies_content(c.head_len, c.head_hash) and head_is(head, c.head_len, c.head_hash)),
               key=lambda c: (c.offset, (c.dev, c.ino) != ident or ALIAS not in c.key), default=None)


def copy_key(st: os.stat_result, cp: Checkpoint) -> str:
    """The key of `cp`'s content read as far under the compressed file `st` (`remember_as_read`): that file's own
    identity, read under the stream of `cp`'s reader (receiptstream.alias_key, as a resumed copy is)."""
    return alias_key(file_key(st.st_dev, st.st_ino, cp.head_hash), ReceiptStream.prefix_of(cp.key, ""))


def remember_as_read(fs: RecoveryHost, src: SourceState, path: str, st: os.stat_result, head: bytes) -> None:
    """A compressed file queued to read holds content a checkpoint read up to N (its decompressed first bytes are
    that checkpoint's): kept at once as a checkpoint of the compressed file's own identity, read up to N.

    Until it is decompressed, that content was known read only by the plain generation's checkpoint, under an
    inode the compression freed (moby's json-file and logrotate `compress`: rename to `.1`, gzip to `.1.gz`,
    remove `.1`). A new file in that inode - the next live log, often - drops such a checkpoint as dead
    (opening._checkpoint_for), `read_heads` keeps it in memory only, and a stop before the queued file was read
    left no record of it: the next start read the `.gz` from 0, its records stored twice (round 17, taxonomy
    docker-78612). Kept under the compressed file's inode, it is dropped only with that file (its inode reused)."""
    cp = _read_of(fs, head, st)
    if cp is None or cp.offset <= 0 or (cp.dev, cp.ino) == (st.st_dev, st.st_ino):
        return  # nothing read of it; or this file's own checkpoint (read in part before, or covered)
    _remember_read_under(fs, src, path, st, cp)


def _remember_read_under(fs: RecoveryHost, src: SourceState, path: str, st: os.stat_result, cp: Checkpoint) -> None:
    """A checkpoint of the compressed file `st`'s own identity for content `cp` read (remember_as_read, held_read)."""
    key = copy_key(st, cp)
    fs.saved[key] = Checkpoint(key=key, source=src.name, path=path, dev=st.st_dev, ino=st.st_ino,
                               head_len=cp.head_len, head_hash=cp.head_hash, offset=cp.offset, line=cp.line,
                               size=cp.size, updated=fs.clock.time(), format=cp.format, csize=st.st_size)
    fs.on_dirty()


def read_to_end(fs: RecoveryHost, st: os.stat_result, head: bytes) -> bool:
    """This very compressed file (its inode and size: `same_compressed_file`) with this content (its
    decompressed first bytes) has a checkpoint read to its end (`remember_covered`, or its own read closed): nothing
    to read, nothing to decompress again.

    Exactly once for a compressed generation means: its content - named by its decompressed first bytes, as
    every plain generation is by its own - is read once, over every run of the sidecar, and a later start knows
    that from the checkpoint file alone (round 16: a `.gz` of content read as the plain `.1` was read again
    after a restart once the `.1`'s checkpoint had been dropped with a reuse of its inode, and only the
    in-memory `read_heads` knew it). Any doubt costs one decompression, never a record: the content then decides
    (`_read_compressed`: read past the furthest checkpoint of those first bytes)."""
    return any((c.dev, c.ino) == (st.st_dev, st.st_ino) and c.offset >= c.size > 0 and len(head) <= c.size
               and same_compressed_file(c, st) and head_is(head, c.head_len, c.head_hash) for c in fs.saved.values())


def same_compressed_file(cp: Checkpoint, st: os.stat_result) -> bool:
    """Whether the compressed file `st` is still the one `cp` judged: the same compressed size as then.

    Why the size. Every writer of the class writes a compressed generation once, whole, and then only renames it:
    logrotate `compress` (`.1.gz` -> `.2.gz`: a rename keeps the size); CPython's logging cookbook rotator
    (`gzip.open(dest, "wb")` + `shutil.copyfileobj`, then `os.remove(source)`); moby's json-file/local `compress`
    (pkg/loggerutils: `.1.gz` opened O_CREATE|O_TRUNC). The last two TRUNCATE an existing destination in place: the
    same inode then holds another file, and so does an inode number `rotate N` freed and the next `.gz` took. Its
    decompressed first bytes alone (what a checkpoint names content by) do not tell it from the one judged when they
    are the same HEAD_BYTES (re-read r18: taken as read, the rest never read); more content, a truncation or a
    recompression at another level gives another size. Not the mtime: it moves without a new file (a `touch`, a copy
    without -p, recovery's own tests set it), and a doubt costs a decompression of every such file at every start.
    A doubt costs one decompression, never a record: the content then decides. UNDECIDABLE without decompressing:
    another content of exactly the same compressed size with the same first HEAD_BYTES. A checkpoint written before
    round 19 has no size: decided again, once."""
    return cp.csize == st.st_size


def remember_covered(fs: RecoveryHost, src: SourceState, path: str, st: os.stat_result, cp: Checkpoint,
                     size: int) -> None:
    """The compressed file at `path` holds `size` bytes of content `cp` (another file's checkpoint, or its own)
    read to their end: a checkpoint of its own, under its own inode (see `read_to_end`)."""
    key = file_key(st.st_dev, st.st_ino, cp.head_hash)
    fs.saved[key] = Checkpoint(key=key, source=src.name, path=path, dev=st.st_dev, ino=st.st_ino,
                               head_len=cp.head_len, head_hash=cp.head_hash, offset=size, line=cp.line, size=size,
                               updated=fs.clock.time(), format=cp.format, csize=st.st_size)
    fs.on_dirty()


def decompressed_held(fs: RecoveryHost) -> int:
    """Bytes of decompressed generations held in memory now (open MemoryHandles)."""
    return sum(f.handle.held() for f in fs.table if isinstance(f.handle, MemoryHandle))


async def read_pending(fs: RecoveryHost) -> bool:
    """Decompress ONE queued compressed generation and open it; True if one was taken.

    Off the event loop (`asyncio.to_thread`): decompressing up to MAX_DECOMPRESSED takes seconds
    for xz, and the loop also serves the API and the delivery. And one at a time: none is taken
    while a decompressed generation is still held (read, then closed), so at most MAX_DECOMPRESSED
    bytes of them are held at once, however many unread `.gz` generations a start finds (N of them
    opened together held N x 64 MiB). The next one waits until the previous one is read."""
    if not fs.compressed_pending or decompressed_held(fs) > 0:
        return False
    ident, job = next(iter(fs.compressed_pending.items()))
    # Taken off the queue before the await: a job whose decompression raised stayed first in it, and every pass of
    # the tail loop raised again before reaching the files (re-read r15). What else it raises (MemoryError, a
    # decompressor's own error class) is this generation's damage: skipped and counted like Unreadable.
    fs.compressed_pending.pop(ident, None)
    try:
        got: bytes | Unreadable = await asyncio.to_thread(decompress, job.path)
    except Unreadable as e:
        got = e
    except Exception as e:  # noqa: BLE001 - see above: never retried forever
        got = Unreadable(f"{type(e).__name__}: {e}")
    kind = _read_compressed(fs, job, got)
    _decided(fs, ident, (job.st.st_size, job.st.st_mtime_ns), kind)
    return True


def _read_compressed(fs: RecoveryHost, job: PendingCompressed, got: bytes | Unreadable) -> str:
    src, path, st = job.src, job.path, job.st
    if isinstance(got, Unreadable):
        return _unreadable(fs, src, path, st, job.final, got)
    data = got
    head = data[:HEAD_BYTES]
    holder = _held_by(fs, head)
    if holder is not None:  # a file tailed now holds it (opened while this one waited): its reader reads it
        hold(fs, holder, src, path, st)
        return ""
    # The same content read before: the plain generation's checkpoint (compressed after we read it,
    # or after we stopped), or this compressed file's own (read in part before a restart); or a
    # file read to its end whose checkpoint a reuse of its inode dropped since (`read_heads`).
    cp = _read_of(fs, head, st)
    if cp is not None:
        fs.saved.pop(copy_key(st, cp), None)  # remember_as_read's, replaced by what this read decides
    if cp is not None and len(data) <= cp.offset:
        remember_covered(fs, src, path, st, cp, len(data))
        return ""
    resume = None
    if cp is not None:  # under the checkpoint's key: its receipt stream names the events as its reader did
        resume = Checkpoint(key=cp.key, source=cp.source, path=path, dev=st.st_dev, ino=st.st_ino,
                            head_len=cp.head_len, head_hash=cp.head_hash, offset=cp.offset, line=cp.line,
                            size=len(data), updated=cp.updated, format=cp.format)
        fs.saved.pop(cp.key, None)
    f = fs.open_file(src, None, MemoryHandle(data, st, path), len(data), startup=False, resume=resume, origin=path)
    f.draining_since = fs.clock.monotonic()
    fs.count_rotation(src, "compressed_read")
    return "compressed_read"
