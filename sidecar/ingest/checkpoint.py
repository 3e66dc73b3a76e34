"""Tail checkpoints: where to resume each file, keyed by file identity, written atomically.

Identity is (device, inode) plus a hash of the file's first bytes: inodes are reused after a
delete, so a checkpoint only applies when the first `head_len` bytes still hash the same. The
file is one JSON document written to a temp file, fsynced, renamed over the old one, and the
directory fsynced: a crash leaves either the old or the new document, never a torn one. A
checkpoint stores the offset of the first byte not yet accepted downstream (the start of the
open record), so a restart re-reads at most one record and loses nothing.

The document also says when each source was last known to be watched (`alive`, the kernel's
clock, as file mtimes are): a source whose files have no checkpoint yet (its log did not exist, or was never looked at
before a stop) was still being watched, so whatever its family wrote after that time is ours to
read on the next start (recovery.py), not a first run's backlog.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import types
import zlib
from dataclasses import MISSING, asdict, dataclass, fields
from pathlib import Path
from typing import Union, cast, get_args, get_origin, get_type_hints

from ..exceptions import SidecarError

log = logging.getLogger(__name__)

HEAD_BYTES = 1024
# Checkpoint.format of a damaged compressed file's verdict (compressedgens.remember_unreadable: why it may ride there).
UNREADABLE = "compressed-unreadable"
FILE_NAME = "checkpoints.json"
VERSION = 1


class CheckpointError(SidecarError):
    """Checkpoints could not be read or written."""


@dataclass(slots=True)
class Checkpoint:
    key: str
    source: str
    path: str
    dev: int
    ino: int
    head_len: int
    head_hash: str
    offset: int
    line: int
    size: int
    updated: float
    format: str | None = None
    # A compressed generation's own checkpoint: the compressed file's size when its content was judged
    # (compressedgens.same_compressed_file). None: a plain file, or written before round 19.
    csize: int | None = None


def head_hash_of(data: bytes) -> str:
    """The hash a checkpoint keeps of a file's first bytes (its identity with their length)."""
    return hashlib.blake2b(data, digest_size=12).hexdigest()


# ONE rule, here and only here (every site that asks whether first bytes name a file's content calls says_content or
# identifies_content): a prefix says what a file HOLDS unless it is only what every file of its writer starts with,
# whatever it holds - so it matches every file of that writer, and a copy or a generation is never recognised by it.
# The class, from the formats' own definitions:
# - nothing (an empty file);
# - a byte-order mark or a first part of one (UTF-8 EF BB BF, UTF-16 LE FF FE, BE FE FF: the ones encoding.py honours;
#   .NET's preamble and PowerShell's Out-File write it when the file is created, CPython's TextIOWrapper with the
#   first write);
# - a compressed format's header with nothing after it (a compressor killed after writing it; compress.py reads
#   these formats): gzip's (RFC 1952 2.3: ID1 ID2 CM FLG MTIME[4] XFL OS, then the FEXTRA / FNAME / FCOMMENT / FHCRC
#   fields FLG names - the original name and the MTIME are the writer's, not the content's), bzip2's `BZh` + block
#   size digit, xz's 12-byte stream header (xz file format 1.0.4, 2.1.1). The magic must be whole: one byte 1F is
#   content. With anything after the header (a deflate member, a bzip2 block) the bytes depend on the content.
# A BOM followed by text is content: the text identifies it.
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_XZ_CHECKS = (0x00, 0x01, 0x04, 0x0A)  # none, CRC32, CRC64, SHA-256: the stream flags' check types


def _xz_header(check: int) -> bytes:
    flags = bytes((0, check))
    return b"\xfd7zXZ\x00" + flags + zlib.crc32(flags).to_bytes(4, "little")


# Every preamble that can be written out: each BOM and its first parts; bzip2's magic with and without its digit; each
# xz stream header from its whole magic on. gzip's header cannot be (MTIME, name): parsed (_gzip_header_len).
_PREAMBLES = frozenset({bom[:k] for bom in _BOMS for k in range(1, len(bom) + 1)}
                       | {b"BZh"} | {b"BZh%d" % d for d in range(1, 10)}
                       | {_xz_header(c)[:k] for c in _XZ_CHECKS for k in range(6, 13)})
_PREAMBLE_HASHES = frozenset(head_hash_of(p) for p in _PREAMBLES)
_GZ_FEXTRA, _GZ_FNAME, _GZ_FCOMMENT, _GZ_FHCRC = 4, 8, 16, 2


def _gzip_header_len(data: bytes) -> int | None:
    """The length of the gzip header `data` starts with; None if `data` ends inside it."""
    if len(data) < 10:
        return None
    flg, n = data[3], 10
    if flg & _GZ_FEXTRA:
        if len(data) < n + 2:
            return None
        n += 2 + int.from_bytes(data[n:n + 2], "little")
    for bit in (_GZ_FNAME, _GZ_FCOMMENT):  # zero-terminated
        if flg & bit:
            end = data.find(b"\0", n)
            if end < 0:
                return None
            n = end + 1
    if flg & _GZ_FHCRC:
        n += 2
    return n if len(data) >= n else None


