"""Docker's `local` log driver: its entries read, every error once, the same events as json-file's.

The file is written as moby writes it (daemon/logger/local/local.go `marshal`: a 4-byte big-endian size,
the protobuf LogEntry - api/types/plugins/logdriver/entry.proto: 1 source, 2 time_nano, 3 line without its
newline, 4 partial, 5 partial_log_metadata {1 last, 2 id, 3 ordinal}; the daemon's copy adds 6 attrs - and
the size again). Two independent encoders: a hand-written one (the wire format) and the `protobuf`
package's serializer of a message built from entry.proto's descriptor; they must decode alike. Generated
per seed: stdout records and stderr crashes (tracebacks with no header), lines over 16 KiB cut into
partial entries (the last part with `last` set, as moby's copier writes them), attrs (`--log-opt
labels=`), negative and zero times, entries cut between two reads, a damaged entry. Near-miss twin that
must NOT change: the same messages through the json-file driver give the same events.
Round 12: split into lines no header parses (nothing stored, nothing said); round 13: said, not read.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from sidecar.ingest.dockerlocal import LocalDecoder, looks_docker_local
from sidecar.ingest.parser import FileParser, ParserOptions

from .conftest import Harness, make_config

Msg = tuple[str, int, bytes, bool, bool]  # source, time_nano, line, partial, last


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # int64 in two's complement, as protobuf writes a negative varint
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(num: int, payload: bytes) -> bytes:  # wire type 2: length-delimited
    return _varint(num << 3 | 2) + _varint(len(payload)) + payload


def hand_entry(m: Msg, attrs: dict[str, str]) -> bytes:
    """Encoder 1: the wire format written out by hand (proto3: default values omitted)."""
    source, t, line, partial, last = m
    msg = _field(1, source.encode()) + (_varint(2 << 3) + _varint(t) if t else b"") + (_field(3, line) if line else b"")
    if partial:
        meta = (b"\x08\x01" if last else b"") + _field(2, b"a1b2")
        msg += _varint(4 << 3) + b"\x01" + _field(5, meta)
    for k, v in sorted(attrs.items()):
        msg += _field(6, _field(1, k.encode()) + _field(2, v.encode()))
    size = len(msg).to_bytes(4, "big")
    return size + msg + size


def _proto_class() -> Any:
    """Encoder 2: the protobuf package's LogEntry, built from entry.proto's fields (plus the daemon's attrs)."""
    fd = descriptor_pb2.FileDescriptorProto(name="entry_test.proto", package="logdriver", syntax="proto3")
    F = descriptor_pb2.FieldDescriptorProto
    meta = fd.message_type.add(name="PartialLogEntryMetadata")
    meta.field.add(name="last", number=1, type=F.TYPE_BOOL, label=F.LABEL_OPTIONAL)
    meta.field.add(name="id", number=2, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    meta.field.add(name="ordinal", number=3, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL)
    attr = fd.message_type.add(name="LogAttr")
    attr.field.add(name="key", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    attr.field.add(name="value", number=2, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    e = fd.message_type.add(name="LogEntry")
    e.field.add(name="source", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    e.field.add(name="time_nano", number=2, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
    e.field.add(name="line", number=3, type=F.TYPE_BYTES, label=F.LABEL_OPTIONAL)
    e.field.add(name="partial", number=4, type=F.TYPE_BOOL, label=F.LABEL_OPTIONAL)
    e.field.add(name="partial_log_metadata", number=5, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL,
                type_name=".logdriver.PartialLogEntryMetadata")
    e.field.add(name="attrs", number=6, type=F.TYPE_MESSAGE, label=F.LABEL_REPEATED, type_name=".logdriver.LogAttr")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fd)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("logdriver.LogEntry"))


LogEntry = _proto_class()


def proto_entry(m: Msg, attrs: dict[str, str]) -> bytes:
    source, t, line, partial, last = m
    e = LogEntry(source=source, time_nano=t, line=line, partial=partial)
    if partial:
        e.partial_log_metadata.last = last
        e.partial_log_metadata.id = "a1b2"
    for k, v in sorted(attrs.items()):
        e.attrs.add(key=k, value=v)
    body = e.SerializeToString()
    size = len(body).to_bytes(4, "big")
    return size + body + size


def messages(rnd: random.Random) -> tuple[list[Msg], list[int]]:
    """Generated container output: records (INFO/WARNING/ERROR/CRITICAL) on stdout, crashes on stderr,
    lines over 16 KiB cut into partial entries; returns the entries and the seqs of the errors."""
    out: list[Msg] = []
    errors: list[int] = []
    t = rnd.choice((0, -5_000_000_123, 1_796_000_000 * 10**9 + rnd.randrange(10**9)))
    for seq in range(rnd.randint(8, 30)):
        t += rnd.randrange(1, 3 * 10**9)
        if rnd.random() < 0.15:  # an uncaught exception: Python's excepthook on stderr, no header
            errors.append(seq)
            for line in ("Traceback (most recent call last):", '  File "/app/main.py", line 3, in <module>',
                         f"ValueError: bad seq={seq}"):
                out.append(("stderr", t, line.encode(), False, False))
            continue
        level = rnd.choice(("INFO", "ERROR", "WARNING", "CRITICAL", "DEBUG"))
        if level in ("ERROR", "CRITICAL"):
            errors.append(seq)
        text = f"2026-12-07 03:0{seq % 10}:0{seq % 6},123 {level} gw.{rnd.choice(('api', 'ws'))}: event seq={seq} é"
        if rnd.random() < 0.12:  # over 16 KiB: moby's copier writes partial entries, the last one marked
            data = (text + " " + "x" * rnd.randint(16400, 40000)).encode()
            parts = [data[i:i + 16384] for i in range(0, len(data), 16384)]
            for i, p in enumerate(parts):
                out.append(("stdout", t, p, True, i == len(parts) - 1))
        else:
            out.append(("stdout", t, text.encode(), False, False))
    return out, errors


def json_file(msgs: list[Msg]) -> bytes:
    """The twin: what the json-file driver writes for the same messages."""
    lines = []
    for source, t, line, partial, last in msgs:
        sec, ns = divmod(t, 10**9)
        stamp = datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{ns:09d}Z"
        nl = "\n" if not partial or last else ""
        lines.append(json.dumps({"log": line.decode() + nl, "stream": source, "time": stamp}) + "\n")
    return "".join(lines).encode()


def parse(data: bytes, rnd: random.Random | None = None) -> list[tuple[str, str, str | None]]:
    """(level, message, exception type) of every event, the bytes fed in random splits when `rnd`."""
    p = FileParser("s", "f", ParserOptions())
    evs = []
    i = 0
    while i < len(data):
        n = rnd.randint(1, 9000) if rnd else len(data)
        evs += p.feed(data[i:i + n])
        i += n
    evs += p.end()
    return [(e.level, e.message, e.exception_type) for e in evs]


@pytest.mark.parametrize("seed", range(4))
def test_both_encoders_decode_to_the_json_file_twin_in_any_split(seed: int) -> None:
    rnd = random.Random(f"docker-local-{seed}")
    msgs, errors = messages(rnd)
    attrs = {"com.example.svc": "gateway", "tag": "gw"} if rnd.random() < 0.5 else {}
    hand = b"".join(hand_entry(m, attrs) for m in msgs)
    proto = b"".join(proto_entry(m, attrs) for m in msgs)
    assert looks_docker_local(hand[:4096]) and looks_docker_local(proto[:4096])
    d1, d2 = LocalDecoder(0), LocalDecoder(0)
    assert d1.feed(hand) == d2.feed(proto) and d1.bad == d2.bad == 0
    twin = parse(json_file(msgs))
    assert sorted(int(re.search(r"seq=(\d+)", " ".join(map(str, t)))[1]) for t in twin) == errors, twin
    assert parse(hand) == twin
    assert parse(proto, rnd) == twin  # cut anywhere between reads, entries and UTF-8 characters included
    # Zero-filled bytes between two entries (a crash after the file grew but before its data was written:
    # the filesystem shows the gap as NULs) are no entries: moby always writes field 1 (`source`), and
    # eight NULs are a size-0 entry without it - they decoded as empty stdout lines at 1970-01-01.
    # Counted as damaged, the next entry read; twin that must NOT change: an entry whose line is empty.
    at = rnd.randrange(1, len(msgs))
    if not msgs[at - 1][3]:  # between two whole lines, not inside a long line's parts
        before = b"".join(hand_entry(m, attrs) for m in msgs[:at])
        zeros = bytes(rnd.choice((8, 16, 24, 4096, rnd.randrange(8, 5000))))
        empty = hand_entry(("stdout", msgs[at - 1][1], b"", False, False), attrs)
        d = LocalDecoder(0)
        got = d.feed(before + zeros + empty + hand[len(before):])
        assert [e.log for e in got] == [e.log for e in LocalDecoder(0).feed(before + empty + hand[len(before):])]
        assert d.bad == 1 and "1970-01-01T00:00:00.000000000Z" not in {e.time for e in got}
    # A damaged entry (its trailing size overwritten) is skipped and counted; the rest reads on.
    k = rnd.randrange(len(msgs))
    if msgs[k][3]:  # not a part of a long line (the twin would lose the whole line, not the part)
        return
    cut = sum(len(hand_entry(m, attrs)) for m in msgs[:k + 1])
    bad = hand[:cut - 4] + b"\xff\xff\xff\xff" + hand[cut:]
    d = LocalDecoder(0)
    assert len(d.feed(bad)) == len(msgs) - 1 and d.bad == 1
    assert parse(bad) == parse(json_file(msgs[:k] + msgs[k + 1:]))


@pytest.mark.parametrize("seed", range(2))
async def test_a_local_driver_log_is_tailed_every_error_once(tmp_path: Path, harness: Harness, seed: int) -> None:
    rnd = random.Random(f"docker-local-tail-{seed}")
    msgs, errors = messages(rnd)
    data = b"".join(proto_entry(m, {}) for m in msgs)
    local = tmp_path / "container.log"  # the local driver's name, in local-logs/
    half = rnd.randrange(12, len(data))  # the file as the first scan finds it: cut inside an entry
    local.write_bytes(data[:half])
    (tmp_path / "abc-json.log").write_bytes(json_file(msgs))
    ing = await harness.start(make_config(tmp_path, [str(tmp_path / "*.log")]))
    await harness.idle(6)
    with local.open("ab") as w:
        w.write(data[half:])
    await harness.wait_events(2 * len(errors))
    await harness.idle(10)  # a second count would land meanwhile
    by_file: dict[str, list[tuple[str, str]]] = {}
    for e in sorted(harness.sink.events, key=lambda e: e.offset):
        by_file.setdefault(Path(e.file).name, []).append((e.level, e.message))
    assert by_file["container.log"] == by_file["abc-json.log"] and len(by_file["container.log"]) == len(errors)
    assert ing.status()["sources"][0]["last_error"] is None
    # Stopped; the container went on, and the daemon rotated its log with `compress` (moby pkg/loggerutils:
    # container.log -> container.log.1, gzipped to container.log.1.gz, a new container.log): the rest of our
    # file is read from the gzip, past our checkpoint, once (ingest/compressed.py); the new file from 0.
    await harness.stop(ing)
    before = len(harness.sink.events)
    rest, new = messages(rnd)[0], messages(rnd)[0]
    with local.open("ab") as w:
        w.write(b"".join(proto_entry(m, {}) for m in rest))
    with local.open("rb") as r, gzip.open(tmp_path / "container.log.1.gz", "wb") as z:
        z.write(r.read())
    local.unlink()
    local.write_bytes(b"".join(proto_entry(m, {}) for m in new))
    want = Counter((lv, msg) for lv, msg, _ in parse(json_file(rest)) + parse(json_file(new)))
    await harness.start(make_config(tmp_path, [str(tmp_path / "*.log")]))
    await harness.wait_events(before + sum(want.values()))
    await harness.idle(10)  # a second read of the gzip would land meanwhile
    assert Counter((e.level, e.message) for e in harness.sink.events[before:]) == want


def test_a_time_wider_than_int64_is_a_damaged_entry() -> None:
    def entry(msg: bytes) -> bytes:
        size = len(msg).to_bytes(4, "big")
        return size + msg + size
    damaged = entry(_field(1, b"stdout") + b"\x10" + b"\xff" * 9 + b"\x7f" + _field(3, b"cut"))
    whole = entry(_field(1, b"stderr") + b"\x10" + _varint(1_765_000_000_000_000_000) + _field(3, b"kept"))
    d = LocalDecoder(0)
    got = d.feed(damaged + whole)
    assert [e.log for e in got] == ["kept\n"] and d.bad == 1
