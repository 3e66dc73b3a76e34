"""An event's context: the last `context_lines` complete lines of the 4 KiB before its record.

Generated text logs (line lengths from 0 to past the 4 KiB window, INFO lines, error records,
tracebacks), read in random chunk sizes so records start at every place relative to a read
(the first bytes of a read, where the window reaches back into the previous read, and deep
inside one). The reference is the definition, computed from the whole file.
"""

from __future__ import annotations

import random

import pytest

from sidecar.ingest.multiline import CONTEXT_BYTES
from sidecar.ingest.parser import FileParser, ParserOptions
from sidecar.ingest.rawrecord import Limits
from sidecar.store.spool_codec import decode_batch, encode_batch


def _log(rng: random.Random, n: int) -> bytes:
    out = []
    for i in range(n):
        r = rng.random()
        if r < 0.3:
            out.append(b"2026-11-23 10:00:00 ERROR gw.%d: failed %d\n" % (i % 7, i))
        elif r < 0.4:
            out.append(b"2026-11-23 10:00:00 INFO gw: handling\nTraceback (most recent call last):\n"
                       b'  File "/app/x.py", line 3, in f\nKeyError: \'k\'\n')
        elif r < 0.5:
            out.append(b"\n")
        else:
            size = rng.choice([0, 5, 60, 300, 2000, CONTEXT_BYTES - 30, CONTEXT_BYTES + 100])
            out.append(b"2026-11-23 10:00:00 INFO gw: " + b"x" * size + b"\n")
    return b"".join(out)


def _reference(blob: bytes, offset: int, n: int) -> tuple[str, ...]:
    lines = blob[max(0, offset - CONTEXT_BYTES):offset].split(b"\n")
    text = b"\n".join(lines[-n - 1:-1]) if len(lines) > 1 else b""
    return tuple(text.decode("utf-8", "replace").replace("\r", "").split("\n")) if text else ()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("n", [0, 1, 5])
def test_context_is_the_last_complete_lines_before_the_record(seed, n):
    rng = random.Random(seed)
    blob = _log(rng, 400)
    parser = FileParser("t", "f.log", ParserOptions(format="text", limits=Limits(context_lines=n)), file_key="k")
    events = []
    pos = 0
    while pos < len(blob):
        step = rng.choice([1, 7, 100, 1000, 5000, 70000])
        events += parser.feed(blob[pos:pos + step])
        pos += step
    events += parser.flush()
    assert len(events) > 100
    for ev in events:
        assert ev.context == _reference(blob, ev.offset, n), ev.offset


def test_parsed_context_survives_the_outage_spool():
    """Context lines decoded only when looked at still go through the spool (store/spool_codec.py)
    and come back equal: invalid UTF-8 as U+FFFD, CR dropped, as the eager decode gave them."""
    blob = (b"2026-11-23 10:00:00 INFO gw: caf\xc3\xa9 \xff\xfe\r\n"
            b"2026-11-23 10:00:01 INFO gw: second\r\n"
            b"2026-11-23 10:00:02 ERROR gw: failed\r\n")
    parser = FileParser("t", "f.log", ParserOptions(format="text"), file_key="k")
    events = parser.feed(blob) + parser.flush()
    assert [e.message for e in events] == ["failed"]
    want = ("2026-11-23 10:00:00 INFO gw: caf\u00e9 \ufffd\ufffd", "2026-11-23 10:00:01 INFO gw: second")
    assert events[0].context == want
    back = decode_batch(encode_batch(events))
    assert back == events
    assert back[0].context == want and isinstance(back[0].context, tuple)
