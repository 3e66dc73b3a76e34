"""CLASSES12 A33 REPL transcripts whose expression quotes its key with DOUBLE quotes, in a JSON carrier (review).

classes12_gen.a33 writes the subscript with single quotes (`os.environ['X']`, `ENV['X']`); A33 passes on it. The REPLs
print what the user typed, and `os.environ["X"]` / `ENV["X"]` / `os.getenv("X")` are as common; inside a JSON log
record (json.dumps, a Docker json-file line) those quotes become `\\"` and the newline `\\n`. Generated: REPL, the
expression's call, name, value, JSON carrier per seed. The raw (unwrapped) transcripts go on main.
"""

from __future__ import annotations

import json
import random

from sidecar.redaction import redact

from .classes12_gen import _name, value
from .secret_gen import leaked

SEEDS = range(1260, 1263)


def _transcript(r: random.Random, v: str) -> str:
    n = _name(r).upper()
    expr = r.choice([f'os.environ["{n}"]', f'os.getenv("{n}")', f'settings["{n.lower()}"]'])
    return r.choice([f">>> {expr}\n'{v}'", f"irb(main):00{r.randrange(1, 9)}> ENV[\"{n}\"]\n=> \"{v}\"",
                     f"In [{r.randrange(1, 40)}]: {expr}\nOut[{r.randrange(1, 40)}]: '{v}'"])


def _carried(r: random.Random, text: str) -> str:
    if r.random() < 0.5:
        return json.dumps({"ts": "2026-12-06T11:02:03Z", "level": "debug", "msg": text})
    return json.dumps({"log": text + "\n", "stream": "stdout", "time": "2026-12-06T11:02:03.5Z"}, separators=(",", ":"))


def test_double_quoted_repl_expression_in_json_goes() -> None:
    leaks = []
    for s in SEEDS:
        r = random.Random(f"a33-review:{s}")
        for _ in range(25):
            v = value(r)
            text = _carried(r, _transcript(r, v))
            if leaked(v, redact(text)):
                leaks.append(text[:140])
    assert not leaks, (len(leaks), leaks[:2])


def test_the_same_transcripts_unwrapped_go() -> None:
    r = random.Random("a33-review-raw")
    leaks = [t for t, v in ((_transcript(r, v), v) for v in (value(r) for _ in range(60))) if leaked(v, redact(t))]
    assert not leaks, (len(leaks), leaks[:2])
