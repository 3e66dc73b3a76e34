"""`sidecar eval`: score the diagnosis engines on evals/cases/*.yaml.

A case is a real gateway log excerpt with what a correct diagnosis must say: the category, the
severity (with an ordinal tolerance), keywords the diagnosis must mention, phrases it must not
assert, optionally the rule that should match, and secrets planted in the excerpt that must never
appear in what would be sent to the LLM. Every case runs through the rules engine (deterministic,
gates the exit code) and, when a Moonshot key is configured, through Kimi (reported, not gating:
live model answers vary).

The error record is the last ERROR/CRITICAL record of the excerpt (or the one starting at
`record_line`), with its traceback; the lines before it are its context.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from ..config import Config, ConfigError, read_yaml, validation_problems
from ..configfile import StrictModel
from .calibration import Outcome, calibrate, format_calibration
from .confusion import format_category_figures
from .excerpt import excerpt_to_input
from .model import Category, Diagnosis, DiagnosisInput, Severity, severity_distance
from .prompt import build_prompt
from .rules import RuleSet, default_rules_path, load_rules

DEFAULT_CASES = "evals/cases"

class SeverityExpectation(StrictModel):
    value: Severity
    tolerance: int = Field(default=0, ge=0, le=3)


class Expected(StrictModel):
    category: Category
    severity: SeverityExpectation
    must_mention: list[str] = Field(default_factory=list)
    must_not: list[str] = Field(default_factory=list)
    rule: str | None = None  # the rule the rules engine should match (rules engine only)


class EvalCase(StrictModel):
    id: str
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    log: str = Field(min_length=1)
    record_line: int | None = Field(default=None, ge=1)
    expected: Expected
    secrets_planted: list[str] = Field(default_factory=list)


def load_cases(directory: str | Path) -> list[EvalCase]:
    """Every *.yaml case in `directory`, sorted by file name; ConfigError lists every bad file."""
    d = Path(directory)
    if not d.is_dir():
        raise ConfigError(str(d), ["cases directory not found"])
    cases: list[EvalCase] = []
    problems: list[str] = []
    for path in sorted(d.glob("*.yaml")):
        try:
            cases.append(EvalCase.model_validate(read_yaml(path)))
        except ValidationError as exc:
            problems.extend(f"{path.name}: {p}" for p in validation_problems(exc))
        except ConfigError as exc:
            problems.extend(f"{path.name}: {p}" for p in exc.problems)
    if problems:
        raise ConfigError(str(d), problems)
    if not cases:
        raise ConfigError(str(d), ["no *.yaml cases found"])
    return cases


@dataclass
class Score:
    case: str
    engine: str
    checks: dict[str, bool] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    diagnosis: Diagnosis | None = None
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(self.checks.values())


def score(case: EvalCase, diagnosis: Diagnosis, inp: DiagnosisInput, sent: str, engine: str) -> Score:
    exp = case.expected
    s = Score(case=case.id, engine=engine, diagnosis=diagnosis)
    s.checks["category"] = diagnosis.category == exp.category
    if not s.checks["category"]:
        s.notes.append(f"category {diagnosis.category} != {exp.category}")
    dist = severity_distance(diagnosis.severity, exp.severity.value)
    s.checks["severity"] = dist <= exp.severity.tolerance
    if not s.checks["severity"]:
        s.notes.append(f"severity {diagnosis.severity} vs {exp.severity.value}±{exp.severity.tolerance}")
    text = " ".join([diagnosis.summary, diagnosis.root_cause, *diagnosis.suggested_fix]).lower()
    missing = [k for k in exp.must_mention if k.lower() not in text]
    s.checks["mentions"] = not missing
    if missing:
        s.notes.append(f"missing {missing}")
    asserted = [k for k in exp.must_not if k.lower() in text]
    s.checks["must_not"] = not asserted
    if asserted:
        s.notes.append(f"asserts {asserted}")
    if engine == "rules" and exp.rule is not None:
        s.checks["rule"] = diagnosis.rule == exp.rule
        if not s.checks["rule"]:
            s.notes.append(f"rule {diagnosis.rule} != {exp.rule}")
    squashed = " ".join(" ".join([*inp.lines()]).split())
    ungrounded = [e for e in diagnosis.evidence if " ".join(e.split()) not in squashed
                  and "[REDACTED:" not in e]
    s.checks["evidence"] = not ungrounded
    if ungrounded:
        s.notes.append(f"{len(ungrounded)} evidence line(s) not in the input")
    leaked = [sec for sec in case.secrets_planted if sec in sent]
    s.checks["secrets"] = not leaked
    if leaked:
        s.notes.append(f"{len(leaked)} planted secret(s) in the LLM request")
    return s


def prompt_text(inp: DiagnosisInput, hint: Diagnosis | None) -> str:
    """What would be sent to the LLM for this input (the redaction check runs on it)."""
    return json.dumps(build_prompt(inp, hint).messages, ensure_ascii=False)


def _inputs(cases: list[EvalCase], engine: str, scores: list[Score]) -> Iterator[tuple[EvalCase, DiagnosisInput]]:
    """Each case with its input; a case whose excerpt does not parse is scored as an error instead."""
    for case in cases:
        try:
            inp = excerpt_to_input(case.log, case.record_line, fingerprint=case.id, bare=True)
        except ValueError as exc:
            scores.append(Score(case=case.id, engine=engine, error=str(exc)))
            continue
        yield case, inp


def run_rules(cases: list[EvalCase], rules: RuleSet) -> list[Score]:
    scores: list[Score] = []
    for case, inp in _inputs(cases, "rules", scores):
        diagnosis = rules.diagnose(inp)
        scores.append(score(case, diagnosis, inp, prompt_text(inp, diagnosis), "rules"))
    return scores


async def run_kimi(cases: list[EvalCase], rules: RuleSet, client: Any) -> list[Score]:
    from .kimi import LLMError

    scores: list[Score] = []
    for case, inp in _inputs(cases, "kimi", scores):
        hint = rules.diagnose(inp)
        try:
            diagnosis = await client.diagnose(inp, hint)
        except LLMError as exc:
            scores.append(Score(case=case.id, engine="kimi", error=f"{type(exc).__name__}: {exc}"))
            continue
        scores.append(score(case, diagnosis, inp, prompt_text(inp, hint), "kimi"))
    return scores


CHECKS = ("category", "severity", "mentions", "must_not", "rule", "evidence", "secrets")


def format_table(scores: list[Score], cases: dict[str, EvalCase] | None = None) -> str:
    head = f"{'case':<40} {'engine':<6} " + " ".join(f"{c[:8]:<8}" for c in CHECKS) + f" {'result':<6} notes"
    out = [head, "-" * len(head)]
    for s in scores:
        if s.error is not None:
            out.append(f"{s.case:<40} {s.engine:<6} " + " ".join(f"{'-':<8}" for _ in CHECKS) + f" {'ERROR':<6} {s.error}")
            continue
        cells = " ".join(f"{('ok' if s.checks[c] else 'FAIL') if c in s.checks else '-':<8}" for c in CHECKS)
        out.append(f"{s.case:<40} {s.engine:<6} {cells} {'pass' if s.passed else 'FAIL':<6} {'; '.join(s.notes)}")
    out.append(format_summary(scores, cases))
    return "\n".join(out)


def outcomes(scores: list[Score], cases: dict[str, EvalCase]) -> list[Outcome]:
    """A case that could not be parsed counts as wrong at confidence 0."""
    return [
        Outcome(s.diagnosis.confidence if s.diagnosis else 0.0, s.passed,
                cases[s.case].expected.category == "unknown" if s.case in cases else False)
        for s in scores
    ]


def format_summary(scores: list[Score], cases: dict[str, EvalCase] | None = None) -> str:
    """Accuracy, confident-wrong count, unknowns kept low, reliability table and Brier, per engine."""
    known = cases or {}
    out = []
    for engine in dict.fromkeys(s.engine for s in scores):
        mine = [s for s in scores if s.engine == engine]
        if not known:  # without the cases, an unknown is recognised by its expected category check
            found = {s.case for s in mine if s.diagnosis is not None and s.diagnosis.category == "unknown"
                     and s.checks.get("category")}
            outs = [Outcome(s.diagnosis.confidence if s.diagnosis else 0.0, s.passed, s.case in found) for s in mine]
        else:
            outs = outcomes(mine, known)
        line = format_calibration(engine, calibrate(outs))
        if known:
            line += "\n" + format_category_figures(mine, known)
        tokens = sum((s.diagnosis.tokens.input + s.diagnosis.tokens.output) for s in mine if s.diagnosis)
        out.append(line + (f"\n  {tokens} tokens" if tokens else ""))
    return "\n".join(out)


def jsonl_line(s: Score) -> str:
    """The outside scorers' contract: one JSON object per case (see `sidecar eval --jsonl`)."""
    d = s.diagnosis
    return json.dumps({
        "id": s.case, "engine": s.engine, "passed": s.passed,
        "rule": d.rule if d else None, "category": d.category if d else None,
        "severity": d.severity if d else None, "confidence": d.confidence if d else None,
        "summary": d.summary if d else None, "root_cause": d.root_cause if d else None,
        "checks": dict(s.checks), "error": s.error,
    }, ensure_ascii=False)


