"""What recovery at start and compressed adoption need from the file set (rotation.FileSet), by type.

Its own module: recovery.py and compressedgens.py both take the file set as this protocol, and
recovery imports compressedgens, so the protocol cannot live in either without an import circle
(tests/foundation/test_import_graph.py counts imports under TYPE_CHECKING too).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Protocol

from ..clock import Clock
from .checkpoint import Checkpoint
from .handle import FileHandle
from .tracked import FileTable, SourceState, Tracked


@dataclass(frozen=True)
class PendingCompressed:
    """A compressed generation to read (adopt_compressed), waiting for `read_pending`."""

    src: SourceState
    path: str
    st: os.stat_result
    final: bool


class RecoveryHost(Protocol):
    """What recovery needs from the file set (rotation.FileSet): its state and how to open a file.

    A protocol, not an import of FileSet: rotation uses this module, so naming FileSet here
    would close an import circle."""

    sources: list[SourceState]
    saved: dict[str, Checkpoint]
    table: FileTable
    clock: Clock
    compressed_seen: dict[tuple[int, int], tuple[tuple[int, int], bool]]  # adopt_compressed's (shape, decided)
    compressed_pending: dict[tuple[int, int], PendingCompressed]  # to read, one at a time (read_pending)
    compressed_held: dict[tuple[int, int], tuple[PendingCompressed, Tracked]]  # judged held by a tailed file (hold)
    read_heads: dict[tuple[int, str], Checkpoint]  # content read, by its first bytes (rotation.FileSet)

    def on_dirty(self) -> None: ...

    def open_file(self, src: SourceState, path: str | None, h: FileHandle, size: int, startup: bool,
                  resume: Checkpoint | None = None, origin: str = "") -> Tracked: ...

    def count_rotation(self, src: SourceState, kind: str) -> None: ...

    def wanted(self, path: str) -> bool: ...
