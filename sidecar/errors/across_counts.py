"""Where a form that no template of its own count and first word took may still belong: the learner's
second chances, apart from its same-count search (`templates.TemplateLearner._place`).

* `place_first`: a template whose FIRST token is a value, or which another plain first word with the
  same rest joined (`first_slot.py`: an id, a user or a node name leading the message);
* `place_span`: a template of the same logger, level class and first word whose value spans another
  number of tokens here (`spans.py`, `kvlists.py`);
* `widen_tail`: a `%m` / `: %s` call site that took another tail (`tail_slot.py`).
Each re-files the template it widens (its shelf, head and span lists), keeping its id. Functions of the
learner, not methods, so templates.py keeps one idea (the same-count search and the store's view).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Protocol

from .first_slot import FIRST_VALUES, plain_subject, subjects_may_vary, tail_agrees, tail_key, values_needed
from .masking_rules import PLACEHOLDER
from .shelves import rebucket, shelf_of
from .spans import MAX_SPAN, align, widen
from .template_model import Template


class TemplateLearner(Protocol):
    """What these placements read and change of a templates.TemplateLearner, as a protocol: templates imports this
    module, so importing it back (even for types) would close an import cycle (tests/foundation/test_import_graph)."""

    _buckets: dict[str, list[Template]]
    _by_id: dict[str, Template]
    _heads: dict[str, list[Template]]
    _span_heads: dict[str, list[Template]]
    _kv_heads: dict[str, list[Template]]
    _tails: dict[str, tuple[Template, set[str]]]

    def _retokened(self, tpl: Template, tokens: list[str]) -> None: ...

    def _index(self, tpl: Template, spans: bool | None = None, head: str | None = None) -> None: ...

    def _unindex(self, tpl: Template) -> None: ...

__all__ = ["SPAN_CANDIDATES", "add_tail", "place_first", "place_span", "place_value_first", "widen_tail"]

SPAN_CANDIDATES = 32  # templates one new form is aligned with across counts (`place_span`), newest first


def widen_tail(learner: TemplateLearner, tpl: Template) -> bool:
    """A `%m` call site took another tail (`tail_slot.py`): its last token becomes `<*>`."""
    if tpl.tokens[-1] == PLACEHOLDER:
        return False
    learner._retokened(tpl, [*tpl.tokens[:-1], PLACEHOLDER])
    return True


def place_first(learner: TemplateLearner, bucket: str, tokens: list[str], key: str) -> tuple[Template, bool] | None:
    """Join a template of the bucket whose first token is a value (`<*>`) or, with the same rest,
    another plain word (`first_slot.py`), or None. Its first token becomes `<*>`: it moves to
    the bucket's `<*>` shelf, keeping its id."""
    first = tokens[0]  # a `plain_subject`; `key` is its `tail_key`
    star = learner._buckets.get(bucket + "\x1f" + PLACEHOLDER)
    tail = learner._tails.get(key)
    if (not star and tail is None) or not subjects_may_vary(first, None):
        return None  # nothing to join (most new forms): the guards are not asked
    tried = 0
    for tpl in reversed(star or ()):
        if tpl.tokens[0] != PLACEHOLDER:
            continue
        tried += 1
        if tried > SPAN_CANDIDATES:
            break
        if tail_agrees(tpl.tokens, tokens):
            return tpl, False
    if tail is None:
        return None
    found, words = tail
    if (learner._by_id.get(found.fingerprint) is not found or found.bucket != bucket  # a logger may hold `\x1e`
            or not plain_subject(found.tokens[0])
            or not subjects_may_vary(first, found.tokens[0]) or not tail_agrees(found.tokens, tokens)
            or len(words | {first}) < values_needed(first, found.tokens[0])):
        return None  # the caller starts its template (`add_tail` counts its word)
    return _first_to_value(learner, found), True


