"""Generated, labeled gateway error corpora for grouping (issue 15): seeded, deterministic, four log shapes.

Each corpus is a stream of gateway log records: error events (ERROR/CRITICAL, some with tracebacks) of
~28 true kinds (bench/gateway_kinds.py) with random variable parts, between INFO/DEBUG/WARNING context lines
that are not error events. Halfway through, a "deploy" shifts the line numbers of the gateway's own files,
so the same error appears with other line numbers. The labels are the true kind of every error event, in
order. The event stream depends only on the seed, so the four shapes of one seed share their labels.

Shapes: `text_a` (`%(asctime)s %(levelname)s %(name)s: %(message)s`), `text_b` (`%(asctime)s - %(name)s -
%(levelname)s - %(message)s`, default asctime with milliseconds), `jsonl` (python-json-logger keys on odd
seeds, structlog keys with lower-case levels on even seeds), `docker` (json-file driver: one record per
physical line of text_a, so a traceback spans records).

    python bench/gateway_corpus.py OUTDIR [--events 400]        # seeds 1-10 x 4 shapes + labels
    python bench/gateway_corpus.py --score CORPUS.labels REPLAY.jsonl
        # REPLAY.jsonl = `sidecar replay CORPUS --jsonl`; prints groups per true kind and GA

Written without reading sidecar/errors; imports nothing from sidecar.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gateway_kinds import KINDS, Ctx, Event, context_line, letters  # noqa: E402

SHAPES = ("text_a", "text_b", "jsonl", "docker")
EXTENSIONS = {"text_a": "log", "text_b": "log", "jsonl": "jsonl", "docker": "json.log"}
APP_FILES = ("/app/src/providers/kimi_chat.py", "/app/src/providers/kimi_response.py", "/app/tools/chat.py",
             "/app/src/daemon/ws_server.py", "/app/tools/smart_file_query.py", "/app/src/storage/pg_pool.py",
             "/app/src/daemon/monitoring_endpoint.py")


def build_events(seed: int, n_events: int) -> list[tuple[datetime, Event]]:
    """The timed record stream of one corpus: n_events error events plus context lines, deterministic in seed."""
    rng = random.Random(seed)
    names = list(KINDS)
    rng.shuffle(names)
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(names))]  # a few frequent kinds, a long tail
    ctx = Ctx(supabase_host=f"{letters(rng, 20)}.supabase.co")
    deploy_at = int(n_events * rng.uniform(0.35, 0.65))
    t = datetime(2025, 11, 1, 8, 0, 0) + timedelta(days=seed, microseconds=rng.randint(0, 999_999))
    out: list[tuple[datetime, Event]] = []
    for i in range(n_events):
        if i == deploy_at:
            ctx.shift = {p: rng.randint(1, 60) for p in APP_FILES}
            out.append((t, Event("src.bootstrap", "INFO", f"EX-AI MCP daemon starting (commit {letters(rng, 7)})")))
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            t += timedelta(milliseconds=rng.randint(1, 4000))
            out.append((t, context_line(rng, ctx)))
        t += timedelta(milliseconds=rng.randint(1, 20000))
        kind = rng.choices(names, weights)[0]
        event = KINDS[kind](rng, ctx)
        event.kind = kind
        out.append((t, event))
    return out


def _text_a(t: datetime, e: Event) -> list[str]:
    return [f"{t:%Y-%m-%d %H:%M:%S} {e.level} {e.logger}: {e.message}", *e.traceback]


def _text_b(t: datetime, e: Event) -> list[str]:
    return [f"{t:%Y-%m-%d %H:%M:%S},{t.microsecond // 1000:03d} - {e.logger} - {e.level} - {e.message}", *e.traceback]


def _jsonl(t: datetime, e: Event, structlog: bool) -> list[str]:
    exc = "\n".join(e.traceback) if e.traceback else None
    if structlog:
        rec: dict[str, object] = {"event": e.message, "logger": e.logger, "level": e.level.lower(),
                                  "timestamp": t.isoformat() + "Z"}
        if exc:
            rec["exception"] = exc
    else:
        rec = {"timestamp": t.isoformat(), "level": e.level, "logger": e.logger, "message": e.message}
        if exc:
            rec["exc_info"] = exc
    return [json.dumps(rec, ensure_ascii=False)]


def _docker(t: datetime, e: Event) -> list[str]:
    stamp = f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond:06d}{t.microsecond % 1000:03d}Z"
    return [json.dumps({"log": line + "\n", "stream": "stdout", "time": stamp}) for line in _text_a(t, e)]


def render(events: list[tuple[datetime, Event]], shape: str, seed: int) -> str:
    lines: list[str] = []
    for t, e in events:
        if shape == "text_a":
            lines += _text_a(t, e)
        elif shape == "text_b":
            lines += _text_b(t, e)
        elif shape == "jsonl":
            lines += _jsonl(t, e, structlog=seed % 2 == 0)
        elif shape == "docker":
            lines += _docker(t, e)
        else:
            raise ValueError(f"unknown shape {shape!r}; expected one of {SHAPES}")
    return "\n".join(lines) + "\n"


def generate(seed: int, shape: str, n_events: int) -> tuple[str, list[str]]:
    """One corpus as text in `shape`, and the true kind id of each error event in order."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; expected one of {SHAPES}")
    events = build_events(seed, n_events)
    return render(events, shape, seed), [e.kind for _, e in events if e.kind is not None]


