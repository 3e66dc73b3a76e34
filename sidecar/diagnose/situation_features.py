"""The situation of an error record as discrete features: what the category doctrine decides by, as tokens.

The category model (category_model.py) and its leave-one-set-out measurement (evals/category_model.py) read a record
only through these. They are the facts the doctrine names (evals/TAXONOMY.md "What decides a diagnosis"), computed by
the code that already reads them - never a phrase per example:
- the exception class, its package and its ancestors (class_bases.ancestors: the library's own hierarchy, so a class
  nobody listed still shares features with its base);
- the packages and the remote the record involves and the error codes by namespace (situation.py), with the code's
  class (a SQLSTATE's first two characters, an HTTP status's hundred);
- which logger raised (its first two dotted parts and its last) and at what level; the first record after it
  (its logger's last part and level: a retry that succeeded, a pool that reconnected);
- whether the lines around it name our configuration, a deploy/migration, or a start-up (the doctrine's config/code
  evidence), by the records' own words;
- the words of the error line (lower-cased letters only, so values, ids and numbers never become features).
"""

from __future__ import annotations

import re

from .class_bases import ancestors
from .model import DiagnosisInput
from .named_exception import named_in_message
from .situation import Situation, situation
from .wrappers import unwrap

_WORD = re.compile(r"[A-Za-z][a-z]{2,20}")
_HEAD = re.compile(r"^\S+ \S+ (?P<level>[A-Z]+) (?P<logger>[\w.\-]+):")
# the doctrine's evidence words in the records around the error (config/deploy/start-up); a word, not a phrase
_AROUND = (
    ("setting", re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]{2,}=|\b(?:config|settings?|env(?:ironment)?)\b", re.I)),
    ("deploy", re.compile(r"\b(?:deploy(?:ed|ment)?|rollout|release|migrat(?:ion|ed|e)|upgrade[ds]?)\b", re.I)),
    ("startup", re.compile(r"\b(?:start(?:ing|ed)? ?up|boot(?:ing|ed)?|listening on|started server)\b", re.I)),
    ("metric", re.compile(r"\b(?:rss|memory|cpu|latency|p9\d|semaphore|pool|in_?flight|queue)\w*\s*[=:]", re.I)),
)
_STOP = frozenset({"the", "and", "for", "with", "from", "that", "this", "was", "not", "are", "has", "have", "had",
                   "but", "into", "you", "your", "its", "after", "while", "when", "than", "then", "there"})
WORDS_MAX = 40


def _logger_parts(logger: str | None) -> list[str]:
    if not logger:
        return ["lg:none"]
    parts = logger.split(".")
    return [f"lg:{'.'.join(parts[:2])}", f"lglast:{parts[-1]}"]


def features(inp: DiagnosisInput) -> list[str]:
    """The record's situation as a de-duplicated list of `kind:value` tokens (module docstring)."""
    inp = unwrap(named_in_message(inp.well_formed()))
    return features_of(inp, situation(inp))


def features_of(inp: DiagnosisInput, sit: Situation) -> list[str]:
    """`features` of an input the rules already normalised, with the situation they already read (a situation scan
    costs ~10 ms: the rules' answer passes its own, not a second one)."""
    out: list[str] = [f"level:{inp.level.upper()}", f"remote:{sit.remote or 'none'}", *_logger_parts(inp.logger)]
    et = (inp.exception_type or "").strip()
    if et:
        out.append(f"cls:{et.rsplit('.', 1)[-1]}")
        out.append(f"pkg:{et.split('.')[0] if '.' in et else 'builtins'}")
        out.extend(f"anc:{a.rsplit('.', 1)[-1]}" for a in ancestors(et)[1:6])
    else:
        out.append("cls:none")
    out.extend(f"comp:{c}" for c in sorted(sit.components))
    for ns, codes in sorted(sit.codes.items()):
        out.append(f"ns:{ns}")
        for code in codes[:2]:
            out.append(f"code:{ns}:{code}")
            out.append(f"codecls:{ns}:{code[0] + 'xx' if code.isdigit() and len(code) == 3 else code[:2]}")
    after = next((m for line in inp.after if (m := _HEAD.match(line))), None)
    if after is not None:
        out.append(f"after:{after['level']}")
        out.append(f"afterlg:{after['logger'].rsplit('.', 1)[-1]}")
    around = "\n".join([*inp.context, *inp.after])
    out.extend(f"around:{name}" for name, rx in _AROUND if rx.search(around))
    line = (inp.exception_message or inp.message or "")[:400]
    words = [w.lower() for w in _WORD.findall(line)]
    out.extend(f"w:{w}" for w in words[:WORDS_MAX] if w not in _STOP)
    return list(dict.fromkeys(out))
