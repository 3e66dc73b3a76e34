"""`python -m evals.gen --seed N --out DIR [--spec 10]`: write the generated eval cases of one seed.

Per class: VARIANTS cases (`g<seed>-<class>-<k>`, k = 1..VARIANTS) and, for each, its near-miss twin drawn from
the same rng state (`g<seed>-<class>-<k>t`). Each case's rng is seeded from (seed, class, k) only, so the same
seed writes byte-identical files whatever other classes exist. Variants of a class are redrawn (bounded) until
they differ in at least one axis (shape, carrier, wording source): a seed never emits one instance per class.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path
from random import Random
from typing import Any

from evals.gen import render
from evals.gen.case import dump
from evals.gen.registry import REGISTRY

VARIANTS = 3
SPECS = ("10", "h10", "11")


def load_specs() -> None:
    """Import every spec module (each registers its classes)."""
    from evals.gen import classes10, classes11, classes_h10  # noqa: F401


def case_rng(seed: int, cls: str, k: int, attempt: int) -> Random:
    """A rng that depends only on (seed, class, variant, attempt): stable across runs and class additions."""
    digest = hashlib.sha256(f"{seed}/{cls}/{k}/{attempt}".encode()).digest()
    return Random(int.from_bytes(digest[:8], "big"))


def _axes(case: dict[str, Any]) -> tuple[str, ...]:
    return tuple(t for t in case["tags"] if t.startswith("axis:"))


# Specs whose cases draw every log shape by default (JSON lines, Docker json-file and compose too): `sidecar eval`
# reads them since round 12 (measured: 228 spec-11 cases of seed 4 with `--shapes all`, no load error). Specs 10
# and h10 keep the text shapes by default so their files for a given seed stay what round 11 wrote.
ALL_SHAPES_SPECS = ("11",)


def generate(seed: int, specs: tuple[str, ...] = SPECS, shapes: str = "default") -> list[dict[str, Any]]:
    """All cases of `seed` for `specs`, in a stable order; `shapes`: "default" (per spec), "text" or "all"."""
    load_specs()
    out: list[dict[str, Any]] = []
    for spec in specs:
        every = shapes == "all" or (shapes == "default" and spec in ALL_SHAPES_SPECS)
        render.ACTIVE[:] = list(render.SHAPES if every else render.TEXT_SHAPES)
        for cls, (case_fn, twin_fn) in sorted(REGISTRY.get(spec, {}).items()):
            seen: set[tuple[str, ...]] = set()
            for k in range(1, VARIANTS + 1):
                for attempt in range(12):
                    case = case_fn(case_rng(seed, cls, k, attempt))
                    if _axes(case) not in seen:
                        break
                seen.add(_axes(case))
                twin = twin_fn(case_rng(seed, cls, k, attempt))
                case["id"], twin["id"] = f"g{seed}-{cls}-{k}", f"g{seed}-{cls}-{k}t"
                out += [case, twin]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.gen", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--spec", choices=SPECS, action="append", help="only this spec (repeatable)")
    parser.add_argument("--shapes", choices=("default", "text", "all"), default="default",
                        help="log shapes: per spec (default: text for 10/h10, every shape for 11), the text formats "
                             "only, or also JSON lines, Docker json-file, compose for every spec")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    cases = generate(args.seed, tuple(args.spec) if args.spec else SPECS, args.shapes)
    for case in cases:
        (args.out / f"{case['id']}.yaml").write_text(dump(case), encoding="utf-8")
    print(f"wrote {len(cases)} cases to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
