"""Where a log's rotated generations are, by name: the family a rotated name came from (`app.log.1`, `app.1.log`
-> `app.log`), the live name a source reads, the directories generations go to, and the siblings found there.

Names only: whether a sibling IS one of ours (inode and first bytes) is recovery.py's and rotation.py's decision.
"""

from __future__ import annotations

import glob
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator

from .discovery import expand

COMPRESSED = (".gz", ".bz2", ".xz", ".zst", ".zip")


# Suffixes rotation schemes append to a log's name, innermost last: RotatingFileHandler and
# logrotate (`.1`), Docker json-file (`-json.log.1`), TimedRotatingFileHandler (`.2026-12-05`,
# `.2026-12-05_10`, `.2026-12-05_10-30`, `.2026-12-05_10-30-00`), logrotate dateext (`-20261205`,
# `-20261205-1733390000`, `-2026120510`), and compression of any of them (`.gz`, ...).
_ROTATION_SUFFIX = re.compile(
    r"(?:\.\d{1,6}|[.-]\d{4}-?\d{2}-?\d{2}(?:[_T-]?\d{2}(?:-?\d{2}){0,2})?(?:[.-]\d+)?)"
    r"(?:\.(?:gz|bz2|xz|zst|zip))?$")


# The same tokens INSIDE the name, before its extension: a handler's `namer` (CPython 3.11
# Lib/logging/handlers.py: `BaseRotatingHandler.rotation_filename` passes the default name
# `app.log.1` / `app.log.2026-12-05` to `namer` and renames to whatever it returns; the docs'
# and `TimedRotatingFileHandler.getFilesToDelete`'s expected shapes are `foo.log.SUFFIX` and
# `foo.SUFFIX.log` - bpo-45628), and logrotate(8) `extension .log` ("mylog.foo ... rotate it to
# mylog.1.foo.gz"; with dateext `mylog-20261205.foo`). The separator may be `.`, `-` or `_`
# (namers written as `name.replace(...)`); the extension is kept: `app.1.log` -> `app.log`.
_ROTATION_INFIX = re.compile(
    r"^(?P<stem>.+?)[._-](?:\d{1,6}|\d{4}-?\d{2}-?\d{2}(?:[_T-]?\d{2}(?:-?\d{2}){0,2})?(?:[.-]\d+)?)"
    r"(?P<ext>\.[A-Za-z][A-Za-z0-9]{0,7})(?:\.(?:gz|bz2|xz|zst|zip))?$")


def infix_shape(path: str, fam: str) -> str | None:
    """The extension of a generation named with its token before it (`app.2.log`, `app-20261206.log` of
    `app.log`: '.log'); None for a name that keeps the family's name as its start (`app.log.1`, the handlers'
    default and logrotate's), or one of another family. One writer may use several such shapes (logrotate's
    `extension` with and without `dateext`), so the proof below is per extension, not per separator."""
    base = os.path.basename(path)
    if base.startswith(os.path.basename(fam)):
        return None
    m = _ROTATION_INFIX.match(base)
    return m.group("ext") if m is not None else None


def family(path: str) -> str:
    """The live name a rotated file came from: `app.log.2` / `app.log.2026-12-05_10-00-00.gz` -> `app.log`;
    a token before the extension too (`_ROTATION_INFIX`): `app.2.log`, `app.2026-12-05.log`,
    `app-20261205.log.gz` -> `app.log`.

    Decided by the name alone: a live file whose name has that shape (`worker.1.log` beside
    `worker.2.log`) is taken for a generation of `worker.log`. What that changes is bounded: such
    files are still each read once by their own identity (inode and first bytes), and a family
    whose live name does not exist has no live file to mistake a copy for (copystreams.copied_live
    stats it) - tests/ingest/test_rotation_namer.py's twin."""
    d, base = os.path.split(path)
    while True:
        stripped = _ROTATION_SUFFIX.sub("", base)
        if stripped == base:
            m = _ROTATION_INFIX.match(base)
            # A stem without a letter is a date-named log's own name (`2026-12-06.log`), not a family.
            stripped = m.group("stem") + m.group("ext") if m and not m.group("stem").isdigit() and any(
                c.isalpha() for c in m.group("stem")) else base
        if stripped == base or not stripped:
            return os.path.join(d, base)
        base = stripped


def live_families(paths: Iterable[str], exclude: Iterable[str] = ()) -> set[str]:
    """The live names a source's globs cover: a glob without wildcards names one (it may be missing:
    rotated away, or not re-created yet with delay=True), a pattern each match's family."""
    out: set[str] = set()
    for pattern in paths:
        if glob.has_magic(pattern):
            out.update(family(p) for p in expand([pattern], exclude))
        else:
            out.add(os.path.abspath(os.path.expanduser(pattern)))
    return out


