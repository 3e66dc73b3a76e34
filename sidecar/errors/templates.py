"""Online template learning: masked messages that differ only in a variable slot share one group.

Masking (`masking.py`) removes what is variable by its *form* (digits, addresses, paths). What is
variable only by its *position* (a letters-only hex suffix `eedd`, a worker name, an enum value, a
host name in one slot) is learned here, online, the way Drain does (He et al., ICWS 2017):

* Messages are bucketed by (logger, level class, token count): a comparison never crosses loggers
  or levels. Tokens are split on spaces, except that a quoted value after `key=`/`key:` and a
  bracket group spanning spaces (a list, a repr) are one token (`tokenize`). A form that joins no
  template of its count is aligned with the templates of its logger, level and first word across
  counts (`spans.py`: a quoted phrase, a path with spaces, a number and its unit in one slot), and
  a `%m` / `: %s` call site, once it printed an errno text, takes any other tail (`tail_slot.py`). The
  classes of values and which step handles each are in TAXONOMY.md.
* A masked message new to the bucket is compared with the bucket's templates position by position
  (`slots.py` decides which differing tokens may be a slot: announced, typed, positional).
  When enough positions agree (`SIMILARITY`), it joins the most similar template, and every
  position where they disagree becomes `<*>` (a `key=value` token keeps its key: `state=<*>`).
  Otherwise it starts a template of its own.
* A stack frame line (`frame_lines.py`: JVM `\tat Class.method(File.java:12)`, V8 `at fn (file:1:2)`, CPython
  `File "p", line 1, in f`) arrives as its printer's form (`\tat <*>(<*>)`, `\tat <*>/<*>(Native Method)`)
  and is never compared: the printer's forms are its own branches, never one statement's slots. A JUL first
  line arrives as its source's call site (`\t<*> org.x.Cls method`), never compared either.
* The group id of a template is the pure message fingerprint of the *first* masked message that
  created it (`fingerprint.fingerprint_message`). It never changes: later members only widen the
  template text; they map to the id that already exists.

Why this holds across restarts and replicas:
* Restart: a template's id and text are stored (table `error_templates`) and loaded at start;
  every masked form that joined a template is stored as a merge (`error_merges`: from the form's
  own pure fingerprint into the template's id). A message seen before a restart maps to the same
  group after it, because the merge is looked up before any learning happens.
* Replicas: they share the store. Before a replica creates a template it re-reads the templates
  others stored; the insert is `ON CONFLICT DO NOTHING` on the id, and a merge row, once written,
  is never rewritten (`from_hash` is the primary key, first writer wins). Two replicas that see the
  same events in different orders therefore converge on the same ids for the same masked forms.
* Two replicas that each start a template for the same kind of error in the same instant (both
  read the store before either wrote): template creation is serialised in the store (PostgreSQL
  advisory lock, SQLite's write lock), and the second to commit finds the first's template among
  the rows stored since its last read; when it is the same event (`same_event`), its own new
  template is not stored but merged into the older one (`absorb`; a merge row from its id). Its
  group row did not exist yet (groups are written after learning), so nothing is re-labelled
  (tests/errors/test_learning_replicas.py, SQLite and PostgreSQL, and two processes).
* `sidecar fingerprint` runs one learner over stdin, so each line's answer is what `run` would
  have assigned at that point of the stream (no look-ahead).

Memory is bounded: at most `max_templates` templates per bucket (beyond that a new form is its own
group, without comparison) and an LRU of `cache_size` masked forms already resolved.
"""


from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .across_counts import add_tail, place_first, place_span, place_value_first, widen_tail
from .first_slot import plain_subject, tail_key
from .fixed_veto import fixed_veto
from .frame_lines import is_frame_tokens
from .key_subjects import Rest, subject_key
from .key_subjects import note as note_subject
from .key_subjects import place as place_subject
from .key_subjects import repeat as repeat_subject
from .kvlists import may_hold_kv_list
from .records import constant_message, words_differ
from .shelves import head_of, head_of_tokens, learnable, rebucket, shelf_of
from .slots import (
    MIN_AGREE,
    MIN_TOKENS_TO_LEARN,
    OTHER_WORDS,
    SIMILARITY,
    WORD_FROM,
    similarity,
)
from .spans import may_span
from .tail_slot import TailIndex
from .template_model import Learned, Template, merge_tokens
from .token_forms import tokenize, variable_like
from .veto_index import message_codes, veto_positions, vetoed

