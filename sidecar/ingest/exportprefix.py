"""Export prefixes: what exporting `docker logs` adds before each line of a capture."""

from __future__ import annotations

import re

# What exporting `docker logs` adds before each line: Compose (`service-1  | `), Docker Desktop's
# log view (`2025-10-16 13:53:22.915 | `), PowerShell's `docker : ` (NativeCommandError output) and
# `docker logs -t` / `--timestamps` (Go's RFC3339NanoFixed in UTC, always 9 digits:
# `2026-12-06T06:00:00.123456789Z `; a log's own ISO time is not cut: it rarely has 9 digits AND
# is followed by the record's own header).
# Such captures are read line by line with the prefix cut (parser: the transcoding path).
_STAMP = rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z "
# An empty line is the prefix alone; a capture whose trailing blanks were trimmed (an editor, a YAML block scalar,
# a copy from a terminal) ends it at the bar: `service-1  |` with nothing after. Kept as a message line, it ran a
# chained traceback's cause message into the next line ("Incorrect label count\nexai-mcp-daemon  |").
# The end is a lookahead for an optional CR: a Windows-saved capture (Docker Desktop, Compose on Windows) is split
# on LF only, so its trimmed line still holds `service-1  |\r`; the CR is left to the line's own reading.
EXPORT_PREFIX = re.compile(rb"(?:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \|(?: |(?=\r?$))|[A-Za-z0-9][\w.-]* +\|(?: |(?=\r?$))"
                            rb"|docker : "
                            rb"|" + _STAMP + rb")")
# `docker logs --details` (moby api/server/httputils/write_log_stream.go): the container's log
# attributes as `k=v` pairs joined by ',' (query-escaped), then ONE space, before every line (after
# the -t stamp); with no attributes the space alone. The same bytes on every line of a container,
# so they are cut literally. Recognised only where what follows begins a record or a traceback: a
# logfmt line (`level=info msg=...`) is not a details prefix.
_DETAILS = re.compile(rb"((?:[\w.%+-]+=[^\s,]*)(?:,[\w.%+-]+=[^\s,]*)*)? "
                      rb"(?=\d{4}-\d\d-\d\d|Traceback \(|  \+ Exception Group|\{\"|\[|"
                      rb"(?:DEBUG|INFO|WARNING|ERROR|CRITICAL)\b|  File \")")
_ATTRS = re.compile(rb"[\w.%+-]+=[^\s,]*(?:,[\w.%+-]+=[^\s,]*)* ")
_LINES = 16  # lines of a capture's head looked at to decide


def line_prefix(head: bytes) -> re.Pattern[bytes] | None:
    """The prefix a capture puts before every line (None: none), decided from its first lines (UTF-8).

    The first line that tells decides: one with an export prefix, one with a `--details` prefix,
    or one that starts at its first column. An indented line (a traceback's frame where a
    `--since` capture begins), or `k=v` pairs before a line that begins no record, tells nothing.
    """
    lines = head.split(b"\n")
    for line in lines[:-1][:_LINES]:
        m = EXPORT_PREFIX.match(line)
        stamp = m is not None and m.group(0)[-2:] == b"Z "
        rest = line[m.end():] if stamp and m is not None else line
        d = _DETAILS.match(rest)
        if d is not None:
            return re.compile((_STAMP if stamp else b"") + re.escape(d.group(0)))
        if not rest.strip() or rest[:1].isspace() or _ATTRS.match(rest) is not None:
            continue  # a frame, a message's next line or attributes before one: tells nothing yet
        return EXPORT_PREFIX if m is not None else None
    return None

def strip_export_prefix(line: bytes, prefix: re.Pattern[bytes] = EXPORT_PREFIX) -> bytes:
    m = prefix.match(line)
    return line[m.end():] if m is not None else line
