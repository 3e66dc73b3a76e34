"""Docker's `local` log driver: recognised, and said to be unreadable, instead of read as garbage text.

The format (moby daemon/logger/local/local.go `marshal`): each entry is a 4-byte big-endian size, a
protobuf `LogEntry` of that size (api/types/plugins/logdriver/entry.proto: field 1 `source` =
"stdout"/"stderr", 2 `time_nano`, 3 `line` without its newline, 4 `partial`, 5 its metadata, 6
attrs), and the same size again (so the file can be read backwards); rotated files are gzipped by
default (`compress` true). Field 1's tag is 0x0A - a newline - so a text reader split every entry
into lines starting with `\\x06stdout\\x10...`: no header ever parsed, no event, nothing said (the
gateway's containers with `--log-driver local` looked healthy). The sidecar does not decode it: it
says so on the source (`/readyz`, /api/status `last_error`, one warning) and reads nothing from it;
what to do is in the message (the json-file driver, which the sidecar reads, or `docker logs`).

Recognised by its first entry: a size below MAX_ENTRY, then field 1 as a length-delimited string of
exactly "stdout" or "stderr" (the only sources moby's copier writes), and, when the file already
holds the whole entry, the trailing size equal to the leading one. A text log cannot start that way
(its first 4 bytes would have to be binary with a newline right after them).
"""

from __future__ import annotations

MAX_ENTRY = 1 << 24  # a generous bound: moby's copier cuts lines at 16 KiB, attrs are small
_SOURCES = (b"\x0a\x06stdout", b"\x0a\x06stderr")


def looks_docker_local(first: bytes) -> bool:
    """Whether a file whose first bytes are `first` (12 at least to say yes) is a Docker `local` driver log."""
    if len(first) < 12 or first[4:12] not in _SOURCES:
        return False
    size = int.from_bytes(first[:4], "big")
    if not 8 <= size < MAX_ENTRY:
        return False
    return len(first) < size + 8 or first[size + 4:size + 8] == first[:4]


def unreadable_message(path: str) -> str:
    """What the source says about such a file (its `last_error`)."""
    return (f"{path} is written by Docker's `local` log driver (length-prefixed protobuf entries, not text): "
            "not read. Use the json-file log driver for this container, or tail the output of `docker logs`")
