"""A value printed in another language's notation is one slot, whatever its item count
(bench/GROUPING_CLASSES3.md S30, S33, S36, S37, V1, V2; errors/token_forms.py `_bracket_end`,
`_printed_collection`).

Generated per seed by tests/errors/value_gen.py: twelve notations (Go `%v` structs, `%+v`, pointers,
slices and maps; Java lists, maps, records and `Object.toString`; Node `util.inspect` objects, arrays
and Maps; Perl references), 0-5 items per line, so one statement prints 1 to 20 tokens in its slot,
at a random position among 2-6 constant words. Every statement must be ONE group, but for a second
group of one-item values (see the test). The near misses
that must keep their reading: a bracket group of plain words (`[preauth]`, `{name}`) is not a value by
its form, and a parenthesised clause of plain words longer than the short reach is not one token.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.token_forms import tokenize, variable_like

from . import value_gen
from .value_gen import SHAPES, corpus

SEEDS = range(1551, 1555)


@pytest.mark.parametrize("shape", sorted(SHAPES))
@pytest.mark.parametrize("seed", SEEDS)
def test_one_group_per_statement_whatever_the_item_count(seed: int, shape: str) -> None:
    # without twins: a one-word twin is the positional-word rule's question (slots.py), measured by
    # bench/grouping_values_lang.py, not this mechanism's
    lines, truth = corpus(seed, shape, twins=False)
    printed = list(value_gen.values)
    grouper = MessageGrouper()
    groups: dict[str, set[str]] = defaultdict(set)
    several: dict[str, set[str]] = defaultdict(set)  # groups of the lines whose value holds a blank
    for line, t, value in zip(lines, truth, printed, strict=True):
        g = grouper.fingerprint(line)
        groups[t].add(g)
        if " " in value:
            several[t].add(g)
    # Every line whose value has several items joins one group per statement; a one-item value
    # (`[abc]` first, `[<*>]` later) may keep a second group: one plain item against one masked item is
    # also a constant suffix against a value (CLASSES S28's twin `[preauth]`), which slots.py keeps apart.
    assert all(len(g) == 1 for g in several.values()), f"{shape} seed {seed}: {dict(several)}"
    split = {t: len(g) for t, g in groups.items() if len(g) > 2 or (len(g) == 2 and len(several[t]) != 1)}
    assert not split, f"{shape} seed {seed}: statements split {split}"
    # and the statements stay apart: a grouper that merged everything would pass the checks above
    owner: dict[str, str] = {}
    for t, gs in groups.items():
        for g in gs:
            assert owner.setdefault(g, t) == t, f"{shape} seed {seed}: {t} and {owner[g]} share a group"


@pytest.mark.parametrize("token", ["&{abc def}", "map[]", "map[a:1 b:2]", "{Name:abc}", "{k=v, k2=w}",
                                   "Endpoint[host=abc, port=x]", "[a, b],", "Optional[abc]", "Thread[main,5,main]",
                                   "OptionalInt[<*>]"])
def test_printed_collections_are_values(token: str) -> None:
    assert variable_like(token)


@pytest.mark.parametrize("token", ["[preauth]", "{name}", "(spawning)", "[main]", "session[main]", "[Main]"])
def test_bracketed_words_are_not(token: str) -> None:
    assert not variable_like(token)


def test_a_long_collection_is_one_token_a_long_clause_is_not() -> None:
    items = ", ".join(f"'k{i}' => v" for i in range(12))
    assert tokenize(f"Loaded Map(12) {{ {items} }} done")[-1] == "done"
    assert len(tokenize(f"Loaded Map(12) {{ {items} }} done")) == 4
    clause = "(see the notes in the manual for the reasons why this happens here)"
    assert len(tokenize(f"Failed {clause} again")) == len(clause.split(" ")) + 2
