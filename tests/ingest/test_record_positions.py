"""Property: an event is the file's own bytes at its offsets, on its line, with the lines before it as context.

Checked against the file itself (not against another parse), for storms of one-line errors (the
scanner emits a run of them without per-record searches) mixed with every other record kind, read
in arbitrary splits.
"""

from __future__ import annotations

from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sidecar.ingest.parser import FileParser, ParserOptions
from sidecar.ingest.rawrecord import Limits

ERROR_LINES = [
    b"2026-11-23 10:00:00 ERROR a.b: failed id=1\n",
    b"2026-11-23 10:00:01,250 CRITICAL ws: down\n",
    b"2026-11-23 10:00:02 - svc - ERROR - format two\n",
    b"ERROR:a.c:format three\n",
    b"2026-11-23 10:00:03 ERROR a.b: bad byte \xff here\n",
    b"2026-11-23 10:00:04 ERROR a.b: crlf\r\n",
]
OTHER = [
    b"2026-11-23 10:00:00 INFO a.b: fine\n",
    b"2026-11-23 10:00:00 WARNING a.b: payload ERROR inside\n",
    b"Traceback (most recent call last):\n",
    b'  File "/app/x.py", line 3, in f\n',
    b"KeyError: 'k'\n",
    b"continuation line\n",
    b"\n",
]
CONTEXT = 3


def parse(data: bytes, cuts: list[int]) -> list:
    p = FileParser("t", "f.log", ParserOptions(limits=Limits(context_lines=CONTEXT)), file_key="k")
    out = []
    prev = 0
    for c in sorted(set(cuts)) + [len(data)]:
        out += p.feed(data[prev:c])
        prev = c
    return out + p.flush()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.lists(st.sampled_from(ERROR_LINES), min_size=1, max_size=30), st.sampled_from(OTHER)),
                min_size=1, max_size=40),
       st.data())
def test_each_event_is_the_files_bytes_at_its_offsets_and_line(parts, data):
    blob = b"".join(b"".join(p) if isinstance(p, list) else p for p in parts)
    cuts = data.draw(st.lists(st.integers(min_value=0, max_value=len(blob)), max_size=20))
    events = parse(blob, cuts)
    for ev in events:
        own = blob[ev.offset:ev.end_offset]
        assert ev.raw == own.decode("utf-8", "replace").replace("\r\n", "\n").rstrip("\n")
        assert ev.line == blob.count(b"\n", 0, ev.offset) + 1
        before = blob[:ev.offset].decode("utf-8", "replace").replace("\r", "").split("\n")[:-1]
        expected = before[-CONTEXT:]
        assert ev.context == (tuple(expected) if "".join(expected) or len(expected) > 1 else ())  # one blank line: none
    # A record runs to the next header (or to a traceback that no record introduced): every line after
    # its first is a continuation line, and the line at its end is a header, a traceback's start or EOF.
    headers = set(ERROR_LINES) | {ln for ln in OTHER if ln[:1] == b"2"}
    for ev in events:
        inner = blob[ev.offset:ev.end_offset].splitlines(keepends=True)[1:]
        assert not headers.intersection(inner), "a record swallowed the next header"
        if ev.end_offset < len(blob):
            at = blob[ev.end_offset:blob.find(b"\n", ev.end_offset) + 1]
            assert at in headers or at == OTHER[2], f"a record ended before its continuation line {at!r}"
    # Records do not overlap, and an error line followed by another error line is an event of its own.
    for a, b in pairwise(events):
        assert a.end_offset <= b.offset
    offsets = {ev.offset: ev for ev in events}
    pos = 0
    lines = blob.splitlines(keepends=True)
    for ln, nxt in pairwise(lines):
        if ln in ERROR_LINES and nxt in ERROR_LINES:
            assert offsets[pos].end_offset == pos + len(ln)
        pos += len(ln)
