"""Bus events -> alerts. Defensive by design: other stages publish these concurrently, so every
field is optional, wrong types are coerced to text, and an event we cannot use yields nothing.

Fields read, per event kind (anything else in `data` is ignored):

- `group.new`, `group.regressed` (errors stage): `fingerprint` (required, else ignored), `title`,
  `message`, `level`, `logger`, `exception_type`, `count`, `category`, `threshold`. Fires alert
  `group:<fingerprint>` once `count` reaches the threshold (the event's `threshold`, else the
  rules file's `thresholds[level]`, else 1); below it the group is held until a `group.updated`
  (`fingerprint`, `count`) brings it over.
- `group.status` (errors stage): `fingerprint`, `status`; `resolved` or `muted` resolves
  `group:<fingerprint>` (Alertmanager gets `endsAt`; chat gets a resolved message).
- `diagnosis.ready` (diagnosis stage): `fingerprint`, `summary`, `root_cause`, `suggested_fix`
  (text or a list of steps), `severity`, `category`, `confidence` (0..1), `source`, `title`,
  `logger`. A one-shot notice `diagnosis:<fingerprint>` linking to `{public_url}/errors/<fingerprint>`.
  The diagnosis stage publishes the whole diagnosis (root cause, fix, the group's logger), so
  nothing is read back from the store.
- `diagnosis.llm_paused` (diagnosis stage): `reason`, `model`, `retry_in`, `quota`. A one-shot
  notice; critical when the quota is exhausted (a human must top up).
- `rollout.gate_failed`: `rollout` (or `name`), `percent`/`stage`, `gate` (else `reasons[0].gate`),
  `value`, `threshold`, `op`, `dry_run`, `reasons` (list of text or of mappings with
  gate/value|observed/op/threshold/reason). Fires `rollout:<name>:gate:<gate>` (info when dry run).
- `rollout.rollback`: `rollout`, `to_percent`/`percent`/`stage`, `reasons`, `values` (mapping).
  Fires `rollout:<name>:rollback`.
- `rollout.waiting_approval`: `rollout`, `percent`/`to_percent`. Fires `rollout:<name>:approval`.
- `rollout.promoted`: `rollout`, `to_percent`, `from_percent`, `action` (`complete` at the end),
  `actor`. A one-shot notice, and it clears every firing `rollout:<name>:*` alert (recovered).
- `rollout.transition`: `rollout`, `to_state` (or `state`/`to`): a state in RECOVERED_STATES clears
  the rollout's gate-failed and approval alerts; `running`/`complete` also clears its rollback alert.

All text is passed through the diagnosis stage's redactor before it becomes an alert, so a secret
in an error message never reaches a receiver.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ..bus import (
    DIAGNOSIS_LLM_PAUSED,
    DIAGNOSIS_READY,
    GROUP_NEW,
    GROUP_REGRESSED,
    GROUP_STATUS,
    GROUP_UPDATED,
    ROLLOUT_GATE_FAILED,
    ROLLOUT_GATE_PASSED,
    ROLLOUT_PROMOTED,
    ROLLOUT_ROLLBACK,
    ROLLOUT_TRANSITION,
    ROLLOUT_WAITING_APPROVAL,
    BusEvent,
)
from ..severity import effective
from .model import Alert

KINDS = frozenset({
    DIAGNOSIS_LLM_PAUSED, GROUP_NEW, GROUP_REGRESSED, GROUP_UPDATED, GROUP_STATUS, DIAGNOSIS_READY, ROLLOUT_GATE_FAILED,
    ROLLOUT_ROLLBACK, ROLLOUT_PROMOTED, ROLLOUT_WAITING_APPROVAL, ROLLOUT_TRANSITION, ROLLOUT_GATE_PASSED,
})
RECOVERED_STATES = frozenset({"running", "completed", "complete", "promoting", "succeeded", "done", "healthy"})
_CLEAR_ROLLBACK_STATES = frozenset({"running", "completed", "complete", "succeeded", "done"})
MAX_FIELD = 2000  # pre-truncation bound on any one text taken from an event (channels cut further)

Redactor = Callable[[str], str]


@dataclass
class Outcome:
    """What one event does: alerts to fire, alert keys (or key prefixes) to resolve."""

    fire: list[Alert] = field(default_factory=list)
    resolve_keys: list[str] = field(default_factory=list)
    resolve_prefixes: list[str] = field(default_factory=list)
    hold: Alert | None = None  # fire once the group reaches `hold_until` occurrences
    hold_until: int = 0
    count_update: tuple[str, int] | None = None  # (fingerprint, count) from group.updated


def text(value: Any, limit: int = MAX_FIELD) -> str:
    """Any value as bounded single text; None -> ''."""
    if value is None:
        return ""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, list | tuple):
        out = "\n".join(f"- {text(v, limit)}" for v in value)
    elif isinstance(value, Mapping):
        out = ", ".join(f"{k}={text(v, limit)}" for k, v in value.items())
    else:
        out = str(value)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _num(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return text(value)
    if isinstance(value, int | float):
        return f"{value:.4g}"
    return text(value)


class EventMapper:
    """Turns bus events into alert outcomes. Holds only configuration (pure otherwise)."""

    def __init__(self, public_url: str, redact: Redactor, thresholds: Mapping[str, int] | None = None) -> None:
        self.public_url = public_url.rstrip("/")
        self.redact = redact  # remembers short repeated texts itself (sidecar.redaction)
        self.thresholds = {k.upper(): v for k, v in (thresholds or {}).items()}

    def map(self, event: BusEvent) -> Outcome:
        data = event.data if isinstance(event.data, Mapping) else {}
        handler = {
            GROUP_NEW: self._group, GROUP_REGRESSED: self._group, GROUP_UPDATED: self._group_updated,
            GROUP_STATUS: self._group_status, DIAGNOSIS_READY: self._diagnosis,
            ROLLOUT_GATE_FAILED: self._gate_failed, ROLLOUT_GATE_PASSED: self._gate_passed,
            ROLLOUT_ROLLBACK: self._rollback,
            ROLLOUT_WAITING_APPROVAL: self._waiting, ROLLOUT_PROMOTED: self._promoted,
            ROLLOUT_TRANSITION: self._transition, DIAGNOSIS_LLM_PAUSED: self._llm_paused,
        }.get(event.kind)
        if handler is None:
            return Outcome()
        return handler(event, data)

    # --- helpers --------------------------------------------------------------------------------

    def _alert(self, *, key: str, kind: str, labels: Mapping[str, Any], title: str, text_: str,
               fields: Mapping[str, Any], url: str | None, at: float, one_shot: bool = False) -> Alert:
        r = self.redact
        clean_labels = {k: r(text(v, 200)) for k, v in labels.items() if v not in (None, "")}
        clean_labels["kind"] = kind
        clean_fields = {k: r(text(v)) for k, v in fields.items() if v not in (None, "", [], {})}
        return Alert(key=key, kind=kind, labels=clean_labels, title=r(text(title, 500)), text=r(text(text_)),
                     fields=clean_fields, url=url, starts_at=at, one_shot=one_shot)

    def _error_url(self, fingerprint: str) -> str:
        return f"{self.public_url}/errors/{fingerprint}"

    def _rollout_url(self, name: str) -> str:
        return f"{self.public_url}/rollouts/{name}"

    # --- error groups ---------------------------------------------------------------------------

    def _group(self, event: BusEvent, d: Mapping[str, Any]) -> Outcome:
        fp = text(d.get("fingerprint"), 200)
        if not fp:
            return Outcome()
        level = text(d.get("level"), 20).upper()
        count = _int(d.get("count"), 1)
        regressed = event.kind == GROUP_REGRESSED
        title = text(d.get("title") or d.get("message") or d.get("exception_type") or fp, 500)
        alert = self._alert(
            key=f"group:{fp}", kind=event.kind,
            # The diagnosis' severity when the event already knows it, else the level's class; a
            # diagnosis arriving within the wait replaces it (with_diagnosis), so routes on
            # severity=critical see what the dashboard shows (sidecar/severity.py).
            labels={"severity": effective(text(d.get("severity"), 40), level), "level": level,
                    "logger": d.get("logger"),
                    "fingerprint": fp, "exception_type": d.get("exception_type"), "category": d.get("category")},
            title=("Regression: " if regressed else "New error: ") + title,
            text_=text(d.get("message")) if d.get("message") and d.get("message") != d.get("title") else "",
            fields={"Level": level, "Logger": d.get("logger"), "Exception": d.get("exception_type"),
                    "Occurrences": count if d.get("count") is not None else None,
                    # The learned template beside the real message of the title (errors stage).
                    "Template": text(d.get("template"), 500) if d.get("template") else None},
            url=self._error_url(fp), at=event.at,
        )
        threshold = _int(d.get("threshold"), 0) or max(1, self.thresholds.get(level, 1))
        if count < threshold:
            return Outcome(hold=alert, hold_until=threshold)
        return Outcome(fire=[alert])

    def _group_updated(self, event: BusEvent, d: Mapping[str, Any]) -> Outcome:
        fp = text(d.get("fingerprint"), 200)
        if not fp or d.get("count") is None:
            return Outcome()
        return Outcome(count_update=(fp, _int(d.get("count"), 0)))

    def _group_status(self, event: BusEvent, d: Mapping[str, Any]) -> Outcome:
        fp = text(d.get("fingerprint"), 200)
        status = text(d.get("status"), 40).lower()
        if fp and status in ("resolved", "muted"):
            return Outcome(resolve_keys=[f"group:{fp}"])
        return Outcome()

    # --- diagnosis ------------------------------------------------------------------------------

    def _diagnosis(self, event: BusEvent, d: Mapping[str, Any]) -> Outcome:
        fp = text(d.get("fingerprint"), 200)
        if not fp:
            return Outcome()
        confidence = d.get("confidence")
        conf_text = None
        if isinstance(confidence, int | float) and not isinstance(confidence, bool):
            conf_text = f"{confidence:.0%}" if 0 <= confidence <= 1 else _num(confidence)
        summary = text(d.get("summary") or d.get("title") or fp, 500)
        alert = self._alert(
            key=f"diagnosis:{fp}", kind=event.kind,
            labels={"severity": text(d.get("severity"), 40).lower(), "category": d.get("category"),
                    "fingerprint": fp, "source": d.get("source"), "logger": d.get("logger")},
            title=f"Diagnosis: {summary}", text_="",
            fields={"Root cause": d.get("root_cause"), "Suggested fix": d.get("suggested_fix"),
                    "Severity": d.get("severity"), "Category": d.get("category"), "Confidence": conf_text,
                    "Source": d.get("source")},
            url=self._error_url(fp), at=event.at, one_shot=True,
        )
        return Outcome(fire=[alert])

    def with_diagnosis(self, alert: Alert, d: Mapping[str, Any]) -> Alert:
        """A group alert carrying its diagnosis: the diagnosis' severity and category as labels
        (routes and silences see them) and its summary, root cause and fix as fields."""
        r = self.redact
        labels = dict(alert.labels)
        labels["severity"] = effective(text(d.get("severity"), 40), labels.get("level"))
        if d.get("category"):
            labels["category"] = r(text(d.get("category"), 200))
        extra = {"Diagnosis": d.get("summary"), "Root cause": d.get("root_cause"),
                 "Suggested fix": d.get("suggested_fix"), "Severity": d.get("severity"),
                 "Diagnosed by": d.get("source")}
        fields = {**alert.fields, **{k: r(text(v)) for k, v in extra.items() if v not in (None, "", [], {})}}
        return replace(alert, labels=labels, fields=fields)

    def _llm_paused(self, event: BusEvent, d: Mapping[str, Any]) -> Outcome:
        quota = bool(d.get("quota"))
        retry_in = d.get("retry_in")
        alert = self._alert(
            key="diagnosis:llm_paused", kind=event.kind,
            labels={"severity": "critical" if quota else "warning", "category": "llm", "model": d.get("model")},
            title="LLM diagnosis paused" + (": quota exhausted, top up the balance" if quota else ""),
            text_="", fields={"Reason": d.get("reason"), "Model": d.get("model"),
                              "Retry in": f"{_num(retry_in)} s" if isinstance(retry_in, int | float) else retry_in},
            url=f"{self.public_url}/", at=event.at, one_shot=True,
        )
        return Outcome(fire=[alert])

    # --- rollouts -------------------------------------------------------------------------------

    @staticmethod
    def _rollout_name(d: Mapping[str, Any]) -> str:
        return text(d.get("rollout") or d.get("name"), 200)

    @staticmethod
    def _stage(d: Mapping[str, Any]) -> str:
        for k in ("percent", "to_percent", "stage", "to"):
            if d.get(k) is not None:
                v = d[k]
                return f"{_num(v)}%" if isinstance(v, int | float) and not isinstance(v, bool) else text(v, 40)
        return ""

    @staticmethod
    def _reasons(d: Mapping[str, Any]) -> list[str]:
        raw = d.get("reasons")
        if raw is None:
            raw = [d.get("reason")] if d.get("reason") is not None else []
        if not isinstance(raw, list | tuple):
            raw = [raw]
        out = []
        for r in raw:
            if isinstance(r, Mapping):
                gate = text(r.get("gate") or r.get("name"), 100)
                value = r.get("value", r.get("observed"))
                cond = " ".join(x for x in (_num(value) if value is not None else "",
                                            text(r.get("op"), 4),
                                            _num(r.get("threshold")) if r.get("threshold") is not None else "") if x)
                why = text(r.get("reason"), 300)
                out.append(": ".join(x for x in (gate, cond, why) if x) or text(r))
            else:
                out.append(text(r, 500))
        return out

    def _rollout_alert(self, event: BusEvent, d: Mapping[str, Any], *, suffix: str, severity: str, title: str,
                       fields: Mapping[str, Any], one_shot: bool = False, extra: Mapping[str, Any] | None = None
                       ) -> Alert | None:
        name = self._rollout_name(d)
        if not name:
            return None
        labels = {"severity": severity, "rollout": name, "stage": self._stage(d), **(extra or {})}
        return self._alert(key=f"rollout:{name}:{suffix}", kind=event.kind, labels=labels,
                           title=f"Rollout {name}: {title}", text_="", fields=fields,
                           url=self._rollout_url(name), at=event.at, one_shot=one_shot)

    def _gate_failed(self, event: BusEvent, d: Mapping[str, Any]) -> Outcome:
        reasons = d.get("reasons")
        first = reasons[0] if isinstance(reasons, list | tuple) and reasons and isinstance(reasons[0], Mapping) else {}
        gate = text(d.get("gate") or d.get("gate_name") or first.get("gate") or first.get("name"), 100) or "gate"
        cond = ""
        if d.get("value") is not None:
            cond = f"{_num(d.get('value'))} (needs {text(d.get('op'), 4)} {_num(d.get('threshold'))})".replace("  ", " ")
        # A dry-run gate reports what it would have done: worth knowing, not worth a warning.
        dry_run = bool(d.get("dry_run") or first.get("dry_run"))
        alert = self._rollout_alert(
            event, d, suffix=f"gate:{gate}", severity="info" if dry_run else "warning",
            title=f"gate {gate} failed" + (" (dry run)" if dry_run else ""),
            fields={"Stage": self._stage(d), "Gate": gate, "Value": cond or None,
                    "Reasons": self._reasons(d) or None},
            extra={"gate": gate, "dry_run": "true" if dry_run else None},
        )
        return Outcome(fire=[alert] if alert else [])

    def _gate_passed(self, event: BusEvent, d: Mapping[str, Any]) -> Outcome:
        """A gate that failed passes again (or its data is fresh again): its alert resolves
        (Alertmanager endsAt, a resolved message in chat) instead of repeating until a restart."""
        name = self._rollout_name(d)
        gate = text(d.get("gate"), 100)
        if not name or not gate:
            return Outcome()
        return Outcome(resolve_keys=[f"rollout:{name}:gate:{gate}"])

    def _rollback(self, event: BusEvent, d: Mapping[str, Any]) -> Outcome:
        values = d.get("values")
        alert = self._rollout_alert(
            event, d, suffix="rollback", severity="critical", title="rolled back",
            fields={"Stage": self._stage(d), "Reasons": self._reasons(d) or None,
                    "Values": {k: _num(v) for k, v in values.items()} if isinstance(values, Mapping) else values},
        )
        return Outcome(fire=[alert] if alert else [])

    def _waiting(self, event: BusEvent, d: Mapping[str, Any]) -> Outcome:
        alert = self._rollout_alert(event, d, suffix="approval", severity="info", title="waiting for approval",
                                    fields={"Stage": self._stage(d)})
        return Outcome(fire=[alert] if alert else [])

    def _promoted(self, event: BusEvent, d: Mapping[str, Any]) -> Outcome:
        name = self._rollout_name(d)
        stage = self._stage(d)
        done = text(d.get("action"), 40) == "complete" or text(d.get("to_state"), 40) == "complete"
        before = d.get("from_percent", d.get("from"))
        alert = self._rollout_alert(event, d, suffix=f"promoted:{stage}", severity="info",
                                    title="completed" if done else f"promoted to {stage or 'the next stage'}",
                                    fields={"From": f"{_num(before)}%" if isinstance(before, int | float) else before,
                                            "To": stage, "By": d.get("actor")},
                                    one_shot=True)
        if alert is None:
            return Outcome()
        return Outcome(fire=[alert], resolve_prefixes=[f"rollout:{name}:gate:", f"rollout:{name}:approval",
                                                       f"rollout:{name}:rollback"])

    def _transition(self, event: BusEvent, d: Mapping[str, Any]) -> Outcome:
        name = self._rollout_name(d)
        state = text(d.get("state") or d.get("to_state") or d.get("to"), 40).lower()
        if not name or state not in RECOVERED_STATES:
            return Outcome()
        prefixes = [f"rollout:{name}:gate:", f"rollout:{name}:approval"]
        if state in _CLEAR_ROLLBACK_STATES:
            prefixes.append(f"rollout:{name}:rollback")
        return Outcome(resolve_prefixes=prefixes)
