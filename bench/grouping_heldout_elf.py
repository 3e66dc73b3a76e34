"""Blind grouping accuracy on 8 ELF programs' logs, messages and whole lines: `ours` vs Drain3 in the same run.

WRITTEN BY A WRITER WHO NEVER READ THE GROUPING (sidecar/ in any module - sidecar/errors/* and
sidecar/ingest/* above all -, tests/errors, tests/ingest, the bodies of bench/grouping.py's `ours`,
bench/slot_values.py, bench/grouping_slots.py, bench/grouping_swap.py, bench/swap_*.py,
bench/grouping_classes.py). THE GROUPING'S AUTHOR MUST NOT RUN OR READ THIS MODULE NOR bench/blind_elf_*.py:
once looked at or tuned against, it is not blind any more. Only the lead runs it, on seeds he picks. The
classes it is built from are public: bench/GROUPING_CLASSES.md and bench/GROUPING_CLASSES2.md.

What it adds to the blind C benchmark (bench/grouping_heldout_c.py): (a) programs that have NO gettext
catalog - their printf format strings are read from the installed ELF binaries with `strings -a -n 8` and a
filter for log-like prose with conversions (bench/blind_elf_strings.py) - with the value classes binaries
print (MACs, id128s, Go/systemd durations, unit-following sizes, signal and errno names, key=value lists,
Java identities, units, interfaces; bench/blind_elf_values.py); (b) each program's lines in the header grammar
a real deployment writes (journald short-monotonic/short-unix, RFC 5424 with structured data, Docker json-file,
curl's trace, Android logcat threadtime, HotSpot unified logging with its growing padding, Kubernetes CRI;
bench/blind_elf_systems.py); and (c) two modes in one run, both against Drain3 (default config):

  content  the header cut by the system's own cut (as Loghub's log_format does); the messages go, in order,
           to `grouping.ours` (masking + a fresh online learner, default settings) and `grouping.drain3`;
  raw      the WHOLE lines, header included, piped to `<venv python> -m sidecar fingerprint` (one process per
           system and seed, DESIGN.md's CLI contract: one fingerprint per input line, as `run` computes it),
           GA from its fingerprints; and Drain3 on the same whole lines.

GA is `grouping.grouping_accuracy` (Zhu et al., ICSE-SEIP 2019). The time ratio ours/Drain3 is content mode's,
the best of `--repeat` interleaved passes (`grouping.timed_interleaved`); indicative only on a busy machine.

    .venv/bin/python bench/grouping_heldout_elf.py [--seeds 1 2 ...] [--lines 2000] [--mode content|raw|both]
        [--systems systemd ssh ...] [--repeat 1] [--misses 0] [--selfcheck] [--stats]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import mean

sys.path.insert(0, str(Path(__file__).resolve().parent))
import blind_elf_logs  # noqa: E402
import blind_elf_strings  # noqa: E402
import blind_elf_systems  # noqa: E402
import grouping  # noqa: E402
import grouping_heldout  # noqa: E402
from grouping_heldout import misses  # noqa: E402
from grouping_heldout_c import selfcheck  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MODES = ("content", "raw")


def stats() -> int:
    """Per program: strings in the binaries, format strings kept (with and without conversions), usable ones."""
    print("| system | binaries | strings -n 8 | kept (with conversions / constant) | cut back exactly |")
    print("|---|---|---|---|---|")
    for name, s in blind_elf_systems.SYSTEMS.items():
        n = sum(len(blind_elf_strings.binary_strings(p)) for p in s.binaries)
        kept = blind_elf_strings.templates(s.binaries, name)
        conv = sum(bool(t.convs) for t in kept)
        print(f"| {name} | {' + '.join(Path(p).name for p in s.binaries)} | {n} | {len(kept)} ({conv} / "
              f"{len(kept) - conv}) | {len(blind_elf_logs.system_templates(name))} |")
    return 0


def sidecar_fingerprints(lines: Sequence[str]) -> list[str]:
    """`sidecar fingerprint` on the whole lines, one process (DESIGN.md: one fingerprint per stdin line)."""
    python = os.environ.get("SIDECAR_PYTHON", str(ROOT / ".venv/bin/python"))
    if not Path(python).exists():
        python = "/work/main/.venv/bin/python"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([python, "-m", "sidecar", "fingerprint"], input="\n".join(lines) + "\n", text=True,
                          capture_output=True, cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"sidecar fingerprint exited {done.returncode}: {done.stderr[-2000:]}")
    out = done.stdout.splitlines()
    if len(out) != len(lines):
        raise RuntimeError(f"sidecar fingerprint printed {len(out)} lines for {len(lines)} inputs")
    return out


Row = dict[str, float]  # keys: content_ours, content_drain3, raw_ours, raw_drain3, time
Generate = Callable[[str, int, int], tuple[list[str], list[str]]]
Content = Callable[[str, str], str]


def run(names: Sequence[str], seeds: Sequence[int], lines: int, modes: Sequence[str],
        repeat: int = 1, show: int = 0, generate: Generate = blind_elf_logs.generate,
        content: Content = blind_elf_systems.content,
        pool_size: Callable[[str], int] = lambda name: len(blind_elf_logs.system_templates(name)),
        ) -> dict[str, list[Row]]:
    """GA per system, seed and mode for ours and Drain3, and content mode's time ratio (also the blind language
    benchmark's, bench/grouping_heldout_lang.py, with its own generator, cut and pool size)."""
    results: dict[str, list[Row]] = {name: [] for name in names}
    for name in names:
        pool = pool_size(name)
        for seed in seeds:
            raw, truth = generate(name, seed, lines)
            row: Row = {}
            if "content" in modes:
                messages = [content(name, line) for line in raw]
                (pred_ours, t_ours), (pred_drain, t_drain) = grouping.timed_interleaved(
                    [grouping.ours, grouping.drain3], messages, repeat)
                row.update(content_ours=grouping.grouping_accuracy(truth, pred_ours),
                           content_drain3=grouping.grouping_accuracy(truth, pred_drain), time=t_ours / t_drain)
                if show:  # for the lead only: the writer never looked at these
                    print("\n".join(misses(messages, truth, pred_ours, show)))
            if "raw" in modes:
                row.update(raw_ours=grouping.grouping_accuracy(truth, sidecar_fingerprints(raw)),
                           raw_drain3=grouping.grouping_accuracy(truth, grouping.drain3(raw)))
            results[name].append(row)
            shown = "  ".join(f"{k} {v:.3f}" for k, v in row.items() if k != "time")
            timing = f"  time ours/drain3 {row['time']:.2f}" if "time" in row else ""
            print(f"{name:<8} seed {seed}: templates {len(Counter(truth)):>3}/{pool:<4} {shown}{timing}", flush=True)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=list(range(1, 11)))
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--mode", choices=("content", "raw", "both"), default="both")
    ap.add_argument("--systems", nargs="+", choices=list(blind_elf_systems.SYSTEMS),
                    default=list(blind_elf_systems.SYSTEMS))
    ap.add_argument("--repeat", type=int, default=1, help="best of N interleaved passes for the time ratio")
    ap.add_argument("--misses", type=int, default=0, help="print up to N mis-grouped true templates of ours (content)")
    ap.add_argument("--selfcheck", action="store_true", help="check the generator only (no grouping is run)")
    ap.add_argument("--stats", action="store_true", help="per-program string and template counts only")
    args = ap.parse_args(argv)
    if args.stats:
        return stats()
    if args.selfcheck:
        return selfcheck(args.systems, args.seeds, args.lines, blind_elf_logs.generate, blind_elf_systems.content)
    modes = MODES if args.mode == "both" else (args.mode,)
    start = time.perf_counter()
    results = run(args.systems, args.seeds, args.lines, modes, args.repeat, args.misses)
    report(results, modes, args.seeds, start,
           lambda name: (blind_elf_systems.SYSTEMS[name].kind, blind_elf_systems.SYSTEMS[name].grammar,
                         len(blind_elf_logs.system_templates(name))))
    return 0


