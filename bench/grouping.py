"""Grouping accuracy and speed of `sidecar fingerprint` vs Drain3 on the loghub-2k samples.

Each dataset's `Content` column is fed line by line to `fingerprint_line` (the function behind
`sidecar fingerprint`) and, in the same run, to a Drain3 `TemplateMiner` with its default
config. Grouping accuracy (GA, Zhu et al., ICSE-SEIP 2019): a message counts as correct when its
predicted group holds exactly the messages of its true `EventId` group. Messages/s is the
best of `--repeat` interleaved timed passes per dataset (a fresh Drain3 miner per pass and dataset).

    .venv/bin/python bench/grouping.py [--data ../shared/datasets/loghub-2k] [--repeat 5] [--misses D]
"""

from __future__ import annotations

import argparse
import csv
import logging
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from sidecar.errors import fingerprint as fp
from sidecar.errors.cli_fingerprint import fingerprint_line, split_line
from sidecar.errors.fingerprint import normalize_message

DATASETS = ("Apache", "BGL", "HDFS", "Hadoop", "Linux", "OpenSSH", "Spark", "Zookeeper")
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "loghub-2k"


def load(data: Path, name: str) -> tuple[list[str], list[str]]:
    with open(data / name / f"{name}_2k.log_structured.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r["Content"] for r in rows], [r["EventId"] for r in rows]


def grouping_accuracy(truth: Sequence[str], predicted: Sequence[object]) -> float:
    """Share of messages whose predicted group equals their true group, as a set of messages."""
    true_size = Counter(truth)
    members: dict[object, list[int]] = defaultdict(list)
    for i, p in enumerate(predicted):
        members[p].append(i)
    correct = 0
    for idx in members.values():
        labels = {truth[i] for i in idx}
        if len(labels) == 1 and true_size[truth[idx[0]]] == len(idx):
            correct += len(idx)
    return correct / len(truth)


def ours(messages: Sequence[str]) -> list[str]:
    fp.clear_caches()  # cold caches for every dataset and pass, like a fresh Drain3 miner
    return [fingerprint_line(m) for m in messages]


def ours_uncached(messages: Sequence[str]) -> list[str]:
    """The same computation with the memoisation bypassed: the cost of a never-seen message."""
    digest = fp._message_digest.__wrapped__
    out = []
    for m in messages:
        message, logger, level = split_line(m)
        out.append(digest((logger or "").strip(), fp.level_class(level), normalize_message(message, cached=False)))
    return out


def drain3(messages: Sequence[str]) -> list[int]:
    from drain3 import TemplateMiner

    miner = TemplateMiner()
    return [miner.add_log_message(m)["cluster_id"] for m in messages]


def timed_interleaved(fns: Sequence[Callable[[Sequence[str]], list]], messages: Sequence[str],
                      repeat: int) -> list[tuple[list, float]]:
    """Best-of-`repeat` time of each function, the functions interleaved within every round.

    The machine is shared: interleaving makes a burst of load from elsewhere hit every contender
    of a round alike instead of whichever happened to run during it.
    """
    best = [float("inf")] * len(fns)
    outs: list[list] = [[] for _ in fns]
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            t0 = time.perf_counter()
            outs[i] = fn(messages)
            best[i] = min(best[i], time.perf_counter() - t0)
    return list(zip(outs, best, strict=True))


def show_misses(messages: Sequence[str], truth: Sequence[str], predicted: Sequence[str], limit: int = 25) -> None:
    """Print the true groups that were split or merged, with their templates (for rule authors)."""
    by_true: dict[str, set[str]] = defaultdict(set)
    by_pred: dict[str, set[str]] = defaultdict(set)
    for t, p in zip(truth, predicted, strict=True):
        by_true[t].add(p)
        by_pred[p].add(t)
    shown = 0
    for t, preds in sorted(by_true.items()):
        merged = {o for p in preds for o in by_pred[p]} - {t}
        if len(preds) == 1 and not merged:
            continue
        templates = Counter(normalize_message(m) for m, tt in zip(messages, truth, strict=True) if tt == t)
        print(f"  {t}: {len(preds)} groups, merged with {sorted(merged)}")
        for tpl, n in templates.most_common(4):
            print(f"      {n:4d}  {tpl[:150]}")
        shown += 1
        if shown >= limit:
            break


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--misses", default=None, help="dataset name: print its split/merged groups")
    parser.add_argument("--no-drain", action="store_true", help="skip Drain3 (for rule iteration only)")
    args = parser.parse_args(argv)
    logging.getLogger("drain3").setLevel(logging.ERROR)

    print(f"{'dataset':<10} {'GA ours':>8} {'GA drain3':>10} {'msg/s ours':>11} {'msg/s drain3':>13}"
          f" {'ours uncached':>14}")
    ga_o, ga_d, t_o, t_d, t_u, total = [], [], 0.0, 0.0, 0.0, 0
    for name in DATASETS:
        messages, truth = load(args.data, name)
        contenders = [ours, ours_uncached] if args.no_drain else [ours, ours_uncached, drain3]
        results = timed_interleaved(contenders, messages, args.repeat)
        (pred_o, sec_o), (pred_u, sec_u) = results[0], results[1]
        assert pred_u == pred_o, "memoisation changed a result"
        t_u += sec_u
        g_o = grouping_accuracy(truth, pred_o)
        ga_o.append(g_o)
        t_o += sec_o
        total += len(messages)
        if args.no_drain:
            print(f"{name:<10} {g_o:8.3f}")
        else:
            pred_d, sec_d = results[2]
            g_d = grouping_accuracy(truth, pred_d)
            ga_d.append(g_d)
            t_d += sec_d
            print(f"{name:<10} {g_o:8.3f} {g_d:10.3f} {len(messages) / sec_o:11,.0f} {len(messages) / sec_d:13,.0f}"
                  f" {len(messages) / sec_u:14,.0f}")
        if args.misses == name:
            show_misses(messages, truth, pred_o)
    mean_o = sum(ga_o) / len(ga_o)
    if args.no_drain:
        print(f"{'mean':<10} {mean_o:8.3f}   ({total / t_o:,.0f} msg/s)")
        return 0
    mean_d = sum(ga_d) / len(ga_d)
    rate_o, rate_d = total / t_o, total / t_d
    print(f"{'mean':<10} {mean_o:8.3f} {mean_d:10.3f} {rate_o:11,.0f} {rate_d:13,.0f} {total / t_u:14,.0f}")
    print(f"speed ratio ours/drain3: {rate_o / rate_d:.2f}x (uncached {total / t_u / rate_d:.2f}x); "
          f"GA difference: {mean_o - mean_d:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
