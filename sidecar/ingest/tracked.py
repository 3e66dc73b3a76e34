"""What the tailer keeps per source and per open file, its tuning constants, and source options."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

from ..config import SourceConfig
from .handle import FileHandle, Phase
from .parser import FileParser, ParserOptions
from .rawrecord import Limits
from .record import ErrorEvent

EventSink = Callable[[list[ErrorEvent]], Awaitable[None]]

READ_CHUNK = 256 * 1024
READ_BUDGET = 4 * 1024 * 1024  # per file per pass, for fairness between files
ROTATE_WAIT = 5.0  # keep a rotated/deleted file open this long after its last growth
SETTLE = 0.01  # a quiet file's open record that looks complete is closed after this (a logging
# record is one write(); a later continuation of a record that looked complete would become its own record)
RETRY_MIN, RETRY_MAX = 0.5, 10.0
RETAIN_CLOSED = 7 * 24 * 3600.0  # keep checkpoints of closed files this long (rotated copies may reappear)


def source_name(src: SourceConfig) -> str:
    return src.name or ",".join(src.paths)


def parser_options(src: SourceConfig) -> ParserOptions:
    fmt = "json" if src.format == "jsonl_metrics" else src.format
    return ParserOptions(
        format=fmt,
        pattern=src.pattern,
        max_line_bytes=src.max_line_bytes,
        limits=Limits(max_lines=src.max_record_lines, max_bytes=src.max_record_bytes),
        encoding=src.encoding,
        timezone=src.timezone,
    )


@dataclass(eq=False)  # identity semantics: kept in sets
class Tracked:
    """One tailed file: its handle (the descriptor's only owner), identity, parser and progress."""

    src: SourceState
    path: str | None  # None once it no longer has its name (rotated away, deleted)
    handle: FileHandle
    dev: int
    ino: int
    key: str
    head_len: int
    head_hash: str
    parser: FileParser
    acked: tuple[int, int]  # (offset, line) of the checkpoint
    size: int = 0
    last_data: float = 0.0
    settled: bool = True
    behind_since: float | None = None
    inflight: int = 0  # reads queued for the sink, not yet accepted (delivery.Delivery)
    gen: int = 0  # bumped when the file is truncated/replaced in place: older reads no longer move `acked`
    draining_since: float | None = None
    ended_look: float = -1.0  # last_data when tail asked whether its partial last line's generation ended
    origin: str = ""  # the last name it had (kept after it lost it: where to look for it after a restart)
    empty_mtime: int = 0  # st_mtime_ns when last seen while nothing identified it (head_len 0)
    opened_scan: int = 0  # the look (FileSet.scans) that opened it
    stream_check: bool = False  # a rotated name read under its own inode: ask the store before reading (copystreams)
    head_at_open: bytes = b""  # the first bytes it held when opened (copystreams' local evidence, opening._held_head)
    counted: dict[str, int] = field(default_factory=lambda: {"lines": 0, "trunc": 0, "bad": 0})

    @property
    def ident(self) -> tuple[int, int]:
        return self.dev, self.ino

    def has_work(self) -> bool:
        """An open record, a backlog, a retry or a drain in progress: look at it on the next pass."""
        return (self.handle.phase is Phase.DRAINING or self.inflight > 0 or self.parser.pending()
                or self.size > self.parser.offset)


class FileTable:
    """The tailer's tailed files and their indexes: the one place a file is added or retired.

    `retire` closes the handle and drops the file from every index in one step, so no index can
    keep a closed file (which would then be serviced again). `active` holds the files with work
    left; `note` keeps it current and never lets a closed file in.
    """

    def __init__(self) -> None:
        self._files: dict[Tracked, None] = {}  # insertion-ordered set
        self.by_ident: dict[tuple[int, int], Tracked] = {}  # files whose inode we hold open (add)
        self.by_path: dict[str, Tracked] = {}
        self.active: set[Tracked] = set()

    def __iter__(self) -> Iterator[Tracked]:
        return iter(list(self._files))

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, f: object) -> bool:
        return f in self._files

    def add(self, f: Tracked) -> None:
        self._files[f] = None
        if f.handle.holds_inode:
            # Only files whose inode we hold open: an inode another file may take while we read (a
            # decompressed generation, compressed.MemoryHandle, whose `.gz` the writer deleted) would
            # make the file that reuses it look like ours (rotation._visit renamed the decompressed
            # generation to the new live name, and the live file was never opened: its records lost).
            self.by_ident[f.ident] = f
        if f.path is not None:
            self.by_path[f.path] = f
        self.active.add(f)  # checked on the next pass

    def rename(self, f: Tracked, path: str | None) -> None:
        """Give `f` a new name (None: it lost its name, and drains)."""
        if f.path is not None and self.by_path.get(f.path) is f:
            del self.by_path[f.path]
        f.path = path
        if path is None:
            if f.handle.phase is Phase.OPEN:
                f.handle.lose_name()
        else:
            self.by_path[path] = f
            f.origin = path
            if f.handle.phase is Phase.DRAINING:
                f.handle.regain_name()
        self.active.add(f)

    def note(self, f: Tracked) -> None:
        if f in self._files and f.has_work():
            self.active.add(f)
        else:
            self.active.discard(f)

    def retire(self, f: Tracked) -> None:
        """Close the file's handle and forget it everywhere."""
        self._files.pop(f, None)
        self.active.discard(f)
        if self.by_ident.get(f.ident) is f:
            del self.by_ident[f.ident]
        if f.path is not None and self.by_path.get(f.path) is f:
            del self.by_path[f.path]
        f.handle.close()

    def retire_all(self) -> None:
        for f in self:
            self.retire(f)


@dataclass
class SourceState:
    """One configured source and its counters."""

    cfg: SourceConfig
    name: str
    options: ParserOptions
    first_run: bool
    last_error: str | None = None
    rotations: int = 0
    truncations: int = 0
    events: int = 0
    missing: list[str] = field(default_factory=list)  # base directories that do not exist
    errors_said: set[str] = field(default_factory=set)  # file errors already logged (once each)
    overruns: int = 0  # rotations that outran the tailer (overrun.say_overrun): records may be lost
    last_overrun: float | None = None  # clock.monotonic() of the last one
