"""A log excerpt's error record as the diagnosis stage would see it: split into records by the ingest stage's own
header parser (one definition of a header), the record chosen (the given line, else the last ERROR/CRITICAL, else
the last WARNING), its traceback parsed. Used by `sidecar eval` and by wrappers that read the record before an
announcement."""

from __future__ import annotations

from ..ingest.formats import Header, TextDialect
from ..ingest.sysdialect import SystemDialect
from ..ingest.tracebacks import TOOL_CALL_END, TOOL_CALL_START, parse_traceback
from .bare_excerpt import bare_input
from .excerpt_shapes import AFTER_LINES, EXC_LINE, as_text_lines
from .model import DiagnosisInput

# Record headers are the ingest stage's own (ingest/formats.py TextDialect: the gateway's format 1 and 2,
# basicConfig's `LEVEL:name:msg`, the stdio shim's `HH:MM:SS [LEVEL   ] name: msg`), so an excerpt is cut into
# records exactly as `sidecar run` cuts the file: a format only the eval knew (or only ingest knew) would score
# a record the sidecar never diagnoses, or drop one it does (case 932: the shim's format, read by ingest, was
# no header here, so the case got no diagnosis at all).
ERROR_LEVELS = ("ERROR", "CRITICAL")  # as normalised by the ingest dialect (FATAL -> CRITICAL)
_DIALECT = TextDialect()
_SYSTEM = SystemDialect()
_TRACEBACK = "Traceback (most recent call last):"


def _header(line: str) -> Header | None:
    return _DIALECT.parse_header(line)


def split_records(lines: list[str]) -> list[tuple[Header, list[str]]]:
    """`lines` cut into records (the header's fields, the record's lines from its header to the next header), with
    the same header parser; lines before the first header belong to no record and are dropped."""
    starts = [(i, m) for i, ln in enumerate(lines) if (m := _header(ln)) is not None]
    if not starts:  # no record at all (context of an uncaught traceback, another program's lines)
        return []
    bounds = [*(i for i, _ in starts[1:]), len(lines)]
    return [(m, lines[i:end]) for (i, m), end in zip(starts, bounds, strict=True)]


def _exception(lines: list[str]) -> tuple[str | None, str | None, tuple[str, ...]]:
    tb = parse_traceback(lines)
    if tb is not None and tb.final is not None:
        return tb.final.type, tb.final.message, tuple(e.type for e in tb.chain)
    for line in reversed(lines):
        m = EXC_LINE.match(line.strip())
        if m:
            return m.group("type"), m.group("msg"), ()
    return None, None, ()


