"""A list of names joined by `, ` after a phrase that announces it: ONE value, whatever its length.

Class (GROUPING_MISSES_R18 M4), from the printers' format strings: a statement prints a collection with
`", ".join(names)` (or `repr` of each) right after words that announce a set of choices or a set of things:
* choices: `... must be one of %s` / `should be one of {}` (pip's configuration, distutils' `--plat-name must be
  one of %s`), argparse `invalid choice: %r (choose from %s)`, `expected any of`, `none of`;
* a changed set: uvicorn `%s detected changes in %s. Reloading...` (`", ".join(map(_display_path, changes))`).
A list after `key:` is token_forms' (`_joined_list`, round 12: a tail after a key, with its failure-word twin
`error: timeout, retrying`), not this module's.
The list's length varies per call, so one statement printed 1-, 2- and 5-item lists, each count a group: the
learner compares equal token counts, and a run of plain words is no value for spans.py.

The rule: after an ANCHOR (`one of` / `any of` / `none of` / `all of` / `either of` / `each of`, `choose from`,
or `change(s) in`), TWO OR MORE items joined by `,` (and an optional last `and` / `or`), each one token (bare, or
quoted, or a masked value), ending the text or followed by `.` `;` `:` `)` `]`, a bracket or a capital (the next sentence), become one `<*>` -
unless an item is a pronoun or a bare participle (a clause after a comma: `none of them, giving up`). One item stays to the learner (a one-token slot joins the
two-or-more form's `<*>` at the same count).

Twins kept (tests/errors/test_announced_lists.py): a comma between two clauses with no anchor (`Connection failed
in worker, retrying`), a key and a colon (`status: ok, retrying`: token_forms' rule decides), an anchor followed
by a phrase rather than single items (`one of the workers, retrying later`: `the workers` is no item), and the
words after the list (`. Reloading...`, `or none`).

Why it holds across restarts and replicas: a pure function of the message text, applied before learning.
"""

from __future__ import annotations

import re

from .masking_rules import PLACEHOLDER

__all__ = ["mask_announced_lists", "may_hold_list"]

_ITEM = r"""(?:'[^'\s]*'|"[^"\s]*"|[^\s,;:()\[\]{}'"]*[^\s,;:()\[\]{}'".])"""
_LIST = re.compile(
    r"(?<![\w-])((?:(?:[Oo]ne|[Aa]ny|[Nn]one|[Aa]ll|[Ee]ither|[Ee]ach) of|choose from|[Cc]hanges? in) )"
    + _ITEM + r"(?:, ?" + _ITEM + r")+(?:,? (?:and|or) " + _ITEM + r")?"
    + r"(?=$|[.;:)\]]|\s[(\[A-Z])")  # a blank then a capital: a sentence after the list whose `.` masking took
# What a clause after a comma opens with, never a list's item: a pronoun (`none of them, giving up`) or a bare
# participle (`changes in progress, skipping`, `one of us, retried`).
_CLAUSE_WORD = re.compile(r"[a-z]+(?:ing|ed)|them|these|those|it|us|you|which|whom|both")


def may_hold_list(t: str) -> bool:
    """Cheap gate: a comma and a word the anchors hold."""
    return "," in t and (" of " in t or "from " in t or " in " in t)


def _list(m: re.Match[str]) -> str:
    items = re.split(r",? (?:and|or) |, ?", m.group()[len(m.group(1)):])
    if any(_CLAUSE_WORD.fullmatch(item) is not None for item in items):
        return m.group()  # a clause after a comma, not a list
    return m.group(1) + PLACEHOLDER


def mask_announced_lists(t: str) -> str:
    """`t` with each announced list of two or more items (see the module docstring) written as one `<*>`."""
    return _LIST.sub(_list, t)
