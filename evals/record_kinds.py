"""The KINDS of the records around an error, as features: the second half of what decides a category.

Round 16's reading of held-out 13-15 (evals/RESULTS.md, round 16, step 1): all 32 decidable cases the rules answered
`unknown` were decided by the raised failure's documented family TOGETHER WITH the kind of a second record - another
path to the same remote working (network), another actor on the same named resource (concurrency), our own measure at
its configured size (capacity), a setting's value (config), a status or maintenance record of the platform
(provider/storage/network), a debug dump of our values (code). The situation features (situation_features.py) carry
the first half (class, ancestors, codes); this module carries the second, as kinds, never as a phrase per example:

- the records deciding_facts.py already finds bearing on the error (its classes: a linked token, another program, a
  change, a level, a printed value), each as `fk:<what it carries>` (a change, a size, a limit word, a version, a
  NAME=value setting; before/after the error), `fsrc:<its logger's last part>` and `fw:<its words>` (lower-case letters
  only: values and ids never become features);
- every record around it (the same window deciding_facts reads) by RELATION to the error, `rel:<kind>`, and
  `rel:<kind>+link` when it also names a distinctive token the error names (deciding_facts' link, class 1):
  `ok` the same thing succeeding or a window closing (ok/established/connected/healthy/resolved/0 failures),
  `other_actor` another pod/pid/worker/host/request than the error's own, `at_limit` a usage equal to a limit the
  same record prints (busy=2 workers=2, 200/200, 1.97 of 2.00, >= 95 %), `setting` a setting printed or named
  (NAME=value, camelCase: value as Kubernetes specs print them, `--flag`, "unset"/"default"), `status` a status,
  incident, maintenance, failover or platform event record, `onset` a record dating a rise or a start ("since",
  "from 40 to 95", "yesterday 0"), `system`/`change` as deciding_facts reads them, `debug` a DEBUG record.

The words above are the records' own grammar for a relation (a counter printed as key=value, a success line, a
status notice), not the cases' words; what each kind decides is learned by a naive Bayes from every spent set and
measured leave-one-SET-out (evals/second_opinion.py; evals/RESULTS.md round 16). An EXPERIMENT, not a runtime path:
measured, it switched 41 of the suite's near-miss twins (12 with config answers barred) - see RESULTS.
"""

from __future__ import annotations

import re

from sidecar.diagnose import deciding_facts as facts
from sidecar.diagnose.following import request_id
from sidecar.diagnose.model import DiagnosisInput
from sidecar.diagnose.setting_lines import (
    SETTING_PAIR,  # the one NAME=value grammar (deciding_facts reads it too)
)
from sidecar.diagnose.situation import Situation

# the relations that bear on an error by themselves and deciding_facts does not weigh (its classes are a link, another
# program, a change, a level, a printed value): a usage at its limit, another actor. The experiment asks the model on a
# catch-all record that has one (second_opinion.asked). Measured leave-one-set-out (evals/RESULTS.md round 16): with
# them the held-out sets +17 (13/14/15 +3/+4/+4), gen-dev +42; asking on ANY relation kind +17 (+3/+3/+4), gen-dev +57
BEARING = ("rel:at_limit", "rel:other_actor")
FACT_WORDS = 25  # words of one deciding record kept as features (situation_features keeps 40 of the error line)
_WORD = re.compile(r"[A-Za-z][a-z]{2,20}")
_OK = re.compile(r"\b(?:ok|succeeded|success(?:ful)?|established|connected|healthy|fine|fast|ready|reconnected|"
                 r"resolved|recovered|stopped|returns? 200|found)\b|\b0 (?:failures|errors)\b|\berrors:? 0\b", re.I)
# an actor's name: pod=/"pod":, pid N / [pid N], worker-N, replica-N, host=, node-N (the value after it)
_ACTOR = re.compile(r"""(?:\bpod["=: ]+"?|\bpid[ :=]+|\[pid |\bworker[-_ ]|\breplica[-_ =]|\bhost(?:name)?["=: ]+"?|"""
                    r"""\bnode[-_ ]?)([\w.\-]+)""", re.I)
