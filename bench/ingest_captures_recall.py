"""Recall of ERROR/CRITICAL events and distinct errors over a directory of captures with a manifest.

Prints aggregate figures only (for held-out sets: tests/data/captures_heldout/, whose files the
implementers must not read). Each capture is parsed the way a source with default settings reads
it (`format: auto`, encoding from the BOM, else UTF-8), in 64 KiB chunks as the tailer feeds them.

Manifest (manifest.yaml): `captures: [{file, error_events, distinct_errors, events: [{line, level,
kind, ...}]}]`. An expected event is found when a detected ERROR/CRITICAL event starts on its line;
a distinct error (its `kind`) is found when any of its events is.

    PYTHONPATH=$PWD .venv/bin/python bench/ingest_captures_recall.py tests/data/captures_heldout
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

from sidecar.ingest.parser import FileParser, ParserOptions
from sidecar.ingest.record import ErrorEvent

CHUNK = 64 * 1024


def detect(path: Path) -> list[ErrorEvent]:
    parser = FileParser("capture", str(path), ParserOptions())
    data = path.read_bytes()
    events: list[ErrorEvent] = []
    for i in range(0, len(data), CHUNK):
        events += parser.feed(data[i:i + CHUNK])
    return events + parser.flush()


def score(root: Path) -> dict[str, Any]:
    manifest = yaml.safe_load((root / "manifest.yaml").read_text())
    totals = {"captures": 0, "expected": 0, "found": 0, "kinds": 0, "kinds_found": 0, "detected": 0,
              "unmatched_detected": 0, "count_capped": 0}
    for cap in manifest["captures"]:
        events = [e for e in detect(root / cap["file"]) if e.level in ("ERROR", "CRITICAL", "FATAL")]
        lines = {e.line for e in events}
        expected = cap.get("events") or []
        matched = [x for x in expected if x["line"] in lines]
        kinds = {x.get("kind") or x.get("exception_type") for x in expected}
        kinds_found = {x.get("kind") or x.get("exception_type") for x in matched}
        totals["captures"] += 1
        totals["expected"] += len(expected)
        totals["found"] += len(matched)
        totals["kinds"] += len(kinds)
        totals["kinds_found"] += len(kinds_found)
        totals["detected"] += len(events)
        totals["unmatched_detected"] += len(lines - {x["line"] for x in expected})
        totals["count_capped"] += min(len(events), int(cap.get("error_events", len(expected))))
    return totals


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", type=Path)
    args = ap.parse_args(argv)
    t = score(args.root)
    print(f"captures: {t['captures']}")
    print(f"events: found {t['found']}/{t['expected']} on their line "
          f"(recall {t['found'] / max(1, t['expected']):.3f}); by count per capture "
          f"{t['count_capped']}/{t['expected']}")
    print(f"distinct errors: {t['kinds_found']}/{t['kinds']} (recall {t['kinds_found'] / max(1, t['kinds']):.3f})")
    print(f"detected ERROR/CRITICAL events: {t['detected']}, starting on no expected line: {t['unmatched_detected']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