def write_all(outdir: Path, n_events: int, seeds: range) -> list[Path]:
    """Write seeds x shapes corpora, a `.labels` file (one kind per line) next to each, and manifest.json."""
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    manifest: list[dict[str, object]] = []
    for seed in seeds:
        for shape in SHAPES:
            text, labels = generate(seed, shape, n_events)
            path = outdir / f"gateway_s{seed:02d}_{shape}.{EXTENSIONS[shape]}"
            path.write_text(text, encoding="utf-8")
            path.with_name(path.name + ".labels").write_text("\n".join(labels) + "\n", encoding="utf-8")
            written.append(path)
            manifest.append({"file": path.name, "seed": seed, "shape": shape, "events": len(labels),
                             "kinds": len(set(labels))})
    (outdir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return written


def score(labels: list[str], fingerprints: list[str]) -> dict[str, object]:
    """Compare predicted groups with true kinds: split kinds, merged groups, and Loghub's grouping accuracy.

    GA counts an event as right when its predicted group holds exactly the events of its true kind.
    """
    if len(labels) != len(fingerprints):
        raise ValueError(f"{len(labels)} labels but {len(fingerprints)} detected events: detection differs")
    by_kind: dict[str, set[int]] = defaultdict(set)
    by_group: dict[str, set[int]] = defaultdict(set)
    for i, (k, g) in enumerate(zip(labels, fingerprints, strict=True)):
        by_kind[k].add(i)
        by_group[g].add(i)
    kind_groups = {k: sorted({fingerprints[i] for i in idx}) for k, idx in by_kind.items()}
    split = {k: len(gs) for k, gs in kind_groups.items() if len(gs) > 1}
    merged = {g: sorted({labels[i] for i in idx}) for g, idx in by_group.items() if len({labels[i] for i in idx}) > 1}
    right = sum(len(idx) for k, idx in by_kind.items() if len(kind_groups[k]) == 1
                and by_group[kind_groups[k][0]] == idx)
    return {"events": len(labels), "true_kinds": len(by_kind), "groups": len(by_group),
            "one_group_per_true_error": not split and not merged, "split_kinds": split,
            "merged_groups": merged, "grouping_accuracy": round(right / len(labels), 4) if labels else 1.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir", nargs="?", type=Path, help="directory to write the corpora to")
    ap.add_argument("--events", type=int, default=400, help="error events per corpus (default 400)")
    ap.add_argument("--seeds", default="1-10", help="seed range, e.g. 1-10")
    ap.add_argument("--score", nargs=2, metavar=("LABELS", "REPLAY_JSONL"),
                    help="score `sidecar replay --jsonl` output against a .labels file")
    args = ap.parse_args(argv)
    if args.score:
        labels = Path(args.score[0]).read_text(encoding="utf-8").split()
        fps = [json.loads(line)["fingerprint"] for line in Path(args.score[1]).read_text(encoding="utf-8").splitlines()
               if line.strip()]
        print(json.dumps(score(labels, fps), indent=1))
        return 0
    if args.outdir is None:
        ap.error("OUTDIR is required (or --score)")
    lo, _, hi = args.seeds.partition("-")
    paths = write_all(args.outdir, args.events, range(int(lo), int(hi or lo) + 1))
    print(f"wrote {len(paths)} corpora to {args.outdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
