"""The diagnosis data types: what a diagnosis says (`Diagnosis`) and what it was made from (`DiagnosisInput`).

A `Diagnosis` is the same shape whether the rules engine or Kimi made it, so the store, the API,
the dashboard and the alerts never care which one did; `source` says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator

from ..configfile import StrictModel
from ..ingest.record import ErrorEvent

Severity = Literal["low", "medium", "high", "critical"]
Category = Literal["provider", "network", "storage", "concurrency", "config", "code", "capacity", "unknown"]
Source = Literal["rules", "kimi"]

HintVerdict = Literal["agree", "disagree", "no_hint"]
HINT_VERDICTS: tuple[str, ...] = ("agree", "disagree", "no_hint")
SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")
CATEGORIES: tuple[str, ...] = ("provider", "network", "storage", "concurrency", "config", "code", "capacity", "unknown")
SUMMARY_MAX = 240


def one_line(text: str, limit: int = SUMMARY_MAX) -> str:
    """Collapse whitespace (newlines included) and cut at `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def severity_distance(a: str, b: str) -> int:
    """Ordinal steps between two severities (low < medium < high < critical)."""
    return abs(SEVERITIES.index(a) - SEVERITIES.index(b))


class Tokens(StrictModel):
    input: int = Field(default=0, ge=0)
    output: int = Field(default=0, ge=0)


class Diagnosis(StrictModel):
    """One diagnosis of one error group."""

    summary: str = Field(min_length=1)
    root_cause: str = Field(min_length=1)
    suggested_fix: list[str] = Field(default_factory=list)
    severity: Severity
    confidence: float = Field(ge=0, le=1)
    category: Category
    evidence: list[str] = Field(default_factory=list)
    source: Source
    model: str | None = None  # "rules" for the rules engine, else the LLM model id
    rule: str | None = None  # the rule id that matched (rules source), or the rule hint given to the LLM
    prompt_version: str | None = None
    duration_ms: int = Field(default=0, ge=0)
    tokens: Tokens = Field(default_factory=Tokens)
    evidence_claimed: int | None = Field(default=None, ge=0)  # LLM: evidence lines it quoted, before grounding
    disagreement: str | None = None  # the other engine's differing answer, in one line (primary.py)
    hint_verdict: HintVerdict | None = None  # LLM: is its cause the rule hint's cause? (prompt v3; None: not said)

    @field_validator("summary")
    @classmethod
    def _one_line(cls, v: str) -> str:
        return one_line(v)

    @field_validator("suggested_fix")
    @classmethod
    def _steps(cls, v: list[str]) -> list[str]:
        return [s.strip() for s in v if s and s.strip()]

    def reanswered(self, *, rule: str, category: str, confidence: float, summary: str, root_cause: str,
                   suggested_fix: list[str] | None = None, severity: str | None = None,
                   evidence: list[str] | None = None) -> Diagnosis:
        """A second look's own answer in place of this one (round 15's leftover: 53 second looks copied the answer by
        hand): rule, category, confidence, summary and root_cause are always replaced; suggested_fix and severity
        replace this answer's when given (None: this answer's stay); `evidence`, when given, goes BEFORE this
        answer's lines (distinct, the first kept). Like model_copy, no validator runs (category and severity are the
        looks' own strings, as they were): the look bounds its own text."""
        update: dict[str, Any] = {"rule": rule, "category": category, "confidence": confidence, "summary": summary,
                                  "root_cause": root_cause}
        if suggested_fix is not None:
            update["suggested_fix"] = suggested_fix
        if severity is not None:
            update["severity"] = severity
        if evidence is not None:
            update["evidence"] = list(dict.fromkeys([*evidence, *self.evidence]))
        return self.model_copy(update=update)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _valid(text: str | None) -> bool:
    if not text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _fixed(text: str | None) -> str | None:
    if text is None or _valid(text):
        return text
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


@dataclass(slots=True)
class DiagnosisInput:
    """Everything known about one error group when it is diagnosed (before redaction).

    Built from an `ErrorEvent` (`from_event`) or from the stored group and its latest sample
    (`sidecar.diagnose.service` does that), so the rules engine and the prompt see the same data.
    """

    fingerprint: str
    message: str
    level: str = "ERROR"
    logger: str | None = None
    exception_type: str | None = None
    exception_message: str | None = None
    chain_types: tuple[str, ...] = ()
    traceback: str = ""  # the raw text of the record (header line + traceback)
    context: tuple[str, ...] = ()  # lines before the record in the same file
    # lines AFTER the record in the same file (bounded: excerpt.AFTER_LINES / context.read_after), read by the second
    # looks whose deciding record comes later (the retry that succeeded, the pool's "reconnected": following.py)
    after: tuple[str, ...] = ()
    file: str | None = None
    line: int | None = None
    count: int = 1
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    regressions: int = 0
    surroundings: dict[str, Any] = field(default_factory=dict)  # for the prompt only (surroundings.py)

    @classmethod
    def from_event(cls, event: ErrorEvent, fingerprint: str = "", count: int = 1) -> DiagnosisInput:
        return cls(
            fingerprint=fingerprint,
            message=event.message,
            level=event.level,
            logger=event.logger,
            exception_type=event.exception_type,
            exception_message=event.exception_message,
            chain_types=tuple(e.type for e in event.chain),
            traceback=event.raw,
            context=tuple(event.context),
            file=event.file,
            line=event.line,
            count=count,
            first_seen=event.timestamp,
            last_seen=event.timestamp,
        )

    def exception_types(self) -> list[str]:
        types = [t for t in (self.exception_type, *self.chain_types) if t]
        return list(dict.fromkeys(types))

    def messages(self) -> list[str]:
        """The log message, the exception message, and the `Error: ...` lines of a multi-line block.

        The gateway logs failed tool calls as a block ("=== TOOL CALL FAILED ===", then `Tool:`,
        `Duration:`, `Error: <what failed>`, the traceback; research upstream-gateway.md 1.4): its
        message is the banner, the error is on the `Error:` line, so that line counts as a message.
        """
        out = [m for m in (self.message, self.exception_message) if m]
        if self.traceback and "\nError: " in self.traceback[:65536]:
            out += [ln[7:] for ln in self.traceback[:65536].splitlines()[1:] if ln.startswith("Error: ")][:3]
        return list(dict.fromkeys(out))

    def well_formed(self) -> DiagnosisInput:
        """This input with lone surrogates (a JSON "\\udcff" escape from the Sentry/OTLP endpoints) replaced by U+FFFD:
        the Diagnosis model accepts only valid Unicode, and one bad character must not cost the group its diagnosis."""
        texts = (self.message, self.logger, self.exception_type, self.exception_message, self.traceback)
        if all(_valid(t) for t in texts) and all(_valid(c) for c in (*self.context, *self.after)) and \
                all(_valid(c) for c in self.chain_types):
            return self
        return replace(self, message=_fixed(self.message) or "", logger=_fixed(self.logger),
                       exception_type=_fixed(self.exception_type), exception_message=_fixed(self.exception_message),
                       traceback=_fixed(self.traceback) or "", context=tuple(_fixed(c) or "" for c in self.context),
                       after=tuple(_fixed(c) or "" for c in self.after),
                       chain_types=tuple(_fixed(c) or "" for c in self.chain_types))

    def lines(self) -> list[str]:
        """Every input line the evidence may quote, in order: message, traceback, context, the later lines."""
        out: list[str] = []
        for chunk in (*self.messages(), self.traceback, *self.context, *self.after):
            out.extend(ln for ln in chunk.splitlines() if ln.strip())
        return out
