"""Why ours mis-groups a true template, counted by CLASS over SPENT seeds (issue 15, round 20 error analysis).

For every true template whose messages are not grouped exactly:
  over-split  the slot (a `<*>` of the true template) whose value stays the same inside each predicted group
              and differs between them is the one that "stayed literal"; its values are classed by shape
              (`value_class`). A split where no single slot explains it (token-count change) is `(no one slot)`.
  over-merge  a predicted group holding two true templates: the literal tokens where their templates differ
              (difflib over blank-split tokens) were masked; the first differing literal is classed by shape.
Counts are per mis-grouped true template (and the messages it costs), summed over systems and seeds.
Generators: SPENT seeds only (C <= 220, Python <= 250, LANG <= 190) and the shared Loghub-2k 8.

    PYTHONPATH=. .venv/bin/python bench/grouping_miss_classes.py [--bench c py lang loghub] [--seeds ...]
        [--examples 2]
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grouping  # noqa: E402

SPENT = {"c": 220, "py": 250, "lang": 190}

_HEX_NODIGIT = re.compile(r"[a-fA-F]{3,}")
_HEXISH = re.compile(r"(?:0x)?[0-9a-fA-F]{4,}|[0-9a-fA-F-]{8,}")
_NUM = re.compile(r"[-+]?\d+(?:[.,]\d+)*")
_NUM_UNIT = re.compile(r"[-+]?\d+(?:\.\d+)?\s?[A-Za-z%µ]{1,5}")
_WORD = re.compile(r"[A-Za-z]+")
_IDENT = re.compile(r"[A-Za-z_][\w-]*")
_DOTTED = re.compile(r"[A-Za-z_][\w-]*(?:[.:][\w-]+)+")


def value_class(values: Sequence[str], before: str) -> str:
    """The shape of a slot's values (the most common shape among them) plus its announcement."""
    shapes = Counter(_shape(v) for v in values)
    shape = shapes.most_common(1)[0][0]
    if len({len(v.split()) for v in values}) > 1:
        shape = "multi-token(varies): " + shape
    if before.rstrip().endswith(("=", ":")) and not before.endswith(" "):
        shape = "k=v value: " + shape
    return shape


def _shape(v: str) -> str:
    s = v.strip()
    if not s:
        return "empty"
    if s[0] in "'\"`" and s[-1] == s[0] and len(s) > 1:
        return "quoted"
    if s[0] in "[({<" or s[-1] in "])}>":
        return "bracketed"
    if " " in s:
        return "phrase(with blanks)"
    if "/" in s or "\\" in s:
        return "path/url"
    if _NUM.fullmatch(s):
        return "number"
    if _NUM_UNIT.fullmatch(s):
        return "number+unit"
    if _HEX_NODIGIT.fullmatch(s) and len(s) >= 4 and s.lower() == s:
        return "hex(no digit)/lower word"
    if _HEXISH.fullmatch(s):
        return "hex/uuid id"
    if _WORD.fullmatch(s):
        return "word(" + ("Capital" if s[0].isupper() and not s.isupper() else "UPPER" if s.isupper() else
                          "lower") + ")"
    if _DOTTED.fullmatch(s):
        return "dotted name (class/host/version)"
    if _IDENT.fullmatch(s):
        return "identifier(with digits/_/-)" if any(c.isdigit() for c in s) else "identifier(word_word)"
    if any(c.isdigit() for c in s):
        return "mixed with digits"
    return "punct/other"


def _slots(template: str) -> re.Pattern[str]:
    pieces = template.split("<*>")
    return re.compile("(?s)" + "(.+?)".join(re.escape(p) for p in pieces[:-1]) + ("(.+?)" if len(pieces) > 1 else "")
                      + re.escape(pieces[-1]))


