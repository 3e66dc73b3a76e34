"""`=== TOOL CALL FAILED ===` blocks written as separate log records, joined into one event.

The gateway logged a failed tool call as a run of ERROR records from one logger
(`=== TOOL CALL FAILED ===`, `Tool: chat`, `Duration: ...`, `Error: ...`, `Full traceback:` +
traceback, `=== END ===`), with records of other loggers interleaved. When the block's lines have
no headers of their own they are already one multiline record; when each has a header, this
stage merges the block's records from the same logger into one event and holds the interleaved
events of other loggers until the block closes, so events still leave in file order.

A block closes at `=== END ===`, when it spans more than `max_lines` file lines or `max_bytes`,
or at a flush (quiet file / end of input). While it is open, the parser's resume point stays at
its start, so a restart re-reads it whole.
"""

from __future__ import annotations

import dataclasses

from .record import ErrorEvent
from .tracebacks import TOOL_CALL_END as END
from .tracebacks import TOOL_CALL_START as START
from .tracebacks import parse_traceback_text


class BlockMerger:
    def __init__(self, max_lines: int, max_bytes: int) -> None:
        self.max_lines = max_lines
        self.max_bytes = max_bytes
        self.block: ErrorEvent | None = None
        self.parts: list[str] = []
        self.held: list[ErrorEvent] = []

    def open_offset(self) -> tuple[int, int] | None:
        return (self.block.offset, self.block.line) if self.block is not None else None

    def push(self, events: list[ErrorEvent]) -> list[ErrorEvent]:
        out: list[ErrorEvent] = []
        for ev in events:
            if self.block is not None:
                b = self.block
                if ev.line - b.line > self.max_lines or sum(map(len, self.parts)) > self.max_bytes:
                    out.extend(self._close())
                elif ev.logger == b.logger and ev.source == b.source:
                    self.parts.append(ev.raw)
                    b.end_offset = ev.end_offset
                    if ev.message.strip().startswith(END):
                        out.extend(self._close())
                    continue
                else:
                    self.held.append(ev)
                    continue
            if START in ev.message and ev.message.strip().startswith(START) and END not in ev.raw:
                self.block = ev
                self.parts = [ev.raw]
                continue
            out.append(ev)
        return out

    def flush(self) -> list[ErrorEvent]:
        return self._close() if self.block is not None else []

    def _close(self) -> list[ErrorEvent]:
        b = self.block
        assert b is not None
        self.block = None
        raw = "\n".join(self.parts)
        lines = raw.split("\n")
        tb = parse_traceback_text("\n".join(lines[1:]))
        error = next((ln.split("Error:", 1)[1].strip() for ln in lines if ": Error:" in ln or ln.startswith("Error:")),
                     "")
        # The block's traceback includes the opening record's own, so it replaces its exception fields.
        merged = dataclasses.replace(b, raw=raw, message=f"{START} {error}".strip(),
                                     **(tb.event_fields() if tb else {}))
        out = [merged, *self.held]
        self.held = []
        self.parts = []
        return sorted(out, key=lambda e: e.offset)
