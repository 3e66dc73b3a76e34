"""`spans._depth` (the bracket balance `_grown` grows a stretch by) counts as a reading of the stretch's
characters left to right does, with its no-bracket shortcut: generated stretches of bracket, quote and
word characters, with and without brackets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.errors.spans import _depth


def _reading(tokens: list[str]) -> tuple[int, int]:
    """(closers without their opener, openers left open), one character at a time."""
    open_, unopened = [], 0
    for c in "".join(tokens):
        if c in "([{":
            open_.append(c)
        elif c in ")]}":
            if open_:
                open_.pop()
            else:
                unopened += 1
    return unopened, len(open_)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text("ab<*>'\"([{)]}=,:", max_size=6), max_size=5))
def test_depth_is_the_left_to_right_reading(tokens: list[str]) -> None:
    assert _depth(tokens) == _reading(tokens)


def test_depth_examples() -> None:
    assert _depth(["'<*>']"]) == (1, 0)
    assert _depth(["uid=['a',", "'b',"]) == (0, 1)
    assert _depth(["plain", "words"]) == (0, 0)