def classify(messages: Sequence[str], truth: Sequence[str], predicted: Sequence[object],
             table: Counter[str], cost: Counter[str], examples: dict[str, list[str]], keep: int) -> None:
    by_t: dict[str, list[int]] = defaultdict(list)
    by_p: dict[object, set[str]] = defaultdict(set)
    for i, (t, p) in enumerate(zip(truth, predicted, strict=True)):
        by_t[t].append(i)
        by_p[p].add(t)
    for t, idx in by_t.items():
        preds = {predicted[i] for i in idx}
        merged = set().union(*(by_p[p] for p in preds)) - {t}
        if len(preds) > 1:
            cls = _split_class(t, [messages[i] for i in idx], [predicted[i] for i in idx])
            first = {}
            for i in idx:
                first.setdefault(predicted[i], messages[i])
            reps = list(first.values())
            key = "split | " + cls + " | " + why_apart(reps[0], reps[1])
        elif merged:
            other = sorted(merged)[0]
            key = "merge | " + _merge_class(t, other)
        else:
            continue
        table[key] += 1
        cost[key] += len(idx)
        if len(examples[key]) < keep:
            extra = f"  [with: {sorted(merged)[0][:80]}]" if merged and len(preds) == 1 else ""
            examples[key].append(f"{t[:100]}  e.g. {messages[idx[0]][:100]}{extra}")


def _split_class(t: str, msgs: Sequence[str], preds: Sequence[object]) -> str:
    rx = _slots(t)
    rows = []
    for m, p in zip(msgs, preds, strict=True):
        got = rx.fullmatch(m)
        if got:
            rows.append((got.groups(), p))
    if not rows or not rows[0][0]:
        return "(template without slots / no match)"
    n = len(rows[0][0])
    groups: dict[object, list[tuple[str, ...]]] = defaultdict(list)
    for vals, p in rows:
        groups[p].append(vals)
    best, best_score = -1, -1.0
    for k in range(n):
        per = [{v[k] for v in g} for g in groups.values()]
        distinct = len(set().union(*per))
        if distinct < 2:
            continue
        # a slot that stayed literal: one value per predicted group, and groups differ by it
        constant = sum(len(s) == 1 for s in per) / len(per)
        across = len({next(iter(s)) for s in per if len(s) == 1})
        score = constant + 0.01 * across
        if score > best_score:
            best, best_score = k, score
    if best < 0 or best_score < 0.5:
        return "(no one slot)"
    before = t.split("<*>")[best]
    return value_class([v[best] for v, _ in rows], before)


def why_apart(a: str, b: str) -> str:
    """Which judgement kept two messages of one true template apart (the first guard that fired)."""
    from sidecar.errors.masking import normalize_message
    from sidecar.errors.slots import SIMILARITY, _slot, similarity
    from sidecar.errors.to_phrases import VERB_FORM
    from sidecar.errors.token_forms import _STRIP, _WORDS, names_failure
    from sidecar.errors.word_slots import POLARITY, inflected

    ma, mb = normalize_message(a), normalize_message(b)
    if ma == mb:
        return "same masked form (shelf/order)"
    ta, tb = tokenize_(ma), tokenize_(mb)
    if len(ta) != len(tb):
        return "token count differs"
    if max(similarity(ta, tb), similarity(tb, ta)) > SIMILARITY:
        return "similar, not joined (veto/shelf/order)"
    diff = [i for i, (x, y) in enumerate(zip(ta, tb, strict=True)) if x != y]
    if any(i + 1 in diff for i in diff):
        return "adjacent positions differ (masking split a value?)"
    reasons = []
    for i in diff:
        x, y = ta[i], tb[i]
        s = _slot(x, y)
        if s >= 0:
            continue
        if s < -1:
            reasons.append("digit kept / absent part")
            continue
        u, v = x.strip(_STRIP), y.strip(_STRIP)
        if i < 2:
            reasons.append(f"word in first 2 tokens (pos {i})")
        elif "<*>" in ta[i - 1]:
            reasons.append("word right after a value")
        elif not (_WORDS.fullmatch(u) and _WORDS.fullmatch(v)):
            reasons.append("not plain words")
        elif VERB_FORM.search(x) or VERB_FORM.search(y):
            reasons.append("verb form -ed/-ing")
        elif u.isupper() and v.isupper():
            reasons.append("two ALL-CAPS")
        elif names_failure(u) or names_failure(v):
            reasons.append("names failure")
        elif u.lower() in POLARITY or v.lower() in POLARITY:
            reasons.append("polarity")
        elif inflected(u, v):
            reasons.append("inflected")
        elif ta[i - 1].lower() in ("as", "to"):
            reasons.append("after as/to")
        else:
            reasons.append("agree/count/other guard")
    return " + ".join(sorted(set(reasons))) or "(no differing word?)"


