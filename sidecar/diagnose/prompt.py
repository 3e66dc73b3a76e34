"""The diagnosis prompt (versioned text files in prompts/) and the parsing of the model's answer.

Everything that goes into the prompt is redacted first, and the redacted INPUT text is kept: the
answer's evidence lines are checked against it, and lines the model made up are dropped.
The prompt version is part of the diagnosis cache key, so editing the prompt means a new version
file, never an in-place change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template
from typing import Any

from pydantic import ValidationError

from ..exceptions import SidecarError
from ..redaction import redact, redact_obj
from .model import CATEGORIES, HINT_VERDICTS, SEVERITIES, Diagnosis, DiagnosisInput, Tokens, one_line

PROMPT_VERSION = "diagnose-v4"  # v2: the surroundings section; v3: hint_verdict (same cause as the rule?);
# v4: the category doctrine (doctrine.py) and "name the exact thing" in the system prompt
MAX_MESSAGE_CHARS = 4000
MAX_TRACEBACK_HEAD = 3000
MAX_TRACEBACK_TAIL = 6000
MAX_CONTEXT_LINE = 500
MAX_CONTEXT_CHARS = 8000  # the nearest lines win: context_lines may be up to 500
MAX_FIELD = 300  # logger, exception type, file: one line each
MAX_JSON_CHARS = 3000
MAX_EVIDENCE = 8
# What the parts above add up to (3 JSON blocks, the clipped message/traceback/context, the
# one-line fields, the rule hint and the template): the user message never exceeds it, whatever
# the group holds (tests/diagnose/test_prompt_bound.py).
MAX_USER_CHARS = 40_000


@cache
def _template(version: str, part: str) -> str:
    return resources.files("sidecar.diagnose").joinpath("prompts", f"{version}.{part}.txt").read_text("utf-8")


def _clip_middle(text: str, head: int, tail: int) -> str:
    """Keep the start (where it began) and the end (the final exception) of a long traceback."""
    if len(text) <= head + tail:
        return text
    return text[:head] + f"\n[... {len(text) - head - tail} characters cut ...]\n" + text[-tail:]


def _json_block(value: Any) -> str:
    if value is None or value == {} or value == []:
        return "(not available)"
    text = json.dumps(redact_obj(value), default=str, indent=1, sort_keys=True)
    return text if len(text) <= MAX_JSON_CHARS else text[:MAX_JSON_CHARS] + "\n[... cut ...]"


def _hint(hint: Diagnosis | None) -> str:
    if hint is None or hint.rule in (None, "catch-all"):
        return "No built-in rule matched this error."
    return (
        f"rule {hint.rule}: {hint.summary} (category {hint.category}, severity {hint.severity}, "
        f"confidence {hint.confidence:.2f})\nrule's suggested fix: " + " | ".join(hint.suggested_fix)
    )


@dataclass(slots=True)
class Prompt:
    version: str
    messages: list[dict[str, str]]
    input_text: str  # the redacted INPUT sections, for the evidence check


def build_prompt(
    inp: DiagnosisInput,
    hint: Diagnosis | None = None,
    *,
    context_lines: int = 20,
    rollout: Any = None,
    metrics: Any = None,
    version: str = PROMPT_VERSION,
) -> Prompt:
    """Messages for one diagnosis: redacted, clipped, with the rules engine's hint."""
    message = redact(inp.message[:MAX_MESSAGE_CHARS])
    traceback = redact(_clip_middle(inp.traceback, MAX_TRACEBACK_HEAD, MAX_TRACEBACK_TAIL)) or "(none)"
    context_src = list(inp.context)[-context_lines:] if context_lines > 0 else []
    # Redacted as one text, then cut: a name and its value may sit on two lines (YAML `password: |`).
    # Only the nearest lines that can fit are redacted (a mark may be longer than what it hides: 2x).
    nearest: list[str] = []
    budget = 2 * MAX_CONTEXT_CHARS
    for ln in reversed(context_src):
        if budget <= 0:
            break
        nearest.append(ln[:MAX_CONTEXT_LINE])
        budget -= len(nearest[-1]) + 1
    joined = redact("\n".join(reversed(nearest)))
    kept: list[str] = []
    used = 0
    for line in reversed(joined.split("\n") if nearest else []):  # nearest lines first, until full
        used += len(line) + 1
        if used > MAX_CONTEXT_CHARS:
            break
        kept.append(line)
    context = "\n".join(reversed(kept)) or "(none)"
    fields = {
        "fingerprint": inp.fingerprint,
        "level": one_line(inp.level, 20),
        "logger": one_line(redact(inp.logger or "(none)"), MAX_FIELD),
        "exception_type": one_line(redact(inp.exception_type or "(none)"), MAX_FIELD),
        "count": str(inp.count),
        "first_seen": inp.first_seen.isoformat() if inp.first_seen else "?",
        "last_seen": inp.last_seen.isoformat() if inp.last_seen else "?",
        "regressions": str(inp.regressions),
        "file": one_line(redact(f"{inp.file}:{inp.line}" if inp.file else "(unknown)"), MAX_FIELD),
        "hint": redact(_hint(hint))[:MAX_JSON_CHARS],
        "rollout": _json_block(rollout),
        "metrics": _json_block(metrics),
        "surroundings": _json_block(inp.surroundings),
        # the record usually starts with the message: do not pay for it twice
        "message": "(the first line of the record below)" if message and message in traceback else message,
        "traceback": traceback,
        "context": context,
    }
    user = Template(_template(version, "user")).safe_substitute(fields)
    messages = [
        {"role": "system", "content": _template(version, "system")},
        {"role": "user", "content": user},
    ]
    # Evidence may quote any log line the model was shown: the record, its context, and the
    # group's other samples and same-request lines from the surroundings (as clipped there).
    shown = [redact(str(ln)) for key in ("other_samples", "same_request_lines")
             for ln in (inp.surroundings.get(key) or [])]
    return Prompt(version=version, messages=messages, input_text="\n".join((message, traceback, context, *shown)))


