"""The records a metrics stream placed recently, kept on disk so a restart can count them without the file.

Why (issue 19, generated scenarios 12003 and 10121): a record read from the gateway's file and placed in
the window is counted by the stage at the NEXT evaluation. A process killed between the two (SIGKILL,
OOM, a node lost) forgets it; a new process reads it back from the file's end (follow.LOOKBACK), unless
the file is gone by then: deleted, renamed away (logrotate `create` without a glob that follows the
copy), truncated by `copytruncate`, replaced by a symlink swap. Those records were read, and lost. The
stage totals remember only what the last evaluation saw (stagetotals `seen`, the carry), not what came
after it. The class: every record this stream read counts once, whatever instant the process dies at.

So each poll appends the records it placed - their place in time (`t`, our clock, after every clock
correction), the line they came from as read (`l`, the window keeps its compact form) and its digest - to
a journal beside the writers' clock file (`<stream>.journal.jsonl` in `metrics.clock_dir`, the
ingest checkpoint directory by default). A new process replays the files as before; every line the
replay reads takes one entry with its digest off the old journal (a multiset: a line written twice
is two entries, matched twice). At the end of the replay what is left was read by the previous
process and is in no file this one follows: it goes back into the window at the very time the
previous process placed it. A line the replay reads again is placed by the replay, at the time the
journal says the previous process placed it (round 11): the stage totals counted it there, and the
replay's own reading of the writer's clock can be off for recent history - a writer clock that
stepped FORWARD reads exactly like a pause, and the pre-step history was placed early by the step
(round 10, not fixed then). Beyond the journal's span (older history) the replay reads the clocks as
before. Nothing is counted twice: a line is restored from here or read again, never both.

Bounded: entries older than `keep` seconds before now (the span a restart's replay keeps, jsonl.py
RESTART_REACH lateness bounds) are dropped, and at most `limit` are kept (the stream's max_records).
Append-only segments (round 14; before, one file rewritten whenever it held twice what was live: about one
byte rewritten per byte appended, bench/journal_cost.py): `<name>.g<generation>.<n>`, entries appended to
the newest; a new segment starts once the newest holds max(SEGMENT_MIN, live entries) lines, and a segment
is deleted (one unlink) once every entry in it was dropped. Entries are dropped oldest first, so segments
go in order and the files hold at most the live entries plus one segment: each entry is written once.
Each process writes a generation of its own: when its replay is over it writes its live entries as the
generation's first segment (temporary file + os.replace) and only then deletes the older generations' files;
a reader takes the highest generation present, so a crash between the two counts nothing twice (the
previous generation is ignored) and a crash before it loses nothing (there is no new generation yet).
A journal in the single file of rounds 11-13 (`<name>` itself) is read when no segment exists.
Written with one append per poll, not fsynced: a killed PROCESS loses nothing the kernel accepted
(write(2) completed before the signal), a power cut may lose the last second; a torn last line is
skipped when read. One process per journal: a second process opening the same directory (two
replicas sharing a checkpoint volume) finds it locked (flock) and runs without one, said once in the
log, rather than restoring the other's records as its own.

A double-written failure whose two records straddle the file leaving its path while the sidecar is
down (round 12; only a writer stalled between its two writes fits a kill and a rotation between them,
metrics/dedupe.py): the first is restored from here, the second read from the new file. A restored
record goes through the stream's double-write filter like any placed record, after the replay, on
its writer's clock: each failure entry keeps its writer's stamp (`s`) and its writer (`w`); the entry
holds the line as read (`l`), so every field the pair's signature includes (`request_id`, which the
window drops by default) is there. (`r` and `x`: a record and its dropped fields, as round 12's first
form wrote them; still read.)

Records waiting for their writer's clock (metrics/held.py, up to 30 s; round 12) are journaled when
they start waiting, marked held (`h`), at the time their wait would end with if nothing changed (their
stamp on the writer's clock estimate of that moment). Placed, the record is journaled again and its held
entry is dropped (in memory, and when the file is read: a later placed entry of the same line cancels
it). A held entry left at a restart is restored at that time when its line is gone; when the replay
reads the line again, the replay places it by its own reading (no process placed it: nothing to keep).
A held record its wait ends without placing (a double write's second record, history) is cancelled by
a tombstone entry (`c`), so a restart does not restore what the live process dropped.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import hashlib
import json
import logging
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

log = logging.getLogger(__name__)

VERSION = 1
SEGMENT_MIN = 1024  # lines in a segment before the next one starts (at least; see the docstring)


class Entry(NamedTuple):
    """One placed record: where (our clock), its line's digest, the record (the line as read, or an older
    entry's compact form); for a failure, its writer's stamp and writer (and, in older entries, the
    fields its pair signature needs that the compact form lacks)."""

    t: float
    key: str
    record: dict[str, Any]
    stamp: float | None = None
    writer: str | None = None
    extra: dict[str, Any] | None = None
    held: bool = False  # waiting for its writer's clock when written (metrics/held.py); `t` is tentative


class _Line:
    """One entry as written, in this process's live span; `dead` once a held entry was placed; `seg`:
    the segment it is in (-1 until written)."""

    __slots__ = ("dead", "line", "seg", "t")

    def __init__(self, t: float, line: bytes) -> None:
        self.t, self.line, self.dead, self.seg = t, line, False, -1


def _segment_name(path: Path, gen: int, n: int) -> Path:
    return path.with_name(f"{path.name}.g{gen}.{n}")


def _segments(path: Path) -> dict[int, list[tuple[int, Path]]]:
    """Every segment file of the journal at `path`: generation -> [(n, file)], in order."""
    out: dict[int, list[tuple[int, Path]]] = {}
    prefix = path.name + ".g"
    try:
        names = os.listdir(path.parent)
    except OSError:
        return out
    for name in names:
        if not name.startswith(prefix):
            continue
        gen, _, n = name[len(prefix):].partition(".")
        if gen.isdigit() and n.isdigit():
            out.setdefault(int(gen), []).append((int(n), path.parent / name))
    for files in out.values():
        files.sort()
    return out


def journal_files(path: Path) -> list[Path]:
    """The files a restart reads, in order: the highest generation's segments, else the older single file."""
    gens = _segments(path)
    if gens:
        return [f for _, f in gens[max(gens)]]
    return [path] if path.exists() else []


