"""The rules engine: known failure modes -> diagnoses, offline, in microseconds.

`rules/diagnoses.yaml` lists rules in priority order; the first rule whose every matcher matches
wins. Matchers are regular expressions (case-insensitive unless `case_sensitive: true`):

- `exception_type`: searched in the final exception type and every type of its chain
- `message`: searched in the log message and the exception message
- `logger`: searched in the logger name
- `traceback`: searched in the raw record (header line plus traceback)
- `text`: searched in all of the above plus the context lines
- `level`: a list of levels (exact, upper case)
- `remote`: the remote the record concerns (kimi, glm, supabase, redis, none), from `situation.py`
- `component`: a python package that raised or is in the traceback (postgrest, psycopg_pool, httpx...)
- `code`: namespace -> regex on the codes found in the record (sqlstate, pgrst, glm, moonshot, http,
  ws_close); a 4-digit `code` is a Z.ai business code only where the record concerns GLM
- `unless`: negative conditions (remote, component, code, text, message, exception_type, refusal: the kinds of
  refusal_owner.py whose reason the record gives - key, region, route): the
  near-miss situations that share the words but have another cause

Confidence is computed per match from the kinds of evidence it used (`specificity`) minus what it
leaves unexplained (`incompleteness`), capped by the rule's `confidence`: words alone stay below 0.6.

The diagnosis texts are templates: `{exception_type}`, `{exception_message}`, `{logger}`, `{level}`,
`{count}`, `{message}`, `{remote}`, `{code}` / `{code_<namespace>}` and every named group of a matching
regex (`(?P<column>...)`) are filled in; a literal brace is `{{`. A field no regex captured is dropped
with its preposition ("on {table}" -> ""), never shown as `?`.
With nothing matching, a catch-all by level answers (category `unknown`, low confidence), so every
group always gets a diagnosis.

The file is validated at start (`load_rules`): an unknown key, a bad regex, a template naming a
field no regex provides, or a duplicate id fails with its field path, never later at run time.
"""

from __future__ import annotations

import re
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..config import ConfigError, read_config_yaml, validation_problems
from ..redaction import redact
from .base_family import base_verdict
from .category_model import guessed
from .classes import code_meaning, warm
from .deciding_facts import with_facts
from .documented_meanings import documented_answer
from .honest_unknown import rated_catch_all
from .missing_record import with_missing
from .model import Diagnosis, DiagnosisInput, one_line
from .named_exception import named_in_message
from .quote_words import in_our_words
from .refusal_owner import refusal_reason
from .render import (
    EVIDENCE_CHARS,
    MAX_EVIDENCE,
    MAX_SEARCH_CHARS,
    REMOTE_NAMES,
    Fields,
    catch_all,
    concerns,
    fill,
    from_verdict,
    logged,
    named,
)
from .rulefile import BUILTIN_FIELDS, CODE_NAMESPACES, Match, Rule, RuleDiagnosis, RulesFile, Unless
from .second_looks import second_looks
from .setting_named import setting_named
from .several_causes import several_causes
from .single_occurrence import once_unknown
from .situation import Situation, situation
from .taxonomy import classify
from .wrappers import unwrap

__all__ = ["BUILTIN_FIELDS", "CODE_NAMESPACES", "Match", "Rule", "RuleDiagnosis", "RuleSet", "RulesFile", "Unless",
           "catch_all", "default_rules_path", "load_rules", "parse_rules", "specificity"]

DEFAULT_RULES_FILE = "rules/diagnoses.yaml"


