"""Which files a source covers (globs minus excludes), and a directory watcher used as a wake-up.

Watch events are never trusted as a record of what happened (they are batched, deduplicated,
reordered and dropped on queue overflow): they only wake the tailer early, which then stats the
files itself. The periodic rescan in the tailer is what guarantees nothing is missed.
"""

from __future__ import annotations

import asyncio
import fnmatch
import glob
import logging
import os
from collections.abc import Callable, Iterable

from watchfiles import awatch

log = logging.getLogger(__name__)

_WILDCARDS = set("*?[")


def expand(paths: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    """Regular files matching any glob (`**` allowed), minus those matching an exclude glob."""
    excl = list(exclude)
    out: set[str] = set()
    for pattern in paths:
        for p in glob.glob(os.path.expanduser(pattern), recursive=True):
            if excl and any(fnmatch.fnmatch(p, x) or fnmatch.fnmatch(os.path.basename(p), x) for x in excl):
                continue
            if os.path.isfile(p):
                out.add(os.path.abspath(p))
    return sorted(out)


def matches(path: str, paths: Iterable[str], exclude: Iterable[str] = ()) -> bool:
    """Whether a source with these globs covers `path` (absolute comparison, excludes win)."""
    ap = os.path.abspath(path)
    if not any(fnmatch.fnmatch(ap, os.path.abspath(os.path.expanduser(g))) for g in paths):
        return False
    return not any(fnmatch.fnmatch(ap, x) or fnmatch.fnmatch(os.path.basename(ap), x) for x in exclude)


def base_dir(pattern: str) -> str:
    """The longest leading directory of a glob without wildcards (what to watch)."""
    parts = os.path.expanduser(pattern).split(os.sep)
    keep: list[str] = []
    for part in parts[:-1]:
        if _WILDCARDS & set(part):
            break
        keep.append(part)
    d = os.sep.join(keep) or ("/" if pattern.startswith("/") else ".")
    return os.path.abspath(d)


class DirWatcher:
    """Runs `watchfiles.awatch` on the existing base directories; calls `on_change(paths)`."""

    def __init__(self, on_change: Callable[[set[str]], None]) -> None:
        self.on_change = on_change
        self.dirs: tuple[str, ...] = ()
        self.recursive = False
        self._task: asyncio.Task[None] | None = None
        self._stop: asyncio.Event | None = None
        self.error: str | None = None

    def update(self, dirs: Iterable[str], recursive: bool) -> None:
        """(Re)start watching when the set of existing directories changed."""
        wanted = tuple(sorted(d for d in set(dirs) if os.path.isdir(d)))
        if wanted == self.dirs and recursive == self.recursive and self._task is not None and not self._task.done():
            return
        self._cancel()
        self.dirs, self.recursive = wanted, recursive
        if wanted:
            self._stop = asyncio.Event()
            self._task = asyncio.create_task(self._run(wanted, recursive, self._stop), name="ingest-watch")

    async def _run(self, dirs: tuple[str, ...], recursive: bool, stop: asyncio.Event) -> None:
        try:
            async for changes in awatch(*dirs, watch_filter=None, debounce=50, step=5, stop_event=stop,
                                        recursive=recursive, rust_timeout=1000, yield_on_timeout=False):
                self.on_change({path for _, path in changes})
            self.error = None
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # inotify limits, a directory removed under us: rescans still work
            if self.error is None:
                log.warning("file watcher stopped (falling back to periodic rescans)", extra={"error": str(exc)})
            self.error = str(exc)
            self.dirs = ()

    def _cancel(self) -> None:
        if self._stop is not None:
            self._stop.set()
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    async def close(self) -> None:
        task = self._task
        self._cancel()
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout=2.0)
            except (TimeoutError, asyncio.CancelledError, Exception):
                pass
