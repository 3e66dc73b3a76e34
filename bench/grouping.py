"""Grouping accuracy and speed of `sidecar fingerprint` vs Drain3 on the loghub-2k samples.

Each dataset's `Content` column is fed line by line to a fresh `MessageGrouper` (masking, then the
online template learner: what `sidecar fingerprint` and `run` do) and, in the same run, to a Drain3
`TemplateMiner` with its default config. "masking only" is the pure per-line fingerprint without
learning (the grouping before issue 15), for comparison. Grouping accuracy (GA, Zhu et al., ICSE-SEIP 2019): a message counts as correct when its
predicted group holds exactly the messages of its true `EventId` group. Messages/s is the
best of `--repeat` interleaved timed passes per dataset (a fresh Drain3 miner per pass and dataset).

    .venv/bin/python bench/grouping.py [--data ../shared/datasets/loghub-2k] [--repeat 5] [--misses D]

Held-out systems (`--splits`): the learner's global settings (`OUR_GRID`: similarity threshold,
delimited slots, positional word slots on/off and their agreement) are chosen on 7 of the 8 datasets and GA is reported on the 8th, for each of the
8 (leave-one-system-out, the headline), and the same on all 70 4-4 splits; Drain3's `sim_th` is
chosen the same way in the same run. No per-dataset settings anywhere.
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
from typing import Any

from sidecar.errors import fingerprint as fp
from sidecar.errors.cli_fingerprint import fingerprint_line, split_line
from sidecar.errors.fingerprint import normalize_message
from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.slots import MIN_AGREE, OTHER_WORDS, SIMILARITY
from sidecar.errors.templates import TemplateLearner

sys.path.insert(0, str(Path(__file__).resolve().parent))
from slot_values import refilled  # noqa: E402

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


def ours(messages: Sequence[str], config: dict[str, Any] | None = None) -> list[str]:
    """Masking + a fresh online learner per dataset (what `sidecar fingerprint` prints);
    `config` overrides the learner's global settings (the held-out protocol's grid)."""
    fp.clear_caches()  # cold caches for every dataset and pass, like a fresh Drain3 miner
    grouper = MessageGrouper(TemplateLearner(**(config or {})))
    return [grouper.fingerprint(*split_line(m)) for m in messages]


def masking_only(messages: Sequence[str]) -> list[str]:
    fp.clear_caches()
    return [fingerprint_line(m) for m in messages]


def ours_uncached(messages: Sequence[str]) -> list[str]:
    """The same computation with the memoisation bypassed: the cost of a never-seen message."""
    digest = fp._message_digest.__wrapped__
    learner = TemplateLearner(cache_size=1)  # no repeat skips the comparison with the templates
    out = []
    for m in messages:
        message, logger, level = split_line(m)
        name, cls = (logger or "").strip(), fp.level_class(level)
        masked = normalize_message(message, cached=False)
        learner._resolved.clear()
        out.append(learner.learn(digest(name, cls, masked), name, cls, masked).fingerprint)
    return out


# The held-out protocol's grids: every global setting of each contender (none is per dataset).
# `other_words` 0 turns the positional-unannounced word slots (errors/slots.py, kind 3) off.
# `min_agree`: literal tokens that must agree around a positional word (2: three-token messages).
OUR_GRID: tuple[dict[str, Any], ...] = tuple(
    {"threshold": th, "delimited": d, "other_words": w, "min_agree": a}
    for th in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8) for d in (True, False) for w in (0, OTHER_WORDS) for a in (2, 3))
DRAIN_GRID: tuple[float, ...] = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
DEFAULT_CONFIG = {"threshold": SIMILARITY, "delimited": True, "other_words": OTHER_WORDS, "min_agree": MIN_AGREE}


def held_out(data: Path) -> tuple[float, float]:
    """Leave-one-system-out (tune on 7, measure the 8th, for each of the 8) and all 70 4-4 splits.

    For each split the setting with the best mean GA on the tuning systems (their real logs and their
    templates re-filled with unseen values, `slot_values.refilled`) is chosen (ties go to the
    shipped default) and GA is measured on the held-out systems' real logs. Returns the LOSO means
    (ours, Drain3).
    """
    import itertools

    table: dict[str, dict[tuple[str, str], float]] = {}
    grids = {"ours": [repr(sorted(c.items())) for c in OUR_GRID], "drain3": [repr(t) for t in DRAIN_GRID]}
    default = {"ours": repr(sorted(DEFAULT_CONFIG.items())), "drain3": repr(0.4)}
    for name in DATASETS:
        messages, truth = load(data, name)
        row: dict[tuple[str, str], float] = {}
        again = refilled(data, name)
        for config, key in zip(OUR_GRID, grids["ours"], strict=True):
            row[("ours", key)] = grouping_accuracy(truth, ours(messages, config))
            row[("ours", "refilled " + key)] = sum(grouping_accuracy(t, ours(m, config)) for _, m, t in again) / len(again)
        for th, key in zip(DRAIN_GRID, grids["drain3"], strict=True):
            row[("drain3", key)] = grouping_accuracy(truth, drain3(messages, th))
            row[("drain3", "refilled " + key)] = sum(grouping_accuracy(t, drain3(m, th)) for _, m, t in again) / len(again)
        table[name] = row
    loso: dict[str, float] = {}
    for who in ("ours", "drain3"):
        def pick(tune: Sequence[str], who: str = who) -> str:
            # The tuning systems' real logs and the same systems' templates re-filled with unseen
            # values (bench/slot_values.py), weighted alike: a setting must fit both.
            return max(grids[who], key=lambda k: (round(sum(table[d][(who, k)] + table[d][(who, "refilled " + k)]
                                                            for d in tune), 9), k == default[who]))

        per_system = []
        for name in DATASETS:
            best = pick([d for d in DATASETS if d != name])
            per_system.append((name, table[name][(who, best)], best))
        loso[who] = sum(g for _, g, _ in per_system) / len(per_system)
        print(f"leave-one-system-out ({who}): mean GA on the held-out system {loso[who]:.4f}; "
              + ", ".join(f"{n} {g:.3f}" for n, g, _ in per_system))
        print(f"    settings chosen: {dict(Counter(b for _, _, b in per_system))}")
        scores, chosen = [], Counter()
        for tune in itertools.combinations(DATASETS, 4):
            test = [d for d in DATASETS if d not in tune]
            best = pick(tune)
            chosen[best] += 1
            scores.append(sum(table[d][(who, best)] for d in test) / 4)
        print(f"held-out 4-4 splits ({who}): mean GA on the held-out half {sum(scores) / len(scores):.4f}, "
              f"worst {min(scores):.3f}, best {max(scores):.3f}; settings chosen {dict(chosen)}")
    return loso["ours"], loso["drain3"]


def drain3(messages: Sequence[str], sim_th: float | None = None) -> list[int]:
    from drain3 import TemplateMiner
    from drain3.template_miner_config import TemplateMinerConfig

    config = TemplateMinerConfig()
    if sim_th is not None:
        config.drain_sim_th = sim_th
    miner = TemplateMiner(config=config)
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
    parser.add_argument("--splits", action="store_true",
                        help="also report GA on held-out systems: leave-one-system-out and all 4-4 splits")
    args = parser.parse_args(argv)
    logging.getLogger("drain3").setLevel(logging.ERROR)
    if args.splits:
        held_out(args.data)

    print(f"{'dataset':<10} {'GA ours':>8} {'GA drain3':>10} {'msg/s ours':>11} {'msg/s drain3':>13}"
          f" {'ours uncached':>14} {'GA masking only':>16}")
    ga_o, ga_d, ga_m, t_o, t_d, t_u, total = [], [], [], 0.0, 0.0, 0.0, 0
    for name in DATASETS:
        messages, truth = load(args.data, name)
        contenders = [ours, ours_uncached] if args.no_drain else [ours, ours_uncached, drain3]
        results = timed_interleaved(contenders, messages, args.repeat)
        (pred_o, sec_o), (pred_u, sec_u) = results[0], results[1]
        assert pred_u == pred_o, "memoisation changed a result"
        t_u += sec_u
        g_o = grouping_accuracy(truth, pred_o)
        ga_o.append(g_o)
        g_m = grouping_accuracy(truth, masking_only(messages))
        ga_m.append(g_m)
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
                  f" {len(messages) / sec_u:14,.0f} {g_m:16.3f}")
        if args.misses == name:
            show_misses(messages, truth, pred_o)
    mean_o = sum(ga_o) / len(ga_o)
    if args.no_drain:
        print(f"{'mean':<10} {mean_o:8.3f}   ({total / t_o:,.0f} msg/s)")
        return 0
    mean_d = sum(ga_d) / len(ga_d)
    rate_o, rate_d = total / t_o, total / t_d
    print(f"{'mean':<10} {mean_o:8.3f} {mean_d:10.3f} {rate_o:11,.0f} {rate_d:13,.0f} {total / t_u:14,.0f}"
          f" {sum(ga_m) / len(ga_m):16.3f}")
    print(f"speed ratio ours/drain3: {rate_o / rate_d:.2f}x (uncached {total / t_u / rate_d:.2f}x); "
          f"GA difference: {mean_o - mean_d:+.3f}")
    never_seen(args.data, args.repeat)
    return 0


def never_seen(data: Path, repeat: int) -> float:
    """Messages/s on lines never seen before: each dataset's distinct lines, each once, cold caches
    (ours: the production path, whose memos only help when a masked form repeats; Drain3: a fresh
    miner), the two interleaved in every round. Returns the ratio ours/Drain3."""
    t_o = t_d = 0.0
    total = 0
    for name in DATASETS:
        messages, _ = load(data, name)
        distinct = list(dict.fromkeys(messages))
        (_, sec_o), (_, sec_d) = timed_interleaved([ours, drain3], distinct, repeat)
        t_o, t_d, total = t_o + sec_o, t_d + sec_d, total + len(distinct)
    ratio = (total / t_o) / (total / t_d)
    print(f"never-seen lines ({total:,} distinct): ours {total / t_o:,.0f} msg/s, Drain3 {total / t_d:,.0f} msg/s, "
          f"ratio {ratio:.2f}x")
    return ratio


if __name__ == "__main__":
    sys.exit(main())
