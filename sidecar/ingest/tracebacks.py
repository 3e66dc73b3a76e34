"""Read Python tracebacks as printed by `logging`/`traceback`: frames, exception chain, final exception.

Handles chained exceptions ("During handling of the above exception..." / "The above exception was
the direct cause..."), exception groups (lines prefixed with `| ` and `+-` separators, nested to
any depth), SyntaxError location lines with caret markers, and Python 3.11-3.13 `^^^^`/`~~~`
position markers (indented, so they are skipped like source lines).

Only the top-level chain is returned: for an exception group that is the group itself, its
sub-exceptions stay in the raw text. The final exception is the last element of the chain.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from .record import ExceptionInfo, Frame

_FRAME = re.compile(r'\s*File "(?P<file>[^"]*)", line (?P<line>\d+)(?:, in (?P<func>.+))?\s*$')
_EXC = re.compile(r"(?P<type>[A-Za-z_][\w.]*)(?:: ?(?P<msg>.*))?$")
_GROUP_SEP = re.compile(r"^[ ]*\+[-+]*(?: (?:\d+|\.\.\.) -*)?-*\s*$|^[ ]*\+-+.*-$")
_PREFIX = re.compile(r"^((?:[ ]*\|)+) ?")
_TB = "Traceback (most recent call last):"
_EG = "Exception Group Traceback (most recent call last):"
# A failed tool call's block (blocks.py joins its records into one event).
TOOL_CALL_START = "=== TOOL CALL FAILED ==="
TOOL_CALL_END = "=== END ==="
_CHAIN = (
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
)


@dataclass
class _Unit:
    depth: int
    frames: list[Frame] = field(default_factory=list)
    type: str | None = None
    message_lines: list[str] = field(default_factory=list)
    open_message: bool = False
    source_pending: bool = False  # the last line was a frame: the next indented line is its source


@dataclass(frozen=True, slots=True)
class Traceback:
    chain: tuple[ExceptionInfo, ...]
    frames: tuple[Frame, ...] = ()  # frames of the last traceback, even one cut before its exception line

    @property
    def final(self) -> ExceptionInfo | None:
        return self.chain[-1] if self.chain else None

    def event_fields(self) -> dict[str, Any]:
        """The exception fields of an `ErrorEvent` (a cut traceback without its exception line keeps its frames)."""
        final = self.final
        if final is None:
            return {"exception_type": None, "exception_message": None, "frames": self.frames, "chain": self.chain}
        return {"exception_type": final.type, "exception_message": final.message, "frames": final.frames,
                "chain": self.chain}


def _split_prefix(line: str) -> tuple[int, str]:
    """Exception-group nesting depth (number of `|` prefixes) and the line without them."""
    if "|" not in line:
        return 0, line
    m = _PREFIX.match(line)
    if m is None:
        return 0, line
    return m.group(1).count("|"), line[m.end():]


_TB_SEP = "\nTraceback (most recent call last):"
# A frame line, then (optionally) its source line: indented, not another frame, not a repeat note.
_FRAMES = re.compile(r'\n[ \t]+File "([^"\n]*)", line (\d+)(?:, in ([^\r\n]+?))?[ \t\r]*(?=\n|$)'
                     r'(?:\n[ \t]+(?!File "|\[Previous line)([^\r\n]*))?')


def _source(text: str | None) -> str | None:
    """A frame's source line, whitespace-normalised (None when the traceback printed none)."""
    if not text:
        return None
    return " ".join(text.split()) or None


def _parse_simple(text: str) -> Traceback | None:
    """Fast path for tracebacks without exception groups: literal searches and one regex per record.

    Same result as the line walk in `parse_traceback` for that case (tests compare both). The
    patterns start with a literal newline so the regex engine jumps from line to line.
    """
    parts = ("\n" + text).split(_TB_SEP)
    if len(parts) < 2:
        return None
    chain = []
    frames: tuple[Frame, ...] = ()
    for seg in parts[1:]:
        frames = tuple(Frame(f, int(n), (fn or "").strip(), _source(src)) for f, n, fn, src in _FRAMES.findall(seg))
        lines = seg.split("\n")
        k = 1
        while k < len(lines) and (not lines[k] or lines[k][0] in " \t"):
            k += 1
        if k >= len(lines):
            continue
        em = _EXC.match(lines[k].rstrip("\r"))
        if em is None or (not frames and em.group("msg") is None):
            continue
        msg_lines = [em.group("msg") or ""]
        for extra in lines[k + 1:]:
            extra = extra.rstrip("\r")
            if not extra.strip() or extra[0] in " \t" or extra.strip() in _CHAIN:
                break
            msg_lines.append(extra)
        chain.append(ExceptionInfo(type=em.group("type"), message="\n".join(msg_lines).strip(), frames=frames))
    if not chain and not frames:
        return None
    return Traceback(tuple(chain), frames)


