"""Grouping state shared through the store: learned templates, merges and the new-group cap.

`StoredLearning.group` is the recorder's first step for every batch:
1. read what other replicas (or this process before a restart) stored since the last batch:
   new templates, and the merges of any masked form this process has not resolved yet;
2. group each event (`grouper.EventGrouper`: pure rules for tracebacks, learned templates for
   messages);
3. apply the new-group cap per logger per minute (`floodcap.py`): a new group over the cap
   is counted in the logger's overflow group instead, and nothing is learned or stored for it;
4. store new/widened templates and merges (first writer wins) and adopt the stored answer when
   another replica merged a form first; store v1 -> v2 merges for re-mapped traceback ids.
Why this keeps ids stable across restarts and replicas: see `templates.py`.

Groups of the previous message-form version (_MESSAGE_VERSION v1, before round 18's form changes) stay
reached (`_legacy`, step 1): an event whose v1 id the store holds (a group row, or a merge of that form
into an old template) is counted in that old group. Per event when round 18's rules may have changed its
text (`legacy_forms.may_differ`: one new form may hold several old groups), else per form, stored as a
merge `new form -> old group`. Why this holds across restarts and replicas: legacy_forms.py. The same per-event
look-up reaches the v2 groups round 19 made of a pair of choices round 20 masks (`legacy_forms.r19_event_id`).
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from typing import Any

from ..clock import Clock, utc
from ..config import GroupingConfig
from ..ingest.record import ErrorEvent
from ..store.base import Row, Store
from ..telemetry import Telemetry
from .cleantext import clean_text
from .fingerprint import (
    event_title,
    exception_line,
    fingerprint_event,
    has_traceback_identity,
    legacy_fingerprint,
)
from .floodcap import NewGroupCap, overflow_fingerprint, overflow_title
from .grouper import MEMO_CHARS, EventGrouper
from .legacy_forms import legacy_event_id, legacy_form_id, may_differ, may_hold_pair, r19_event_id
from .templates import Learned

_clean = clean_text  # one cleaning rule for every stored text (errors/cleantext.py)


class StoredLearning:
    """The errors stage's grouping state (one per process), synchronised with the store."""

    def __init__(self, store: Store, grouping: GroupingConfig, telemetry: Telemetry, clock: Clock) -> None:
        self.store = store
        self.grouping = grouping
        self.telemetry = telemetry
        self.clock = clock
        self.grouper = EventGrouper(grouping)
        self.cap = NewGroupCap(grouping.new_groups_per_logger_per_minute)
        self._templates_after = 0  # the highest error_templates.id read
        self._loaded = False
        self._unsaved_templates: dict[str, tuple[str, str, str]] = {}
        self._unsaved_merges: dict[str, str] = {}
        # Fingerprints known to have a group row, and v1 ids already re-mapped (bounded LRUs).
        self._known: OrderedDict[str, None] = OrderedDict()
        self._legacy_saved: OrderedDict[str, None] = OrderedDict()
        # Templates of other replicas our new templates were folded into during the last save.
        self._winners: dict[str, tuple[str, str]] = {}
        # v1 id -> its old group ("" when the store has none), and a text's v1 id (bounded LRUs), and
        # this batch's events counted in an old group by their own v1 id (index -> group).
        self._legacy_groups: OrderedDict[str, str] = OrderedDict()
        self._legacy_ids: OrderedDict[tuple[str, str | None, str | None, str], tuple[str, ...]] = OrderedDict()
        self._legacy_events: dict[int, str] = {}
        self._legacy_possible = True
        # Events whose own v1 id was looked up (`may_differ`: the per-event path), for the tests and benches that
        # show which events pay for it.
        self.legacy_lookups = 0

    def _remember(self, lru: OrderedDict[Any, Any], key: Any, value: Any = None) -> None:
        lru[key] = value
        lru.move_to_end(key)
        while len(lru) > self.grouping.cache_size:
            lru.popitem(last=False)

    def _event_legacy_ids(self, event: ErrorEvent) -> tuple[str, ...]:
        """The event's own ids of earlier message-form versions, oldest first - v1's (`legacy_event_id`) and, where
        round 20's choice pairs changed its text, round 19's v2 id (`r19_event_id`) - memoised per text (an error
        storm repeats one line)."""
        line = exception_line(event)
        text = event.message if line is None else line[1]
        key = (text, event.logger, event.level, "" if line is None else line[0])
        if len(text) <= MEMO_CHARS and key in self._legacy_ids:
            self._legacy_ids.move_to_end(key)
            return self._legacy_ids[key]
        found = tuple(x for x in (legacy_event_id(event), r19_event_id(event) if may_hold_pair(text) else None)
                      if x is not None)
        if len(text) <= MEMO_CHARS:
            self._remember(self._legacy_ids, key, found)
        return found

    async def _legacy(self, events: list[ErrorEvent]) -> None:
        """Step 1's last part: reach the groups of message-form version v1 (module docstring)."""
        self._legacy_events = {}
        learner = self.grouper.learner
        per_event: dict[int, tuple[str, ...]] = {}
        per_form: dict[str, str] = {}  # the new form (or exception line id) -> its v1 id
        known = learner.known
        form_of = self.grouper.messages.masked_form
        for i, event in enumerate(events):
            line = exception_line(event) if (event.chain or event.exception_type or event.frames) else None
            if line is None and has_traceback_identity(event):
                continue  # a traceback with frames: its identity did not change
            if may_differ(event.message if line is None else line[1]):
                self.legacy_lookups += 1
                olds = self._event_legacy_ids(event)
                if olds:
                    per_event[i] = olds
            elif line is not None:  # an exception line without frames
                form = fingerprint_event(event, self.grouping)
                if known(form) is None and form not in per_form:
                    per_form[form] = next(iter(self._event_legacy_ids(event)), "")
            else:  # a message (the common event): v1's masked text is its current one
                form, name, cls, masked = form_of(event.message, event.logger, event.level)
                if known(form) is None and form not in per_form:
                    per_form[form] = legacy_form_id(name, cls, masked)
        wanted = sorted({*(x for olds in per_event.values() for x in olds), *per_form.values()} - {""}
                        - self._legacy_groups.keys())
        if wanted:
            merged = await self.store.groups.resolve_merges(wanted)
            rows = await self.store.groups.existing([w for w in wanted if w not in merged])
            for old in wanted:
                self._remember(self._legacy_groups, old, merged.get(old) or (old if old in rows else ""))
        for i, olds in per_event.items():
            # the oldest version's group first: a store upgraded through round 19 counted the event there already
            group = next((g for g in (self._legacy_groups.get(old) for old in olds) if g), None)
            if group:
                self._legacy_events[i] = group
        found = [(form, self._legacy_groups.get(old, "")) for form, old in per_form.items() if old]
        found = [(form, group) for form, group in found if group]
        if found:  # every text of these forms had this v1 form: the form's group is the old one, stored
            learner.load((), found)
            for form, group in found:
                self._unsaved_merges.setdefault(form, group)

    async def _sync(self, events: list[ErrorEvent]) -> None:
        repo = self.store.groups
        rows = await repo.templates_since(self._templates_after)
        if rows:
            self.grouper.learner.load([(r["fingerprint"], r["bucket"], r["template"]) for r in rows])
            self._templates_after = max(int(r["id"]) for r in rows)
        if not self._loaded:
            self.grouper.learner.load((), await repo.merges(limit=self.grouper.learner.cache_size))
            # A store without any group at this process's first look holds no group of message-form v1:
            # every row written after it is written by v2 code, which never writes a v1 id (legacy_forms.py).
            # Then `_legacy` is skipped for good (a fresh install pays nothing for it).
            self._legacy_possible = await repo.has_groups()
            self._loaded = True
        unknown = self.grouper.unknown_forms(events)
        if unknown:
            self.grouper.learner.load((), (await repo.resolve_merges(sorted(set(unknown)))).items())
        if self._legacy_possible:
            await self._legacy(events)

    async def _apply_cap(self, events: list[ErrorEvent], learned: list[Learned]) -> list[Learned]:
        """Events of new groups over their logger's cap go to the logger's overflow group."""
        fresh = sorted({x.fingerprint for x in learned if x.fingerprint not in self._known})
        if not fresh:
            return learned
        existing = await self.store.groups.existing(fresh)
        minute = int(self.clock.time() // 60)
        refused: dict[str, str] = {}
        for event, item in zip(events, learned, strict=True):
            fp = item.fingerprint
            if fp in self._known or fp in refused:
                continue
            logger = (event.logger or "").strip()
            if fp in existing or self.cap.admit(logger, minute):
                self._remember(self._known, fp)
            else:
                refused[fp] = logger
                self.grouper.learner.forget(fp)
        if not refused:
            return learned
        out = []
        for item in learned:
            owner = refused.get(item.fingerprint)
            if owner is None:
                out.append(item)
                continue
            self.telemetry.groups_overflow.inc()
            out.append(Learned(overflow_fingerprint(owner), overflow_title(owner), False, False, ""))
        return out

    async def group(self, events: list[ErrorEvent], now: float) -> list[tuple[str, str]]:
        """(fingerprint, template) per event; learns, caps and stores (raises StoreError)."""
        return await self.commit(events, await self.prepare(events), now)

    async def prepare(self, events: list[ErrorEvent]) -> list[Learned]:
        """Steps 1-3: read what others stored, group each event, apply the new-group cap."""
        await self._sync(events)
        return await self._apply_cap(events, [self._group(i, e) for i, e in enumerate(events)])

    def _group(self, i: int, event: ErrorEvent) -> Learned:
        group = self._legacy_events.get(i)
        if group is None:
            return self.grouper.group(event)
        # Counted in its v1 group; nothing is learned or stored for it (form ""): its v1 id says it again.
        tpl = self.grouper.learner.template(group)
        return Learned(group, tpl.text if tpl is not None else event_title(event), False, False, "")

    def _same_event(self, new: tuple[str, str, str], others: list[Row]) -> str | None:
        """The oldest template another replica stored (since our last read) that is the same
        event as our new template `new`, for `save_learning` (see there)."""
        tpl = self.grouper.learner.template(new[0])
        if tpl is None:
            return None
        for row in others:
            if row["fingerprint"] != new[0] and row["bucket"] == new[1] and \
                    self.grouper.learner.same_event(tpl, tpl.bucket, row["template"]):
                self._winners[row["fingerprint"]] = (tpl.bucket, row["template"])
                return str(row["fingerprint"])
        return None

    async def commit(self, events: list[ErrorEvent], learned: list[Learned], now: float) -> list[tuple[str, str]]:
        """Step 4: store templates and merges, adopt what another replica stored first."""
        legacy: dict[str, str] = {}
        for event, item in zip(events, learned, strict=True):
            if not item.form:
                continue  # an overflow event: nothing learned is kept for it
            old = legacy_fingerprint(event, self.grouping)
            if old is not None and old != item.fingerprint and old not in self._legacy_saved:
                legacy.setdefault(old, item.fingerprint)  # first v2 group of an old group wins
            if item.created or item.widened:
                tpl = self.grouper.learner.template(item.fingerprint)
                if tpl is not None:  # stored text is cleaned like every stored text
                    self._unsaved_templates[tpl.fingerprint] = (tpl.fingerprint, _clean(tpl.bucket),
                                                                _clean(tpl.text))
            if item.form != item.fingerprint and old is None:
                self._unsaved_merges.setdefault(item.form, item.fingerprint)
        if legacy:
            await self.store.groups.save_learning([], sorted(legacy.items()), utc(now))
            for old in legacy:
                self._remember(self._legacy_saved, old)
        if self._unsaved_templates or self._unsaved_merges:
            self._winners.clear()
            stored = await self.store.groups.save_learning(list(self._unsaved_templates.values()),
                                                           sorted(self._unsaved_merges.items()), utc(now),
                                                           after_id=self._templates_after,
                                                           same_event=self._same_event)
            self._unsaved_templates.clear()
            self._unsaved_merges.clear()
            learner = self.grouper.learner
            adopted = {src: dst for src, dst in stored.items() if learner.known(src) != dst}
            if adopted:  # another replica merged these forms (or this template) first: its answer wins
                for src, dst in adopted.items():
                    if learner.template(src) is not None and dst in self._winners:
                        learner.absorb(src, dst, *self._winners[dst])
                learner.load((), adopted.items())
                learned = [dataclasses.replace(x, fingerprint=adopted.get(x.form, x.fingerprint)) for x in learned]
        return [(x.fingerprint, x.template) for x in learned]

    def warnings(self) -> list[str]:
        """The overview's warning while a logger is over the new-group cap."""
        flooding = self.cap.flooding(int(self.clock.time() // 60))
        return [f"new-group cap: logger {name or '(none)'} opened more than "
                f"{self.cap.per_minute} groups/minute; {n} more counted in its overflow group"
                for name, n in sorted(flooding.items())[:10]]
