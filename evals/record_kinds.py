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

Each kind is read ASSERTED or DENIED by one reader (kinds_of), the negation by the same code that reads the kind: another
actor whose hold its own record (or a later one of it) released before our error; a usage printed below its limit; a
setting whose NEW value (after an arrow) the error does not name, a path value tied only by a directory above it; and
any kind on a record no token ties to the error (`~untied`). Features: `rel:<kind>+link` asserted and tied,
`rel:<kind>~untied`, `rel:<kind>~no` denied; `fk:setting~no` for a quoted setting the error does not read.

The words above are the records' own grammar for a relation (a counter printed as key=value, a success line, a
status notice, a lock's release), not the cases' words; what each kind decides is learned by a naive Bayes from every
spent set and measured leave-one-SET-out (evals/second_opinion.py; evals/RESULTS.md rounds 16-17). An EXPERIMENT, not
a runtime path: see RESULTS round 17 for the twins it switches and what the vetoes cost.
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
_PERCENT = re.compile(r"\b(\d+(?:\.\d+)?)\s*%")
FULL = 0.95  # a usage at >= 95 % of its limit is at it
# a hold ended: the holder's own words for it (flock/fcntl "unlock", a lease "released"/"relinquished", a lock "freed")
_RELEASE = re.compile(r"\b(?:releas(?:ed|ing)|unlock(?:ed|ing)?|freed|relinquish(?:ed)?|dropped (?:the )?lock)\b", re.I)
_ARROW = re.compile(r"\s*(?:->|=>|\u2192)\s*|\bto\b")
_ONSET = re.compile(r"\b(?:rose|since|began|before|yesterday|from \S+ to)\b", re.I)
_FACT_KINDS = (("change", facts._CHANGE), ("size", facts._SIZE), ("limit", facts._LIMIT),
               ("version", facts._VERSION), ("setting", SETTING_PAIR))


def _actors(text: str) -> set[str]:
    return {m.group(1).lower() for m in _ACTOR.finditer(text)}


def _at_limit(message: str) -> bool | None:
    """True: the record prints a usage equal to a limit it also prints, a fraction at >= 95 % of its whole, or >= 95 %;
    False (denied): it prints a usage and its limit, a fraction or a percentage, all below that; None: neither."""
    pairs = [(k, float(v)) for k, v in _KV.findall(message)]
    uses = {v for k, v in pairs if _USE.search(k)}
    caps = {v for k, v in pairs if _CAP.search(k)}
    parts = [(float(x), float(y)) for x, y in _FRACTION.findall(message)]
    percents = [float(x) for x in _PERCENT.findall(message)]
    if uses & caps or any(b > 0 and a / b >= FULL for a, b in parts) or any(x >= FULL * 100 for x in percents):
        return True
    if (uses and caps and max(uses) < FULL * min(caps)) or any(b > 0 for _, b in parts) or percents:
        return False
    return None


def _released(rec: facts._Record, later: list[facts._Record], actors: set[str]) -> bool:
    """A later record of the same actor (or naming the same distinctive thing) says its hold ended before our error."""
    if _RELEASE.search(rec.message):
        return True  # the actor's own record of ending its hold
    return any(r.offset < 0 and _RELEASE.search(r.message) and (_actors(r.line) & actors or r.tokens & rec.tokens)
               for r in later)


def _setting_read(m: str, ours: set[str]) -> bool:
    """The setting a record prints is one the error reads: its NEW side (after an arrow or ' to ') names a token the
    error names; a record naming only the old side, or nothing the error names, prints a setting the error does not
    read (origin.py's and onset_change.py's twins)."""
    said = facts._tokens(_ARROW.split(m)[-1])
    # a path value ties by itself, not by a directory above it (EXAI_LOG_DIR=<dir>/elsewhere and the error's
    # <dir>/log/gateway.log share <dir>: another value, uncaught_origin's twin)
    above = {seg for t in said if "/" in t for seg in t.strip("/").split("/")[:-1]}
    leaves = {t for t in said if t not in above and not any(o != t and o.startswith(t + "/") for o in said)}
    return bool(leaves & ours)