def live_name(path: str, paths: Iterable[str], exclude: Iterable[str] = (), rotated_dirs: Iterable[str] = ()) -> str:
    """The live name whose generation `path` is, among the live names of a source's globs (`paths`).

    `family(path)` when that is in the family's own directory. A generation in ANOTHER directory
    keeps the family's name there (logrotate(8) olddir: `olddir/app.log.1`; a handler's namer), so
    its family is `olddir/app.log`, a name nothing writes: its live name is the source's live name of
    that base name whose rotation directories (`rotation_dirs`: the configured `rotated_dirs`) hold
    `path`'s directory, or whose directory is `path`'s parent (an olddir nobody configured, as
    `subdirs` looks). Without one, `family(path)`. A copytruncate copy taken into an olddir is then
    matched to the live file it was copied from, as one in the log directory is (copystreams.py;
    review of round 10, dev seed logrotate-326: a restart between the copy and the truncation read
    the copy under its own inode AND the live file from 0 - one record stored twice)."""
    fam = family(path)
    lives = live_families(paths, exclude)
    if fam in lives or not fam:
        return fam
    d, base = os.path.split(fam)
    for live in sorted(lives):
        if os.path.basename(live) == base and (d in rotation_dirs(live, rotated_dirs)[1:]
                                               or os.path.dirname(d) == os.path.dirname(live)):
            return live
    return fam


def rotation_dirs(path: str, rotated_dirs: Iterable[str] = ()) -> list[str]:
    """The directories `path`'s rotated generations go to: its own, then the source's `rotated_dirs`.

    A relative `rotated_dirs` entry is relative to the log's directory, as logrotate(8) reads
    `olddir` ("assumed to be relative to the directory holding the log file unless an absolute
    path name is specified"); a logging handler's `namer` (CPython Lib/logging/handlers.py
    `BaseRotatingHandler.rotation_filename`) may return any path, named here the same way."""
    d = os.path.dirname(family(path))  # "" for a bare name: listed as "." (siblings)
    out = [d]
    for r in rotated_dirs:
        full = os.path.normpath(os.path.join(d or ".", os.path.expanduser(r)))
        if full not in out:
            out.append(full)
    return out


def subdirs(path: str, limit: int = 64) -> list[str]:
    """The log directory's immediate subdirectories (first `limit` by name): where an `olddir` the
    configuration does not name usually is (`old/`, `archive/`). Searched only for files that carry
    a checkpoint's own identity (recovery's `_claim_moved`), never for generations nobody saw."""
    d = os.path.dirname(family(path)) or "."
    try:
        with os.scandir(d) as it:
            names = sorted(e.name for e in it if e.is_dir(follow_symlinks=False))
    except OSError:
        return []
    return [os.path.join(d, n) for n in names[:limit]]


def proven_subdirs(fam: str, is_ours: Callable[[str, os.stat_result], bool]) -> set[str]:
    """The log directory's subdirectories holding a generation of `fam` that `is_ours` (one we hold
    open, or one a checkpoint knows by inode AND first bytes): the family's olddir, though no
    configuration names it. Only such a directory is searched for generations nobody saw: a
    subdirectory with another service's `app.log.1` proves nothing."""
    own = os.path.dirname(fam)
    out: set[str] = set()
    for p, st in siblings(fam, subdirs(fam)):
        d = os.path.dirname(p)
        if d != own and d not in out and is_ours(p, st):
            out.add(d)
    return out


def siblings(path: str, rotated_dirs: Iterable[str] = ()) -> Iterator[tuple[str, os.stat_result]]:
    """(path, stat) of the rotated generations of `path`'s family (`app.log.1`, `app.log-2026...`), by name.

    `path` may itself be a rotated name (a glob that matches `app.log*` tracks `app.log.1`): the
    search is over its family (`family(path)` + suffix, or a token before the extension: a namer's
    `app.1.log`), minus `path` and the live name. Searched:
    the family's directory, then `rotated_dirs` (`rotation_dirs`); a generation keeps the family's
    name there (logrotate's olddir renames to `olddir/app.log.1`, the cookbook's namers add `.gz`).

    Where rotated generations of `path` go. Each name is stat'ed only when its turn comes (a
    rename cascade may be running: a stat taken early can describe another file by the time it
    is opened); names that vanished are skipped.
    """
    fam = family(path)
    base = os.path.basename(fam)
    for d in rotation_dirs(path, rotated_dirs):
        try:
            names = sorted(n for n in os.listdir(d or ".")
                           if n != base and (n.startswith(base) or os.path.basename(family(n)) == base))
        except OSError:
            continue
        for n in names:
            p = os.path.join(d, n)
            if p == path:
                continue
            try:
                st = os.stat(p)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):  # a directory or FIFO named like a generation is none
                yield p, st