def _gzip_header_only(data: bytes) -> bool:
    if not data.startswith(b"\x1f\x8b"):
        return False
    end = _gzip_header_len(data)
    return end is None or len(data) <= end


def says_content(data: bytes) -> bool:
    """Whether a file's first bytes say what it holds (the rule above): not when empty, only a BOM (or a first part of
    one), or only a compressed format's header."""
    return bool(data) and data not in _PREAMBLES and not _gzip_header_only(data)


def identifies_content(head_len: int, head_hash: str) -> bool:
    """says_content for an identity kept by its hash (a checkpoint's, a tailed file's: `head_len` bytes hashed).
    Such an identity still tells its own file (same inode, still starting with those bytes: a truncation that removed
    the BOM shows), but recognises no copy nor generation - an OLDER copy starting with the same BOM was read as a
    lone-BOM file's gap (round 18, copies.py). A compressed header cannot be told from its hash (gzip's MTIME and name
    vary): no identity of compressed bytes is matched as content - the only one taken, a damaged compressed file's
    verdict (compressedgens.remember_unreadable, Checkpoint.format UNREADABLE), is excluded by content_identity."""
    return head_len > 0 and head_hash not in _PREAMBLE_HASHES


def content_identity(cp: Checkpoint) -> bool:
    """Whether a checkpoint's identity says what its file holds (identifies_content), so that a copy or a generation
    of that content may be recognised by it: never a damaged compressed file's verdict (its first bytes are the
    compressed bytes - a gzip header alone, when the compressor was killed just after writing it)."""
    return cp.format != UNREADABLE and identifies_content(cp.head_len, cp.head_hash)


def vouches_for(cp: Checkpoint, size: int) -> bool:
    """Whether `cp`'s identity can vouch for a file now `size` bytes long whose first bytes it matched: the rule every
    site shares (recovery.is_known, _open_in_place, adopt_unseen; opening's resume). A checkpoint of an empty file (no
    first bytes) matches every file: it knows its file only while that is still empty - with content, the inode may
    be a reused one (a copy, another generation), and nothing read from it vouches for what it holds."""
    return cp.head_len > 0 or size == 0


def head_identity(fd: int, size: int) -> tuple[int, str]:
    """(head_len, hash) of a file's first bytes, read through an open descriptor."""
    n = min(HEAD_BYTES, max(size, 0))
    data = os.pread(fd, n, 0) if n else b""
    return len(data), head_hash_of(data)


def head_matches(fd: int, size: int, head_len: int, head_hash: str) -> bool:
    """Whether the file behind `fd` still starts with the bytes a checkpoint recorded."""
    if size < head_len:
        return False
    data = os.pread(fd, head_len, 0) if head_len else b""
    return len(data) == head_len and head_hash_of(data) == head_hash


def grown_identity(fd: int, size: int, head_len: int, head_hash: str) -> tuple[int, str] | None:
    """A longer identity for a file first seen short, from ONE read of its first bytes; None if
    they no longer start with the recorded ones (truncated and rewritten since: not the same file).

    One read, not a check then a hash: a copytruncate between two reads would give the file the
    identity of its new content while our offset still points into the old."""
    n = min(HEAD_BYTES, max(size, 0))
    data = os.pread(fd, n, 0) if n else b""
    if len(data) < head_len or head_hash_of(data[:head_len]) != head_hash:
        return None
    return len(data), head_hash_of(data)


def file_key(dev: int, ino: int, head_hash: str) -> str:
    return f"{dev}:{ino}:{head_hash[:12]}"