# a counter as key=value / key: value / "key":value
_KV = re.compile(r"""["']?([A-Za-z_][\w.]*)["']?\s*[=:]\s*"?(\d+(?:\.\d+)?)""")
_USE = re.compile(r"busy|active|in_?flight|used|current|concurren|open|rss|usage|depth|queued|streams", re.I)
_CAP = re.compile(r"workers|limit|max|capacity|total|size|quota|allowed", re.I)
_FRACTION = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:[KMG]i?B)?\s*(?:/|of|out of)\s*(\d+(?:\.\d+)?)\b")
_NEAR_FULL = re.compile(r"\b(?:9[5-9]|100)(?:\.\d+)?\s*%")
_NAMED_SETTING = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]{2,}\b|\b[a-z]+[A-Z]\w*:\s*\S|\b(?:unset|default|not set)\b|"
                            r"--[a-z][\w-]+")
_STATUS = re.compile(r"\b(?:status|incident|maintenance|outage|failover|degraded|notice|partition|event)\b", re.I)
_ONSET = re.compile(r"\b(?:rose|since|began|before|yesterday|from \S+ to)\b", re.I)
_FACT_KINDS = (("change", facts._CHANGE), ("size", facts._SIZE), ("limit", facts._LIMIT),
               ("version", facts._VERSION), ("setting", SETTING_PAIR))


def _actors(text: str) -> set[str]:
    return {m.group(1).lower() for m in _ACTOR.finditer(text)}


def _at_limit(message: str) -> bool:
    """The record prints a usage equal to a limit it also prints, a fraction at >= 95 % of its whole, or >= 95 %."""
    pairs = [(k, float(v)) for k, v in _KV.findall(message)]
    uses = {v for k, v in pairs if _USE.search(k)}
    caps = {v for k, v in pairs if _CAP.search(k)}
    return bool(uses & caps) or any(b > 0 and a / b >= 0.95 for a, b in
                                    ((float(x), float(y)) for x, y in _FRACTION.findall(message))) \
        or bool(_NEAR_FULL.search(message))


def fact_features(inp: DiagnosisInput, sit: Situation) -> list[str]:
    """`fk:`/`fsrc:`/`fw:` features of the records deciding_facts finds bearing on the error (module docstring);
    settings are read as records here (its `config` reading), whatever the answer's category."""
    out: list[str] = []
    for f in facts.deciding_facts(inp, sit, "config"):
        out.append("fk:any")
        if f.source:
            out.append(f"fsrc:{f.source}")
        out.extend(f"fk:{name}" for name, rx in _FACT_KINDS if rx.search(f.text))
        out.append("fk:before" if f.offset < 0 else "fk:after")
        out.extend(f"fw:{w.lower()}" for w in _WORD.findall(f.text)[:FACT_WORDS])
    return out


def relation_features(inp: DiagnosisInput) -> list[str]:
    """`rel:` features: each record around the error by its relation to it (module docstring)."""
    before = [(r, -(len(inp.context[-facts.BEFORE:]) - i)) for i, r in enumerate(inp.context[-facts.BEFORE:])]
    after = [(r, i + 1) for i, r in enumerate(inp.after[:facts.AFTER])]
    ours = facts._error_tokens(inp, facts._said(inp))
    own_text = " ".join(inp.messages())
    mine = _actors(f"{own_text} {inp.traceback[:2000]}")
    own_request = request_id(own_text)
    out: list[str] = []
    for rec in facts._records([*before, *after]):
        m = rec.message
        theirs, their_request = _actors(rec.line), request_id(rec.line)
        kinds = [name for name, on in (
            ("system", rec.system), ("change", bool(facts._CHANGE.search(m))), ("ok", bool(_OK.search(m))),
            ("other_actor", bool(theirs and mine and not theirs & mine)
             or bool(their_request and own_request and their_request != own_request)),
            ("at_limit", _at_limit(m)),
            ("setting", bool(SETTING_PAIR.search(m) or _NAMED_SETTING.search(m))),
            ("status", bool(_STATUS.search(m))), ("onset", bool(_ONSET.search(m))),
            ("debug", (rec.level or "").upper() == "DEBUG")) if on]
        linked = bool(rec.tokens & ours)
        for k in kinds:
            out.append(f"rel:{k}")
            if linked:
                out.append(f"rel:{k}+link")
    return out


def record_kinds(inp: DiagnosisInput, sit: Situation) -> list[str]:
    """Every feature of this module for an input the rules normalised (deduplicated, in order)."""
    return list(dict.fromkeys([*fact_features(inp, sit), *relation_features(inp)]))