def report(results: dict[str, list[Row]], modes: Sequence[str], seeds: Sequence[int], start: float,
           describe: Callable[[str], tuple[str, str, int]]) -> None:
    """The table (GA per system and mode, min-max over seeds), the means and the per-seed lines; `describe`
    gives a system's kind, grammar and usable template count (also bench/grouping_heldout_lang.py's)."""
    cols = [f"{m}_{w}" for m in modes for w in ("ours", "drain3")]
    print("\n| system | grammar | templates usable | " + " | ".join(f"GA {c}" for c in cols)
          + (" | time ours/Drain3 |" if "content" in modes else " |"))
    print("|---" * (3 + len(cols) + ("content" in modes)) + "|")
    for name, rows in results.items():
        kind, grammar, usable = describe(name)
        cells = [f"{mean(r[c] for r in rows):.3f} ({min(r[c] for r in rows):.3f}-{max(r[c] for r in rows):.3f})"
                 for c in cols]
        timing = f" | {mean(r['time'] for r in rows):.2f} |" if "content" in modes else " |"
        print(f"| {name} ({kind}) | {grammar} | {usable} | " + " | ".join(cells) + timing)
    means = {c: mean(mean(r[c] for r in rows) for rows in results.values()) for c in cols}
    print(f"| **mean of {len(results)} systems** | | | " + " | ".join(f"**{means[c]:.3f}**" for c in cols) + " |")
    for m in modes:
        per_seed = [(mean(r[i][f"{m}_ours"] for r in results.values()),
                     mean(r[i][f"{m}_drain3"] for r in results.values())) for i in range(len(seeds))]
        print(f"[{m}] ", end="")
        grouping_heldout.seed_summary(seeds, per_seed, start)


if __name__ == "__main__":
    raise SystemExit(main())
