"""Property: how bytes are split into reads never changes the events (run and replay agree)."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sidecar.ingest.parser import FileParser, ParserOptions
from sidecar.ingest.rawrecord import Limits

PIECES = [
    b"2026-11-23 10:00:00 INFO a.b: fine\n",
    b"2026-11-23 10:00:00 ERROR a.b: failed\n",
    b"2026-11-23 10:00:00 AEDT CRITICAL ws: down\r\n",
    b"2026-11-23 10:00:00 - svc - ERROR - format two\n",
    b"Traceback (most recent call last):\n",
    b'  File "/app/x.py", line 3, in f\n',
    b"    g()\n",
    b"KeyError: 'k'\n",
    b"\n",
    b"During handling of the above exception, another exception occurred:\n",
    b"continuation \xff\xfe line\n",
    b"x" * 1500 + b"\n",  # over the 1 KiB line limit below
    b"2026-11-23 10:00:00 INFO a.b: payload ERROR CRITICAL Traceback (most recent call last):\n",
]

OPTS = ParserOptions(max_line_bytes=1024, limits=Limits(max_lines=6, max_bytes=2048))


def events(data: bytes, cuts: list[int]) -> list[tuple]:
    p = FileParser("t", "f.log", OPTS, file_key="k")
    out = []
    prev = 0
    for c in sorted(set(cuts)) + [len(data)]:
        out += p.feed(data[prev:c])
        prev = c
    out += p.flush()
    return [(e.line, e.offset, e.end_offset, e.level, e.logger, e.exception_type, e.raw, e.truncated) for e in out]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=60), st.data())
def test_any_split_gives_the_same_events(pieces, data):
    blob = b"".join(pieces)
    cuts = data.draw(st.lists(st.integers(min_value=0, max_value=len(blob)), max_size=30))
    whole = events(blob, [])
    assert events(blob, cuts) == whole
    for ev in whole:  # every event's offsets are inside the file and start at a line start
        assert 0 <= ev[1] < ev[2] <= len(blob)
        assert ev[1] == 0 or blob[ev[1] - 1:ev[1]] == b"\n"


UTF16 = {"utf-16-le": b"", "utf-16-be": b"", "utf-16-le-bom": b"\xff\xfe", "utf-16-be-bom": b"\xfe\xff"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(UTF16)), st.lists(st.sampled_from([p for p in PIECES if b"\xff" not in p]),
                                               min_size=1, max_size=40), st.data())
def test_utf16_with_and_without_bom_any_split_even_mid_code_unit(enc, pieces, data):
    """UTF-16 (PowerShell's redirection writes LE with a BOM; other tools without one): reads cut
    anywhere, also inside a code unit or a BOM, give the events of the whole file, in its text."""
    text = b"".join(pieces).decode("utf-8")
    blob = UTF16[enc] + text.encode(enc.removesuffix("-bom"))
    cuts = data.draw(st.lists(st.integers(min_value=0, max_value=len(blob)), max_size=30))
    whole = events(blob, [])
    assert events(blob, cuts) == whole
    assert [ev[3] for ev in whole] == [ev[3] for ev in events(b"".join(pieces), [])]  # same records, same levels
    for ev in whole:
        assert (ev[1] - len(UTF16[enc])) % 2 == 0  # offsets on code units


UNLIMITED = ParserOptions(max_line_bytes=1024, limits=Limits(max_lines=100_000, max_bytes=10**8))
INFO, TB, BIG_LINE = PIECES[0], PIECES[4], PIECES[11]


def boundaries(data: bytes, cuts: list[int], opts: ParserOptions) -> list[tuple]:
    p = FileParser("t", "f.log", opts, file_key="k")
    out, prev = [], 0
    for c in sorted(set(cuts)) + [len(data)]:
        out += p.feed(data[prev:c])
        prev = c
    out += p.flush()
    return [(e.line, e.offset, e.end_offset, e.level, e.logger) for e in out]


@example([INFO, TB, b'  File "/app/x.py", line 3, in f\n', BIG_LINE, BIG_LINE, BIG_LINE, INFO], [])  # crash after INFO, over-size
@example([INFO, INFO, BIG_LINE, BIG_LINE, TB], [])  # the crash comes after the INFO record went over size
@example([INFO, TB, TB, BIG_LINE, BIG_LINE], [])  # two crashes in a row, over size
@example([TB, PIECES[6], PIECES[6], PIECES[5], PIECES[6], PIECES[6], PIECES[6]], [])  # frames clipped by max_lines
@example([PIECES[9], TB, BIG_LINE, BIG_LINE], [])  # a chain sentence no record opened, then a crash over size
@example([INFO, PIECES[9], TB, BIG_LINE, BIG_LINE], [])  # the same after an INFO record
@example([INFO, BIG_LINE, BIG_LINE, PIECES[9], TB, PIECES[7]], [])  # an INFO record over size, then the chained crash
# Issue 16 (found by this property): a header line whose message ends with the traceback header text
# made the over-size path take the chain sentence after it as tying the crash to the INFO record.
@example([PIECES[12], PIECES[9], TB, BIG_LINE, BIG_LINE], [])
@example([PIECES[12], PIECES[9], TB, BIG_LINE, BIG_LINE], [88, 89, 157])  # reads split at the boundaries
@example([PIECES[12], TB, BIG_LINE, BIG_LINE], [])  # no chain sentence
@example([TB, PIECES[9], TB, BIG_LINE, BIG_LINE], [])  # a bare header before the sentence: two crashes
@example([PIECES[1], PIECES[9], TB, BIG_LINE, BIG_LINE, PIECES[7]], [])  # an ERROR record owns it
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=60), st.data())
def test_size_limits_clip_a_records_text_never_its_boundaries_or_level(pieces, data):
    """max_bytes / max_lines shorten what is kept of a record; which records there are, where they
    start and end, and their level and logger are those of a parser without limits, however reads
    split the file (an over-size INFO record once swallowed the crash printed after it)."""
    blob = b"".join(pieces)
    cuts = data if isinstance(data, list) else data.draw(st.lists(st.integers(0, len(blob)), max_size=30))
    assert boundaries(blob, cuts, OPTS) == boundaries(blob, [], UNLIMITED)


def test_an_over_long_utf16_line_cut_inside_its_newline_still_ends_there():
    """Found by the property above: a read ending inside the last code unit of an over-long UTF-16
    line (so inside its newline) lost the line's end, and with it the line, from the event."""
    text = (INFO + TB + PIECES[5] + BIG_LINE + BIG_LINE).decode("utf-8")
    for enc in ("utf-16-le", "utf-16-be"):
        for bom in (b"", UTF16[enc + "-bom"]):
            blob = bom + text.encode(enc)
            whole = events(blob, [])
            assert [(ev[3], ev[4], ev[2]) for ev in whole] == [("CRITICAL", "uncaught", len(blob))]
            for cut in range(len(blob) - 6, len(blob)):
                assert events(blob, [cut]) == whole, (enc, bom, cut)