def repair_message(problem: str, version: str = PROMPT_VERSION) -> dict[str, str]:
    return {"role": "user", "content": Template(_template(version, "repair")).safe_substitute(problem=problem)}


class InvalidAnswer(SidecarError, ValueError):
    """The model's answer is not a usable diagnosis; `problem` says why (sent back in the repair turn)."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def _unfenced(text: str) -> str:
    """`text` without a markdown code fence around it (```json ... ```). Plain string operations: the regex it
    replaces (`\\s*```\\s*$` tried at every whitespace run) was quadratic on an answer with long blank runs."""
    text = text.strip()
    if text.startswith("```"):
        text = text[3:]
        text = text[4:] if text[:4].lower() == "json" else text
    if text.endswith("```"):
        text = text[:-3]
    return text.strip()


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Forgive harmless shape slips (a string fix, 0-100 confidence, capitalised enums); nothing more."""
    out: dict[str, Any] = {k: data.get(k) for k in ("summary", "root_cause", "suggested_fix", "severity", "confidence",
                                      "category", "evidence") if k in data}
    # An auxiliary field: a missing or unrecognised verdict is "not said", never worth a repair call.
    verdict = data.get("hint_verdict")
    if isinstance(verdict, str) and verdict.strip().lower() in HINT_VERDICTS:
        out["hint_verdict"] = verdict.strip().lower()
    if isinstance(out.get("suggested_fix"), str):
        out["suggested_fix"] = [out["suggested_fix"]]
    if isinstance(out.get("evidence"), str):
        out["evidence"] = [out["evidence"]]
    for key, allowed in (("severity", SEVERITIES), ("category", CATEGORIES)):
        v = out.get(key)
        if isinstance(v, str) and v.strip().lower() in allowed:
            out[key] = v.strip().lower()
    conf = out.get("confidence")
    if isinstance(conf, int | float) and not isinstance(conf, bool) and 1 < conf <= 100:
        out["confidence"] = conf / 100.0
    return out


def _squash(text: str) -> str:
    return " ".join(text.split())


def grounded_evidence(evidence: list[Any], input_text: str) -> list[str]:
    """Keep only evidence lines that occur in the input (whitespace-insensitive); drop the rest."""
    haystack = _squash(input_text)
    kept: list[str] = []
    for line in evidence:
        if not isinstance(line, str):
            continue
        needle = _squash(line)
        if len(needle) >= 8 and needle in haystack and line.strip() not in kept:
            kept.append(line.strip())
        if len(kept) >= MAX_EVIDENCE:
            break
    return kept


def parse_answer(
    content: str | None,
    prompt: Prompt,
    *,
    model: str,
    duration_ms: int = 0,
    tokens: Tokens | None = None,
    hint_rule: str | None = None,
) -> Diagnosis:
    """Validate the model's text into a Diagnosis or raise InvalidAnswer naming the problem."""
    if not content or not content.strip():
        raise InvalidAnswer("the answer was empty")
    text = _unfenced(content)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidAnswer(f"not valid JSON ({exc.msg} at position {exc.pos})") from None
    if not isinstance(data, dict):
        raise InvalidAnswer("the JSON must be an object, not " + type(data).__name__)
    fields = _normalise(data)
    evidence = fields.get("evidence")
    claimed = [e for e in evidence if isinstance(e, str) and e.strip()] if isinstance(evidence, list) else []
    fields["evidence"] = grounded_evidence(claimed, prompt.input_text)
    fields["evidence_claimed"] = len(claimed)
    try:
        diagnosis = Diagnosis(
            **fields, source="kimi", model=model, rule=hint_rule, prompt_version=prompt.version,
            duration_ms=duration_ms, tokens=tokens or Tokens(),
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors()[:6]
        )
        raise InvalidAnswer(problems) from None
    except TypeError as exc:
        raise InvalidAnswer(str(exc)) from None
    if not diagnosis.suggested_fix:
        raise InvalidAnswer("suggested_fix: must list at least one step")
    diagnosis.summary = one_line(diagnosis.summary)
    return diagnosis
