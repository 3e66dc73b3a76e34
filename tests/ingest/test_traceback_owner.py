"""Which record owns a traceback, whatever the size limits and wherever reads split the file (issue 16).

The rule (formats.TextDialect._next_unintroduced_tb): CPython's logging prints a record's exc_info
text on the line AFTER its message, so a header line whose message merely contains (or ends with)
`Traceback (most recent call last):` introduces nothing - an ERROR/CRITICAL record still owns the
traceback on its next lines, an INFO/WARNING record owns none (the traceback is an uncaught crash:
CRITICAL, logger `uncaught`). A chain sentence joins the traceback after it to the one before only
when a first traceback was printed in full before it (not a bare header line).
Found by test_chunking_property: with max_bytes the INFO line below swallowed the crash.
"""

from __future__ import annotations

import itertools

from sidecar.ingest.parser import ParserOptions
from sidecar.ingest.rawrecord import Limits
from tests.ingest.test_chunking_property import UNLIMITED, boundaries  # the property's own reader, one copy

TB = "Traceback (most recent call last):"
SENTENCES = ("During handling of the above exception, another exception occurred:",
             "The above exception was the direct cause of the following exception:")
HEADERS = {  # the three text header shapes: (line, logger)
    "f1": ("2026-11-23 10:00:00 {level} a.b: {msg}", "a.b"),
    "f2": ("2026-11-23 10:00:00 - a.b - {level} - {msg}", "a.b"),
    "f3": ("{level}:a.b:{msg}", "a.b"),
}
MESSAGES = {  # where the header text sits in the message
    "end": f"payload ERROR CRITICAL {TB}",
    "mid": f"quoted {TB} in a message",
    "none": "plain message",
}
BODIES = {
    "small": ['  File "/app/x.py", line 3, in f', "    g()", "KeyError: 'k'"],
    "big": ["x" * 1500, "x" * 1500, "KeyError: 'k'"],  # over max_bytes
}
BY_BYTES = ParserOptions(max_line_bytes=1024, limits=Limits(max_lines=100_000, max_bytes=2048))
BY_LINES = ParserOptions(max_line_bytes=1024, limits=Limits(max_lines=3, max_bytes=10**8))
BOTH = ParserOptions(max_line_bytes=1024, limits=Limits(max_lines=6, max_bytes=2048))


def near_line_starts(blob: bytes) -> list[int]:
    """Read splits at every byte within 2 of each line start (and the header text's own end)."""
    starts = [0] + [i + 1 for i, b in enumerate(blob) if b == 10]
    tb = blob.find(TB.encode())
    marks = starts + ([tb, tb + len(TB)] if tb >= 0 else [])
    return sorted({c for m in marks for c in range(m - 2, m + 3) if 0 < c < len(blob)})


def cases():
    for level, (fmt, (shape, logger)), (where, msg), sentence, blank, (size, body) in itertools.product(
            ("INFO", "WARNING", "ERROR", "CRITICAL"), HEADERS.items(), MESSAGES.items(),
            (None, *SENTENCES), (False, True), BODIES.items()):
        lines = [shape.format(level=level, msg=msg)]
        if sentence is not None:
            lines += ["", sentence, ""] if blank else [sentence]
        tb_line = len(lines) + 1
        lines += [TB, *body]
        yield (level, fmt, where, sentence is not None, blank, size), level, logger, tb_line, lines


def test_a_header_quoting_the_traceback_header_never_changes_who_owns_the_crash():
    failures = []
    n = 0
    for key, level, logger, tb_line, lines in cases():
        blob = ("\n".join(lines) + "\n").encode()
        tb_at = sum(len(x) + 1 for x in lines[:tb_line - 1])
        if level in ("INFO", "WARNING"):
            want = [(tb_line, tb_at, len(blob), "CRITICAL", "uncaught")]
        else:  # the error record owns the traceback printed on the lines after it (logger.exception)
            want = [(1, 0, len(blob), level, logger)]
        for opts in (UNLIMITED, BY_BYTES, BY_LINES, BOTH):
            for cut in [None, *near_line_starts(blob)]:
                n += 1
                got = boundaries(blob, [] if cut is None else [cut], opts)
                if got != want:
                    failures.append((key, opts.limits, cut, got))
    assert not failures, f"{len(failures)} of {n}: {failures[:3]}"


def test_a_chain_sentence_joins_only_a_traceback_printed_in_full_before_it():
    """`Traceback...` alone, then a chain sentence: nothing of a first traceback was printed, so the
    traceback after the sentence is a crash of its own; after a complete one it continues it."""
    failures = []
    n = 0
    for sentence, blank, (size, body) in itertools.product(SENTENCES, (False, True), BODIES.items()):
        mid = ["", sentence, ""] if blank else [sentence]
        for complete in (False, True):
            first = [TB, '  File "/app/y.py", line 9, in h', "    k()", "ValueError: v"] if complete else [TB]
            lines = [*first, *mid, TB, *body]
            blob = ("\n".join(lines) + "\n").encode()
            second = sum(len(x) + 1 for x in lines[:len(first) + len(mid)])
            want = ([(1, 0, len(blob), "CRITICAL", "uncaught")] if complete else
                    [(1, 0, second, "CRITICAL", "uncaught"),
                     (len(first) + len(mid) + 1, second, len(blob), "CRITICAL", "uncaught")])
            for opts in (UNLIMITED, BY_BYTES, BY_LINES, BOTH):
                for cut in [None, *near_line_starts(blob)]:
                    n += 1
                    got = boundaries(blob, [] if cut is None else [cut], opts)
                    if got != want:
                        failures.append((sentence[:6], blank, size, complete, opts.limits, cut, got))
    assert not failures, f"{len(failures)} of {n}: {failures[:3]}"
