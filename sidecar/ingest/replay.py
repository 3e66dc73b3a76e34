"""`sidecar replay PATH... [--format ...] [--jsonl]`: the error events `run` would detect, from the start.

Replay feeds whole files through the same `FileParser` the tailer uses (same line splitting,
format detection, multiline rules, limits) and closes the last open record at end of file, as
`run` does after the multiline timeout. A final line without a newline is not an event in `run`
(it waits for the newline), so replay skips it too and says so on stderr.

When a config is given (or `sidecar.yaml` exists) and one of its sources matches a file, that
source's format and limits are used, so replay sees the file exactly as `run` would.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any, TextIO

from .discovery import matches
from .parser import FileParser, ParserOptions
from .record import ErrorEvent
from .tail import parser_options, source_name

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
PROGRESS_MIN_BYTES = 16 * 1024 * 1024

EXIT_OK, EXIT_PROBLEM = 0, 1


def _fingerprinter(config: Any) -> tuple[Any, str]:
    """(function(event) -> str, name). Uses the errors stage's grouping when it is importable: one
    `EventGrouper` over the whole replay, so templates are learned in file order as `run` would."""
    grouping = getattr(config, "grouping", None)
    try:
        from ..errors.grouper import EventGrouper
    except ImportError:  # the errors stage is not installed in this build
        import hashlib

        def temporary_sha1_fingerprint(event: ErrorEvent) -> str:
            # TEMPORARY fallback, used only when sidecar.errors.fingerprint cannot be imported.
            return hashlib.sha1((event.exception_type or event.message).encode()).hexdigest()[:16]

        return temporary_sha1_fingerprint, "temporary-sha1"
    return EventGrouper(grouping).fingerprint, "errors.fingerprint"


def _options_for(path: str, fmt: str, config: Any) -> tuple[str, ParserOptions]:
    """The name and parser options of the source `run` would read `path` with (the first that covers it)."""
    for src in getattr(config, "sources", None) or []:
        if matches(path, src.paths, src.exclude):
            opts = parser_options(src)
            return source_name(src), opts if fmt == "auto" else dataclasses.replace(opts, format=fmt)
    return "replay", ParserOptions(format=fmt)


def event_json(ev: ErrorEvent, fingerprint: str) -> dict[str, Any]:
    return {
        "file": ev.file,
        "line": ev.line,
        "fingerprint": fingerprint,
        "level": ev.level,
        "logger": ev.logger,
        "exception_type": ev.exception_type,
        "exception_message": ev.exception_message,
        "message": ev.message,
        "timestamp": ev.timestamp.isoformat() if ev.timestamp else None,
        "offset": ev.offset,
        "end_offset": ev.end_offset,
        "frames": len(ev.frames),
        "chain": [c.type for c in ev.chain],
        "truncated": ev.truncated,
    }


class _Progress:
    def __init__(self, stream: TextIO, total: int, label: str) -> None:
        self.stream, self.total, self.label = stream, total, label
        self.enabled = total >= PROGRESS_MIN_BYTES and stream.isatty()
        self.last = -1

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        pct = int(done * 100 / max(1, self.total))
        if pct != self.last:
            self.last = pct
            bar = "#" * (pct // 4) + "." * (25 - pct // 4)
            self.stream.write(f"\r{self.label[-40:]:>40} [{bar}] {pct:3d}%")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


class FileReplay:
    """The error events of one file, in file order, produced while reading (memory stays flat: an
    event is handed out as soon as its record closes, never collected). After iteration, `ignored`
    is the size of an incomplete last line (no newline: `run` would still be waiting for it)."""

    def __init__(self, path: str, options: ParserOptions, source: str = "replay",
                 progress: _Progress | None = None) -> None:
        self.path, self.options, self.source, self.progress = path, options, source, progress
        self.ignored = 0

    def __iter__(self) -> Iterator[ErrorEvent]:
        parser = FileParser(self.source, self.path, self.options)
        done = 0
        try:
            with open(self.path, "rb") as f:
                while True:
                    chunk = f.read(CHUNK)
                    if not chunk:
                        break
                    yield from parser.feed(chunk)
                    done += len(chunk)
                    if self.progress is not None:
                        self.progress.update(done)
            yield from parser.flush()
        finally:
            if self.progress is not None:
                self.progress.done()
        self.ignored = parser.offset - parser.partial_off


def replay_file(path: str, options: ParserOptions, source: str = "replay",
                progress: _Progress | None = None) -> tuple[list[ErrorEvent], int]:
    """All error events of one file as a list (for callers that want them all), and the ignored tail."""
    rp = FileReplay(path, options, source, progress)
    events = list(rp)
    return events, rp.ignored


def iter_replay(paths: list[str], fmt: str, config: Any = None,
                stderr: TextIO | None = None) -> Iterator[tuple[str, FileReplay]]:
    """Yield (path, events of the file as a stream) per file."""
    for path in paths:
        source, options = _options_for(path, fmt, config)
        progress = _Progress(stderr, os.path.getsize(path), path) if stderr is not None else None
        yield path, FileReplay(path, options, source, progress)


def main_replay(args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Entry point of `sidecar replay` (argparse namespace: paths, format, jsonl, config)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    config = None
    cfg_path = getattr(args, "config", None)
    if cfg_path is not None or os.path.exists("sidecar.yaml"):
        from ..config import ConfigError, load_config

        try:
            config = load_config(cfg_path)
        except ConfigError as exc:
            print(f"sidecar replay: {exc}", file=err)
            return EXIT_PROBLEM
    fingerprint, fp_name = _fingerprinter(config)
    if fp_name != "errors.fingerprint":
        print("sidecar replay: warning: using a temporary fingerprint (sidecar.errors.fingerprint unavailable)",
              file=err)
    missing = [p for p in args.paths if not os.path.isfile(p)]
    if missing:
        for p in missing:
            print(f"sidecar replay: {p}: no such file", file=err)
        return EXIT_PROBLEM
    by_level: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    by_message: Counter[str] = Counter()
    titles: dict[str, str] = {}
    total = 0
    try:
        for path, replay in iter_replay(list(args.paths), args.format, config, None if args.jsonl else err):
            for ev in replay:
                fp = fingerprint(ev)
                if args.jsonl:
                    out.write(json.dumps(event_json(ev, fp), ensure_ascii=False) + "\n")
                else:
                    total += 1
                    by_level[ev.level] += 1
                    by_type[ev.exception_type or "(no exception)"] += 1
                    by_message[fp] += 1
                    if fp not in titles:
                        titles[fp] = (ev.exception_type + ": " if ev.exception_type else "") + ev.message[:100]
            if replay.ignored:
                print(f"sidecar replay: {path}: ignored an incomplete last line ({replay.ignored} bytes, "
                      "no newline)", file=err)
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:
        print(f"sidecar replay: {exc}", file=err)
        return EXIT_PROBLEM
    if not args.jsonl:
        _summary(out, total, by_level, by_type, by_message, titles, len(args.paths))
    return EXIT_OK


def _summary(out: TextIO, total: int, by_level: Counter[str], by_type: Counter[str], by_message: Counter[str],
             titles: dict[str, str], nfiles: int) -> None:
    out.write(f"{total} error events in {nfiles} file(s)\n")
    if not total:
        return
    out.write("\nby level:\n")
    for level, n in by_level.most_common():
        out.write(f"  {n:8d}  {level}\n")
    out.write("\nby exception type:\n")
    for t, n in by_type.most_common(10):
        out.write(f"  {n:8d}  {t}\n")
    out.write("\ntop groups (by fingerprint, first message shown):\n")
    for fp, n in by_message.most_common(10):
        out.write(f"  {n:8d}  {fp[:12]}  {titles[fp]}\n")
