"""`sidecar fingerprint`: one fingerprint per stdin line, in order, streaming.

Each line is fingerprinted alone, exactly as `run` fingerprints a plain log error (logger
unknown, level ERROR): no look-ahead, no state carried between lines, so the output for a line
is known as soon as the line has been read, and a pipe consumer sees it without waiting for EOF.
Invalid UTF-8 is decoded with replacement characters rather than failing the stream.
"""

from __future__ import annotations

import argparse
import io
import sys
from typing import BinaryIO, TextIO

from .fingerprint import fingerprint_message, normalize_message


def fingerprint_line(line: str, level: str = "ERROR", logger: str | None = None) -> str:
    """The fingerprint of one input line (the trailing newline is not part of the message)."""
    return fingerprint_message(line.rstrip("\r\n"), logger=logger, level=level)


def stream(inp: BinaryIO, out: TextIO, *, level: str = "ERROR", logger: str | None = None,
           with_template: bool = False) -> int:
    """Fingerprint `inp` line by line into `out`, flushing after every line; return the count."""
    n = 0
    # readline() instead of iteration: file iteration reads ahead in blocks, which would hold
    # an answer back until the writer sent more.
    reader = io.TextIOWrapper(inp, encoding="utf-8", errors="replace", newline="\n")
    while True:
        line = reader.readline()
        if not line:
            break
        fp = fingerprint_line(line, level=level, logger=logger)
        if with_template:
            out.write(f"{fp}\t{normalize_message(line.rstrip(chr(13) + chr(10)))}\n")
        else:
            out.write(fp + "\n")
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
            sys.stdout = None  # type: ignore[assignment]
        except Exception:  # noqa: BLE001
            pass
        return 0
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main_fingerprint())