class _Compiled:
    """A rule with its regexes compiled once."""

    __slots__ = ("rule", "res", "levels", "codes", "unless_codes", "unless_res")

    def __init__(self, rule: Rule) -> None:
        flags = 0 if rule.match.case_sensitive else re.IGNORECASE
        self.rule = rule
        self.res = [(k, re.compile(v, flags)) for k, v in rule.match.patterns()]
        self.levels = frozenset(rule.match.level) if rule.match.level else None
        self.codes = [(ns, re.compile(v, re.IGNORECASE)) for ns, v in (rule.match.code or {}).items()]
        u = rule.match.unless
        self.unless_codes = [(ns, re.compile(v, re.IGNORECASE)) for ns, v in ((u.code or {}) if u else {}).items()]
        self.unless_res = [(k, re.compile(v, flags)) for k in ("text", "message", "exception_type")
                           if u is not None and (v := getattr(u, k))]

    def situation_ok(self, sit: Situation) -> bool:
        m = self.rule.match
        if m.remote is not None and (sit.remote or "none") not in m.remote:
            return False
        if m.component is not None and not sit.components.intersection(m.component):
            return False
        return True

    def code_groups(self, sit: Situation) -> dict[str, str] | None:
        """The matched codes (namespace -> code), or None when a required code namespace has no match."""
        found: dict[str, str] = {}
        for ns, rx in self.codes:
            hit = next((c for c in sit.code(ns) if rx.fullmatch(c) or rx.match(c)), None)
            if hit is None:
                return None
            found[ns] = hit
        return found

    def excluded(self, sit: Situation, targets: dict[str, list[str]]) -> bool:
        u = self.rule.match.unless
        if u is None:
            return False
        if u.remote is not None and (sit.remote or "none") in u.remote:
            return True
        if u.component is not None and sit.components.intersection(u.component):
            return True
        if any(any(rx.match(c) for c in sit.code(ns)) for ns, rx in self.unless_codes):
            return True
        if u.refusal is not None and _refused_as(sit, targets["message"], u.refusal):
            return True
        return any(_search(rx, targets[k]) is not None for k, rx in self.unless_res)


def _refused_as(sit: Situation, messages: list[str], kinds: Collection[str]) -> bool:
    """Whether an HTTP status of the record has a reason naming its owner as one of `kinds` (refusal_owner.py)."""
    said = "\n".join(messages)
    return any((r := refusal_reason(int(c), said)) is not None and r.kind in kinds
               for c in sit.code("http") if c.isdigit())


_Found = tuple[Rule, dict[str, str], list[str], float, frozenset[str]]
DECISIVE = frozenset({"code", "code_class", "phrase"})  # evidence kinds that outrank a class-level verdict
DISAGREEMENT_CAP = 0.5


# How much each kind of evidence says (see `specificity`). No single kind reaches 0.6 ("confident"):
# words recur in other situations (near-misses), and a code alone was right only ~70% of the time on
# kinds the rules had not seen (held-out sets, evals/RESULTS.md); a confident answer needs two
# independent signals - a code (an exact one weighs more than a class of codes like '08...') and
# the component/remote that raised it, or a code and the words around it.
BASE_CONFIDENCE = 0.3
EVIDENCE_WEIGHTS = {"code": 0.25, "code_class": 0.2, "situation": 0.2, "words": 0.05, "phrase": 0.2, "logger": 0.05}
_EXACT_CODES = re.compile(r"[A-Za-z0-9_]+(?:\|[A-Za-z0-9_]+)*")
PHRASE_CHARS = 24  # a regex match this long is a distinctive phrase (a whole gateway message), not a word
# a match that is one identifier or dotted path ('postgrest.exceptions.APIError', 'exceeded_current_quota_error')
# names a class or a type: the class layer and the code tables read those; it is no phrase of the situation
_IDENTIFIER = re.compile(r"[\w.]+")


def specificity(kinds: set[str]) -> float:
    """Confidence earned by the kinds of evidence a match used (before the rule's own ceiling)."""
    return min(1.0, BASE_CONFIDENCE + sum(EVIDENCE_WEIGHTS[k] for k in kinds))


INCOMPLETE_PENALTY = 0.1


def incompleteness(sit: Situation, explained: set[str]) -> float:
    """What the match leaves unexplained lowers confidence: codes of another namespace in the record
    (an HTTP status is context, not a cause) and a record that concerns more than one remote."""
    # an HTTP status and the gateway's own code wrap the cause (context), they do not compete with it
    unexplained = [ns for ns in sit.codes if ns not in explained and ns not in ("http", "gateway")]
    ambiguous = len(sit.remotes) > 1
    return INCOMPLETE_PENALTY * (min(2, len(unexplained)) + int(ambiguous))


