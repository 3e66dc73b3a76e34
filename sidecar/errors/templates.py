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

The templates, their indexes and the LRU of resolved forms are `template_index.py`'s (`TemplateIndex`, this
learner's base class); this module is the search: where a new form belongs, and whether another replica's template
is the same event.

Memory is bounded: at most `max_templates` templates per bucket (beyond that a new form is its own
group, without comparison) and an LRU of `cache_size` masked forms already resolved.
"""


from __future__ import annotations

from dataclasses import dataclass

from .across_counts import add_tail, place_first, place_span, place_value_first, widen_tail
from .first_slot import plain_subject, tail_key
from .fixed_veto import fixed_veto
from .frame_lines import is_frame_tokens
from .key_subjects import note as note_subject
from .key_subjects import place as place_subject
from .key_subjects import subject_key
from .records import constant_message, words_differ
from .shelves import head_of, learnable, rebucket, shelf_of
from .slots import (
    MIN_AGREE,
    MIN_TOKENS_TO_LEARN,
    OTHER_WORDS,
    SIMILARITY,
    WORD_FROM,
    similarity,
)
from .spans import may_span
from .template_index import TemplateIndex
from .template_model import Learned, Template, merge_tokens
from .token_forms import tokenize, variable_like
from .veto_index import message_codes, veto_positions, vetoed

__all__ = ["SIMILARITY", "Template", "TemplateLearner", "Learned", "merge_tokens", "similarity", "variable_like"]


@dataclass
class TemplateLearner(TemplateIndex):
    """The online learner of one process (pure given its inputs; the store persists its results): where a new
    masked form belongs (`_place`), on the templates and indexes of its `TemplateIndex`."""

    threshold: float = SIMILARITY
    other_words: int = OTHER_WORDS
    min_agree: int = MIN_AGREE
    delimited: bool = True
    word_from: int = WORD_FROM
    max_templates: int = 500  # per shelf (bucket + first word)
    max_total: int = 50_000

    @staticmethod
    def bucket(logger: str, level_cls: str, n_tokens: int) -> str:
        return f"{level_cls}\x1f{logger}\x1f{n_tokens}"

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
        return self.place_new(form_fp, logger, level_cls, masked)

    def place_new(self, form_fp: str, logger: str, level_cls: str, masked: str) -> str:
        """The group of a form `met` just answered None for (learning from it): `learn_group`'s second half, for
        MessageGrouper.fingerprint, which asks `met` itself."""
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