def parse_traceback_text(text: str) -> Traceback | None:
    """Parse a record's text (the lines after its header)."""
    if "|" not in text and "Exception Group Traceback" not in text:
        return _parse_simple(text)
    return parse_traceback(text.split("\n"))


def parse_traceback(lines: list[str]) -> Traceback | None:
    """Parse the traceback(s) found in `lines`; None when there is none."""
    units: list[_Unit] = []
    cur: _Unit | None = None
    group_depth: int | None = None  # depth of the top-level group's own lines
    for line in lines:
        if line[-1:] == "\r":
            line = line[:-1]
        if "+" in line and line.lstrip(" |").startswith("+ " + _EG):
            depth = line.count("|")
            if depth == 0:
                cur = _Unit(depth=1)
                units.append(cur)
                group_depth = 1
            else:
                cur = None  # nested group: part of the raw text only
            continue
        if "+-" in line and _GROUP_SEP.match(line):
            if cur is not None:
                cur.open_message = False
            cur = cur if cur is not None and cur.type is None else None
            continue
        depth, body = _split_prefix(line)
        if body.startswith(_TB):
            if depth == 0:
                cur = _Unit(depth=0)
                units.append(cur)
                group_depth = None
            elif cur is not None and cur.depth != depth:
                cur = None
            continue
        if body[:1] in ("D", "T") and body.strip() in _CHAIN:
            if cur is not None:
                cur.open_message = False
            continue
        if cur is None or depth != cur.depth:
            continue
        fm = _FRAME.match(body) if "File \"" in body else None
        if fm is not None:
            if cur.type is None:
                func = (fm.group("func") or "").strip()
                cur.frames.append(Frame(fm.group("file"), int(fm.group("line")), func))
                cur.source_pending = True
            continue
        pending, cur.source_pending = cur.source_pending, False
        if pending and body[:1] in (" ", "\t") and not body.lstrip().startswith("[Previous line"):
            cur.frames[-1] = dataclasses.replace(cur.frames[-1], source_line=_source(body))
            continue
        if not body or body[0] in " \t":
            if not body.strip():
                cur.open_message = False
            continue  # source lines, caret/tilde markers, blank lines
        if cur.type is None:
            em = _EXC.match(body)
            if em is not None and (cur.frames or group_depth is not None or em.group("msg") is not None):
                cur.type = em.group("type")
                cur.message_lines = [em.group("msg") or ""]
                cur.open_message = True
            continue
        if cur.open_message:
            cur.message_lines.append(body)  # multi-line exception message
    chain = tuple(
        ExceptionInfo(type=u.type, message="\n".join(u.message_lines).strip(), frames=tuple(u.frames))
        for u in units
        if u.type is not None
    )
    last_frames = tuple(units[-1].frames) if units else ()
    if not chain and not last_frames:
        return None
    return Traceback(chain, last_frames)


def looks_complete(lines: list[str]) -> bool:
    """Whether a record's last lines could be its end (used to settle a quiet file early).

    A traceback is complete once its last non-blank line is a top-level exception line or the
    closing rule of an exception group; anything after a frame or a chain sentence is not.
    """
    tail = [ln.rstrip("\r") for ln in lines if ln.strip()]
    if not tail:
        return True
    text_has_tb = any(ln.lstrip(" |+").startswith((_TB, _EG)) for ln in tail)
    if any(TOOL_CALL_START in ln for ln in tail) and not any(TOOL_CALL_END in ln for ln in tail):
        return False
    if not text_has_tb:
        return True
    last = tail[-1]
    if re.match(r"^[ ]*\+-+$", last):
        return True
    if last[0] in " \t|+" or last.strip() in _CHAIN or last.startswith(_TB):
        return False
    return _EXC.match(last) is not None
