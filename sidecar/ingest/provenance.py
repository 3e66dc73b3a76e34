"""Whether bytes just read came from the content the tailer was reading, when a copytruncate may
have landed around the read.

The tailer checks a file's identity, then reads [O, O+k). logrotate's copytruncate (copy to
`name.1`, then truncate `name` to 0; the writer goes on appending) can land before the read, during
the stretch between the read and the next look, or not at all. The cases, and what decides them
(S: the file's size measured AFTER the read; the writer only appends, so after a truncation the
size only grows until the next one):
- no truncation: the file still starts with its recorded first bytes and S >= O+k -> `SAME`.
- truncated before the read, the writer already past O again: the read is the NEW content's
  middle. Keeping it would store it now and again when the new content is read from 0, and skip
  the old rest (in the copy) -> `UNPROVEN`: dropped unparsed; the restart reads the old rest from
  the copy and the new content from 0.
- truncated after the read: the read holds old bytes, some perhaps appended after the copy was
  taken (the copy window: in neither file any more). Dropping it loses what we did read in time.
  Kept (`OLD`) when that is proven:
  * S <= O: the file never grew back to O since the truncation, so no read at O could have
    returned its new content: every byte read predates the truncation. (The usual case: a log
    truncated to 0 takes a while to grow back to where we were.) Unless it was truncated twice:
    the first new content grew past O, was read, copied and truncated again; then a sibling
    copy other than ours holds the read's bytes at O, and the read is not kept.
  * the read equals the copy's bytes at the same offsets: it is the old content by content (the
    copy is what the old file held); keeping it reads from the copy what the copy holds.
  Otherwise `UNPROVEN` (dropped as above; what it held past the copy's end is the copy window).
UNDECIDABLE: two truncations between the identity check and the measurement of S where the
first new content left no copy (truncated in place), and a truncation whose new content repeats
the old first bytes exactly and grows past O+k (timestamps make both rare; rotation.py).
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from .handle import FileHandle

CopyBytes = Callable[[int, int], "bytes | None"]  # (offset, n) -> the copy's bytes there, None if no copy holds them
LaterCopy = Callable[[int, bytes], bool]  # (offset, data) -> whether a copy of LATER content holds data there


class Provenance(enum.Enum):
    SAME = "same"  # no truncation since the identity check: read on
    OLD = "old"  # truncated since, but the read is proven to predate it: kept, then the file restarts
    UNPROVEN = "unproven"  # may be the new content: dropped unparsed, then the file restarts


def read_provenance(handle: FileHandle, offset: int, data: bytes, head_len: int, head_hash: str,
                    copy_bytes: CopyBytes, later_copy: LaterCopy) -> Provenance:
    """Where `data` (read at `offset` through `handle`) came from; call right after the read."""
    size = handle.fstat().st_size
    if size >= offset + len(data) and handle.head_matches(size, head_len, head_hash):
        return Provenance.SAME
    if size <= offset and not later_copy(offset, data):
        return Provenance.OLD
    if copy_bytes(offset, len(data)) == data:
        return Provenance.OLD
    return Provenance.UNPROVEN
