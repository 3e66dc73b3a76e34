"""Aggregate-only figures on the held-out secret corpora (their cases are never printed).

    PYTHONPATH=$PWD .venv/bin/python -m tests.security.heldout [--baseline-rev REV]

Prints, per held-out file, how many plantings leaked (and in how many kinds), and how many held-out
must-keep strings were lost; with --baseline-rev, the same for the redactor at that git revision.
Redactor authors run this at most a few times a round and say how many (issue 18).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from sidecar.redaction import redact

from .corpus import case_writer_corpus, must_keep


def figures(fn: Callable[[str], str]) -> list[str]:
    out = []
    for name in ("corpus_heldout.yaml", "corpus_heldout2.yaml", "corpus_heldout3.yaml", "corpus_heldout4.yaml",
                 "corpus_heldout5.yaml", "corpus_heldout6.yaml", "corpus_heldout7.yaml",
                 "corpus_heldout8.yaml", "corpus_heldout9.yaml", "corpus_heldout10.yaml",
                 "corpus_heldout10x.yaml", "corpus_heldout11.yaml", "corpus_heldout12.yaml",
                 "corpus_heldout13.yaml", "corpus_heldout14.yaml", "corpus_heldout15.yaml",
                 "corpus_heldout16.yaml", "corpus_heldout17.yaml", "corpus_heldout18.yaml",
                 "corpus_heldout19.yaml", "corpus_heldout20.yaml", "corpus_heldout21.yaml",
                 "corpus_heldout22.yaml"):
        items = case_writer_corpus(name)
        leaked = [k for k, text, secret in items
                  if secret in (r := fn(text)) or json.dumps(secret)[1:-1] in r]
        kinds = len({k for k, _, _ in items})
        out.append(f"{name}: {len(leaked)} of {len(items)} plantings leaked, {len(set(leaked))} of {kinds} kinds")
    for name in ("must_keep_heldout2.yaml", "must_keep_heldout3.yaml", "must_keep_heldout4.yaml",
                 "must_keep_heldout5.yaml", "must_keep_heldout6.yaml", "must_keep_heldout7.yaml",
                 "must_keep_heldout8.yaml", "must_keep_heldout9.yaml", "must_keep_heldout10.yaml",
                 "must_keep_heldout11.yaml", "must_keep_heldout12.yaml",
                 "must_keep_heldout13.yaml", "must_keep_heldout14.yaml", "must_keep_heldout15.yaml",
                 "must_keep_heldout16.yaml", "must_keep_heldout17.yaml",
                 "must_keep_heldout18.yaml", "must_keep_heldout19.yaml", "must_keep_heldout20.yaml",
                 "must_keep_heldout21.yaml", "must_keep_heldout22.yaml"):
        keep = must_keep(name)
        lost = sum(1 for text, line in keep if text not in fn(line))
        out.append(f"{name}: {lost} of {len(keep)} lost")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline-rev", default=None)
    args = ap.parse_args()
    for line in figures(redact):
        print("this tree:", line)
    if args.baseline_rev:
        import sys
        from pathlib import Path
        sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
        from redaction import old_redactor  # type: ignore[import-not-found]

        old = old_redactor(args.baseline_rev)
        for line in figures(lambda t: old(t, None)):
            print(f"{args.baseline_rev}:", line)


if __name__ == "__main__":
    main()