class RuleSet:
    """Compiled rules; `diagnose(input)` returns the first matching rule's diagnosis (or the catch-all)."""

    def __init__(self, rules: list[Rule], source: str = "<memory>") -> None:
        self.rules = rules
        self.source = source
        self._compiled = [_Compiled(r) for r in rules]

    def __len__(self) -> int:
        return len(self._compiled)

    def match(self, inp: DiagnosisInput) -> tuple[Rule, dict[str, str], list[str]] | None:
        """The first matching rule, the named groups its regexes captured, and the evidence lines."""
        found = self._match(inp, situation(inp))
        return None if found is None else found[:3]

    def _match(self, inp: DiagnosisInput, sit: Situation) -> _Found | None:
        targets = _targets(inp)
        for c in self._compiled:
            if c.levels is not None and inp.level.upper() not in c.levels:
                continue
            if not c.situation_ok(sit):
                continue
            codes = c.code_groups(sit)
            if codes is None:
                continue
            groups: dict[str, str] = {}
            ok = True
            longest = 0
            matched: list[str] = []
            for key, rx in c.res:
                m = _search(rx, targets[key])
                if m is None:
                    ok = False
                    break
                if rx.groupindex and not any(m.groupdict().values()):
                    m = _search_filled(rx, targets[key]) or m
                if key != "logger":
                    if not _IDENTIFIER.fullmatch(m.group(0)):  # a class path or type name is the class, not a phrase
                        longest = max(longest, m.end() - m.start())
                    matched.append(m.group(0))
                groups.update({k: v for k, v in m.groupdict().items() if v is not None})
            if not ok or c.excluded(sit, targets):
                continue
            kinds: set[str] = set()
            spec = c.rule.match
            if codes:
                exact = all(_EXACT_CODES.fullmatch(p) for p in (spec.code or {}).values())
                kinds.add("code" if exact else "code_class")
                groups.update({f"code_{ns}": v for ns, v in codes.items()})
                groups.setdefault("code", next(iter(codes.values())))
                first_ns, first_code = next(iter(codes.items()))
                meaning = code_meaning(first_ns, first_code)
                if meaning:
                    groups.setdefault("code_meaning", meaning)
            if spec.remote is not None or spec.component is not None:
                kinds.add("situation")
            if any(k != "logger" for k, _ in c.res):
                kinds.add("phrase" if longest >= PHRASE_CHARS else "words")
            if spec.logger:
                kinds.add("logger")
            evidence = _evidence(c, inp, sit)
            # a code is explained when the rule matched it by namespace, or it is on a line the rule matched
            explained = set(codes) | {ns for ns, found in sit.codes.items()
                                      if any(code in text for code in found for text in [*matched, *evidence])}
            confidence = min(c.rule.diagnosis.confidence, specificity(kinds)) - incompleteness(sit, explained)
            return c.rule, groups, evidence, round(max(0.05, confidence), 2), frozenset(kinds)
        return None

    def diagnose(self, inp: DiagnosisInput) -> Diagnosis:
        """The rules' answer for `inp`: the first matching rule, the class layer, the second looks, or the catch-all
        (re-rated by what the record names: honest_unknown.py)."""
        return self._diagnose(inp, outermost=True)

    def _diagnose(self, inp: DiagnosisInput, outermost: bool = False) -> Diagnosis:
        start = time.perf_counter()
        # valid Unicode first (model.py), then an exception group / tenacity RetryError answers for its cause
        # and an exception named only in the message (named_exception.py) is the record's exception
        inp = unwrap(named_in_message(inp.well_formed()))
        sit = situation(inp)
        found = self._match(inp, sit)
        verdict = classify(inp, sit)
        if found is not None and verdict is not None and verdict.fallback_only:
            verdict = None
        if found is not None and verdict is not None and verdict.from_code and not found[0].match.patterns() \
                and verdict.evidence_class in found[1].values():
            # a rule on the bare code (no words of its own) against the code table's entry for the same code,
            # which also read the code's documented message: the table's entry is the more specific answer
            found = None
        if found is not None and verdict is not None and verdict.category != found[0].diagnosis.category:
            if found[4] & DECISIVE:
                # a code or a whole gateway message against the class-level family: keep the rule's
                # answer, but two readings of one record disagree, so it is not a confident one
                found = (*found[:3], min(found[3], DISAGREEMENT_CAP), found[4])
            else:
                found = None  # words (or a remote) alone lose against the raised class and its component
        elif found is not None and verdict is not None and verdict.from_code and not found[4] & DECISIVE \
                and not any(verdict.evidence_class in v for _, v in found[0].match.patterns()):
            # a documented code in its namespace outranks a rule that matched words only, unless the rule
            # was written for that very code (its pattern names it: its text is the specific one)
            found = None
        elif found is not None and verdict is not None and verdict.confidence >= found[3] \
                and {k for k, _ in found[0].match.patterns()} == {"exception_type"} and not found[4] & DECISIVE:
            # a rule on the class name alone, and the class layer as sure with the same category: the class
            # layer's text is the precise one (it also read the errno, the frames and the library's message)
            found = None
        if found is None and verdict is None:
            verdict = base_verdict(inp)  # no family: the class's ancestors and the raising package (base_family.py)
            # then a documented meaning of the raised class or of a quoted reply code (documented_meanings.py)
            verdict = verdict or documented_answer(inp)
        if found is None:
            diagnosis = catch_all(inp, sit) if verdict is None else from_verdict(verdict, inp, sit)
        else:
            rule, groups, evidence, confidence, _ = found
            fields = Fields(
                exception_type=inp.exception_type or "error", logger=inp.logger or "the logger",
                # the record's words, a code in the library's format words said by its namespace (quote_words.py)
                level=inp.level, count=inp.count, message=redact(one_line(in_our_words(inp.message, sit), 160)),
                exception_message=redact(one_line(in_our_words(inp.exception_message or inp.message, sit), 160)),
                remote=REMOTE_NAMES.get(sit.remote or "", "the remote service"),
            )
            fields.update({k: redact(v) for k, v in groups.items()})
            d = rule.diagnosis
            # the exception's own message names what failed (the type json could not serialise, the JSON error's
            # reason); a template that quotes only the log message still quotes it after its cause
            quoted = any("{exception_message}" in t for t in (d.summary, d.root_cause)) or (
                any("{message}" in t for t in (d.summary, d.root_cause))
                and not (inp.exception_message or "").strip())
            summary = fill(d.summary, fields)
            cause = fill(d.root_cause, fields) + ("" if quoted else logged(inp, sit))
            diagnosis = Diagnosis(
                summary=summary,
                root_cause=cause + named(inp, summary + cause) + concerns(sit, d),
                suggested_fix=[fill(s, fields) for s in d.suggested_fix],
                severity=d.severity,
                category=d.category,
                confidence=confidence,
                evidence=evidence,
                source="rules",
                model="rules",
                rule=rule.id,
            )
        diagnosis = second_looks(diagnosis, inp, sit, self._diagnose)  # the records around it (second_looks.py)
        if outermost:  # a second look compares a recursive answer with the catch-all's constant (honest_unknown.py)
            # then, on a record that names a deciding fact, the situation model's low guess (category_model.py)
            # a single failure whose record says nothing is said so before any guess (single_occurrence.py)
            diagnosis = guessed(rated_catch_all(once_unknown(diagnosis, inp, sit), sit), inp, sit)
            diagnosis = several_causes(diagnosis, inp, sit)  # one failure of several documented causes, undecided
            diagnosis = with_missing(diagnosis, inp)  # an honest unknown names what it lacks (missing_record.py)
            diagnosis = with_facts(diagnosis, inp, sit)  # the records around it that bear on it, quoted (deciding_facts.py)
            diagnosis = setting_named(diagnosis, inp)  # a config answer names its deciding record's setting (setting_named.py)
        # Evidence and the values filled into templates quote the log: they are redacted, so a
        # diagnosis can be shown or forwarded (dashboard, chat alerts) without carrying a secret.
        diagnosis.evidence = list(dict.fromkeys(redact(e[:EVIDENCE_CHARS]) for e in diagnosis.evidence))
        diagnosis.duration_ms = int((time.perf_counter() - start) * 1000)
        return diagnosis


