"""Millisecond header times (Python logging's default `YYYY-MM-DD HH:MM:SS,mmm`) are read through their
memoised second (formats.TextDialect._asctime): the event time must be exactly what reading the whole
printed time gives (timestamps.parse_timestamp), for every shape a header's time can have.

Generated header lines: valid and invalid dates, ` ` and `T`, fractions of 1-9 digits after `,` or
`.`, a zone after the fraction (`Z`, offsets) or as a word after the time, formats 1 and 2; zone-less
times read in UTC, Melbourne (DST both ways), New York, Lord Howe (30-minute DST) and this host's
local time. And an independent oracle: `fromisoformat` with the zone attached, converted to UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sidecar.ingest.formats import TextDialect
from sidecar.ingest.timestamps import parse_timestamp

ZONES: list[tzinfo | None] = [UTC, ZoneInfo("Australia/Melbourne"), ZoneInfo("America/New_York"),
                              ZoneInfo("Australia/Lord_Howe"), None]
DIALECTS = {id(z): TextDialect(tz=z) for z in ZONES}
# Hour-aligned DST zones for the oracle: the parser keys a zone's offset by hour of log time.
ORACLE_ZONES: list[tzinfo] = [UTC, ZoneInfo("Australia/Melbourne"), ZoneInfo("America/New_York")]

d2 = st.integers(0, 99).map(lambda n: f"{n:02d}")
heads = st.builds(lambda y, mo, d, sep, h, mi, s: f"{y:04d}-{mo}-{d}{sep}{h}:{mi}:{s}",
                  st.integers(1, 9999), d2, d2, st.sampled_from(" T"), d2, d2, d2)
fractions = st.one_of(st.just(""), st.builds(lambda sep, digits: sep + digits, st.sampled_from(",."),
                                             st.text("0123456789\u0661", min_size=1, max_size=9)))


@settings(max_examples=1500, deadline=None)
@given(head=heads, frac=fractions, tz_suffix=st.sampled_from(["", "", "", "Z", "+10:00", "-0530"]),
       word=st.sampled_from(["", "", " AEDT", " +11:00", " XYZ"]), fmt2=st.booleans(), zone=st.sampled_from(ZONES))
@example(head="2026-04-05 02:30:00", frac=",123", tz_suffix="", word="", fmt2=False, zone=ZONES[1])  # DST ends
@example(head="2026-10-04 02:30:00", frac=".500", tz_suffix="", word="", fmt2=True, zone=ZONES[1])  # no such hour
@example(head="9999-12-31 23:59:59", frac=",999", tz_suffix="", word="", fmt2=False, zone=ZONES[2])  # overflow
@example(head="2026-02-30 10:00:00", frac=",100", tz_suffix="", word="", fmt2=False, zone=UTC)  # no such day
@example(head="2026-11-23 10:00:01", frac=",1\u06613", tz_suffix="", word="", fmt2=False, zone=UTC)  # non-ASCII digit
@example(head="2026-11-23 10:00:01", frac=".12", tz_suffix="Z", word="", fmt2=False, zone=UTC)  # 23 chars, zoned
def test_a_header_time_is_the_whole_printed_time(head: str, frac: str, tz_suffix: str, word: str, fmt2: bool,
                                                 zone: tzinfo | None) -> None:
    time = head + frac + tz_suffix
    line = f"{time}{word} - a.b - ERROR - m" if fmt2 else f"{time}{word} ERROR a.b: m"
    d = DIALECTS[id(zone)]
    for _ in range(2):  # the second read is served by the memo of its second
        hdr = d.parse_header(line)
        if hdr is None:  # a time shape the header pattern does not take (nothing to compare)
            return
        want = parse_timestamp(time, word.strip() or None, zone)
        assert repr(hdr.timestamp) == repr(want), line


@settings(max_examples=1000, deadline=None)
@given(y=st.integers(1971, 2037), mo=st.integers(1, 12), d=st.integers(1, 28), h=st.integers(0, 23),
       mi=st.integers(0, 59), s=st.integers(0, 59), ms=st.integers(0, 999), zone=st.sampled_from(ORACLE_ZONES))
def test_a_millisecond_time_is_its_instant_in_the_sources_zone(y: int, mo: int, d: int, h: int, mi: int, s: int,
                                                               ms: int, zone: tzinfo) -> None:
    line = f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d},{ms:03d} ERROR a.b: m"
    hdr = DIALECTS[id(zone)].parse_header(line)
    want = datetime(y, mo, d, h, mi, s, ms * 1000, tzinfo=zone).astimezone(UTC)
    assert hdr is not None and hdr.timestamp == want and hdr.timestamp.tzinfo is UTC, line
