"""Every fingerprint `bench/grouping.py` derives its GA figures from, hashed: run it on two trees to show a
speed change re-grouped nothing (issue 15: outputs must be IDENTICAL before/after).

Per shared dataset: the default learner's fingerprints of all 2,000 lines, masking only, the (fingerprint,
template) pairs, the distinct lines once (the never-seen speed mode); with `--full` also every `OUR_GRID`
setting on the real lines and on the re-filled templates (`slot_values.refilled`), as `--splits` uses them.

    PYTHONPATH=TREE python bench/grouping_fingerprints.py [--full] [--out fps.json]   # prints count + digest
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grouping as g  # noqa: E402
from slot_values import refilled  # noqa: E402

from sidecar.errors import fingerprint as fp  # noqa: E402
from sidecar.errors.cli_fingerprint import split_line  # noqa: E402
from sidecar.errors.grouper import MessageGrouper  # noqa: E402
from sidecar.errors.templates import TemplateLearner  # noqa: E402


def collect(data: Path, full: bool) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {}
    for name in g.DATASETS:
        messages, _ = g.load(data, name)
        out[f"{name}/default"] = list(g.ours(messages))
        out[f"{name}/masking"] = list(g.masking_only(messages))
        fp.clear_caches()
        grouper = MessageGrouper(TemplateLearner())
        out[f"{name}/templates"] = [[x.fingerprint, x.template] for x in (grouper.group(*split_line(m)) for m in messages)]
        out[f"{name}/distinct"] = list(g.ours(list(dict.fromkeys(messages))))
        if full:
            again = refilled(data, name)
            for i, config in enumerate(g.OUR_GRID):
                out[f"{name}/grid{i}"] = list(g.ours(messages, config))
                for k, (_, lines, _) in enumerate(again):
                    out[f"{name}/grid{i}/refilled{k}"] = list(g.ours(lines, config))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=g.DEFAULT_DATA)
    parser.add_argument("--full", action="store_true", help="also every grid setting and the re-filled corpora")
    parser.add_argument("--out", type=Path, default=None, help="write the fingerprints as JSON (to diff)")
    args = parser.parse_args()
    found = collect(args.data, args.full)
    text = json.dumps(found, sort_keys=True)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(f"{len(found)} fingerprint lists, {sum(map(len, found.values())):,} fingerprints, "
          f"sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
