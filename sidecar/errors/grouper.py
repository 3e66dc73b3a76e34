"""Message grouping with learned templates: masking, then the online learner (`templates.py`).

`MessageGrouper.group` is what `run` and `sidecar fingerprint` call for a record without a
traceback. The masked form's pure fingerprint (`fingerprint_message`) names the form; the learner
maps it to the group it joined, whose id is the fingerprint of that group's first form.
"""

from __future__ import annotations

from collections import OrderedDict

from ..config import GroupingConfig
from ..ingest.record import ErrorEvent
from .fingerprint import (
    event_title,
    fingerprint_event,
    form_fingerprint,
    has_traceback_identity,
    level_class,
    register_cache,
)
from .masking import normalize_message
from .templates import Learned, TemplateLearner, variable_like

register_cache(variable_like)  # `clear_caches` (benchmarks' cold start) clears it too

__all__ = ["MessageGrouper", "EventGrouper"]


class MessageGrouper:
    """One process's message grouping state (a learner); the fingerprint functions stay pure."""

    def __init__(self, learner: TemplateLearner | None = None, memo_size: int = 4096) -> None:
        self.learner = learner if learner is not None else TemplateLearner()  # an empty learner is falsy (__len__)
        # (message, logger, level) -> group id. Valid forever: a form's group never changes once
        # assigned, so a repeated line (an error storm) skips masking and comparison. Bounded.
        self._memo: OrderedDict[tuple[str, str | None, str | None], tuple[str, str]] = OrderedDict()
        self.memo_size = memo_size

    def group(self, message: str, logger: str | None = None, level: str | None = "ERROR") -> Learned:
        """The group of a message, learning from it (see templates.py for why ids are stable)."""
        key = (message, logger, level)
        known = self._memo.get(key) if len(message) <= 512 else None
        if known is not None:
            group, form = known
            tpl = self.learner.template(group)
            return Learned(group, tpl.text if tpl else "", False, False, form)
        name = logger.strip() if logger else ""
        cls = level_class(level)
        masked = normalize_message(message)
        learned = self.learner.learn(form_fingerprint(name, cls, masked), name, cls, masked)
        if len(message) <= 512:
            self._memo[key] = (learned.fingerprint, learned.form)
            if len(self._memo) > self.memo_size:
                self._memo.popitem(last=False)
        return learned

    def fingerprint(self, message: str, logger: str | None = None, level: str | None = "ERROR") -> str:
        """`group(...).fingerprint`; a repeated line answers from the memo without building more."""
        known = self._memo.get((message, logger, level))
        if known is not None:
            return known[0]
        return self.group(message, logger, level).fingerprint


class EventGrouper:
    """The group of an ingest event: tracebacks and exception lines by the pure rules of
    `fingerprint.py`; plain log records by masking + the learned templates (`MessageGrouper`).

    `run` (the recorder), `replay` and `sidecar fingerprint` each hold one, so all three assign
    what `run` would assign at that point of the stream.
    """

    def __init__(self, grouping: GroupingConfig | None = None, learner: TemplateLearner | None = None) -> None:
        self.grouping = grouping or GroupingConfig()
        self.messages = MessageGrouper(learner)

    @property
    def learner(self) -> TemplateLearner:
        return self.messages.learner

    def group(self, event: ErrorEvent) -> Learned:
        """The group of one event (`created`/`widened` say whether a template changed)."""
        if has_traceback_identity(event):
            fp = fingerprint_event(event, self.grouping)
            return Learned(fp, event_title(event), False, False, fp)
        return self.messages.group(event.message, event.logger, event.level)

    def unknown_forms(self, events: list[ErrorEvent]) -> list[str]:
        """The masked-form fingerprints of `events` this process has not resolved yet (to look up
        merges other replicas stored before learning anything from them)."""
        out = []
        for event in events:
            if has_traceback_identity(event):
                continue
            name = event.logger.strip() if event.logger else ""
            form = form_fingerprint(name, level_class(event.level), normalize_message(event.message))
            if self.learner.known(form) is None:
                out.append(form)
        return out

    def fingerprint(self, event: ErrorEvent) -> str:
        return self.group(event).fingerprint