__all__ = ["SIMILARITY", "Template", "TemplateLearner", "Learned", "merge_tokens", "similarity", "variable_like"]




@dataclass
class TemplateLearner:
    """The online learner of one process (pure given its inputs; the store persists its results)."""

    threshold: float = SIMILARITY
    other_words: int = OTHER_WORDS
    min_agree: int = MIN_AGREE
    delimited: bool = True
    word_from: int = WORD_FROM
    max_templates: int = 500  # per shelf (bucket + first word)
    max_total: int = 50_000
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

    @staticmethod
    def bucket(logger: str, level_cls: str, n_tokens: int) -> str:
        return f"{level_cls}\x1f{logger}\x1f{n_tokens}"

    def __len__(self) -> int:
        return len(self._by_id)

    def template(self, fingerprint: str) -> Template | None:
        return self._by_id.get(fingerprint)

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

    def same_event(self, tpl: Template, bucket: str, text: str) -> bool:
        """Whether a template another replica stored (`bucket`, `text`) is the event `tpl` is."""
        tokens = tokenize(text)
        bucket = rebucket(bucket, tokens)
        if bucket != tpl.bucket or len(tokens) != len(tpl.tokens):
            return False
        shelf = shelf_of(bucket, tokens)
        if shelf != shelf_of(tpl.bucket, tpl.tokens) or not learnable(tokens, shelf):
            return False
        if (constant_message(bucket) and words_differ(tpl.tokens, tokens)) or is_frame_tokens(tokens):
            return False  # (same tokens: same form, never two templates) a frame is its printer's form
        return max(similarity(tokens, tpl.tokens, self.other_words, self.min_agree, self.delimited, self.word_from),
                   similarity(tpl.tokens, tokens, self.other_words, self.min_agree, self.delimited, self.word_from)) > self.threshold

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

    def templates(self) -> list[Template]:
        """Every template learned or loaded (for the store and for tests)."""
        return list(self._by_id.values())

    def merges(self) -> list[tuple[str, str]]:
        """(form fingerprint, group id) for the forms that joined another form's group."""
        return [(src, dst) for src, dst in self._resolved.items() if src != dst]

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
        (`came_back`). The one owner of that rule: `learn`, `learn_group` and MessageGrouper.fingerprint ask it."""
        group = self.known(form_fp)
        if group is not None and self._undecided:
            self.came_back(group)
        return group

    def came_back(self, group: str) -> None:
        """A form of `group` met again, or its own word with another value elsewhere: when it is an undecided
        `_subjects` template, its word is written twice (`key_subjects.repeat`); else nothing."""
        key = self._undecided.pop(group, None)
        if key is not None:
            repeat_subject(self._subjects, key)

    def learn(self, form_fp: str, logger: str, level_cls: str, masked: str) -> Learned:
        """Map a masked message (whose own pure fingerprint is `form_fp`) to its group."""
        group = self.met(form_fp)
        if group is not None:
            tpl = self._by_id.get(group)
            return Learned(group, tpl.text if tpl else masked, False, False, form_fp)
        joined, widened = self._place(form_fp, logger, level_cls, masked)
        if joined is None:
            return Learned(form_fp, masked, True, False, form_fp)
        return Learned(joined.fingerprint, joined.text, False, widened, form_fp)

    def learn_group(self, form_fp: str, logger: str, level_cls: str, masked: str) -> str:
        """`learn(...).fingerprint` without building the `Learned` (the path of `sidecar fingerprint`
        for every new form)."""
        group = self.met(form_fp)
        if group is not None:
            return group
        joined, _ = self._place(form_fp, logger, level_cls, masked)
        return form_fp if joined is None else joined.fingerprint

    def _place(self, form_fp: str, logger: str, level_cls: str, masked: str) -> tuple[Template | None, bool]:
        """Learn a form not resolved yet: (the template it joined, whether that widened), or
        (None, False) when it started a group of its own."""
        tokens = tokenize(masked)
        bucket = self.bucket(logger, level_cls, len(tokens))
        shelf = shelf_of(bucket, tokens)
        candidates = self._buckets.setdefault(shelf, [])
        best: Template | None = None
        spans: bool | None = None  # `may_span(masked)`, asked once, when no same-count template took it
        tail = ""  # `tail_key`, computed once, where the first word may be a value
        subject: str | None = None  # `subject_key`: a CapWords key opens the message (key_subjects.py)
        if (len(tokens) >= MIN_TOKENS_TO_LEARN or learnable(tokens, shelf)) and not is_frame_tokens(tokens):
            # (a frame line or JUL source line is its call site, never compared: frame_lines.py)
            best_score = self.threshold
            other_words, min_agree, delimited, word_from = self.other_words, self.min_agree, self.delimited, self.word_from
            record = constant_message(logger)  # a structured record's `msg`: no word-for-word slot (records.py)
            codes: list[int] | None = None  # `message_codes(tokens)`, made at the first template kept halves ask
            for tpl in candidates:
                # `fixed_veto(tpl.tokens, tokens, word_from)`, from its halves (veto_index.py) once a
                # template is scanned a second time with the same tokens list (replaced, never edited,
                # when it widens): a template of a never-seen stream is mostly scanned once or twice,
                # where keeping its half costs more than it saves (callgrind, shared-8 never-seen: +3%).
                if tpl.veto_of is not tpl.tokens:
                    tpl.veto_of, tpl.veto = tpl.tokens, None
                    if fixed_veto(tpl.tokens, tokens, word_from):
                        continue  # similarity would say -1 (never chosen): skip its full comparison
                else:
                    veto = tpl.veto
                    if veto is None:
                        veto = tpl.veto = veto_positions(tpl.tokens)
                    if veto:
                        if codes is None:
                            codes = message_codes(tokens)
                        if vetoed(veto, tokens, codes, word_from):
                            continue
                if record and words_differ(tpl.tokens, tokens):
                    continue
                score = similarity(tpl.tokens, tokens, other_words, min_agree, delimited, word_from)
                if score > best_score:
                    best, best_score = tpl, score
            if best is None and tokens[0][-1:] == ":" and not record:
                subject = subject_key(bucket, tokens)
                if subject is not None:
                    best = place_subject(self._subjects, self._by_id, subject, tokens, bucket)
                    if best is not None:
                        # its word becomes `<*>`: a value met again is no raise site's subject written twice
                        self._undecided.pop(best.fingerprint, None)
            if best is None:
                if plain_subject(tokens[0]) and not record:
                    tail = tail_key(bucket, tokens)
                first = place_first(self, bucket, tokens, tail) if tail else (
                    place_value_first(self, bucket, tokens) if not record else None)
                if first is not None:
                    self._remember_new(form_fp, first[0].fingerprint)
                    return first
                site = self._errno_sites.find(bucket.rpartition("\x1f")[0], tokens, self._by_id) \
                    if ": " in masked else None
                if site is not None:
                    self._remember_new(form_fp, site.fingerprint)
                    return site, widen_tail(self, site)
                spans = may_span(masked)
                spanned = place_span(self, head_of(shelf), tokens, spans, "=" in masked)
                if spanned is not None:
                    self._remember_new(form_fp, spanned[0].fingerprint)
                    return spanned
        if best is None:
            tpl = Template(form_fp, tokens, bucket)
            if len(candidates) < self.max_templates and len(self._by_id) < self.max_total:
                # A full shelf or learner keeps no more (bounded memory); the form keeps its own id.
                candidates.append(tpl)
                self._by_id[form_fp] = tpl
                self._index(tpl, spans, head_of(shelf))
                if tail:
                    add_tail(self, tpl, tail)
                if subject is not None:
                    note_subject(self._subjects, subject, tpl)
                    self._undecided[form_fp] = subject
                self._errno_sites.note(bucket.rpartition("\x1f")[0], tpl, tokens)
            self._remember_new(form_fp, form_fp)
            return None, False
        if self._undecided and best.tokens[1:2] == tokens[1:2]:
            self.came_back(best.fingerprint)  # its own word again, with another value elsewhere
        merged = merge_tokens(best.tokens, tokens)
        widened = merged != best.tokens
        if widened:
            self._retokened(best, merged)
        self._errno_sites.note(bucket.rpartition("\x1f")[0], best, tokens)
        self._remember_new(form_fp, best.fingerprint)
        return best, widened

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
