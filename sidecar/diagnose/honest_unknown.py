"""How sure the catch-all's "unknown" is: a record that says nothing vs a record no rule could read.

The doctrine's `unknown` is "the record does not say" (evals/TAXONOMY.md, category doctrine). The catch-all answers
unknown for two different situations, and they are not equally right:
- the record names none of the facts the doctrine decides by - no error code in a namespace (SQLSTATE, PGRST,
  HTTP status, a provider's code: situation.py), no remote named by a host, package, logger or model of the record
  itself, no exception class or frame of a known library (`situation.KNOWN_PACKAGES`). Then "unknown" is usually the
  honest answer: it is what the issue asks for (an unknown at <= 0.4), and blind it was right 61 of 125 times;
- the record names one of them and still no rule or family answered: the record DOES say who raised, which remote or
  which code - the rules only cannot read it yet. Blind, unknown was right there 7 of 63 times (an expected code 20,
  config 13: the on-call engineer does have something to change), so the answer stays unknown (no rule guesses a
  category it did not read) but says so, at 0.15.
Measured on the engines' BLIND answers (each held-out set 2-11 run with the tree of the commit that added it, before
anyone read it: `git archive <commit> sidecar rules`, `sidecar eval --cases evals/heldoutN --jsonl`; 535 answers, 188
catch-alls) and validated leave-one-set-out: fitted on 8 sets, scored on the 9th, the said-rate was 0.07-0.14 and the
plain rate 0.49-0.58 in every fold (kept at 0.3: RECORD_SAYS_NOTHING); Brier of the blind answers 0.243 -> 0.239
(all checks) and 0.253 -> 0.250 (category alone), better on 6 of 9 sets (evals/RESULTS.md, round 12, b17).
Only the outermost answer is re-rated (rules.py): second looks compare a recursive answer's confidence with their own
thresholds (dead_worker.py: "surer than the catch-all"), so they see the catch-all's constant.
"""

from __future__ import annotations

from .model import Diagnosis, DiagnosisInput
from .render import REMOTE_NAMES
from .situation import KNOWN_PACKAGES, Situation, situation

# blind 61/125 right (0.49): the Brier-best value would be the ceiling (0.4), but the catch-all's 0.3 stays -
# primary.py shows a grounded Kimi answer first only when it is at least as confident as the rules', and "no rule
# knows this" must not outrank a grounded 0.35 answer; the honest-unknown tests hold it to <= 0.3 as well
RECORD_SAYS_NOTHING = 0.3
RECORD_SAYS_UNREAD = 0.15  # blind 7/63 right (0.11)


def what_the_record_names(sit: Situation) -> list[str]:
    """The doctrine's deciding facts the record carries: codes by namespace, the remote, known raising packages."""
    said = [f"{ns} code {', '.join(codes[:2])}" for ns, codes in sorted(sit.codes.items()) if codes]
    if sit.remote is not None and sit.remote_named_by_record:
        said.append(f"the remote {REMOTE_NAMES.get(sit.remote, sit.remote)}")
    packages = sorted(sit.components & KNOWN_PACKAGES)
    if packages:
        said.append(f"the package{'s' if len(packages) > 1 else ''} {', '.join(packages[:3])}")
    return said


def rated_catch_all(d: Diagnosis, sit: Situation) -> Diagnosis:
    """`d` re-rated when it is the plain catch-all (module docstring); any other answer unchanged."""
    if d.rule != "catch-all":
        return d
    said = what_the_record_names(sit)
    if not said:
        return d.model_copy(update={"confidence": RECORD_SAYS_NOTHING})
    note = (f" The record names {'; '.join(said)}, so it does say where this failed: it is unrecognised by the rules "
            "rather than undecidable - read that component's failure before treating it as unknown.")
    return d.model_copy(update={"confidence": RECORD_SAYS_UNREAD, "root_cause": d.root_cause + note})


def lent(d: Diagnosis, inp: DiagnosisInput) -> float:
    """The confidence `d` lends a second look that re-reads it and is "never above the answer it re-reads".

    Such a look (held_slots, stuck_holder, overlapping_write, shared_append) ties the error to ONE other record - a
    figure line, a holder's record - and its author judged that record alone no surer than the first reading: its
    answer is capped by the first answer's confidence. When the first answer is the plain catch-all, no rule supported
    any reading of the record; its 0.3 is the catch-all's constant, not a measure (re-rated only at the end, above).
    Capped by that constant, a code answer re-read from the catch-all ended at 0.3 where the honest unknown of the
    same record is 0.15 (a record naming a code, a remote or a package): an answer no rule supported outranked the
    honest unknown (review r18; issue 17: "never confidently wrong"). So the catch-all lends what it would be rated."""
    if d.rule != "catch-all":
        return d.confidence
    return rated_catch_all(d, situation(inp)).confidence