def place_value_first(learner: TemplateLearner, bucket: str, tokens: list[str]) -> tuple[Template, bool] | None:
    """The converse of `place_first`: a form whose first token is a masked value (`<*>`) joins the
    bucket's template that has a plain first word and the same rest (`tail_agrees`), whose first token
    becomes `<*>`. Without it the order of arrival decided: `root W W W` then `<*> W W W` made two groups,
    the other order one (GROUPING_CLASSES S2: one slot prints a name on one line and a number on the next;
    issue 15: replicas fed one stream in two orders must end with the same groups).

    Not for a prefix with its colon (`<*>:` against `name:`): that is also a masked identifier against a
    literal one, and real C programs write function names into their format strings (CLASSES2 T11's twin;
    the ELF dev bench merged iproute2's `rta_addattr32: ...` and `rta_addattr_l: ...` with it, ip 0.795 ->
    0.787, and a colon prefix taking a value at its second name cost ssh 0.754 -> 0.750)."""
    if tokens[0] != PLACEHOLDER:
        return None
    entry = learner._tails.get(tail_key(bucket, tokens))
    if entry is None:
        return None
    found = entry[0]
    if (learner._by_id.get(found.fingerprint) is not found or found.bucket != bucket
            or not plain_subject(found.tokens[0]) or found.tokens[0].endswith(":")
            or not subjects_may_vary(found.tokens[0], None) or not tail_agrees(found.tokens, tokens)):
        return None
    return _first_to_value(learner, found), True


def _first_to_value(learner: TemplateLearner, found: Template) -> Template:
    """A template's first token becomes `<*>`: it moves to its bucket's `<*>` shelf, keeping its id."""
    shelf = learner._buckets.get(shelf_of(found.bucket, found.tokens))
    if shelf is not None and found in shelf:
        shelf.remove(found)
    learner._unindex(found)
    found.tokens = [PLACEHOLDER, *found.tokens[1:]]
    learner._buckets.setdefault(shelf_of(found.bucket, found.tokens), []).append(found)
    learner._index(found)
    return found


def add_tail(learner: TemplateLearner, tpl: Template, key: str) -> None:
    """Count a new template's plain first word under its tail (`_tails`; `key` is its `tail_key`)."""
    _, words = learner._tails.setdefault(key, (tpl, set()))
    if len(words) < FIRST_VALUES:
        words.add(tpl.tokens[0])


def place_span(learner: TemplateLearner, head: str, tokens: list[str], spans: bool, pairs: bool = False) -> tuple[Template, bool] | None:
    """Join a template of the same logger, level class and first word whose values span other
    token counts here (`spans.align`), or None. The one with the most tokens agreeing wins
    (then the oldest of those tried); each differing stretch of it becomes one `<*>`, which may change its
    count: it moves to that shelf, keeping its id."""
    best: tuple[int, Template, list[tuple[int, int, int, int]]] | None = None
    n = len(tokens)
    # Only where one side may hold a multi-token value (`may_span`) can `align` find one: a
    # message that holds none is compared with the templates that may (`_span_heads`, few).
    index = learner._heads if spans else learner._span_heads
    candidates: Iterable[Template] = reversed(index.get(head, ()))
    if pairs and not spans and head in learner._kv_heads:
        # a message with `=`: also the templates holding pairs (kvlists.py) not tried already
        candidates = chain(candidates, (t for t in reversed(learner._kv_heads[head]) if not t.spans))
    # Bounded: the `SPAN_CANDIDATES` newest templates within reach of its count, so a flood of
    # distinct lines that all may span costs a constant per line (measured: 6,000 such lines 6.1 s
    # CPU, 3.7 s without spans, 43 s unbounded). An older template of the head is missed only when
    # more than that many newer ones of nearby counts were created since.
    tried = 0
    for tpl in candidates:
        if abs(len(tpl.tokens) - n) > MAX_SPAN:
            continue
        tried += 1
        if tried > SPAN_CANDIDATES:
            break
        found = align(tpl.tokens, tokens)
        if found is None:
            continue
        agree = len(tpl.tokens) - sum(b - a for a, b, _, _ in found)
        if best is None or agree >= best[0]:
            best = (agree, tpl, found)
    if best is None:
        return None
    _, tpl, found = best
    merged = widen(tpl.tokens, found, tokens)
    if merged == tpl.tokens:
        return tpl, False
    if len(merged) != len(tpl.tokens):
        shelf = learner._buckets.get(shelf_of(tpl.bucket, tpl.tokens))
        if shelf is not None and tpl in shelf:
            shelf.remove(tpl)
        tpl.bucket = rebucket(tpl.bucket, merged)
        learner._buckets.setdefault(shelf_of(tpl.bucket, merged), []).append(tpl)
    learner._retokened(tpl, merged)
    return tpl, True
