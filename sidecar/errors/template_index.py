"""The learner's memory: its templates, the indexes that find them, and the forms it resolved (`TemplateIndex`).

What `templates.TemplateLearner` searches and widens, apart from the search itself: every index a template is
filed in (its shelf, its head's lists, the first-word tails, the `Key: word` subjects, the errno call sites),
kept in step when a template is created, widened (`_retokened`), dropped (`forget`: a group the new-group cap
refused) or folded into another replica's (`absorb`); the store's rows read back (`load`); and the bounded LRU
of masked forms already resolved (`known` / `met`), whose answers are what makes a repeated line cheap and a
merge stored by another replica win (learning.py). Why ids stay stable across restarts and replicas: templates.py.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .across_counts import add_tail
from .first_slot import plain_subject, tail_key
from .key_subjects import Rest, subject_key
from .key_subjects import note as note_subject
from .key_subjects import repeat as repeat_subject
from .kvlists import may_hold_kv_list
from .shelves import head_of_tokens, rebucket, shelf_of
from .spans import may_span
from .tail_slot import TailIndex
from .template_model import Template, merge_tokens
from .token_forms import tokenize

__all__ = ["TemplateIndex"]


@dataclass
class TemplateIndex:
    """The templates of one process and their indexes (no judgement: `templates.TemplateLearner` decides)."""

    cache_size: int = 100_000
    _buckets: dict[str, list[Template]] = field(default_factory=dict)
    _by_id: dict[str, Template] = field(default_factory=dict)
    # the shelves without the token count (`shelves.head_of_tokens`): templates a multi-token value may join
    _heads: dict[str, list[Template]] = field(default_factory=dict)
    # ... only those whose text may hold a multi-token value (`spans.may_span`): what a message that
    # holds none is compared with
    _span_heads: dict[str, list[Template]] = field(default_factory=dict)
    # ... those whose text holds a list of pairs (`kvlists.may_hold_kv_list`): what a message that holds
    # a `=` and no other multi-token value is compared with besides `_span_heads`. A separate list, so
    # a line without pairs never pays for them: putting them in `_span_heads` cost +5% instructions a
    # pass over the shared-8 distinct lines (bench/grouping_callgrind.py), this list +3.9% in all.
    _kv_heads: dict[str, list[Template]] = field(default_factory=dict)
    # masked-form fingerprint -> group id: exact repeats skip the comparison (bounded LRU).
    _resolved: OrderedDict[str, str] = field(default_factory=OrderedDict)
    # template ids folded into another replica's template (`absorb`): merges read later that point
    # at them point at the winner instead. Grows only by such races.
    _redirect: dict[str, str] = field(default_factory=dict)
    # bucket + tail (`first_slot.tail_key`) -> the oldest template with a plain first word and that
    # tail, and the distinct first words of templates with it (at most `FIRST_VALUES`): where a
    # message with another first word and the same rest finds it (`_place_first`)
    _tails: dict[str, tuple[Template, set[str]]] = field(default_factory=dict)
    # bucket + CapWords key + rest (`key_subjects.subject_key`) -> the oldest template of that rest and the
    # distinct words after its key (at most `FIRST_VALUES`): a key's value, not a raise site's subject
    _subjects: dict[str, Rest] = field(default_factory=dict)
    # id of a template noted in `_subjects` -> its key, until a form of it comes back (`key_subjects.repeat`:
    # its word is a raise site's constant, the rest needs `KEY_VALUES` words). One entry per such template.
    _undecided: dict[str, str] = field(default_factory=dict)
    # `%m` / `: %s` call sites by the prefix before their tail (`tail_slot.py`): any other tail joins them
    _errno_sites: TailIndex = field(default_factory=TailIndex)


    def __len__(self) -> int:
        return len(self._by_id)

    def template(self, fingerprint: str) -> Template | None:
        return self._by_id.get(fingerprint)

    def templates(self) -> list[Template]:
        """Every template learned or loaded (for the store and for tests)."""
        return list(self._by_id.values())

    def merges(self) -> list[tuple[str, str]]:
        """(form fingerprint, group id) for the forms that joined another form's group."""
        return [(src, dst) for src, dst in self._resolved.items() if src != dst]

    def forget(self, fingerprint: str) -> None:
        """Drop a template (a group the new-group cap refused: nothing is kept for it)."""
        tpl = self._by_id.pop(fingerprint, None)
        if tpl is not None:
            shelf = self._buckets.get(shelf_of(tpl.bucket, tpl.tokens))
            if shelf is not None and tpl in shelf:
                shelf.remove(tpl)
                if not shelf:
                    del self._buckets[shelf_of(tpl.bucket, tpl.tokens)]
            self._unindex(tpl)
            if tpl.tokens and plain_subject(tpl.tokens[0]):
                key = tail_key(tpl.bucket, tpl.tokens)
                entry = self._tails.get(key)
                if entry is not None and entry[0] is tpl:
                    del self._tails[key]  # a refused group keeps nothing (bounded under a flood)
            subject = subject_key(tpl.bucket, tpl.tokens)
            if subject is not None:
                rest = self._subjects.get(subject)
                if rest is not None and rest.template is tpl:
                    del self._subjects[subject]
            self._undecided.pop(fingerprint, None)
        self._resolved.pop(fingerprint, None)

    def absorb(self, loser: str, winner: str, bucket: str, text: str) -> None:
        """Fold template `loser` into `winner`, which another replica stored first: every form of
        the loser now maps to the winner, whose text widens by the loser's."""
        lost = self._by_id.get(loser)
        self.forget(loser)
        if winner not in self._by_id:
            self.load([(winner, bucket, text)])
        win = self._by_id[winner]
        if lost is not None and len(lost.tokens) == len(win.tokens):
            self._retokened(win, merge_tokens(win.tokens, lost.tokens))
        self._redirect[loser] = winner
        for form in [f for f, g in self._resolved.items() if g == loser]:
            self._resolved[form] = winner
        self._remember(loser, winner)

    def load(self, templates: Iterable[tuple[str, str, str]], merges: Iterable[tuple[str, str]] = ()) -> None:
        """Seed from the store: (fingerprint, bucket, template text) rows and (from, into) merges."""
        for fp, bucket, text in templates:
            tokens = tokenize(text)
            if fp in self._by_id:
                if len(tokens) == len(self._by_id[fp].tokens):
                    self._retokened(self._by_id[fp], tokens)
                continue
            tpl = Template(fp, tokens, rebucket(bucket, tokens))
            self._by_id[fp] = tpl
            self._buckets.setdefault(shelf_of(tpl.bucket, tpl.tokens), []).append(tpl)
            self._index(tpl)
            if tokens and plain_subject(tokens[0]):
                add_tail(self, tpl, tail_key(tpl.bucket, tokens))
            subject = subject_key(tpl.bucket, tokens)
            if subject is not None:
                note_subject(self._subjects, subject, tpl)
                self._undecided[fp] = subject
        for src, dst in merges:
            self._remember(src, self._redirect.get(dst, dst))

    def _remember(self, form_fp: str, group_fp: str) -> None:
        self._resolved[form_fp] = group_fp
        self._resolved.move_to_end(form_fp)
        if len(self._resolved) > self.cache_size:
            self._resolved.popitem(last=False)

    def known(self, form_fp: str) -> str | None:
        """The group of a masked form seen before (None when it is new here). A lookup: it marks nothing (callers
        that only ask - grouper.unknown_forms, learning's adopted merges - must not count a word as written again)."""
        group = self._resolved.get(form_fp)
        if group is not None:
            self._resolved.move_to_end(form_fp)
        return group

    def met(self, form_fp: str) -> str | None:
        """`known`, for a form MET again in the stream: a `_subjects` template's word written twice is marked
        (`came_back`). The one owner of that rule: `learn`, `learn_group` and MessageGrouper.fingerprint ask it.
        `known`'s two lines written out, and `came_back` asked only for an undecided group: this is the path of
        every line (callgrind, shared-8 never-seen: a `known` call and a `came_back` per hit cost +2% a pass)."""
        resolved = self._resolved
        group = resolved.get(form_fp)
        if group is not None:
            resolved.move_to_end(form_fp)
            if self._undecided and group in self._undecided:
                self.came_back(group)
        return group

    def came_back(self, group: str) -> None:
        """A form of `group` met again, or its own word with another value elsewhere: when it is an undecided
        `_subjects` template, its word is written twice (`key_subjects.repeat`); else nothing."""
        key = self._undecided.pop(group, None)
        if key is not None:
            repeat_subject(self._subjects, key)

    def _index(self, tpl: Template, spans: bool | None = None, head: str | None = None) -> None:
        """Add a template to its head's lists (`_heads`, and `_span_heads` when its text may span)."""
        if head is None:
            head = head_of_tokens(tpl.bucket, tpl.tokens)
        self._heads.setdefault(head, []).append(tpl)
        tpl.spans = may_span(tpl.text) if spans is None else spans
        if tpl.spans:
            self._span_heads.setdefault(head, []).append(tpl)
        tpl.kv = may_hold_kv_list(tpl.text)
        if tpl.kv:
            self._kv_heads.setdefault(head, []).append(tpl)

    def _unindex(self, tpl: Template) -> None:
        head = head_of_tokens(tpl.bucket, tpl.tokens)
        for index in (self._heads, self._span_heads, self._kv_heads):
            found = index.get(head)
            if found is not None and tpl in found:
                found.remove(tpl)

    def _retokened(self, tpl: Template, tokens: list[str]) -> None:
        """A template's tokens changed (widened, or re-read from the store): re-file its span flag.
        The head (first token's class) never changes: widening keeps a value a value."""
        tpl.tokens = tokens
        spans, kv = may_span(tpl.text), may_hold_kv_list(tpl.text)
        if spans != tpl.spans:
            _refile(self._span_heads.setdefault(head_of_tokens(tpl.bucket, tokens), []), tpl, spans)
            tpl.spans = spans
        if kv != tpl.kv:
            _refile(self._kv_heads.setdefault(head_of_tokens(tpl.bucket, tokens), []), tpl, kv)
            tpl.kv = kv

    def _remember_new(self, form_fp: str, group_fp: str) -> None:
        # `_remember` for a form not in the LRU (`_place` runs after `known` said so): a new key
        # goes to the end already.
        resolved = self._resolved
        resolved[form_fp] = group_fp
        if len(resolved) > self.cache_size:
            resolved.popitem(last=False)


def _refile(index: list[Template], tpl: Template, member: bool) -> None:
    """Put `tpl` in or take it out of one of the learner's per-head indexes (span heads, key=value heads)."""
    if member:
        index.append(tpl)
    elif tpl in index:
        index.remove(tpl)
