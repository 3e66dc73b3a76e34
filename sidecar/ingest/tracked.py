"""What the tailer keeps per source and per open file, its tuning constants, and source options."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from ..config import SourceConfig
from .multiline import Limits
from .parser import FileParser, ParserOptions
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
    )


@dataclass(eq=False)  # identity semantics: kept in sets
class Tracked:
    """One open file."""

    src: SourceState
    path: str | None  # None once it no longer has its name (rotated away, deleted)
    fd: int
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
    undelivered: list[ErrorEvent] = field(default_factory=list)
    undelivered_resume: tuple[int, int] = (0, 1)
    retry_at: float = 0.0
    retry_delay: float = RETRY_MIN
    draining_since: float | None = None
    counted: dict[str, int] = field(default_factory=lambda: {"lines": 0, "trunc": 0, "bad": 0})

    @property
    def ident(self) -> tuple[int, int]:
        return self.dev, self.ino


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
