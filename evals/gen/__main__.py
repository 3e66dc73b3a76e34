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


def generate(seed: int, specs: tuple[str, ...] = SPECS) -> list[dict[str, Any]]:
    """All cases of `seed` for `specs`, in a stable order."""
    load_specs()
    out: list[dict[str, Any]] = []
    for spec in specs:
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
    parser.add_argument("--shapes", choices=("text", "all"), default="text",
                        help="log shapes: the text formats (default) or also JSON lines, Docker json-file, compose")
    args = parser.parse_args(argv)
    render.ACTIVE[:] = list(render.TEXT_SHAPES if args.shapes == "text" else render.SHAPES)
    args.out.mkdir(parents=True, exist_ok=True)
    cases = generate(args.seed, tuple(args.spec) if args.spec else SPECS)
    for case in cases:
        (args.out / f"{case['id']}.yaml").write_text(dump(case), encoding="utf-8")
    print(f"wrote {len(cases)} cases to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