def _tail(text: str) -> str:
    return text if len(text) <= MAX_SEARCH_CHARS else text[-MAX_SEARCH_CHARS:]


def _targets(inp: DiagnosisInput) -> dict[str, list[str]]:
    messages = [m[:MAX_SEARCH_CHARS] for m in inp.messages()]
    types = inp.exception_types()
    return {
        "exception_type": types,
        "message": messages,
        "logger": [inp.logger] if inp.logger else [],
        "traceback": [_tail(inp.traceback)] if inp.traceback else messages,  # the raw record holds the message
        # one string, so a `text` regex can relate lines (a kimi model in the payload, z.ai in the request)
        "text": [_tail("\n".join([*inp.context, *messages, *types, inp.traceback]))],
    }


def _search(rx: re.Pattern[str], texts: list[str]) -> re.Match[str] | None:
    for text in texts:
        if text:
            m = rx.search(text)
            if m is not None:
                return m
    return None


def _search_filled(rx: re.Pattern[str], texts: list[str]) -> re.Match[str] | None:
    """A later match that fills the regex's named groups (`'(?P<column>...)' column|PGRST204` finds
    the code first when the code comes first in the record; the column is further on)."""
    for text in texts:
        if text:
            for i, m in enumerate(rx.finditer(text)):
                if any(m.groupdict().values()):
                    return m
                if i >= 50:
                    break
    return None


