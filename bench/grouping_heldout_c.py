"""Blind grouping accuracy on C/system programs' logs: `ours` vs Drain3, templates from gettext catalogs.

WRITTEN BY A WRITER WHO NEVER READ THE GROUPING (sidecar/ - any module, sidecar/errors/* above all -,
tests/errors, the bodies of bench/grouping.py's `ours`, bench/slot_values.py, bench/grouping_slots.py,
bench/grouping_swap.py, bench/swap_*.py). THE GROUPING'S AUTHOR MUST NOT RUN OR READ THIS MODULE NOR
bench/blind_c_*.py: once it has been looked at or tuned against, it is not blind any more. Only the lead
runs it, on seeds he picks. The classes it is built from are public: bench/GROUPING_CLASSES.md.

Why a second blind measure: the first (bench/grouping_heldout.py) writes logs of Python packages; the hidden
check holds logs of C and system programs. Here the templates are the real format strings of 8 C programs
installed on this machine, read from their gettext catalogs (a msgid IS the C format string the program
prints; bench/blind_c_catalog.py), the values are drawn by what each conversion's argument is
(bench/blind_c_values.py), each system writes its own header (syslog RFC 3164/5424, journald, PostgreSQL's
log_line_prefix, GLib's handler, cronie) and the message is cut back with that system's regex
(bench/blind_c_systems.py), and the template families, frequencies and slot pools are drawn per seed
(bench/blind_c_logs.py). Messages go, in order, to `grouping.ours` (masking + a fresh online learner, default
settings) and `grouping.drain3` (default config) in the same run; GA is `grouping.grouping_accuracy` (Zhu et
al., ICSE-SEIP 2019: a message is right when its predicted group holds exactly its true template's messages).
Time is the best of `--repeat` interleaved passes per system and seed (`grouping.timed_interleaved`), reported
as the ratio ours/Drain3; indicative only unless the machine is quiet.

    .venv/bin/python bench/grouping_heldout_c.py [--seeds 1 2 ...] [--lines 2000] [--misses 0]
        [--systems postgres git ...] [--repeat 1] [--selfcheck]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import mean

sys.path.insert(0, str(Path(__file__).resolve().parent))
import blind_c_logs  # noqa: E402
import blind_c_systems  # noqa: E402
import grouping  # noqa: E402
import grouping_heldout  # noqa: E402
from grouping_heldout import misses  # noqa: E402
from heldout_logs import template_regex  # noqa: E402

Row = tuple[float, float, float]  # GA ours, GA drain3, time ours / time drain3


def selfcheck(names: Sequence[str], seeds: Sequence[int], lines: int,
              generate: Callable[[str, int, int], tuple[list[str], list[str]]] = blind_c_logs.generate,
              content: Callable[[str, str], str] = blind_c_systems.content) -> int:
    """The generator's own contract: same seed same log, another seed another log, every line cuts back to a
    message its true template matches, the slots vary (more distinct messages than templates), and no line
    holds a line break (one line is one message). Also the blind ELF benchmark's, with its generator."""
    bad = 0
    for name in names:
        for seed in seeds:
            raw, truth = generate(name, seed, lines)
            again, _ = generate(name, seed, lines)
            other, _ = generate(name, seed + 1000, lines)
            messages = [content(name, line) for line in raw]
            wrong = sum(template_regex(t).fullmatch(m) is None for m, t in zip(messages, truth, strict=True))
            problems = [p for p, failed in (("not deterministic", raw != again), ("ignores the seed", raw == other),
                                            (f"{wrong} messages off their template", wrong > 0),
                                            ("slots never vary", len(set(messages)) <= len(set(truth))),
                                            ("a line break inside a line", any("\n" in x or "\r" in x for x in raw)))
                        if failed]
            bad += bool(problems)
            print(f"{name:<11} seed {seed}: templates {len(set(truth))}, distinct messages {len(set(messages))}: "
                  f"{'; '.join(problems) or 'ok'}")
    return 1 if bad else 0


def run(names: Sequence[str], seeds: Sequence[int], lines: int, show: int, repeat: int = 1) -> dict[str, list[Row]]:
    """GA (ours, Drain3) and the time ratio per system and seed."""
    results: dict[str, list[Row]] = {name: [] for name in names}
    for name in names:
        pool = len(blind_c_logs.system_templates(name))
        for seed in seeds:
            raw, truth = blind_c_logs.generate(name, seed, lines)
            messages = [blind_c_systems.content(name, line) for line in raw]
            (pred_ours, t_ours), (pred_drain, t_drain) = grouping.timed_interleaved(
                [grouping.ours, grouping.drain3], messages, repeat)
            ga_ours = grouping.grouping_accuracy(truth, pred_ours)
            ga_drain = grouping.grouping_accuracy(truth, pred_drain)
            results[name].append((ga_ours, ga_drain, t_ours / t_drain))
            ga_exact = grouping.grouping_accuracy(truth, messages)  # one group per distinct text: how much slots vary
            print(f"{name:<11} seed {seed}: templates {len(Counter(truth)):>3}/{pool:<4} GA ours {ga_ours:.3f}  "
                  f"drain3 {ga_drain:.3f}  (identical text {ga_exact:.3f})  time ours/drain3 "
                  f"{t_ours / t_drain:.2f}", flush=True)
            if show:
                print("\n".join(misses(messages, truth, pred_ours, show)))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 11)))
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--misses", type=int, default=0, help="print up to N mis-grouped true templates of ours")
    ap.add_argument("--systems", nargs="+", choices=list(blind_c_systems.SYSTEMS),
                    default=list(blind_c_systems.SYSTEMS))
    ap.add_argument("--repeat", type=int, default=1, help="best of N interleaved passes for the time ratio")
    ap.add_argument("--selfcheck", action="store_true", help="check the generator only (no grouping is run)")
    args = ap.parse_args(argv)
    if args.selfcheck:
        return selfcheck(args.systems, args.seeds, args.lines)
    start = time.perf_counter()
    results = run(args.systems, args.seeds, args.lines, args.misses, args.repeat)
    print("\n| system | catalogs | templates in catalog | GA ours | GA Drain3 | time ours/Drain3 |\n|---|---|---|---|---|---|")
    for name, rows in results.items():
        s = blind_c_systems.SYSTEMS[name]
        o, d, t = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
        print(f"| {name} ({s.kind}) | {' + '.join(s.domains)} | {len(blind_c_logs.system_templates(name))} | "
              f"{mean(o):.3f} ({min(o):.3f}-{max(o):.3f}) | {mean(d):.3f} ({min(d):.3f}-{max(d):.3f}) | "
              f"{mean(t):.2f} |")
    per_seed = [(mean(r[i][0] for r in results.values()), mean(r[i][1] for r in results.values()))
                for i in range(len(args.seeds))]
    print(f"| **mean of {len(results)} systems** | | | **{mean(p[0] for p in per_seed):.3f}** | "
          f"**{mean(p[1] for p in per_seed):.3f}** | |")
    grouping_heldout.seed_summary(args.seeds, per_seed, start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
