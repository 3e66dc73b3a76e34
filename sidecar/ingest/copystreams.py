"""Which receipt stream a copytruncate copy belongs to, for a replica that never held its original.

The class (logrotate(8), `copytruncate`: "Truncate the original log file to zero size in place after
creating a copy, instead of moving the old log file"): the original keeps its name AND its inode;
the copy is a new inode under a rotated name (`name.1`, `name-20261206`, later renamed again by the
rotation cascade, which keeps the copy's inode). A replica that tailed the original named its events
`dev:<original inode>:<head hash>/n` (receiptstream.py); a replica that was down across the copy,
or started after it, finds only the copy - a sibling no checkpoint of its own knows - and read it
under the COPY's inode: every event counted twice (tests/ingest/test_writer_replicas.py, seed
logrotate-501).

Decision: the copy is named under its original's stream when all of these hold:
- it is a rotated sibling of a family (recovery.family; in an olddir, recovery.live_name) whose live name is another inode, L;
- the store holds receipts of a stream `dev:L:<hash>/n` and the copy's first n bytes hash to it.
  Only the original's reader can have written that stream: it names L's content, and the copy
  starts with the same bytes (what copies.py calls a copy: another inode starting with a tailed
  file's first bytes);
  or, without the store: THIS replica tails L now and the copy starts with the bytes its parser read
  from L (both replicas up across the copy; seeds logrotate-511/512).
What does NOT become one stream:
- two files starting with the same bytes under different names (two `docker logs` captures, two
  services' logs): not siblings of one family, so never compared (tests/ingest/test_copy_streams.py);
- a rename rotation (`create`, RotatingFileHandler, TimedRotatingFileHandler): the rotated file IS the
  original (its own inode, which every reader used), and the new live inode's streams hash other
  first bytes. A reused live inode whose earlier content began with the same bytes is the case
  receiptstream.py already leaves open.
Both orders: the choice is made once, before the copy's first read, from what the store holds then.
The original's reader may already hold that content read from the live file (it opened it regrown)
but not stored (dev seed logrotate-343, round 12): no `dev:L` stream yet, the copy is read under its
own inode, and the original's reader then stores the same events under `dev:L`. So a copy read under
its own inode names `dev:L` as its TWIN (`live_twin`): each event carries both names and the receipt
transaction counts it once under either, in whichever order the replicas commit (receipt_ranges.claim).
Why the store and not the file system: after the truncation nothing on disk says which inode the
copy came from (the live file holds new bytes; Linux birth times are not in os.stat on 3.11), and a
content-only name (no inode) would merge the twins above. Why a name in the file key: a copy resumed
after a restart must keep the stream it started under; the key (`...@dev:L`) is what the checkpoint
keeps. Lookups are read at start (the case: down across the copy), and again, for one live name, before
the first read of a rotated name that neither they nor the local evidence matched (`fresh_copy_stream`):
a replica that opened the live file while empty and was paused while the other read and stored it
(tests/ingest/test_copy_streams_paused.py) finds the copy after its start-up snapshot was taken.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .checkpoint import HEAD_BYTES
from .generations import family, live_name
from .handle import FileHandle
from .receiptstream import stream_name

if TYPE_CHECKING:
    from ..config import SourceConfig

log = logging.getLogger(__name__)

Ident = tuple[int, int]


def copy_of(head: bytes, live: Ident, streams: dict[Ident, list[str]]) -> str | None:
    """The stream prefix `dev:ino` of live inode `live` if one of its stored streams names `head`'s first bytes."""
    prefix = twin_prefix(live)
    for name in streams.get(live, ()):
        n = int(name.rsplit("/", 1)[1]) if "/" in name else -1
        if 0 < n <= min(len(head), HEAD_BYTES) and stream_name(prefix, head[:n]) == name:
            return prefix
    return None


def copied_live(streams: dict[Ident, list[str]], held: Callable[[Ident], Iterable[bytes]], path: str,
                st: os.stat_result, h: FileHandle, live: str) -> str | None:
    """The live file's stream prefix if the file at rotated name `path` (`st`, `h`) is a copy of
    content read from `live`, the live name it is a generation of (recovery.live_name: in an olddir
    too) (the module's decision); None for a live name, its own inode, or no match.

    `held(ident)`: first bytes THIS replica saw that inode hold, if it tails it now (what its parser
    read, and what the file held when it was opened: either is content of the live inode, which a
    replica reading it there names under `dev:L`) - local evidence, fresher than the store's streams
    read at start (both replicas running across the copy: the one that opened the original while it
    was empty had no first bytes to match a copy by in copies.py, and read the copy as a new file;
    seeds logrotate-511/512)."""
    if not path or live == path:
        return None
    try:
        lst = os.stat(live)
    except OSError:
        return None
    ident = (lst.st_dev, lst.st_ino)
    if ident == (st.st_dev, st.st_ino):
        return None
    head = h.pread(HEAD_BYTES, 0)
    for ours in longest_views(held(ident)):
        n = min(len(head), len(ours))
        if head[:n] == ours[:n] and past_first_line(ours[:n]):
            return twin_prefix(ident)
    return copy_of(head, ident, streams)


