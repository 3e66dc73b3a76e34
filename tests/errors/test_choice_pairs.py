"""Round 20 (I15 item 2): a pair of choices is one value like a longer list of them. The class, from the installed
printers raised for real (Python 3.11 argparse, click 8.5, pydantic 2.14 / pydantic-core 2.50, enum):
* repr'd choices - argparse `invalid choice: 'x' (choose from 'int', 'string')`, click `'x' is not one of 'int',
  'string'.`, pydantic literal_error / enum `Input should be 'int' or 'string'` (three: `'int', 'string' or
  'bool'`) - were one value at two items already (announced_lists' quoted list);
* bare choices, `", ".join(names)` after a word that announces them (pip `should be one of %s`, distutils `must be
  one of %s`, `expected one of %s`, `is not one of %s`): a pair whose second item reads as a participle (`int,
  string`, `idle, running`, `shared, exclusive`? no: `ed`/`ing` only) stayed text - round 19's clause test - so one
  statement made a group for its pairs and one for its longer lists. After `be` / `not` / `expected` (or argparse's
  `choose from`) a statement announces choices and prints no clause after the first: the pair is a list.
* a bare `either A or B` (`must be either int or string`, numpy/scipy `must be either callable or one of ...`,
  openai `Expected either (...) arguments`) names the statement's own alternatives, written by its programmer:
  it stays text (test_announced_lists.test_clauses_after_one_item_stay).
Twins kept: a participle after one item with no choice word (`changes in x, skipping`, `could not reach any of x,
retrying`), a pronoun (`must be one of them, retrying`)."""

from __future__ import annotations

import random
import string

import pytest

from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.masking import normalize_message

SEEDS = range(2010, 2015)
PARTICIPLE_NAMES = ("string", "running", "pending", "stopped", "shared", "padding", "mapping", "encoding", "failed",
                    "completed")
STATEMENTS = [  # bare `", ".join` printers
    ("Got invalid value for {key} - should be one of {list}", "pip._internal.configuration"),
    ("--plat-name must be one of {list}", "distutils.command.build"),
    ("{key}: expected one of {list}", "app.config"),
    ("{key} is not one of {list}", "app.config"),
    ("{key}: Expected one of {list}.", "app.schema"),
]


def _w(r: random.Random) -> str:
    return "".join(r.choice(string.ascii_lowercase) for _ in range(r.randint(3, 7)))


def _plain(r: random.Random) -> str:
    while True:
        w = _w(r)
        if not w.endswith(("ed", "ing")):
            return w


@pytest.mark.parametrize("seed", SEEDS)
def test_a_pair_of_choices_is_the_list_of_its_statement(seed):
    r = random.Random(seed)
    grouper = MessageGrouper()
    groups = []
    for statement, logger in STATEMENTS:
        key = _w(r)
        lists = [[_plain(r), r.choice(PARTICIPLE_NAMES)] for _ in range(3)]  # the pairs round 19 kept as text
        lists += [[_plain(r) for _ in range(n)] for n in (2, 3, 5)]
        texts = [statement.format(key=key, list=", ".join(names)) for names in lists]
        fps = {grouper.fingerprint(t, logger, "ERROR") for t in texts}
        assert len(fps) == 1, texts  # fails before: each pair `x, string` was its own text
        groups.append(fps.pop())
    assert len(set(groups)) == len(STATEMENTS)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_clause_after_one_item_stays_without_a_choice_word(seed):
    r = random.Random(seed)
    a, verb = _plain(r), r.choice(("retrying", "skipping", "ignored", "giving", "aborted"))
    for text in (f"changes in {a}, {verb}", f"could not reach any of {a}, {verb}", f"must be one of them, {verb}",
                 f"failed on one of {a}, {verb}", f"must be either {a} or {r.choice(PARTICIPLE_NAMES)}",
                 f"{a} must be either {_plain(r)} or {_plain(r)}"):
        assert normalize_message(text) == text
