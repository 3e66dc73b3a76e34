"""Slot-swap benchmark: the shared datasets' own lines, every `<*>` re-filled with values of OTHER kinds.

Tuned ONLY on shared data, by construction: each of the 8 loghub-2k datasets keeps its lines, their
order and their true events (`*_structured.csv`), and every line is regenerated from its true template
(`*_templates.csv`) with each `<*>` filled by a value of a kind the system never used in that slot
(`swap_values.value_classes` of the real values there): letters-only ids, hex with/without digits,
UUIDs, paths with spaces, quoted phrases, Python reprs with spaces, lists, (ip, port) tuples, IPv6,
URLs, durations, signed floats, UPPER enum words, user/host/package names, empty values; each slot
draws from a pool of 1, a few, many or fresh values (seeded). A slot glued to other characters
(`blk_<*>`, `<*>:<*>`) gets a single-token kind. What it measures: whether the grouping depends on
the VALUES it was tuned on (what fails on systems it never saw), since the wording is what it was
tuned on and only the values changed. GA ours vs Drain3 (default config) in the same run.

    PYTHONPATH=$PWD .venv/bin/python bench/grouping_swap.py [--seeds 1,2,3] [--by-kind] [--misses DATASET]
    PYTHONPATH=$PWD .venv/bin/python bench/grouping_swap.py --heldout

Two halves (round 8): the TUNING half is `swap_values.KINDS` on seeds 1-99 (fix on it, look at its
misses); the HELD-OUT half (`--heldout`) is `swap_kinds_second`'s kinds (other fields of the shared
datasets, stdlib reprs, RFC value syntaxes) on seeds 100+, printed as its mean only and measured at
a round's start and end, never used to choose a change.

Default: one kind per slot, mixed over the corpus, per system. `--by-kind`: every slot holds kind K
(a random other kind where the system used K's class there), per kind, mean over the systems.
"""

from __future__ import annotations

import argparse
import csv
import logging
import random
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import swap_kinds_second  # noqa: E402
from grouping import DATASETS, DEFAULT_DATA, drain3, grouping_accuracy, load, ours, show_misses  # noqa: E402
from swap_values import KINDS, SlotFiller, value_classes  # noqa: E402

# Kinds that stay one token without brackets or quotes: the only ones put into a slot glued to text.
GLUED_KINDS = ("letters_id", "mixed_id", "hex_digits", "hex_letters", "uuid", "signed_float", "user_name",
               "enum_upper", "host_name", "package_name")


def _templates(data: Path, name: str) -> dict[str, str]:
    with open(data / name / f"{name}_2k.log_templates.csv", newline="", encoding="utf-8") as fh:
        return {r["EventId"]: r["EventTemplate"] for r in csv.DictReader(fh)}


def _pattern(template: str) -> re.Pattern[str]:
    parts = template.split("<*>")
    return re.compile("(.*?)".join(re.escape(p) for p in parts) + "$", re.S)


def slot_classes(template: str, lines: Sequence[str]) -> list[set[str]]:
    """Per slot of `template`, the value classes its real lines hold there (empty set: unknown)."""
    n = template.count("<*>")
    seen: list[set[str]] = [set() for _ in range(n)]
    pat = _pattern(template)
    for line in lines[:200]:
        m = pat.match(line)
        if m is None:
            continue
        for i, v in enumerate(m.groups()):
            seen[i] |= value_classes(v)
    return seen


def _glued(parts: list[str], i: int) -> bool:
    """Whether slot i is part of a larger token (text touches it without a space or `=`/`: `)."""
    before, after = parts[i], parts[i + 1]
    return bool((before and not before[-1].isspace() and before[-1] not in "=:([")
                or (after and not after[0].isspace() and after[0] not in ",;)]."))


