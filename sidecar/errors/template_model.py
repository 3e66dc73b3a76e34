"""What a learned template is (`Template`), what learning decided for one message (`Learned`), and how a
template widens by one message (`merge_tokens`): the learner's data, apart from its search
(`templates.TemplateLearner`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .kvlists import KV_SLOT, pair_slot
from .masking_rules import PLACEHOLDER
from .shelves import bracketed_slot
from .token_forms import same_key

__all__ = ["Template", "Learned", "merge_tokens"]


@dataclass(slots=True)
class Template:
    """A learned template: its stable group id and its tokens (`<*>` where a slot varies)."""

    fingerprint: str
    tokens: list[str]
    bucket: str
    # `spans.may_span(text)`: whether the template is in its head's `_span_heads` list
    spans: bool = False
    # `kvlists.may_hold_kv_list(text)`: whether it is in its head's `_kv_heads` list
    kv: bool = field(default=False, compare=False)
    # `veto_index.veto_positions(tokens)` (None: not computed, the template was scanned once) and the
    # tokens list it is for: the learner replaces `tokens` (never edits it in place) when the template
    # widens, which makes both stale. Not part of equality (`tpl in shelf` compares templates).
    veto: tuple[tuple[int, str, int], ...] | None = field(default=None, compare=False, repr=False)
    veto_of: list[str] | None = field(default=None, compare=False, repr=False)

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


@dataclass(frozen=True, slots=True)
class Learned:
    """What learning decided for one masked message."""

    fingerprint: str  # the group id
    template: str  # the template text after this message
    created: bool  # a new template was started
    widened: bool  # an existing template gained a parameter
    form: str = ""  # the masked form's own pure fingerprint


def merge_tokens(template: list[str], tokens: list[str]) -> list[str]:
    """The template widened by one message: disagreeing positions become `<*>` (keys are kept)."""
    out: list[str] = []
    for t, m in zip(template, tokens, strict=True):
        if t == m:
            out.append(t)
            continue
        if not out and len(template) == 2:
            slot = bracketed_slot(t, m)  # `(main) ready` / `(db) ready` -> `(<*>) ready` (shelves.shelf_of)
            if slot is not None:
                out.append(slot)
                continue
        k = same_key(t, m)
        if k is not None:
            out.append(k + PLACEHOLDER)
        elif pair_slot(t, m):
            out.append(KV_SLOT)  # pairs of different keys: a list of pairs (kvlists.py)
        else:
            out.append(PLACEHOLDER)
    return out