def kinds_of(rec: facts._Record, later: list[facts._Record], mine: set[str], own_request: str | None,
             ours: set[str]) -> dict[str, bool]:
    """ONE reader of each record's kinds (module docstring), each ASSERTED (True) or DENIED (False) - the negation
    read by the same code that reads the kind: another actor whose hold a later record released before our error; a
    usage printed below its limit; a setting the error does not read; a record no token ties to the error (`link`)."""
    m = rec.message
    theirs, their_request = _actors(rec.line), request_id(rec.line)
    out: dict[str, bool] = {}
    if rec.system:
        out["system"] = True
    if facts._CHANGE.search(m):
        out["change"] = True
    if _OK.search(m):
        out["ok"] = True
        if rec.offset > 0:
            out["recovered"] = True  # the same thing working again after the error: a transient failure
    if (theirs and mine and not theirs & mine) or (their_request and own_request and their_request != own_request):
        out["other_actor"] = not _released(rec, later, theirs)
    limit = _at_limit(m)
    if limit is not None:
        out["at_limit"] = limit
    if SETTING_PAIR.search(m) or _NAMED_SETTING.search(m):
        out["setting"] = _setting_read(m, ours)
    if _STATUS.search(m):
        out["status"] = True
    if _ONSET.search(m):
        out["onset"] = True
    if (rec.level or "").upper() == "DEBUG":
        out["debug"] = True
    out["link"] = bool(rec.tokens & ours)
    return out


def fact_features(inp: DiagnosisInput, sit: Situation) -> list[str]:
    """`fk:`/`fsrc:`/`fw:` features of the records deciding_facts finds bearing on the error (module docstring);
    settings are read as records here (its `config` reading), whatever the answer's category."""
    out: list[str] = []
    ours = facts._error_tokens(inp, facts._said(inp))
    for f in facts.deciding_facts(inp, sit, "config"):
        out.append("fk:any")
        if f.source:
            out.append(f"fsrc:{f.source}")
        out.extend(f"fk:{name}" if name != "setting" or _setting_read(f.text, ours) else "fk:setting~no"
                   for name, rx in _FACT_KINDS if rx.search(f.text))
        out.append("fk:before" if f.offset < 0 else "fk:after")
        out.extend(f"fw:{w.lower()}" for w in _WORD.findall(f.text)[:FACT_WORDS])
    return out


def relation_features(inp: DiagnosisInput) -> list[str]:
    """`rel:` features: each record around the error by its relation to it (module docstring), `rel:<kind>` when
    asserted, `rel:<kind>~no` when denied (kinds_of), `+link` when it also names what the error names."""
    out: list[str] = []
    for _, kinds in records_read(inp):
        linked = kinds.pop("link")
        for k, asserted in kinds.items():
            # a record no token ties to the error is the kind's denial too ("a lookalike record not tied to it")
            out.append(f"rel:{k}+link" if asserted and linked else f"rel:{k}~untied" if asserted else f"rel:{k}~no")
        if not linked and kinds:
            out.append("rel:untied")
    return out


def records_read(inp: DiagnosisInput) -> list[tuple[facts._Record, dict[str, bool]]]:
    """Each record around the error (deciding_facts' window) with its kinds, asserted or denied (kinds_of)."""
    before = [(r, -(len(inp.context[-facts.BEFORE:]) - i)) for i, r in enumerate(inp.context[-facts.BEFORE:])]
    after = [(r, i + 1) for i, r in enumerate(inp.after[:facts.AFTER])]
    ours = facts._error_tokens(inp, facts._said(inp))
    own_text = " ".join(inp.messages())
    mine = _actors(f"{own_text} {inp.traceback[:2000]}")
    own_request = request_id(own_text)
    records = facts._records([*before, *after])
    return [(rec, kinds_of(rec, records[i + 1:], mine, own_request, ours)) for i, rec in enumerate(records)]


def record_kinds(inp: DiagnosisInput, sit: Situation) -> list[str]:
    """Every feature of this module for an input the rules normalised (deduplicated, in order)."""
    return list(dict.fromkeys([*fact_features(inp, sit), *relation_features(inp)]))
