"""Output identity of this tree's redactor and a git revision's, on one set of inputs generated in this process.

    PYTHONHASHSEED=0 PYTHONPATH=$PWD .venv/bin/python bench/redaction_identity.py REV

For a speed change that must not change what is redacted (issue 18): both redactors (uncached `_apply`) judge
bench/redaction.py's lines, 20,000 secret_gen lines (10 seeds, half with a secret), every class of the class
generators (classes10/11, round9, set10_classes, blindspot: seeds 0-5, secrets and must-keep twins), the
gitleaks/carrier/keep generators (seeds 0-4), and every text of sets 1-10 (corpora and must-keep; set 11 is blind
and never read). Prints per source how many texts differ (and the first three); the figure to read is TOTAL.
Inputs are generated once and given to both (some carriers hold a fresh Fernet IV or uuid4 per run).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from redaction import lines as bench_lines  # noqa: E402
from redaction import old_redactor  # noqa: E402

from sidecar.redaction import _apply as new  # noqa: E402
from tests.security import (  # noqa: E402
    blindspot_gen,
    carrier_gen,
    classes10_gen,
    classes11_gen,
    gitleaks_gen,
    keep_gen,
    round9_gen,
    secret_gen,
    set10_classes_gen,
)
from tests.security.corpus import case_writer_corpus, must_keep  # noqa: E402

SETS = ["corpus_dev.yaml", "corpus_heldout.yaml", *(f"corpus_heldout{i}.yaml" for i in range(2, 11)),
        "corpus_heldout10x.yaml"]
KEEPS = ["must_keep.yaml", *(f"must_keep_heldout{i}.yaml" for i in range(2, 11))]


def inputs() -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {"bench": bench_lines()}
    gen: list[str] = []
    for seed in range(100, 110):
        gen += [t for _, t, _ in secret_gen.cases(seed, 250)] + secret_gen.benign_lines(seed, 1000)
    texts["secret_gen"] = gen
    for name, mod in (("classes10", classes10_gen), ("classes11", classes11_gen), ("round9", round9_gen),
                      ("set10_classes", set10_classes_gen)):
        texts[name] = [p[0] for cls in [*mod.SECRET_CLASSES, *mod.KEEP_CLASSES] for seed in range(6)
                       for p in mod.plantings(cls, seed, 20)]
    texts["blindspot"] = [p[0] for cls in blindspot_gen.CLASSES for seed in range(6) for keep in (False, True)
                          for p in blindspot_gen.plantings(cls, seed, 20, keep)]
    other: list[str] = []
    for seed in range(5):
        other += [c[1] for c in gitleaks_gen.cases(seed)] + [c[1] for c in gitleaks_gen.keep_cases(seed)]
        other += [c[1] for c in carrier_gen.offline_cases(seed)] + [c[1] for c in keep_gen.keep_cases(seed, 20)]
    texts["other_generators"] = other
    texts["sets1-10"] = [t for n in SETS for _, t, _ in case_writer_corpus(n)] + [
        line for n in KEEPS for _, line in must_keep(n)]
    return texts


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: bench/redaction_identity.py REV")
    old = old_redactor(sys.argv[1])
    total = differ = 0
    for source, texts in inputs().items():
        n = 0
        for text in texts:
            a, b = old(text, None), new(text, None)
            if a != b:
                n += 1
                if n <= 3:
                    print(f"DIFF {source}: {text[:200]!r}\n  {sys.argv[1]}: {a[:200]!r}\n  this tree: {b[:200]!r}")
        print(f"{source}: {len(texts)} texts, {n} differ")
        total += len(texts)
        differ += n
    print(f"TOTAL {total} texts, {differ} differ")


if __name__ == "__main__":
    main()
