"""Output identity of this tree's redactor and a git revision's, on one set of inputs generated in this process.

    PYTHONHASHSEED=0 PYTHONPATH=$PWD .venv/bin/python bench/redaction_identity.py REV

For a speed change that must not change what is redacted (issue 18): both redactors (uncached `_apply`) judge
bench/redaction.py's lines, 20,000 secret_gen lines (10 seeds, half with a secret), every class of the class
generators (classes10-13, round9/10/12/13/14, set10_classes, set12, blindspot: seeds 0-5, secrets and must-keep
twins), the gitleaks/carrier/keep and verifier/reference/client-key generators (seeds 0-4), every text of sets
1-18 (corpora and must-keep; set 19 is blind and never read), and texts at the edges of the rules' cheap gates
(gate_edges). Prints per source how many texts differ (and the first three); the figure to read is TOTAL.
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
    classes12_gen,
    classes13_gen,
    clientkey_gen,
    gitleaks_gen,
    keep_gen,
    named_refs_gen,
    reference_gen,
    round9_gen,
    round10_gen,
    round12_gen,
    round13_gen,
    round14_gen,
    round17_gen,
    secret_gen,
    set10_classes_gen,
    set12_gen,
    verifier_gen,
)
from tests.security.corpus import case_writer_corpus, must_keep  # noqa: E402

# every spent set (1-18, round 17); set 19 is blind and never read
SETS = ["corpus_dev.yaml", "corpus_heldout.yaml", *(f"corpus_heldout{i}.yaml" for i in range(2, 19)),
        "corpus_heldout10x.yaml"]
KEEPS = ["must_keep.yaml", *(f"must_keep_heldout{i}.yaml" for i in range(2, 19))]


def gate_edges() -> list[str]:
    """Texts at the edges of the rules' cheap gates (hints, literal tests before a search): what a gate that is not a
    necessary condition would pass over. The login verbs and AUTH_PAIR's names in every spelling IGNORECASE matches
    (`İ`, `ı`, `ſ`), each separator after them; verifiers in `{` lines with and without a `$`; a value with an escaped
    line end before a real one."""
    from sidecar.redaction.hintscan import ignorecase_hints
    from sidecar.redaction.logins import _VERBS
    out: list[str] = []
    for hint in [n + after for end in ("auth", "login", "authenticate", "authentication", "credential", "credentials")
                 for n in ignorecase_hints(end) for after in ('"', "'", " ", "\t", ":", "=", "(", "x")]:
        for pre in ("", "basic", "HTTPBasic", "x."):
            out.append(f'{pre}{hint}("svc-user", "Nlivv77+kMrsZ") failed')
            out.append(f'{pre}{hint.upper()}= ("svc-user", "Nlivv77+kMrsZ")')
    for verb in _VERBS:
        for q in ("", '"', "'"):
            for sep in (" ", "\t", ",", ""):
                out.append(f"$ zrok {verb}{q}{sep}kbYEjTpTBPdD9x1")
                out.append(f"['tool', '{verb}'{sep} 'kbYEjTpTBPdD9x1']")
    for v in ("{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "{ssha256}W6ph5Mm5Pz8GgiULbPgzG37mj9gabc",
              "{" + "a3" * 20 + "Xy7.ab/Q", "@ByteArray(ARQ77eY1NUZaQsuDHbIMCA==:0WMRkYTUWVT9wVvdDtHAjU9b3b7uB8NR1Gur2hmQCvCDpm39Q+PsJRJPaCU51dEiz+dTzh8qbPsL8WkFljQYFQ==)",
              "$2y$05$c3VwZXJzZWNyZXRzYWx0LnZlcnlsb25naGFzaGVzMTIzNDU2Nzg5MA", "pbkdf2_sha256$260000$c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2g="):
        for shape in ('{"password": "%s"}', "password=%s\\n", "password_hash: %s", "{'x': 1} auth %s"):
            out.append(shape % v)
    out += ["password=Xy7qP0ssW0rdz\\n\n", "token: kbYEjTpTBPdD9x1\\r", "rpc-password: {" + "b4" * 20 + "salt1234"]
    return out


def inputs() -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {"bench": bench_lines()}
    gen: list[str] = []
    for seed in range(100, 110):
        gen += [t for _, t, _ in secret_gen.cases(seed, 250)] + secret_gen.benign_lines(seed, 1000)
    texts["secret_gen"] = gen
    for name, mod in (("classes10", classes10_gen), ("classes11", classes11_gen), ("round9", round9_gen),
                      ("set10_classes", set10_classes_gen), ("classes12", classes12_gen), ("classes13", classes13_gen),
                      ("set12", set12_gen), ("round10", round10_gen), ("round12", round12_gen),
                      ("round13", round13_gen), ("round14", round14_gen), ("round17", round17_gen)):
        texts[name] = [p[0] for cls in [*mod.SECRET_CLASSES, *mod.KEEP_CLASSES] for seed in range(6)
                       for p in mod.plantings(cls, seed, 20)]
    texts["blindspot"] = [p[0] for cls in blindspot_gen.CLASSES for seed in range(6) for keep in (False, True)
                          for p in blindspot_gen.plantings(cls, seed, 20, keep)]
    other: list[str] = []
    for seed in range(5):
        other += [c[1] for c in gitleaks_gen.cases(seed)] + [c[1] for c in gitleaks_gen.keep_cases(seed)]
        other += [c[1] for c in carrier_gen.offline_cases(seed)] + [c[1] for c in keep_gen.keep_cases(seed, 20)]
    texts["other_generators"] = other
    kept: list[str] = []  # the round-14 lookalikes (verifiers, references, client keys) and their secret twins
    for seed in range(5):
        kept += [c[1] for c in verifier_gen.verifier_cases(seed, 10) + verifier_gen.twin_cases(seed, 10)]
        kept += [c[1] for pair in reference_gen.reference_cases(seed) for c in pair]
        kept += [c[1] for c in clientkey_gen.client_key_cases(seed, 10) + clientkey_gen.server_key_twins(seed, 10)]
        kept += [c[1] for c in named_refs_gen.kept_cases(seed, 10) + named_refs_gen.secret_twins(seed, 10)]
    texts["lookalike_generators"] = kept
    texts["sets1-18"] = [t for n in SETS for _, t, _ in case_writer_corpus(n)] + [
        line for n in KEEPS for _, line in must_keep(n)]
    texts["gate_edges"] = gate_edges()
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
