"""A list of names joined by `, ` after a phrase that announces it: ONE value, whatever its length.

Class (GROUPING_MISSES_R18 M4; round 19 I15B item 1), from the printers' own format strings (installed sources):
* choices, bare: pip's configuration `... should be one of {}`, distutils `--plat-name must be one of %s`
  (`", ".join(names)`), `expected any of`, `none of`;
* choices, repr'd: argparse `invalid choice: %(value)r (choose from %(choices)s)` (`', '.join(map(repr, choices))`),
  click 8 `{value!r} is not one of {choices}.` (the same join), pydantic-core literal_error / enum
  `Input should be 'a', 'b' or 'c'` (and `'a' or 'b'` for two: no comma at all);
* a changed set: uvicorn `%s detected changes in %s. Reloading...` (`", ".join(map(_display_path, changes))`).
JSON-schema's `%r is not one of %r` prints a Python list (`['a', 'b']`): one bracketed token already
(token_forms.tokenize). Enum's `%r is not a valid %s` and Postgres' `invalid input value for enum %s: "%s"` print
one value, no list. A list after `key:` is token_forms' (`_joined_list`, round 12: a tail after a key, with its
failure-word twin `error: timeout, retrying`), not this module's.
The list's length varies per call, so one statement printed 1-, 2- and 5-item lists, each count a group: the
learner compares equal token counts, and a run of plain words is no value for spans.py.

The rule: after an ANCHOR (`one of` / `any of` / `none of` / `all of` / `either of` / `each of`, `choose from`,
or `change(s) in`), TWO OR MORE items joined by `,` (and an optional last `and` / `or`), or two joined by `and` /
`or` alone, each one token (bare, or quoted, or a masked value), ending the text or followed by `.` `;` `:` `)`
`]`, a bracket or a capital (the next sentence), become one `<*>`. After a word that announces a VALUE (`should
be` / `must be` [`either`], `expected`) only a list of QUOTED items is one (a repr'd choice list: pydantic), and a
quoted list may also end at `, ` (`expected 'a' or 'b', got 'c'`: a next item would be quoted too).
One item stays to the learner (a one-token slot joins the two-or-more form's `<*>` at the same count).

What is NOT a list (a clause after a comma, round 19: the old test rejected every item ending -ed/-ing, so
`one of string, int, bool`, `one of shared, exclusive`, `expected one of red, green, blue` stayed one group per
length): a pronoun among the items (`none of them, giving up`, `one of us, retried`), or exactly ONE item then a
bare participle (`changes in progress, skipping`, `any of <*>, retrying`) - unless both are participles (a list of
states: `one of started, stopped`). A clause with words after it fails the END test already (`one of the workers,
retrying later`). Round 20 (tests/errors/test_choice_pairs.py): after a word that announces CHOICES (`be` / `not` /
`expected` before the anchor, or argparse's `choose from`) the pair is a list all the same (`must be one of int,
string`, `should be one of idle, running`): such a statement prints no clause after its first choice. A bare
`either A or B` stays text: it names the statement's own alternatives (`must be either int or string`, numpy's
`must be either callable or one of ...`), not a list printed from data. The v2 groups round 19 made of such
pairs stay reached (legacy_forms.r19_event_id, `mask_announced_lists(choice_pairs=False)`).

Twins kept (tests/errors/test_announced_lists.py): a comma between two clauses with no anchor (`Connection failed
in worker, retrying`), a key and a colon (`status: ok, retrying`: token_forms' rule decides), an anchor followed
by a phrase rather than single items (`one of the workers, retrying later`: `the workers` is no item), and the
words after the list (`. Reloading...`, `or none`).

Why it holds across restarts and replicas: a pure function of the message text, applied before learning.
"""

from __future__ import annotations

import re

from .masking_rules import PLACEHOLDER

__all__ = ["mask_announced_lists", "may_hold_list", "ANCHOR_AT_EDGE", "ANCHOR_LITERALS", "JOINER_AT_EDGE"]

_ANCHOR = r"(?:(?:[Oo]ne|[Aa]ny|[Nn]one|[Aa]ll|[Ee]ither|[Ee]ach) of|choose from|[Cc]hanges? in)"
# Words that announce a value rather than a set: only a run of quoted (repr'd) items after them is a list.
_VALUE_ANCHOR = r"(?:(?:[Ss]hould|[Mm]ust) be(?: either)?|[Ee]xpected)"
_ITEM = r"""(?:'[^'\s]*'|"[^"\s]*"|[^\s,;:()\[\]{}'"]*[^\s,;:()\[\]{}'".])"""
_QITEM = r"""(?:'[^'\s]*'|"[^"\s]*")"""


def _list_of(item: str) -> str:
    # two or more items: `a, b[, c...][,] and|or d`, `a, b, c`, or `a or b` (pydantic's two-item literal_error)
    return item + r"(?:(?:, ?" + item + r")+(?:,? (?:and|or) " + item + r")?| (?:and|or) " + item + ")"


# The list ends the text or is followed by `.` `;` `:` `)` `]`, or a blank then a bracket or a capital (a sentence
# after the list whose `.` masking took). A quoted list may also end at `, ` (`expected 'a' or 'b', got 'c'`):
# its next item would be quoted too.
_END = r"(?=$|[.;:)\]]|\s[(\[A-Z])"
_LIST = re.compile(r"(?<![\w-])(" + _ANCHOR + " )" + _list_of(_ITEM) + _END)
_QUOTED_LIST = re.compile(
    r"(?<![\w-])((?:" + _ANCHOR + "|" + _VALUE_ANCHOR + ") )" + _list_of(_QITEM) + r"(?=$|[.;:)\]]|\s[(\[A-Z]|,\s)")
