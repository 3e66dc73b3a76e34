"""What a scanner yields: raw records, the limits that clip them, and the pieces that map them to the file.

Shared by the text scanner (multiline.py), the JSON-lines scanner (jsonl.py) and Docker's json-file
reader (docker.py). Clipping keeps a record's head and tail (so the final exception line survives)
and never changes its offsets: limits bound memory and stored text, not what a record covers.
"""

from __future__ import annotations

from dataclasses import dataclass

TAIL_BYTES = 8192  # the rolling tail kept of a record over max_bytes
_TAIL_LINES = 20


@dataclass(slots=True)
class Piece:
    vstart: int  # position in the scanner's virtual stream
    vend: int
    off: int  # file offset of vstart
    line: int  # file line number (1-based) of vstart
    end: int  # file offset of vend
    exact: bool = True


@dataclass(frozen=True, slots=True)
class Limits:
    max_lines: int = 500
    max_bytes: int = 1024 * 1024
    context_lines: int = 5


@dataclass(slots=True)
class RawRecord:
    """A closed record that may be an error event (the builder decides with the parsed fields)."""

    text: bytes  # clipped raw bytes
    offset: int
    end_offset: int
    line: int
    header: bool  # starts with a header line (else an orphan run of continuation lines)
    truncated: bool
    context: bytes = b""


def clip(head: bytes, tail: bytes, total: int, limits: Limits) -> tuple[bytes, bool]:
    """The raw text kept for a record of `total` bytes whose first bytes are `head`.

    `tail` is the record's last TAIL_BYTES (used only when the record exceeds max_bytes).
    """
    truncated = False
    if total > limits.max_bytes:
        cut = head.rfind(b"\n", 0, limits.max_bytes) + 1 or min(len(head), limits.max_bytes)
        nl = tail.find(b"\n")
        t = tail[nl + 1:] if 0 <= nl < len(tail) - 1 else tail
        text = head[:cut] + b"[... %d bytes omitted ...]\n" % max(0, total - cut - len(t)) + t
        truncated = True
    else:
        text = head
    if text.count(b"\n") > limits.max_lines:
        lines = text.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        keep_tail = min(_TAIL_LINES, limits.max_lines // 2)
        keep_head = max(1, limits.max_lines - keep_tail)
        omitted = len(lines) - keep_head - keep_tail
        text = b"\n".join(lines[:keep_head] + [b"[... %d lines omitted ...]" % omitted] + lines[-keep_tail:]) + b"\n"
        truncated = True
    return text, truncated