def excerpt_to_input(log: str, record_line: int | None = None, fingerprint: str = "",
                     bare: bool = False) -> DiagnosisInput:
    """The error record of a log excerpt as the diagnosis stage would see it. `bare`: an excerpt with no record of any
    grammar is read by its failure line (bare_excerpt.py: an orchestrator's or container runtime's output) - the
    eval's whole excerpts; the second looks that read ONE earlier line keep refusing a line with no header."""
    lines = log.splitlines()
    if record_line is None:  # a line number is the text's own: another shape is not renumbered
        lines = as_text_lines(lines)
    starts = [(i, m) for i, ln in enumerate(lines) if (m := _header(ln)) is not None]
    if not starts:
        # Not the gateway's log at all (a database server's, syslog, journald, klog...): its records by the header
        # cut `sidecar run` reads such a file with (ingest/sysdialect.py), rather than no diagnosis (round 11: a
        # postgres server log excerpt answered "the excerpt has no log header line").
        starts = [(i, m) for i, ln in enumerate(lines) if (m := _SYSTEM.parse_header(ln)) is not None]
    if not starts and record_line is None and (tb := next((i for i, ln in enumerate(lines) if ln == _TRACEBACK), None)) \
            is not None:
        return _uncaught(lines, tb, fingerprint)
    if not starts and bare and record_line is None and (found := bare_input(lines, fingerprint)) is not None:
        return found
    if not starts:
        raise ValueError("the excerpt has no log header line")
    if record_line is not None:
        chosen = next(((i, m) for i, m in starts if i == record_line - 1), None)
        if chosen is None:
            raise ValueError(f"record_line {record_line} is not a log header line")
    else:
        # a record that carries a traceback is an error record whatever its level (ingest/jsonl.py keeps such a
        # record; '--- Logging error ---' prints one under whichever INFO line came before it)
        bounds = [*(i for i, _ in starts[1:]), len(lines)]
        errors = [s for s, end in zip(starts, bounds, strict=True)
                  if s[1].level in ERROR_LEVELS or any(_TRACEBACK in ln for ln in lines[s[0] + 1:end])]
        warnings = [s for s in starts if s[1].level == "WARNING"]
        chosen = (errors or warnings or starts)[-1]
    index, m = chosen
    end = next((i for i, _ in starts if i > index), len(lines))
    record = lines[index:end]
    message, context = m.message, lines[:index]
    if m.message.strip().startswith(TOOL_CALL_END) and (block := _tool_call_block(lines, starts, index, end)):
        index, record, context, message = block
    exc_type, exc_msg, chain = _exception(record[1:])
    return DiagnosisInput(
        fingerprint=fingerprint,
        message=message,
        level=m.level,
        logger=m.logger,
        exception_type=exc_type,
        exception_message=exc_msg,
        chain_types=chain,
        traceback="\n".join(record),
        context=tuple(context),
        after=tuple(lines[end:end + AFTER_LINES]),
        line=index + 1,
    )


def _tool_call_block(lines: list[str], starts: list[tuple[int, Header]], index: int,
                     end: int) -> tuple[int, list[str], list[str], str] | None:
    """(start, record, context, message) of the `=== TOOL CALL FAILED ===` block an `=== END ===` record closes, joined
    as the ingest stage joins it (ingest/blocks.py BlockMerger: the same logger's records from the opening one to the
    END, other loggers' records interleaved set aside, the message `START <Error: line>`); None when no opening record
    of that logger is in the excerpt. Without it `sidecar eval` diagnosed the bare END record (round 11: the generated
    cases with a header on every block line)."""
    logger = next(h.logger for i, h in starts if i == index)
    bounds = {i: nxt for (i, _), nxt in zip(starts, [*(i for i, _ in starts[1:]), len(lines)], strict=True)}
    opening = next((i for i, h in reversed(starts) if i < index and h.logger == logger
                    and h.message.strip().startswith(TOOL_CALL_START)
                    and not any(TOOL_CALL_END in ln for ln in lines[i:bounds[i]])), None)
    if opening is None:
        return None
    record: list[str] = []
    aside: list[str] = []
    for i, h in starts:
        if opening <= i <= index:
            (record if h.logger == logger else aside).extend(lines[i:min(bounds[i], end)])
    error = next((ln.split("Error:", 1)[1].strip() for ln in record if ": Error:" in ln or ln.startswith("Error:")), "")
    return opening, record, [*lines[:opening], *aside], f"{TOOL_CALL_START} {error}".strip()


def _uncaught(lines: list[str], index: int, fingerprint: str) -> DiagnosisInput:
    """A traceback no log record introduced (the excepthook printed it to stderr before logging was configured), read
    as the ingest stage reads it (ingest/parser.py: logger `uncaught`, CRITICAL, the final exception as the message):
    the lines before it are its context (held-out 7's 7046 got no diagnosis at all)."""
    record = lines[index:]
    exc_type, exc_msg, chain = _exception(record)
    message = (f"{exc_type}: {exc_msg}" if exc_msg else exc_type) if exc_type else record[0]
    return DiagnosisInput(fingerprint=fingerprint, message=message, level="CRITICAL", logger="uncaught",
                          exception_type=exc_type, exception_message=exc_msg, chain_types=chain,
                          traceback="\n".join(record), context=tuple(lines[:index]), line=index + 1)