# An anchor as both rules read it - at a word start (`(?<![\w-])`: not `Unexpected`, `could be`, `done of`), then
# its blank - on the RAW text, for legacy_forms.may_differ: masking creates no anchor there (it writes `<*>` and
# ` ... `; a digit token swallows the letters glued after it, so the character before an anchor is the raw one),
# except that dot leaders make `expected...'a'` `expected ... 'a'`: hence `[ .]` after it.
ANCHOR_AT_EDGE = re.compile(r"(?<![\w-])(?:" + _ANCHOR + "|" + _VALUE_ANCHOR + r")[ .]")
# A joiner as `_list_of` reads it, on the raw text: `,`, or `and` / `or` between blanks (` ... ` from dot leaders
# may make `x...or` `x ... or`: a `.` on either side).
JOINER_AT_EDGE = re.compile(r"[ .](?:and|or)[ .]")
# The literals every anchor holds (the gates: `may_hold_list`, and legacy_forms.may_differ's before its
# ANCHOR_AT_EDGE); a list joins its items with `,` or ` and ` / ` or `.
ANCHOR_LITERALS = _LITERALS = ("ne of", "ny of", "ll of", "ther of", "ch of", "choose from", "nge in", "nges in",
                               "ld be", "st be", "xpected")
assert all(any(lit in a for lit in _LITERALS) for a in ("one of", "none of", "any of", "all of", "either of", "each of",
                                                        "choose from", "change in", "changes in", "should be",
                                                        "must be", "expected", "Expected"))
# A pronoun is never a list's item: `none of them, giving up`, `one of us, retried`, `lease is not one of ours,
# skipping` (a clause after a comma). Personal pronouns in every case and the independent genitives (CGEL ch. 5:
# `mine yours his hers ours theirs`), demonstratives, relatives, `both`.
_PRONOUN = frozenset(("them", "these", "those", "it", "us", "you", "which", "whom", "both", "me", "him", "her",
                      "we", "they", "mine", "yours", "his", "hers", "ours", "theirs", "this", "that"))
# A bare participle (`retrying`, `skipping`, `ignored`; `to_phrases.VERB_FORM`'s stem length): a clause after
# ONE item (`changes in progress, skipping`), or an item (`one of string, int`, `one of shared, exclusive`).
_PARTICIPLE = re.compile(r"[a-z]{2,}(?:ing|ed)")
_SPLIT = re.compile(r",? (?:and|or) |, ?")


def may_hold_list(t: str) -> bool:
    """Cheap gate: a joiner (`,` / ` or ` / ` and `) and one of the anchors' literals."""
    # written out (not `any(...)` over `_LITERALS`): this runs for every digit-masked text not memoised
    return ("," in t or " or " in t or " and " in t) and (
        "ne of" in t or "ny of" in t or "ll of" in t or "ther of" in t or "ch of" in t or "choose from" in t
        or "nge in" in t or "nges in" in t or "ld be" in t or "st be" in t or "xpected" in t)


def _clause(items: list[str]) -> bool:
    """Whether the `items` after an anchor are one item and a clause, not a list (module docstring)."""
    if any(item in _PRONOUN for item in items):
        return True
    return (len(items) == 2 and _PARTICIPLE.fullmatch(items[1]) is not None
            and _PARTICIPLE.fullmatch(items[0]) is None)


# Words before an anchor that make it announce CHOICES (a value must be one of them): pip `should be one of %s`,
# distutils `must be one of %s`, click `is not one of %s`, `expected one of %s` (and `expects`/`expecting one of`,
# `must be set to one of`, `choose one of`, `must equal one of`); argparse's `(choose from %s)` is one itself.
# There a second item that reads as a participle is a choice (`one of int, string`, `one of idle, running`): a
# statement announcing its choices prints no clause after the first one. Not a bare `to` (`switch to one of
# replicas, retrying` is a clause).
_CHOICE_BEFORE = re.compile(r"(?<![\w-])(?:be|not|[Ee]xpect(?:ed|s|ing)?|set to|[Cc]hoose|equal) $")


def _choices(m: re.Match[str]) -> bool:
    return m.group(1)[:6] == "choose" or _CHOICE_BEFORE.search(m.string, max(0, m.start() - 10), m.start()) is not None


def _list(m: re.Match[str]) -> str:
    items = _SPLIT.split(m.group()[len(m.group(1)):])
    if _clause(items) and not (_choices(m) and not any(item in _PRONOUN for item in items)):
        return m.group()
    return m.group(1) + PLACEHOLDER


def _list_r19(m: re.Match[str]) -> str:
    # round 19's rule (before choice pairs): the forms a v2 store may hold (legacy_forms.r19_masked)
    items = _SPLIT.split(m.group()[len(m.group(1)):])
    return m.group() if _clause(items) else m.group(1) + PLACEHOLDER


def mask_announced_lists(t: str, choice_pairs: bool = True) -> str:
    """`t` with each announced list of two or more items (see the module docstring) written as one `<*>`
    (`choice_pairs` False: round 19's rule, where a pair of choices whose second reads as a participle stayed)."""
    sub = _list if choice_pairs else _list_r19
    t = _LIST.sub(sub, t)
    if "'" in t or '"' in t:
        t = _QUOTED_LIST.sub(sub, t)
    return t