class CheckpointFile:
    """The checkpoint document of one sidecar (all sources)."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.dir = Path(directory)
        self.path = self.dir / FILE_NAME
        self.tmp = self.dir / (FILE_NAME + ".tmp")

    def load(self) -> dict[str, Checkpoint]:
        """Checkpoints by key (see load_all)."""
        return self.load_all()[0]

    def load_all(self) -> tuple[dict[str, Checkpoint], dict[str, float]]:
        """(checkpoints by key, source name -> when it was last known watched). A complete temp file
        newer than the main one wins (crash before rename). A document another version wrote is read for what this
        one knows (`_read_doc`); only a document that is not one (not JSON, no `files` list) raises."""
        for candidate in (self.tmp, self.path):
            try:
                raw = candidate.read_bytes()
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                raise CheckpointError(f"cannot read {candidate}: {exc}") from exc
            try:
                doc = json.loads(raw)
                if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
                    raise ValueError("no 'files' list")
            except ValueError as exc:
                if candidate == self.tmp:
                    continue  # torn temp file: the main file is the truth
                raise CheckpointError(f"unreadable checkpoint file {candidate}: {exc}") from exc
            return _read_doc(doc, str(candidate))
        return {}, {}

    def quarantine(self) -> str | None:
        """Move an unreadable checkpoint file aside (`checkpoints.json.corrupt`); return its new name."""
        target = self.dir / (FILE_NAME + ".corrupt")
        try:
            os.replace(self.path, target)
        except OSError:
            return None
        return str(target)

    def save(self, entries: list[Checkpoint], alive: dict[str, float] | None = None) -> None:
        """Write all entries (and the sources' `alive` times) atomically; raise CheckpointError (the
        previous file stays intact)."""
        doc: dict[str, object] = {"version": VERSION, "files": [asdict(e) for e in entries]}
        if alive:
            doc["alive"] = alive
        data = json.dumps(doc, separators=(",", ":")).encode()
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                view = memoryview(data)
                while view:
                    n = os.write(fd, view)
                    view = view[n:]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(self.tmp, self.path)
            dfd = os.open(self.dir, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError as exc:
            raise CheckpointError(f"cannot write checkpoints to {self.dir}: {exc.strerror or exc}") from exc


# Another version's document (a newer sidecar's, or an older one's after a downgrade - round 19 wrote `cmtime` for a
# while, 49b55a43 removed it). Before, any field this version did not know raised TypeError: the whole document was
# set aside as corrupt and every source started as on a first run (start_at: `end` skipped the backlog, `beginning`
# read every file again), i.e. all positions lost for one unknown field. What it now does, per part:
# - an unknown field (document or entry): ignored, named once in a warning; the entry keeps what this version knows
#   (its identity and offset mean the same in every version: VERSION has been 1 since the first).
# - a `version` other than VERSION: said in the same warning; read the same way (nothing else to go by).
# - an entry this version cannot use (not an object, a field it needs missing or of the wrong type): dropped and its
#   path named in the warning - its file is then one no checkpoint knows, read from its start (the source, watched
#   before - `alive` - is no first run), never skipped and never re-read without a word.
# - a source's `alive` time that is not a number: that source only is dropped from `alive`.
# The next write holds only what this version knows: the other version's extra fields are not carried back.
_FIELDS = {f.name: f for f in fields(Checkpoint)}


def _accepted(t: object) -> tuple[tuple[type, ...], bool]:
    """(the JSON types a field of annotation `t` accepts, whether None is one): JSON has no float of an integral time
    (another writer's `1765000000` for `updated`), so a float field accepts an int too; bool is never an int here."""
    args = get_args(t) if isinstance(t, types.UnionType) or get_origin(t) is Union else (t,)
    kinds = tuple(a for a in args if isinstance(a, type) and a is not type(None))
    return kinds + ((int,) if float in kinds else ()), type(None) in args


# Derived from Checkpoint's own declaration, never re-listed: a field added there is needed (no default) and typed here
# at once - before, a new field missing from another version's entry passed this check and made load_all raise
# TypeError (the whole document set aside as corrupt) instead of dropping that one entry.
_HINTS = get_type_hints(Checkpoint)
_NEEDS = {f.name: (*_accepted(_HINTS[f.name]), f.default is MISSING and f.default_factory is MISSING)
          for f in fields(Checkpoint)}


def _usable(e: dict[str, object]) -> bool:
    """Whether an entry holds every field this version needs, each of its declared type (bool is no int here)."""
    for name, (kinds, nullable, required) in _NEEDS.items():
        if name not in e:
            if required:
                return False
            continue
        v = e[name]
        if not (v is None and nullable) and not (isinstance(v, kinds) and not isinstance(v, bool)):
            return False
    return True


def _read_doc(doc: dict[str, object], where: str) -> tuple[dict[str, Checkpoint], dict[str, float]]:
    unknown = sorted(k for k in doc if k not in ("version", "files", "alive"))
    out: dict[str, Checkpoint] = {}
    dropped: list[str] = []
    for e in cast(list[object], doc["files"]):  # a list: load_all
        if not isinstance(e, dict) or not _usable(e):
            dropped.append(str(e.get("path")) if isinstance(e, dict) else repr(e)[:80])
            continue
        unknown += sorted(f"files[].{k}" for k in e if k not in _FIELDS)
        cp = Checkpoint(**{k: v for k, v in e.items() if k in _FIELDS})
        cp.updated = float(cp.updated)
        out[cp.key] = cp
    alive: dict[str, float] = {}
    raw_alive = doc.get("alive", {})
    for k, v in (raw_alive.items() if isinstance(raw_alive, dict) else ()):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            alive[str(k)] = float(v)
        else:
            unknown.append(f"alive.{k}")
    version = doc.get("version")
    if unknown or dropped or version != VERSION:
        log.warning("ingest: checkpoint file from another version read for what this version knows: unknown or "
                    "unreadable fields ignored, each entry kept; entries it cannot use are dropped and their files "
                    "read from their start, as files no checkpoint knows",
                    extra={"path": where, "version": version, "this_version": VERSION,
                           "ignored": sorted(set(unknown)), "kept": len(out), "dropped": dropped})
    return out, alive
