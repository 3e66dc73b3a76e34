"""Export prefixes: what exporting `docker logs` adds before each line of a capture."""

from __future__ import annotations

import re

# What exporting `docker logs` adds before each line: Compose (`service-1  | `), Docker Desktop's
# log view (`2025-10-16 13:53:22.915 | `), PowerShell's `docker : ` (NativeCommandError output) and
# `docker logs -t` / `--timestamps` (Go's RFC3339NanoFixed in UTC, always 9 digits:
# `2026-12-06T06:00:00.123456789Z `; a log's own ISO time is not cut: it rarely has 9 digits AND
# is followed by the record's own header).
# Such captures are read line by line with the prefix cut (parser: the transcoding path).
_EXPORT_PREFIX = re.compile(rb"(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \| |[A-Za-z0-9][\w.-]* +\| |docker : "
                            rb"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z )")


def has_export_prefix(head: bytes) -> bool:
    """Whether the first complete line of a capture starts with an export prefix."""
    nl = head.find(b"\n")
    return nl > 0 and _EXPORT_PREFIX.match(head, 0, nl) is not None


def strip_export_prefix(line: bytes) -> bytes:
    m = _EXPORT_PREFIX.match(line)
    return line[m.end():] if m is not None else line
