"""Train the situation model's counts (sidecar/diagnose/data/category_model.json) and measure it leave-one-SET-out.

The model (sidecar/diagnose/category_model.py) is a naive Bayes over the record's situation features
(situation_features.py); its parameters are counts of those features per expected category in the training sets,
which are every spent case set: the dev cases, the writers' generated dev set (weighted GEN_WEIGHT: 1,206 cases from
one writer's generators must not outvote eleven writers' sets) and the spent held-out sets heldout..heldout12. Never a
blind set (evals/heldout13 and later, evals/gen seeds >= 300: the lead's).

    python evals/category_model.py                          # write the counts file from TRAINING
    python evals/category_model.py --check                  # exit 1 unless the file equals a fresh training
    python evals/category_model.py --loso DIR [DIR...]      # leave-one-set-out table against rules answers

`--loso` takes directories of `sidecar eval --cases evals/<set> --jsonl` outputs named <set>.jsonl (the rules today,
or the blind answers of evals/blind_answers.py) and, per held-out set, trains on every other set and scores that set:
the rules' category, the model's alone, and the rules with the model only where the plain catch-all met a code or a
known library's class (category_model.decidable, what category_model.guessed applies), with the model's accuracy on those swaps (its confidence's calibration).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sidecar.diagnose.category_model import MODEL_PATH, Counts, decidable, predict  # noqa: E402

HELDOUT = ("heldout", "heldout2", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8", "heldout9", "heldout10",
           "heldout11", "heldout12")
TRAINING = ("cases", "gen-dev", *HELDOUT)
GEN_WEIGHT = 0.2  # LOSO over the held-out sets: 0 -> 340, 0.2 -> 349, 1 -> 338 of 641 (model alone)


def case_rows(name: str) -> list[tuple[str, str, list[str]]]:
    """(id, expected category, features) of every case of evals/<name>."""
    from sidecar.diagnose.evaluate import load_cases
    from sidecar.diagnose.excerpt import excerpt_to_input
    from sidecar.diagnose.situation_features import features

    rows = []
    for c in load_cases(REPO / "evals" / name):
        try:
            feats = features(excerpt_to_input(c.log, c.record_line, fingerprint=c.id))
        except ValueError:
            feats = []
        rows.append((c.id, c.expected.category, feats))
    return rows


def set_digest(name: str) -> str:
    """sha256 over the set's case files (names and bytes): a case edited after training changes it."""
    h = hashlib.sha256()
    for path in sorted((REPO / "evals" / name).glob("*.yaml")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def add(counts: Counts, rows: list[tuple[str, str, list[str]]], weight: float) -> None:
    """Add `rows` to the per-category prior and feature counts, each case counted `weight`."""
    for _, cat, feats in rows:
        counts.prior[cat] = round(counts.prior.get(cat, 0.0) + weight, 3)
        table = counts.features.setdefault(cat, {})
        for f in feats:
            table[f] = round(table.get(f, 0.0) + weight, 3)


def weight(name: str, gen_weight: float = GEN_WEIGHT) -> float:
    return gen_weight if name == "gen-dev" else 1.0


def train(names: tuple[str, ...], rows: dict[str, list[tuple[str, str, list[str]]]],
          gen_weight: float = GEN_WEIGHT) -> Counts:
    """Counts of `rows` over the sets `names`, gen-dev's cases weighted `gen_weight` (one writer's generators)."""
    counts = Counts(prior={}, features={})
    for name in names:
        add(counts, rows[name], weight(name, gen_weight))
    return counts


def folds(scored: tuple[str, ...], training: tuple[str, ...]) -> Iterator[tuple[str, tuple[str, ...]]]:
    """The leave-one-SET-out folds: each set of `scored` with every OTHER set of `training` to train on (a set's
    cases share a writer, so a case-level split would leak the writer's wording into the training)."""
    for name in scored:
        yield name, tuple(n for n in training if n != name)


def to_json(counts: Counts) -> str:
    data = {"trained_on": {n: set_digest(n) for n in TRAINING}, "gen_weight": GEN_WEIGHT,
            "prior": dict(sorted(counts.prior.items())),
            "features": {c: dict(sorted(t.items())) for c, t in sorted(counts.features.items())}}
    return json.dumps(data, indent=0, sort_keys=False) + "\n"


def _answers(dirs: list[Path]) -> dict[str, dict[tuple[str, str], dict[str, object]]]:
    out: dict[str, dict[tuple[str, str], dict[str, object]]] = {}
    for d in dirs:
        got = out.setdefault(d.name, {})
        for f in d.glob("*.jsonl"):
            for line in f.read_text().splitlines():
                r = json.loads(line)
                got[(f.stem, r["id"])] = r
    return out


def loso(dirs: list[Path]) -> str:
    """The leave-one-set-out table (module docstring), one block per answers directory."""
    from sidecar.diagnose.evaluate import load_cases
    from sidecar.diagnose.excerpt import excerpt_to_input
    from sidecar.diagnose.named_exception import named_in_message
    from sidecar.diagnose.situation import situation
    from sidecar.diagnose.wrappers import unwrap

    rows = {n: case_rows(n) for n in TRAINING}
    says: dict[tuple[str, str], bool] = {}
    for name in HELDOUT:
        for c in load_cases(REPO / "evals" / name):
            try:
                inp = unwrap(named_in_message(excerpt_to_input(c.log, c.record_line).well_formed()))
                says[(name, c.id)] = decidable(inp, situation(inp))
            except ValueError:
                says[(name, c.id)] = False
    lines = []
    for src, answers in _answers(dirs).items():
        lines.append(f"{src}: set  cases  rules  model-alone  model-below-0.6  rules+model  swaps(model right / "
                     "unknown was right)")
        tot = [0, 0, 0, 0, 0, 0, 0, 0]
        for name, rest in folds(HELDOUT, TRAINING):
            counts = train(rest, rows)
            fig = [0, 0, 0, 0, 0, 0, 0, 0]
            for cid, cat, feats in rows[name]:
                a = answers.get((name, cid))
                if a is None:
                    continue
                guess, _ = predict(counts, feats)
                ruled = str(a["category"])
                swap = a["rule"] == "catch-all" and says[(name, cid)] and guess != "unknown"
                hybrid = guess if swap else ruled
                # the brief's other variant: the model wherever the rules say unknown or answer below 0.6
                below = guess if ruled == "unknown" or float(a["confidence"] or 0.0) < 0.6 else ruled  # type: ignore[arg-type]
                fig = tally(fig, [1, ruled == cat, guess == cat, hybrid == cat, swap, swap and guess == cat,
                                  swap and cat == "unknown", below == cat])
            if fig[0]:
                lines.append(f"  {name:<10} {fig[0]:>4} {fig[1]:>6} {fig[2]:>6} {fig[7]:>12} {fig[3]:>12}   "
                             f"{fig[4]} ({fig[5]} / {fig[6]})")
            tot = tally(tot, fig)
        lines.append(f"  {'all':<10} {tot[0]:>4} {tot[1]:>6} {tot[2]:>6} {tot[7]:>12} {tot[3]:>12}   "
                     f"{tot[4]} ({tot[5]} / {tot[6]})")
    return "\n".join(lines)


def tally(counts: list[int], row: list[bool] | list[int]) -> list[int]:
    """One case's (or one set's) row added to the running counts of a LOSO figures table, column by column."""
    return [x + int(y) for x, y in zip(counts, row, strict=True)]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="exit 1 unless the counts file equals a fresh training")
    p.add_argument("--loso", nargs="+", type=Path, metavar="DIR", help="rules answers (<set>.jsonl) to compare with")
    args = p.parse_args()
    if args.loso:
        print(loso(args.loso))
        return 0
    text = to_json(train(TRAINING, {n: case_rows(n) for n in TRAINING}))
    if args.check:
        same = MODEL_PATH.read_text() == text
        print("counts file reproduced" if same else f"{MODEL_PATH} differs from a fresh training: regenerate it")
        return 0 if same else 1
    MODEL_PATH.write_text(text)
    print(f"wrote {MODEL_PATH} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