def load_inputs(args: argparse.Namespace) -> tuple[Config, RuleSet, list[EvalCase]]:
    """The config, rules and cases `sidecar eval` (and `--leave-kind-out`, diagnose/crossval.py) run on."""
    from ..config import load_config

    config = load_config(getattr(args, "config", None))
    rules = load_rules(default_rules_path(config.diagnosis.rules_file))
    cases = load_cases(default_rules_path(getattr(args, "cases", None) or DEFAULT_CASES))
    return config, rules, cases


def main_eval(args: argparse.Namespace) -> int:
    """Run the cases; exit 1 when a rules-engine case fails (Kimi results are reported only)."""
    config, rules, cases = load_inputs(args)
    scores = run_rules(cases, rules)
    if config.diagnosis.kimi_enabled and config.diagnosis.resolved_api_key():
        scores += asyncio.run(_kimi_scores(config, cases, rules))
    else:
        print("(Kimi not run: no MOONSHOT_API_KEY / diagnosis.api_key configured)", file=sys.stderr)
    if getattr(args, "jsonl", False):
        for s in scores:
            print(jsonl_line(s))
    elif getattr(args, "summary_only", False):
        print(format_summary(scores, {c.id: c for c in cases}))
    else:
        print(format_table(scores, {c.id: c for c in cases}))
    return 0 if all(s.passed for s in scores if s.engine == "rules") else 1


async def _kimi_scores(config: Any, cases: list[EvalCase], rules: RuleSet) -> list[Score]:
    from ..clock import SystemClock
    from .kimi import KimiClient

    client = KimiClient(config.diagnosis, SystemClock())
    try:
        return await run_kimi(cases, rules, client)
    finally:
        await client.close()
