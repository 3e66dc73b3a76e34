"""Grouping accuracy on loghub templates re-filled with values the rules have never seen.

Each of the 8 shared datasets' true templates (`*_templates.csv`, the `<*>` slots of its ground
truth) is filled with random values of ONE class of sidecar/errors/TAXONOMY.md (letters-only ids,
hex without digits, hostnames, paths, user names...), `--per-template` messages per template, in a
seeded random order. A grouping that learned the shared datasets' values rather than the class
splits here; one that merges different events sharing wording merges here. GA as in
bench/grouping.py, ours (masking + learned templates, a fresh learner per corpus) next to Drain3
(default config) in the same run.

    .venv/bin/python bench/grouping_slots.py [--seed 1] [--per-template 4] [--classes a,b]
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grouping import DATASETS, DEFAULT_DATA, drain3, grouping_accuracy, ours  # noqa: E402
from slot_values import GENERATORS, WORD_CLASSES, corpus, templates  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-template", type=int, default=4)
    parser.add_argument("--classes", default=",".join(GENERATORS))
    parser.add_argument("--no-drain", action="store_true")
    parser.add_argument("--show", default=None, help="CLASS:DATASET - print the split/merged true events")
    args = parser.parse_args(argv)
    logging.getLogger("drain3").setLevel(logging.ERROR)
    classes = args.classes.split(",")
    print(f"{'class':<15} {'GA ours':>8} {'GA drain3':>10}   worst dataset (ours)")
    all_o, all_d, form_o, form_d = [], [], [], []
    for cls in classes:
        ga_o, ga_d = [], []
        for name in DATASETS:
            rng = random.Random(f"{args.seed}:{cls}:{name}")
            messages, truth = corpus(templates(args.data, name), cls, args.per_template, rng)
            pred = ours(messages)
            ga_o.append((grouping_accuracy(truth, pred), name))
            if not args.no_drain:
                ga_d.append(grouping_accuracy(truth, drain3(messages)))
            if args.show == f"{cls}:{name}":
                from grouping import show_misses
                show_misses(messages, truth, pred)
        mean_o = sum(g for g, _ in ga_o) / len(ga_o)
        mean_d = sum(ga_d) / len(ga_d) if ga_d else float("nan")
        all_o.append(mean_o)
        all_d.append(mean_d)
        if cls not in WORD_CLASSES:
            form_o.append(mean_o)
            form_d.append(mean_d)
        worst = min(ga_o)
        print(f"{cls:<15} {mean_o:8.3f} {mean_d:10.3f}   {worst[1]} {worst[0]:.3f}")
    print(f"{'mean':<15} {sum(all_o) / len(all_o):8.3f} {sum(all_d) / len(all_d):10.3f}")
    if form_o:
        print(f"{'mean (form)':<15} {sum(form_o) / len(form_o):8.3f} {sum(form_d) / len(form_d):10.3f}"
              f"   (classes recognisable by form; without {', '.join(WORD_CLASSES)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