def tokenize_(text: str) -> list[str]:
    from sidecar.errors.token_forms import tokenize
    return tokenize(text)


def _merge_class(t: str, other: str) -> str:
    a, b = t.split(), other.split()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        lits = [x for x in a[i1:i2] + b[j1:j2] if x != "<*>"]
        if not lits:
            return "length (a slot vs more tokens)"
        return "literal " + _shape(lits[0].replace("<*>", "0"))
    return "identical text"


def benches(names: Sequence[str], seeds: dict[str, list[int]]) -> list[tuple[str, Callable[[], tuple[list[str], list[str]]]]]:
    out: list[tuple[str, Callable[[], tuple[list[str], list[str]]]]] = []
    if "c" in names:
        import blind_c_logs
        import blind_c_systems
        for name in blind_c_systems.SYSTEMS:
            for s in seeds["c"]:
                out.append((f"c/{name}/{s}", lambda n=name, s=s: _cut(blind_c_logs.generate(n, s, 2000),
                                                                      lambda x, n=n: blind_c_systems.content(n, x))))
    if "py" in names:
        import heldout_logs
        for name in heldout_logs.SYSTEMS:
            if not heldout_logs.system_templates(name):
                continue
            for s in seeds["py"]:
                out.append((f"py/{name}/{s}", lambda n=name, s=s: _cut(heldout_logs.generate(n, s, 2000),
                                                                       lambda x, n=n: heldout_logs.content(n, x))))
    if "lang" in names:
        import blind_lang_logs
        import blind_lang_systems
        for name in blind_lang_systems.SYSTEMS:
            for s in seeds["lang"]:
                out.append((f"lang/{name}/{s}", lambda n=name, s=s: _cut(
                    blind_lang_logs.generate(n, s, 2000), lambda x, n=n: blind_lang_systems.content(n, x))))
    if "loghub" in names:
        for name in grouping.DATASETS:
            out.append((f"loghub/{name}", lambda n=name: _loghub(n)))
    return out


def _cut(pair: tuple[list[str], list[str]], content: Callable[[str], str]) -> tuple[list[str], list[str]]:
    raw, truth = pair
    return [content(x) for x in raw], truth


def _loghub(name: str) -> tuple[list[str], list[str]]:
    import csv
    with open(grouping.DEFAULT_DATA / name / f"{name}_2k.log_structured.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [r["Content"] for r in rows], [r["EventTemplate"] for r in rows]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench", nargs="+", default=["c", "py", "lang", "loghub"])
    ap.add_argument("--c-seeds", type=int, nargs="+", default=[211, 212, 213])
    ap.add_argument("--py-seeds", type=int, nargs="+", default=[241, 242, 243])
    ap.add_argument("--lang-seeds", type=int, nargs="+", default=[181, 182, 183])
    ap.add_argument("--examples", type=int, default=2)
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args(argv)
    seeds = {"c": args.c_seeds, "py": args.py_seeds, "lang": args.lang_seeds}
    for k, v in seeds.items():
        if any(s > SPENT[k] for s in v):
            ap.error(f"{k} seeds above {SPENT[k]} are fresh (the lead's gate)")
    for bench in args.bench:
        table: Counter[str] = Counter()
        cost: Counter[str] = Counter()
        examples: dict[str, list[str]] = defaultdict(list)
        gas = []
        for _label, make in benches([bench], seeds):
            messages, truth = make()
            pred = grouping.ours(messages)
            gas.append(grouping.grouping_accuracy(truth, pred))
            classify(messages, truth, pred, table, cost, examples, args.examples)
        print(f"\n## {bench}: {len(gas)} logs, mean GA {sum(gas) / len(gas):.3f}; "
              f"mis-grouped templates by class (messages they hold)")
        print("| class | templates | messages |\n|---|---|---|")
        for key, n in sorted(table.items(), key=lambda kv: -cost[kv[0]])[:args.top]:
            print(f"| {key} | {n} | {cost[key]} |")
        for key, _ in sorted(table.items(), key=lambda kv: -cost[kv[0]])[:12]:
            for e in examples[key]:
                print(f"    [{key}] {e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