def _evidence(c: _Compiled, inp: DiagnosisInput, sit: Situation) -> list[str]:
    """Distinct verbatim input lines that a content regex or a matched code of the rule is on (at most MAX_EVIDENCE)."""
    content = [rx for k, rx in c.res if k in ("message", "traceback", "text", "exception_type")]
    codes = [code for ns, _ in c.codes for code in sit.code(ns)]
    out: list[str] = []
    for full in inp.lines():
        line = full[:MAX_SEARCH_CHARS]
        if any(rx.search(line) for rx in content) or any(code in line for code in codes):
            stripped = line.strip()[:EVIDENCE_CHARS]
            if stripped not in out:
                out.append(stripped)
            if len(out) >= MAX_EVIDENCE:
                break
    if not out and inp.message.strip():
        out.append(inp.message.strip()[:EVIDENCE_CHARS].splitlines()[0])
    return out


def parse_rules(data: Any, source: str = "<memory>") -> RuleSet:
    """Validate parsed YAML into a RuleSet; raise ConfigError with `field.path: reason` lines."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(source, ["(root): must be a mapping with a `rules` list"])
    try:
        parsed = RulesFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(source, validation_problems(exc)) from None
    seen: dict[str, int] = {}
    problems = []
    for i, rule in enumerate(parsed.rules):
        if rule.id in seen:
            problems.append(f"rules[{i}].id: duplicate rule id {rule.id!r} (first at rules[{seen[rule.id]}])")
        seen.setdefault(rule.id, i)
    if problems:
        raise ConfigError(source, problems)
    return RuleSet(parsed.rules, source)


def load_rules(path: str | Path) -> RuleSet:
    """Load and validate a rules file (`sidecar check` and start-up call this)."""
    rules = parse_rules(read_config_yaml(path), str(path))
    warm()  # the class layer's libraries are imported at start-up, not inside the first diagnosis
    return rules


def default_rules_path(configured: str = DEFAULT_RULES_FILE) -> Path:
    """The configured path, or the repository's copy next to the package (an editable install run elsewhere).

    Used for any shipped file given by a relative path: the rules file, and `evals/cases`.
    """
    p = Path(configured)
    if p.exists() or p.is_absolute():
        return p
    repo_copy = Path(__file__).resolve().parents[2] / configured
    return repo_copy if repo_copy.exists() else p