def regenerate(data: Path, name: str, seed: int, kind: str | None = None,
               second: bool = False) -> tuple[list[str], list[str]]:
    """The dataset's lines regenerated from their true templates with swapped values, and their events.
    `second`: the held-out half's kinds (`swap_kinds_second`) instead of the tuning half's."""
    lines, truth = load(data, name)
    extra = swap_kinds_second.kinds(data) if second else {}
    templates = _templates(data, name)
    by_event: dict[str, list[str]] = defaultdict(list)
    for line, event in zip(lines, truth, strict=True):
        by_event[event].append(line)
    rng = random.Random(f"swap:{seed}:{kind}:{name}")
    fillers: dict[str, tuple[list[str], list[SlotFiller]]] = {}
    for event in sorted(by_event):
        tpl = templates[event]
        parts = tpl.split("<*>")
        slots = []
        for i, seen in enumerate(slot_classes(tpl, by_event[event])):
            if second:
                allowed = tuple(k for k, (_, _, single) in extra.items() if single or not _glued(parts, i))
                other = [k for k in allowed if not extra[k][0] & seen] or list(allowed)
                chosen = rng.choice(other)
                slots.append(SlotFiller(chosen, rng, extra[chosen][1]))
                continue
            allowed = GLUED_KINDS if _glued(parts, i) else tuple(KINDS)
            other = [k for k in allowed if KINDS[k][0] not in seen] or list(allowed)
            chosen = kind if kind in other else rng.choice(other)
            slots.append(SlotFiller(chosen, rng))
        fillers[event] = (parts, slots)
    out = []
    for event in truth:
        parts, slots = fillers[event]
        out.append("".join(p + (slots[i].value() if i < len(slots) else "") for i, p in enumerate(parts)))
    return out, truth


def collisions(messages: Sequence[str], truth: Sequence[str]) -> int:
    """Lines whose text also stands for another event (no grouping can place both right)."""
    events: dict[str, set[str]] = defaultdict(set)
    for m, t in zip(messages, truth, strict=True):
        events[m].add(t)
    return sum(1 for m in messages if len(events[m]) > 1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--by-kind", action="store_true")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--misses", default=None, help="DATASET (or KIND:DATASET with --by-kind): print misses")
    parser.add_argument("--no-drain", action="store_true")
    parser.add_argument("--heldout", action="store_true",
                        help="the held-out half (swap_kinds_second, seeds 100-102): means only, no --misses/--by-kind")
    args = parser.parse_args(argv)
    if args.heldout:
        if args.misses or args.by_kind:
            parser.error("the held-out half is measured as means only (no --misses, no --by-kind)")
        if args.seeds == "1,2,3":
            args.seeds = "100,101,102"
    if any(int(s) >= 100 for s in args.seeds.split(",")) and not args.heldout:
        parser.error("seeds 100+ belong to the held-out half (--heldout)")
    logging.getLogger("drain3").setLevel(logging.ERROR)
    seeds = [int(s) for s in args.seeds.split(",")]
    kinds: list[str | None] = list(args.kinds.split(",")) if args.by_kind else [None]
    print(f"{'kind' if args.by_kind else 'system':<15} {'GA ours':>8} {'GA drain3':>10} {'ours-drain3':>12}"
          f" {'collisions':>11}   worst (ours)")
    all_o: list[float] = []
    all_d: list[float] = []
    rows = [(k, DATASETS) for k in kinds] if args.by_kind else [(None, (d,)) for d in DATASETS]
    for kind, systems in rows:
        ga_o, ga_d, coll, worst = [], [], 0, (2.0, "")
        for name in systems:
            for seed in seeds:
                messages, truth = regenerate(args.data, name, seed, kind, args.heldout)
                pred = ours(messages)
                g = grouping_accuracy(truth, pred)
                ga_o.append(g)
                worst = min(worst, (g, f"{name} s{seed}"))
                coll += collisions(messages, truth)
                if not args.no_drain:
                    ga_d.append(grouping_accuracy(truth, drain3(messages)))
                if args.misses in (name, f"{kind}:{name}") and seed == seeds[0]:
                    show_misses(messages, truth, pred)
        mo = sum(ga_o) / len(ga_o)
        md = sum(ga_d) / len(ga_d) if ga_d else float("nan")
        all_o.append(mo)
        all_d.append(md)
        label = kind if args.by_kind else systems[0]
        if args.heldout:
            continue  # the held-out half is read as its mean only
        print(f"{label:<15} {mo:8.3f} {md:10.3f} {mo - md:+12.3f} {coll / len(ga_o):11.0f}   {worst[1]} {worst[0]:.3f}")
    mo, md = sum(all_o) / len(all_o), sum(all_d) / len(all_d)
    print(f"{'mean':<15} {mo:8.3f} {md:10.3f} {mo - md:+12.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
