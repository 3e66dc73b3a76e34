"""The last step of `FileParser` (parser.py): a scanner's records in, `ErrorEvent`s out.

Which records are events (an error level in the header, or a crash: a traceback or a death report no
header introduced - logger `uncaught`, CRITICAL), their fields, and the event's receipt stream name.
A mixin on FileParser's own state (source, path, dialect, scanner, receipts): the parser's per-record
hot path, so attribute reads on `self` rather than a second object (no extra call per record).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .deaths import death_report
from .docker import DockerScanner
from .jsonl import JsonRecord, JsonScanner
from .levels import is_error_level
from .rawrecord import RawRecord
from .record import ContextLines, ErrorEvent
from .timestamps import timestamp_from_value
from .tracebacks import parse_traceback_text

if TYPE_CHECKING:
    from .formats import TextDialect
    from .multiline import TextScanner
    from .receiptstream import ReceiptStream
    from .sysdialect import SystemDialect

UNCAUGHT_LOGGER = "uncaught"
_NEW_EVENT = object.__new__  # see _text_event: construction without a keyword dict
_INIT_EVENT = ErrorEvent.__init__
_TB_LINE = "Traceback (most recent call last):"


class RecordEvents:
    """Records to events, on the parser's state (see the module docstring)."""

    source: str
    path: str
    file_key: str
    receipts: ReceiptStream
    dialect: TextDialect | SystemDialect
    scanner: TextScanner | JsonScanner | DockerScanner | None

    def _build(self, records: list[RawRecord] | list[JsonRecord] | list[RawRecord | JsonRecord],
               out: list[ErrorEvent]) -> None:
        twin = self.receipts.twin
        for r in records:
            ev = self._json_event(r) if isinstance(r, JsonRecord) else self._text_event(r)
            if ev is not None:
                if twin:  # a copy read under its own inode: also names its original's stream (copystreams.py)
                    ev.twin_stream = self.receipts.twin_of(ev.stream)
                out.append(ev)

    def _json_event(self, r: JsonRecord) -> ErrorEvent:
        final = r.traceback.final if r.traceback else None
        return ErrorEvent(
            source=self.source, file=self.path, line=r.line, offset=r.offset, end_offset=r.end_offset,
            timestamp=r.timestamp, level=r.level, logger=r.logger, message=r.message, raw=r.raw,
            exception_type=final.type if final else None, exception_message=final.message if final else None,
            frames=final.frames if final else (), chain=r.traceback.chain if r.traceback else (),
            truncated=r.truncated, file_key=self.file_key, stream=self.receipts.at(r.offset),
        )

    def _text_event(self, r: RawRecord) -> ErrorEvent | None:
        text = r.text.decode("utf-8", "replace")
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        text = text.rstrip("\n")
        if not text:
            return None
        first, _, rest = text.partition("\n")
        hdr = self.dialect.parse_header(first) if r.header else None
        body = rest if hdr is not None else text
        quoted_tb = _TB_LINE in body
        death = death_report(text) if hdr is None else None
        if death is not None and death[1]:
            body = death[1]  # parsed as the traceback it is (a compiler report, text glued before)
        tb = parse_traceback_text(body) if quoted_tb or death is not None else None
        # A traceback whose frame lines were clipped away (max_lines keeps its first and last
        # lines) no longer parses; the record is still a crash, so it is still an event.
        crashed = (tb is not None or death is not None
                   or (quoted_tb and (body.startswith(_TB_LINE) or f"\n{_TB_LINE}" in body)))
        if hdr is not None:
            if not is_error_level(hdr.level) and not crashed:
                return None
            level, logger, message, ts = hdr.level, hdr.logger, hdr.message, hdr.timestamp
        else:
            if not crashed:
                return None
            # A traceback no log record introduced: Python's excepthook (or a thread's) printed it,
            # so the process (or thread) died of it.
            level, logger, ts = "CRITICAL", UNCAUGHT_LOGGER, None
            # Its time is not printed: the last record written before it bounds it from below.
            for prev in reversed(r.context.decode("utf-8", "replace").split("\n") if r.context else ()):
                prev_hdr = self.dialect.parse_header(prev.rstrip("\r"))
                if prev_hdr is not None and prev_hdr.timestamp is not None:
                    ts = prev_hdr.timestamp
                    break
            if isinstance(self.scanner, DockerScanner):  # Docker stamped the line itself: better
                ts = timestamp_from_value(self.scanner.time_at(r.offset)) or ts
            final = tb.final if tb is not None else None
            if final is None:
                message = first.strip()
            else:
                message = f"{final.type}: {final.message}" if final.message else final.type
        context = ContextLines(r.context) if r.context else ()
        if tb is not None:
            return ErrorEvent(
                source=self.source, file=self.path, line=r.line, offset=r.offset, end_offset=r.end_offset,
                timestamp=ts, level=level, logger=logger, message=message, raw=text,
                truncated=r.truncated, context=context, file_key=self.file_key, stream=self.receipts.at(r.offset),
                **tb.event_fields(),
            )
        # Without a traceback (most events): the dataclass's own __init__ called with keywords on a
        # bare instance (_NEW_EVENT). `**{}` made every call build and merge a dict of all the
        # keywords, and so does calling the class with keywords (type_call hands a Python __init__ its
        # keywords as a dict); a function called with keywords binds them without one. Same fields and
        # defaults: nothing but __init__ runs on construction (no __new__, no __post_init__).
        ev = _NEW_EVENT(ErrorEvent)
        _INIT_EVENT(ev, source=self.source, file=self.path, line=r.line, offset=r.offset, end_offset=r.end_offset,
                    timestamp=ts, level=level, logger=logger, message=message, raw=text,
                    truncated=r.truncated, context=context, file_key=self.file_key, stream=self.receipts.at(r.offset))
        return ev