def _number(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if ok else None


def digest(line: bytes) -> str:
    """A line's identity across processes (Python's hash() is salted per process)."""
    return hashlib.blake2b(line, digest_size=10).hexdigest()


class ReadJournal:
    """One stream's journal: what the previous process placed (to restore) and what this one places."""

    def __init__(self, path: Path | None, keep: float, limit: int) -> None:
        self.path = path
        self.keep = keep
        self.limit = limit
        self.previous: list[Entry] = []  # the last process's entries, file order
        self._unread: dict[str, collections.deque[int]] = {}  # digest -> indexes into `previous` not read again
        self._live: collections.deque[_Line] = collections.deque()  # this process's entries in the file
        self._waiting: dict[str, collections.deque[_Line]] = {}  # digest -> its held entries not placed yet
        self._buffer: list[_Line] = []
        self._fd: int | None = None
        self._gen = 0  # this process's generation (see the module docstring)
        self._seg = 0  # the segment appended to
        self._in_seg: dict[int, int] = {}  # segment -> its entries still in `_live`
        self._written = 0  # lines written to the segment appended to
        self._lock: int | None = None
        self._failed = False
        self._settled = True  # False while the file still holds the previous process's entries
        self.restored = 0
        if path is not None:
            self._open(path)

    def _open(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._lock = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            log.warning("metrics journal not used (held by another process, or not writable): records read "
                        "before a crash are recounted from the files only",
                        extra={"path": str(path), "error": str(exc)})
            if self._lock is not None:
                os.close(self._lock)
                self._lock = None
            self.path = None
            return
        self.previous = list(self._load(path))
        for i, (_, key, *_) in enumerate(self.previous):
            self._unread.setdefault(key, collections.deque()).append(i)
        self._gen = max(_segments(path), default=-1) + 1
        # The files keep the previous process's entries until the replay has decided them (`leftover`):
        # a crash during the replay leaves them for the next process. Then this process's generation
        # starts with its own (the replay's placements and the restored entries, journaled again when placed).
        self._fd = -1  # open, no segment yet (the first is written by `_settle`)
        self._settled = False

    @staticmethod
    def _load(path: Path) -> list[Entry]:
        raw = b""
        for file in journal_files(path):
            try:
                data = file.read_bytes()
            except FileNotFoundError:
                continue
            except OSError as exc:
                log.warning("metrics journal unreadable", extra={"path": str(file), "error": str(exc)})
                continue
            raw += data if data.endswith(b"\n") or not data else data + b"\n"  # a torn end stays one bad line
        out: list[Entry | None] = []
        waiting: dict[str, list[int]] = {}  # digest -> held entries no placed entry cancelled yet
        for line in raw.splitlines():
            try:
                entry = json.loads(line)
            except (ValueError, UnicodeDecodeError, RecursionError):
                continue  # a torn last line (killed mid-append) or damage: that entry only
            if not isinstance(entry, dict) or entry.get("v") != VERSION:
                continue
            t, key, writer, extra = (entry.get(k) for k in ("t", "k", "w", "x"))
            record = entry.get("l", entry.get("r"))  # the line as read, or (older entries) the record
            t = _number(t)
            if t is None or not isinstance(key, str) or not isinstance(record, dict):
                continue
            held = entry.get("h") is True
            if entry.get("c") is True:  # a held record that was not placed after all
                if waiting.get(key):
                    out[waiting[key].pop(0)] = None
                continue
            if not held and waiting.get(key):
                out[waiting[key].pop(0)] = None  # the held record was placed since: its placed entry counts
            if held:
                waiting.setdefault(key, []).append(len(out))
            out.append(Entry(t, key, record, _number(entry.get("s")), writer if isinstance(writer, str) else None,
                             extra if isinstance(extra, dict) else None, held))
        return [e for e in out if e is not None]

    def read_again(self, key: str) -> float | None:
        """The replay read the line with this digest again: where the previous process placed it (its
        earliest entry not yet read again), None when it placed no such line."""
        left = self._unread.get(key)
        if not left:
            return None
        entry = self.previous[left.popleft()]
        return None if entry.held else entry.t  # a held one was placed by no process: the replay places it

    def leftover(self) -> list[Entry]:
        """The previous process's entries the replay did not read again (their files are gone), once."""
        left = sorted(i for indexes in self._unread.values() for i in indexes)
        out = [self.previous[i] for i in left]
        self.previous = []
        self._unread.clear()
        self.restored += len(out)
        self._settled = self._fd is None
        return out

    def add(self, t: float, key: str, record: Mapping[str, Any] | bytes, stamp: float | None = None,
            writer: str | None = None, extra: Mapping[str, Any] | None = None, held: bool = False) -> None:
        """A record placed at `t` from the line with digest `key` (written at the next `flush`); a
        failure's `stamp`, `writer` and `extra` fields (see the module docstring) when it has them.
        `held`: not placed yet, waiting for its writer's clock; `t` is where its wait would put it.

        `record` is the line itself (one JSON object, as read: `l`) or a record (`r`). The line is
        spliced into the entry as it is, not serialised again: json.dumps per placed record was most of
        the journal's cost (bench/journal_cost.py); the restart parses it and keeps what the window keeps."""
        if self._fd is None or not math.isfinite(t):
            return
        if isinstance(record, bytes):
            head = b'{"v":%d,"t":%r,"k":%s,"l":%s' % (VERSION, float(t), json.dumps(key).encode(), record)
        else:
            head = json.dumps({"v": VERSION, "t": t, "k": key, "r": record}, separators=(",", ":")).encode()[:-1]
        tail = b"" if stamp is None or not math.isfinite(stamp) else b',"s":%r' % float(stamp)
        for name, value in ((b"w", writer), (b"x", extra), (b"h", held or None)):
            if value is not None:
                tail += b',"%s":%s' % (name, json.dumps(value, separators=(",", ":")).encode())
        line = _Line(t, head + tail + b"}\n")
        if held:
            self._waiting.setdefault(key, collections.deque()).append(line)
        elif self._waiting.get(key):
            waited = self._waiting[key].popleft()  # placed now: its held entry goes at the next rewrite
            waited.dead = True
            if not self._waiting[key]:
                del self._waiting[key]
        self._buffer.append(line)
        self._live.append(line)

    def forget(self, key: str) -> None:
        """The held record with this digest ended its wait without being placed (see the docstring)."""
        if self._fd is None or not self._waiting.get(key):
            return
        waited = self._waiting[key].popleft()
        waited.dead = True
        if not self._waiting[key]:
            del self._waiting[key]
        tombstone = _Line(waited.t, (json.dumps({"v": VERSION, "t": waited.t, "k": key, "r": {}, "c": True},
                                                separators=(",", ":")) + "\n").encode())
        tombstone.dead = True  # in its segment until that is deleted (after the held entry's, which is older)
        self._buffer.append(tombstone)
        self._live.append(tombstone)

    def flush(self, now: float) -> None:
        """Append what this poll placed; forget entries older than `keep`; delete segments left empty."""
        if self._fd is None:
            return
        try:
            if self.previous:
                pass  # the replay is not over: the files still hold the previous process's entries; this
                # poll's are written when it is (`_live` holds them)
            elif not self._settled:
                self._settle()
                self._settled = True
            elif self._buffer:
                self._append(self._buffer)
        except OSError as exc:
            if not self._failed:
                self._failed = True
                log.warning("metrics journal not written; records read before a crash are recounted from "
                            "the files only", extra={"path": str(self.path), "error": str(exc)})
        self._buffer = []
        cut = now - self.keep  # after the write: every entry dropped here is in a segment (or in none)
        while self._live and (self._live[0].t < cut or self._live[0].dead or len(self._live) > self.limit):
            self._drop(self._live.popleft())

    def _drop(self, line: _Line) -> None:
        """`line` left the live span: its segment goes once nothing in it is live (not the one appended to)."""
        left = self._in_seg.get(line.seg)
        if left is None:
            return
        if left > 1:
            self._in_seg[line.seg] = left - 1
            return
        del self._in_seg[line.seg]
        if line.seg != self._seg and self.path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(_segment_name(self.path, self._gen, line.seg))

    def _append(self, lines: list[_Line]) -> None:
        assert self.path is not None and self._fd is not None
        if self._written >= max(SEGMENT_MIN, len(self._live)):
            # the next segment opened FIRST: if that fails (ENOSPC, EMFILE) the journal keeps its open segment, never
            # a closed descriptor number another file may get (review re-read r14)
            fd = os.open(_segment_name(self.path, self._gen, self._seg + 1), os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                         0o600)
            os.close(self._fd)
            if not self._in_seg.get(self._seg):  # nothing in it is live any more (`_drop` kept it while appended to)
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(_segment_name(self.path, self._gen, self._seg))
            self._fd, self._seg, self._written = fd, self._seg + 1, 0
        os.write(self._fd, b"".join(line.line for line in lines))
        self._written += len(lines)
        for line in lines:
            line.seg = self._seg
        self._in_seg[self._seg] = self._in_seg.get(self._seg, 0) + len(lines)

    def _settle(self) -> None:
        """This generation's first segment (the live entries, written whole), then the older files go."""
        assert self.path is not None
        self._live = collections.deque(line for line in self._live if not line.dead)
        first = _segment_name(self.path, self._gen, 0)
        tmp = first.with_name(first.name + ".tmp")
        tmp.write_bytes(b"".join(line.line for line in self._live))
        os.replace(tmp, first)
        for line in self._live:
            line.seg = 0
        self._in_seg = {0: len(self._live)}
        self._written = len(self._live)
        self._fd = os.open(first, os.O_WRONLY | os.O_APPEND, 0o600)
        old = [f for gen, files in _segments(self.path).items() if gen != self._gen for _, f in files]
        for file in [*old, self.path]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(file)

    def close(self) -> None:
        for fd in (self._fd, self._lock):
            if fd is not None and fd >= 0:
                os.close(fd)
        self._fd = self._lock = None
