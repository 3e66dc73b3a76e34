"""Blind grouping accuracy on 8 programs written in Go, Java, JavaScript and Perl: `ours` vs Drain3 in the same run.

WRITTEN BY A WRITER WHO NEVER READ THE GROUPING (sidecar/ in any module - sidecar/errors/* and sidecar/ingest/*
above all -, tests/errors, tests/ingest, the bodies of bench/grouping.py's `ours`, bench/slot_values.py,
bench/grouping_slots.py, bench/grouping_swap.py, bench/swap_*.py, bench/grouping_classes.py,
bench/grouping_headers.py, bench/grouping_speed_classes.py). THE GROUPING'S AUTHOR MUST NOT RUN OR READ THIS
MODULE NOR bench/blind_lang_*.py: once looked at or tuned against, it is not blind any more. Only the lead runs
it, on seeds he picks. The classes it is built from are public: bench/GROUPING_CLASSES3.md (and parts 1-2).

What it adds to the blind C and ELF benchmarks: programs whose values are formatted by their LANGUAGE (Go `%v`
of slices, maps, structs, durations, error chains; Java `toString` and slf4j `{}`; `util.format`/template
literals; Perl interpolation with its trailing ` at FILE line N.`), structured logging (go-kit JSON and
logfmt: a constant `msg` plus keys), variable-length values (lists, key sets, error chains of 1-5 links) and
Java stack traces. The statements are read from this machine's installed programs, per system
(bench/blind_lang_systems.py has the table; `--stats` prints the counts):
  - Go: /usr/bin/prometheus (2.42) and /usr/bin/prometheus-alertmanager (0.25): their string literals, cut
    back from the linker's length-sorted string table (bench/blind_lang_go.py); go-kit `msg` constants for
    `prometheus` (JSON layout) and `alertmanager` (logfmt), printf formats with Go verbs for `k8s-sd` (klog
    header) and `memberlist` (Go `log` header). The KEY NAMES of go-kit calls are not in the binary in a
    recoverable way: each statement's keys are drawn once from its text (synthetic, documented);
  - JavaScript: npm 11's own sources, `log.<level>(...)` calls (bench/blind_lang_scripts.py);
  - Java: the local Maven repository's jars, slf4j `{}` patterns from their class files' constant pools, and
    `"..." + x` recipes (JEP 280) as exception messages in stack traces (bench/blind_lang_jvm.py): Jetty for
    `jetty`, HikariCP + Netty + Apache HttpComponents/Velocity/Curator for `java-app`;
  - Perl: die/warn/croak/carp statements of /usr/share/perl5 and /usr/share/perl/5.*.
No Rust or C++ program with a recoverable log statement is installed here (no crate sources, no glog binary).

Two modes in one run, both against Drain3 (default config), as bench/grouping_heldout_elf.py (whose `run` and
`report` this module calls, with this benchmark's generator and cut):
  content  the header cut by the system's own cut; the messages go, in order, to `grouping.ours` and
           `grouping.drain3`;
  raw      the WHOLE lines piped to `<venv python> -m sidecar fingerprint` (one process per system and seed),
           and Drain3 on the same whole lines.

    .venv/bin/python bench/grouping_heldout_lang.py [--seeds 1 2 ...] [--lines 2000] [--mode content|raw|both]
        [--systems npm perl ...] [--repeat 1] [--misses 0] [--selfcheck] [--stats]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import blind_lang_logs  # noqa: E402
import blind_lang_systems  # noqa: E402
from grouping_heldout_c import selfcheck  # noqa: E402
from grouping_heldout_elf import MODES, report, run  # noqa: E402


def stats() -> int:
    """Per system: usable statements, with and without slots."""
    print("| system | kind | statements usable (with slots / constant) |")
    print("|---|---|---|")
    for name, s in blind_lang_systems.SYSTEMS.items():
        pool = blind_lang_logs.pool(name)
        slots = sum(bool(t.convs) for t in pool)
        print(f"| {name} | {s.kind} | {len(pool)} ({slots} / {len(pool) - slots}) |")
    return 0


def describe(name: str) -> tuple[str, str, int]:
    s = blind_lang_systems.SYSTEMS[name]
    return s.kind, s.grammar, len(blind_lang_logs.pool(name))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 11)))
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--mode", choices=("content", "raw", "both"), default="both")
    ap.add_argument("--systems", nargs="+", choices=list(blind_lang_systems.SYSTEMS),
                    default=list(blind_lang_systems.SYSTEMS))
    ap.add_argument("--repeat", type=int, default=1, help="best of N interleaved passes for the time ratio")
    ap.add_argument("--misses", type=int, default=0, help="print up to N mis-grouped true templates of ours (content)")
    ap.add_argument("--selfcheck", action="store_true", help="check the generator only (no grouping is run)")
    ap.add_argument("--stats", action="store_true", help="per-system statement counts only")
    args = ap.parse_args(argv)
    if args.stats:
        return stats()
    if args.selfcheck:
        return selfcheck(args.systems, args.seeds, args.lines, blind_lang_logs.generate, blind_lang_systems.content)
    modes = MODES if args.mode == "both" else (args.mode,)
    start = time.perf_counter()
    results = run(args.systems, args.seeds, args.lines, modes, args.repeat, args.misses,
                  generate=blind_lang_logs.generate, content=blind_lang_systems.content,
                  pool_size=lambda name: len(blind_lang_logs.pool(name)))
    report(results, modes, args.seeds, start, describe)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
