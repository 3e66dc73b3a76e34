"""Speed of ours vs Drain3 on bench/grouping_classes.py's generated slot classes (S1-S15 with T1-T5 twins),
the lines as C/system programs write them: bare, or behind a syslog / journald / PostgreSQL header.

Issue 15's goal is ours >= 1.5x Drain3's messages/s on never-seen messages. The shared-8 never-seen pass
(`bench/grouping.py`) holds Java/Loghub shapes; this driver holds the GROUPING_CLASSES.md shapes (GNU and
typographic quotes, errno texts, units with a NO-BREAK SPACE, key=value lists, glued conversions) so the
time spent on them can be measured and profiled. Every class's corpus of every seed is fed as ONE stream
to a fresh grouper and a fresh Drain3 miner (both cold), and each line once (`--distinct`, default: the
never-seen mode) or as generated (Zipf repeats). Headers (GROUPING_CLASSES.md H1/H3/H4) are drawn per
line from the seed: `--headers none` feeds the message alone.

    PYTHONPATH=TREE .venv/bin/python bench/grouping_speed_classes.py [--seeds 1,2,3] [--repeat 3]
        [--headers none|mixed] [--repeats] [--only ours|drain3] [--profile out.prof]

`--only ours` runs one untimed pass of ours (for `valgrind --tool=callgrind`, which counts instructions:
the figure to compare before/after on a shared machine). Never assert or tune on timing elsewhere.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from grouping import drain3, ours, timed_interleaved  # noqa: E402
from grouping_classes import VALUES, corpus  # noqa: E402

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PROGRAMS = ("sshd", "postgres", "systemd-logind", "NetworkManager", "gnome-shell", "cron", "dpkg", "kernel")


def header(r: random.Random) -> str:
    """One header of H1 (BSD syslog, space-padded day, optional pid), H3 (journald short-iso) or
    H4 (PostgreSQL's default `%m [%p] ` prefix and `LEVEL:` + two blanks)."""
    kind = r.randrange(3)
    host = r.choice(("combo", "db-1", "web02.example.org", "localhost"))
    prog = r.choice(PROGRAMS)
    pid = f"[{r.randint(1, 99999)}]" if r.random() < 0.8 else ""
    if kind == 0:
        return (f"{r.choice(MONTHS)} {r.randint(1, 28):2d} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:"
                f"{r.randint(0, 59):02d} {host} {prog}{pid}: ")
    if kind == 1:
        return (f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:"
                f"{r.randint(0, 59):02d}+0000 {host} {prog}{pid}: ")
    return (f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:"
            f"{r.randint(0, 59):02d}.{r.randint(0, 999):03d} UTC [{r.randint(1, 99999)}] "
            f"{r.choice(('ERROR', 'LOG', 'WARNING', 'FATAL'))}:  ")


def stream(seeds: list[int], headers: str, distinct: bool, classes: list[str]) -> list[str]:
    """Every class's corpus of every seed, concatenated (a program's log holds many call sites)."""
    lines: list[str] = []
    for seed in seeds:
        r = random.Random(f"speed:{seed}")
        for cls in classes:
            got, _ = corpus(cls, seed)
            lines += [header(r) + m for m in got] if headers == "mixed" else got
    return list(dict.fromkeys(lines)) if distinct else lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--classes", default=",".join(VALUES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--headers", choices=("none", "mixed"), default="none")
    parser.add_argument("--repeats", action="store_true", help="feed the generated lines (Zipf repeats kept)")
    parser.add_argument("--only", choices=("ours", "drain3"), default=None, help="one untimed pass (callgrind)")
    parser.add_argument("--profile", type=Path, default=None, help="cProfile one pass of ours into this file")
    args = parser.parse_args(argv)
    logging.getLogger("drain3").setLevel(logging.ERROR)
    lines = stream([int(s) for s in args.seeds.split(",")], args.headers, not args.repeats, args.classes.split(","))
    if args.only:
        out = (ours if args.only == "ours" else drain3)(lines)
        print(f"{args.only}: {len(lines):,} lines, {len(set(out)):,} groups")
        return 0
    if args.profile:
        import cProfile

        cProfile.runctx("ours(lines)", globals(), {"lines": lines, "ours": ours}, str(args.profile))
        print(f"profile of ours over {len(lines):,} lines written to {args.profile}")
        return 0
    (got_o, sec_o), (_, sec_d) = timed_interleaved([ours, drain3], lines, args.repeat)
    print(f"{len(lines):,} lines ({args.headers} headers, {'repeats' if args.repeats else 'distinct'}), "
          f"{len(set(got_o)):,} groups (ours): ours {len(lines) / sec_o:,.0f} msg/s, "
          f"Drain3 {len(lines) / sec_d:,.0f} msg/s, ratio ours/Drain3 {sec_d / sec_o:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
