"""Must-keep lookalikes and their secret twins over many seeds (the tests run 3): stored verifiers, feature-flag
client keys, credential references (tests/security/verifier_gen.py, clientkey_gen.py, reference_gen.py).

    PYTHONPATH=$PWD .venv/bin/python bench/redaction_lookalikes.py [FIRST_SEED] [N_SEEDS] [REV]

Prints per class how many kept values were lost and how many twins leaked, for this tree and (with REV) for that git
revision's redactor (bench/redaction.py's old_redactor). Seeds from 5000 by default: none of them was looked at while
the mechanisms were written (those used 1-12 and the tests' 1901-1923).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sidecar.redaction import _apply  # noqa: E402
from tests.security.clientkey_gen import client_key_cases, server_key_twins  # noqa: E402
from tests.security.reference_gen import reference_cases  # noqa: E402
from tests.security.secret_gen import leaked  # noqa: E402
from tests.security.verifier_gen import twin_cases, verifier_cases  # noqa: E402

Case = tuple[str, str, str]


def cases(first: int, n: int) -> tuple[list[Case], list[Case]]:
    keep: list[Case] = []
    twins: list[Case] = []
    for seed in range(first, first + n):
        keep += verifier_cases(seed, 4) + client_key_cases(seed, 3)
        twins += twin_cases(seed, 4) + server_key_twins(seed, 3)
        for k, t in reference_cases(seed):
            keep.append(k)
            twins.append(t)
    return keep, twins


def report(name: str, fn: Callable[[str], str], keep: list[Case], twins: list[Case]) -> None:
    lost = Counter(kind for kind, text, value in keep if value not in fn(text))
    leaks = Counter(kind for kind, text, value in twins if leaked(value, fn(text)))
    print(f"{name}: kept values lost {sum(lost.values())} of {len(keep)}, twins leaked {sum(leaks.values())} of "
          f"{len(twins)}")
    print("  lost:", dict(sorted(lost.items())))
    print("  leaked:", dict(sorted(leaks.items())))


def main() -> None:
    first = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    keep, twins = cases(first, n)
    report("this tree", lambda t: _apply(t, None), keep, twins)
    if len(sys.argv) > 3:
        from redaction import old_redactor  # type: ignore[import-not-found]
        old = old_redactor(sys.argv[3])
        report(sys.argv[3], lambda t: old(t, None), keep, twins)


if __name__ == "__main__":
    main()
