"""Replace the spans a rule found with the mark, once each, left to right.

Rules that judge several values of one text (every element of a list, every unnamed token) collect
spans first and write once: an overlapping later span is dropped, so a value is never marked twice
and offsets found on the original text stay valid.
"""

from __future__ import annotations

from collections.abc import Iterable


def mark_spans(text: str, spans: Iterable[tuple[int, int]], mark: str) -> str:
    """`text` with each (start, end) span replaced by `mark`; a span overlapping an earlier one is skipped."""
    out, pos = [], 0
    for a, b in sorted(set(spans)):
        if a < pos:
            continue
        out.append(text[pos:a])
        out.append(mark)
        pos = b
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)