def past_first_line(common: bytes) -> bool:
    """Whether bytes a rotated file and the live file both start with are evidence of a copy: the first
    line and a whole line after it (the raw byte 0x0A, as receiptstream.py names streams).

    What a copy guarantees: logrotate `copy`/`copytruncate` copies the whole file, so the copy starts
    with EVERY byte the original held when copied - all this replica read there, not only its start
    (longest_views: compared with the most this replica knows the live inode held).
    What it does not: that nothing else starts that way. Every generation of one writer shares a
    prefix that is no copy: a BOM or the date of the first timestamp (shorter than a line: writer
    replicas timed_x2, round 16, a UTF-16 live file resumed at offset 2), and a header line every file
    of the writer opens with (log4j2 PatternLayout `header`, W3C/IIS `#Software:`, a CSV header: a live
    file read to the end of its header, review r16). So the first line is no evidence, even whole; the
    next line is a record, which no other generation holds at that place. A copy that shares one line
    only (the original held one line when copied, or this replica read one) is left to the twin
    (live_twin: each event named under both inodes, counted once); so is a writer whose header is
    several lines while the live file holds no more than it (longest_views: what it held at open, when
    more, tells a generation of the same writer from a copy)."""
    first = common.find(b"\n")
    return first >= 0 and common.find(b"\n", first + 1) >= 0


def longest_views(held: Iterable[bytes]) -> list[bytes]:
    """The first bytes of the live inode this replica saw (copied_live's `held`), a view that another one
    starts with dropped: both are the same content of that inode, the longer knows more of it, and a copy
    of it must agree with all of it. The header case (review r16): a parser resumed at the end of a header
    holds the header, the file at open held the header AND records - a generation of the same writer agrees
    with the first and not with the second, and is no copy of it. A view that does not start the same
    (the inode was emptied and written again since) is a content of its own, compared on its own."""
    views = sorted((v[:HEAD_BYTES] for v in held if v), key=len, reverse=True)
    out: list[bytes] = []
    for v in views:
        if not any(o.startswith(v) for o in out):
            out.append(v)
    return out


def live_idents(paths: Iterable[str]) -> dict[Ident, str]:
    """(device, inode) -> live name, for the live names that exist."""
    out: dict[Ident, str] = {}
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:
            continue
        out[(st.st_dev, st.st_ino)] = p
    return out


async def load_streams(store: Any, paths: Iterable[str]) -> dict[Ident, list[str]]:
    """The receipt streams the store holds under each live name's inode (empty without a store).

    Best effort like the checkpoint mirror: a store that cannot answer leaves copies named by their
    own inode (counted twice across replicas, as before), and says so."""
    if store is None:
        return {}
    out: dict[Ident, list[str]] = {}
    try:
        for ident in live_idents(paths):
            names = await store.groups.receipt_streams(twin_prefix(ident) + ":")
            if names:
                out[ident] = names
    except Exception as exc:  # the store is optional here: ingest goes on
        log.warning("ingest: receipt streams not read from the store (copies keep their own inode's name)",
                    extra={"error": str(exc)})
    return out


def is_rotated_name(path: str) -> bool:
    """Whether `path` is a rotated generation's name (`app.log.1`, ...), not its family's live name."""
    return bool(path) and family(path) != path


def live_twin(name: str, cfg: SourceConfig, ident: Ident) -> Ident | None:
    """The inode now at the live name rotated name `name` is a generation of (generations.live_name:
    in an olddir too), if that is another inode than `ident` (the file read under `name`); else None.
    One stat: the one place opening.py, tail.py and copies.py ask it.

    That inode is the TWIN of a rotated name read under its own inode (the module's "Both orders").
    Why a twin and not a choice: the choice above is made before the copy's first read from what the
    store holds THEN, and the original's reader may have read that content from the live file without
    having stored it yet (dev seed logrotate-343, two replicas: it then stored it under `dev:L`, the
    copy's reader under the copy's inode, 17 records twice). Nothing this replica can see tells the
    orders apart, so its events carry both names and the store's receipt transaction counts each
    once under either (store/receipt_ranges.claim), whichever replica commits first. A rename
    rotation's generation gets a twin too, harmlessly: the live inode's streams hash other first bytes."""
    try:
        lst = os.stat(live_name(name, cfg.paths, cfg.exclude, cfg.rotated_dirs))
    except OSError:
        return None
    return None if (lst.st_dev, lst.st_ino) == ident else (lst.st_dev, lst.st_ino)


def twin_prefix(twin: Ident | None) -> str:
    """The receipt stream prefix `dev:ino` of a twin inode (live_twin), "" for none."""
    return f"{twin[0]}:{twin[1]}" if twin is not None else ""


async def fresh_copy_stream(store: Any, live_ident: Ident, ident: Ident, h: FileHandle) -> str | None:
    """The live file's stream prefix if the store holds, NOW, a stream of the live inode `live_ident`
    (live_twin: the inode at the live name a rotated file is a generation of, another than `ident`) that
    the file (inode `ident`, open as `h`) starts with; None otherwise or on a store error."""
    head = h.pread(HEAD_BYTES, 0)
    try:
        # The first choice stored wins: a replica that already counted this very file under its own
        # inode (it looked before the original's receipts existed) is followed, or the two names
        # would count it twice (tests/ingest/test_writer_replicas.py, copytruncate across replicas).
        own = await store.groups.receipt_streams(twin_prefix(ident) + ":")
        if copy_of(head, ident, {ident: own}) is not None:
            return None
        names = await store.groups.receipt_streams(twin_prefix(live_ident) + ":")
    except Exception as exc:  # the store is optional here: the copy keeps its own inode's name
        log.warning("ingest: receipt streams not read from the store (a copy keeps its own inode's name)",
                    extra={"error": str(exc)})
        return None
    return copy_of(head, live_ident, {live_ident: names}) if names else None
