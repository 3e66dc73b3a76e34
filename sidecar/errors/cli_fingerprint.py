"""`sidecar fingerprint`: one fingerprint per stdin line, in order, streaming.

Each line is fingerprinted alone, exactly as `run` fingerprints a log record without a traceback:
* a full log line in the gateway's format (`2025-11-03 17:00:04 ERROR src.x: message`, the
  `%(asctime)s - %(name)s - %(levelname)s - %(message)s` variant, or logging.basicConfig's
  `LEVEL:name:message`, GROUPING_CLASSES2 H23) is read the way ingest reads it: level and logger
  from their positions in the header, then the message;
* a Docker json-file line (`{"log":"...\n","stream":...,"time":...}`, H9) is its `log` value;
* a line in a documented non-Python grammar (syslog RFC 3164/5424, journald, postgres, log4j/
  logback, klog, logcat, GLib, Apache, nginx, BGL: `ingest.sysheaders`) loses its header layers,
  so the message is what is fingerprinted (level and logger stay the command's, see split_line);
* any other line is the message itself, with logger unknown and level ERROR (`--level`/`--logger`
  change those).
One template learner runs over the whole input (`grouper.MessageGrouper`), as in `run`: a line
maps to the group its masked form joined when it arrived, so lines whose only difference is a
learned variable slot (`key ending eedd` / `key ending 259e`) print one fingerprint. No look-ahead:
a line's answer is written (and flushed) as soon as the line has been read; a later line never
changes an earlier answer. Invalid UTF-8 is decoded with replacement characters.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from functools import lru_cache
from typing import BinaryIO, TextIO

from ..ingest.formats import TextDialect
from ..ingest.sysheaders import NO_HEADER, cut_header
from .fingerprint import (
    fingerprint_message,
    message_fingerprint_uncached,
    register_cache,
)
from .grouper import MessageGrouper
from .masking import CACHEABLE
from .records import RECORD_STARTS, read_record

_DIALECT = TextDialect()
# logging.basicConfig's `LEVEL:name:msg` (formats._F3): the first two letters of its level names.
_BASIC_STARTS = frozenset({"DE", "IN", "WA", "ER", "CR", "FA", "NO", "Le"})
_DOCKER = '{"log":'


# Line starts (first two characters) known to start no header of any kind here: most lines of a
# message-only input stop at this one set lookup (each extra test per line was ~4% of the
# never-seen path under callgrind). Filled as starts are met; bounded by the ASCII pairs.
_PLAIN: set[str] = set()


def split_line(line: str, level: str = "ERROR", logger: str | None = None) -> tuple[str, str | None, str]:
    """(message, logger, level) of one input line: the header's when the line has one."""
    text = line.rstrip("\r\n")
    key = text[:2]
    if key in _PLAIN:
        return text, logger, level
    if key == '{"' and text.startswith(_DOCKER):
        text = _docker_log(text)
        key = text[:2]
    if key in RECORD_STARTS:
        record = read_record(text)
        if record is not None:
            return record.message, _record_logger(logger, record.logger), level
    # Every header format starts with a date or a level name: skip the header parser for anything
    # else (cheap).
    if text[:4].isdigit() or (key in _BASIC_STARTS and ":" in text[:10]):
        header = _DIALECT.parse_header(text)
        if header is not None:
            return header.message, header.logger, header.level
    cut = None if key in NO_HEADER else cut_header(text)
    if cut is not None:
        # The message only: a syslog tag or Java class is not the Python logger name groups are
        # keyed on, and these grammars' levels (BGL FAILURE, logcat V, postgres LOG) are not
        # Python's: one template printed at two RAS levels split BGL (whole-line GA 0.951 with
        # the header's level, 0.972 without, = its Content column; bench/grouping_headers.py).
        record = read_record(cut.message) if cut.message[:2] in RECORD_STARTS else None
        if record is not None:
            return record.message, _record_logger(logger, record.logger), level
        return cut.message, logger, level
    if key in NO_HEADER and key not in _BASIC_STARTS and key not in RECORD_STARTS and key.isascii():
        _PLAIN.add(key)
    return text, logger, level


def _record_logger(logger: str | None, statement: str) -> str:
    """A structured record's statement identity (`records.py`) under the command's logger, if any."""
    return f"{logger}/{statement}" if logger else statement


def _docker_log(text: str) -> str:
    """The `log` value of a Docker json-file line (its own newline cut), or the line when it is not one."""
    try:
        record = json.loads(text)
    except ValueError:
        return text
    log = record.get("log") if isinstance(record, dict) else None
    return log.rstrip("\r\n") if isinstance(log, str) else text


def fingerprint_line(line: str, level: str = "ERROR", logger: str | None = None) -> str:
    """The fingerprint of one input line (the trailing newline is not part of the message)."""
    if len(line) <= CACHEABLE:
        return str(_fingerprint_line_cached(line, level, logger))
    message, name, lvl = split_line(line, level, logger)
    return fingerprint_message(message, logger=name, level=lvl)


@register_cache
@lru_cache(maxsize=4096)
def _fingerprint_line_cached(line: str, level: str, logger: str | None) -> str:
    # Repeated lines (an error storm) skip even the header split. A line not seen before has a
    # message not seen before either: skip the message-level memo.
    message, name, lvl = split_line(line, level, logger)
    return message_fingerprint_uncached(message, name, lvl)


def stream(inp: BinaryIO, out: TextIO, *, level: str = "ERROR", logger: str | None = None,
           with_template: bool = False) -> int:
    """Fingerprint `inp` line by line into `out`, flushing after every line; return the count."""
    n = 0
    # readline() instead of iteration: file iteration reads ahead in blocks, which would hold
    # an answer back until the writer sent more.
    reader = io.TextIOWrapper(inp, encoding="utf-8", errors="replace", newline="\n")
    grouper = MessageGrouper()
    while True:
        line = reader.readline()
        if not line:
            break
        message, name, lvl = split_line(line, level, logger)
        if with_template:
            learned = grouper.group(message, name, lvl)
            out.write(f"{learned.fingerprint}\t{learned.template}\n")
        else:
            out.write(grouper.fingerprint(message, name, lvl) + "\n")
        out.flush()
        n += 1
    return n


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--level", default="ERROR", help="level of every line (default ERROR)")
    parser.add_argument("--logger", default=None, help="logger name of every line (default none)")
    parser.add_argument("--template", action="store_true",
                        help="print `fingerprint<TAB>template` instead of the fingerprint alone")


def main_fingerprint(args: argparse.Namespace | None = None) -> int:
    """Entry point for the `fingerprint` subcommand; returns the exit status."""
    if args is None:
        parser = argparse.ArgumentParser(prog="sidecar fingerprint")
        add_arguments(parser)
        args = parser.parse_args()
    try:
        stream(sys.stdin.buffer, sys.stdout, level=getattr(args, "level", "ERROR"),
               logger=getattr(args, "logger", None), with_template=getattr(args, "template", False))
    except BrokenPipeError:
        # The reader went away (`| head`): not an error of ours.
        try:
            sys.stdout = None
        except Exception:  # noqa: BLE001
            pass
        return 0
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main_fingerprint())
