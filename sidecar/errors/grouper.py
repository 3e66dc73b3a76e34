"""Message grouping with learned templates: masking, then the online learner (`templates.py`).

`MessageGrouper.group` is what `run` and `sidecar fingerprint` call for a record without a
traceback. The masked form's pure fingerprint (`fingerprint_message`) names the form; the learner
maps it to the group it joined, whose id is the fingerprint of that group's first form.
"""

from __future__ import annotations

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
from .fixed_veto import fixed_word
from .frame_lines import frame_form
from .shapes import ZERO_DIGITS, normalize_shaped
from .templates import Learned, TemplateLearner, variable_like
from .token_forms import names_failure

register_cache(variable_like)  # `clear_caches` (benchmarks' cold start) clears them too
register_cache(names_failure)
register_cache(fixed_word)

__all__ = ["MessageGrouper", "EventGrouper"]

_Form = tuple[str, str, str, str]  # (form fingerprint, logger name, level class, masked text)
MEMO_CHARS = 512  # longer messages are masked every time (a key would copy them; they rarely repeat)


class MessageGrouper:
    """One process's message grouping state (a learner); the fingerprint functions stay pure."""

    def __init__(self, learner: TemplateLearner | None = None, memo_size: int = 4096) -> None:
        # An empty learner is falsy (`__len__`): test for None, not truth.
        self.learner = learner if learner is not None else TemplateLearner()
        # (message, logger, level) -> (form fingerprint, logger name, level class, masked text), so
        # a repeated line (an error storm) skips masking, and the recorder's look-up of stored
        # merges before learning (`EventGrouper.unknown_forms`) and the learning itself mask a
        # line once. The form's GROUP is always asked of the learner: a merge another replica
        # stored first (learning.py adopts it) re-points the form, and the memo must not keep
        # answering the old group. Two generations of plain dicts (a full one becomes the old one,
        # the old one is dropped): bounded at 2 x memo_size, and a plain dict insert is what a
        # never-seen line can afford (an OrderedDict's bookkeeping costs more).
        self._memo: dict[tuple[str | bytes, str | None, str | None], _Form] = {}
        self._memo_old: dict[tuple[str | bytes, str | None, str | None], _Form] = {}
        self.memo_size = memo_size

    def _form(self, message: str, logger: str | None, level: str | None) -> _Form:
        """(form fingerprint, logger name, level class, masked text) of a message: masking's part.

        Memoised by the message's digit shape (`shapes.digit_shape`: every ASCII digit a `0`) when
        masking says every message of that shape has the same template (`normalize_shaped`), so a
        never-seen line whose shape was seen (a new id, count or address in a known message) costs
        one C-speed translate and a lookup; otherwise by the exact message.
        """
        if len(message) > MEMO_CHARS:
            return self._masked(message, logger, level, None)
        try:
            raw = message.encode()
        except UnicodeEncodeError:  # a lone surrogate: `digit_shape`'s bytes, as for any message
            raw = message.encode("utf-8", "surrogatepass")
        shape = (raw.translate(ZERO_DIGITS), logger, level)
        return self._memo.get(shape) or self._memo_old.get(shape) or self._masked(message, logger, level, shape)

    def _masked(self, message: str, logger: str | None, level: str | None,
                shape: tuple[bytes, str | None, str | None] | None) -> _Form:
        """Masking's part for a message the shape memo did not answer (`shape` None: too long to
        memoise, so a 10 MB line is neither copied nor kept)."""
        memo = self._memo
        exact = (message, logger, level)
        if shape is not None:
            found = memo.get(exact) or self._memo_old.get(exact)
            if found is not None:
                return found
        name = logger.strip() if logger else ""
        cls = level_class(level)
        masked, shared = normalize_shaped(message)
        first = masked[:1]
        # Masking leaves a frame's leading word `at` and makes a JUL first line's date (`Dec 07, ...`) one
        # value: only such lines may be what `frame_form` answers. Slices, not `startswith` (its argument
        # parsing cost more than the slices on a never-seen pass, callgrind).
        if ((first == "a" or first == "<") and (masked[:3] == "at " or (message[6:8] == ", " and masked[:4] == "<*> "))
                or (first == "F" and masked[:6] == 'File "')):  # or CPython's frame line
            # Maybe a stack frame (its printer's form) or JUL source line (its call site: frame_lines.py), memoised by its exact
            # text only (the form is not proved equal for every message of its digit shape). Asked of the
            # masked text's first character first: one cheap test for the many lines that are neither
            # (callgrind, a never-seen pass: the raw line's `find` and `startswith` cost +2.5%
            # instructions, a `startswith` of a tuple on the masked text +1.5%).
            frame = frame_form(message)
            if frame is not None:
                masked, shared = frame, False
        found = (form_fingerprint(name, cls, masked), name, cls, masked)
        if shape is not None:
            memo[shape if shared else exact] = found
            if len(memo) >= self.memo_size:
                self._memo_old, self._memo = memo, {}
        return found

    def masked_form(self, message: str, logger: str | None = None, level: str | None = "ERROR") -> tuple[str, str, str, str]:
        """(form fingerprint, logger name, level class, masked text) of a message (memoised)."""
        return self._form(message, logger, level)

    def form(self, message: str, logger: str | None = None, level: str | None = "ERROR") -> str:
        """The masked form's fingerprint of a message (memoised for the `group` that follows)."""
        return self._form(message, logger, level)[0]

    def group(self, message: str, logger: str | None = None, level: str | None = "ERROR") -> Learned:
        """The group of a message, learning from it (see templates.py for why ids are stable)."""
        form, name, cls, masked = self._form(message, logger, level)
        return self.learner.learn(form, name, cls, masked)

    def fingerprint(self, message: str, logger: str | None = None, level: str | None = "ERROR") -> str:
        """`group(...).fingerprint`, without building a `Learned` when the form is known: the path
        of every repeated line and of every new line whose masked form was seen before."""
        if len(message) > MEMO_CHARS:
            found = self._masked(message, logger, level, None)
        else:  # `_form` written out: this is the path of every line
            # `message.encode()` is the same bytes as `digit_shape`'s surrogatepass encoding, at
            # half the cost, for every string without a lone surrogate.
            try:
                raw = message.encode()
            except UnicodeEncodeError:
                raw = message.encode("utf-8", "surrogatepass")
            shape = (raw.translate(ZERO_DIGITS), logger, level)
            found = self._memo.get(shape) or self._memo_old.get(shape) or self._masked(message, logger, level, shape)
        # The learner owns what a form met again means (`TemplateLearner.met`: the LRU refresh, a `Key: word`
        # template's word written twice); `learn_group`'s two halves asked here, one call less for every line.
        learner = self.learner
        group = learner.met(found[0])
        return group if group is not None else learner.place_new(*found)


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
            # A stored merge re-maps an exception line's id to its group of the previous message-form
            # version (errors/learning.py, legacy_forms.py); otherwise the id is the group.
            group = self.learner.known(fp) or fp
            return Learned(group, event_title(event), False, False, fp)
        return self.messages.group(event.message, event.logger, event.level)

    def unknown_forms(self, events: list[ErrorEvent]) -> list[str]:
        """The masked-form fingerprints of `events` this process has not resolved yet (to look up
        merges other replicas stored before learning anything from them)."""
        out = []
        for event in events:
            if has_traceback_identity(event):
                continue
            form = self.messages.form(event.message, event.logger, event.level)
            if self.learner.known(form) is None:
                out.append(form)
        return out

    def fingerprint(self, event: ErrorEvent) -> str:
        return self.group(event).fingerprint
