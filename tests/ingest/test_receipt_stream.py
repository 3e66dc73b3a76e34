"""The receipt stream (ingest/receiptstream.py): every reader of an event names it the same, whenever it opened the file.

Generated (several seeds): files of random records (text with tracebacks, UTF-8 or UTF-16 with a
BOM, LF or CRLF); reader A opens the file when it holds only a random prefix (possibly empty, or in
the middle of the first line) and reads the rest in random chunks; reader B opens it later at
another size; reader C resumes at a random record boundary (a restart from a checkpoint), with the
head read at open. All name every event they both emit the same. Twins that must differ: another
inode; another generation on the same inode (other first bytes); the same file under another
file key's inode. The key's own ctime/`.n` suffixes (local to one sidecar) do not matter.
"""

from __future__ import annotations

import random

import pytest

from sidecar.ingest.parser import FileParser, ParserOptions
from sidecar.ingest.receiptstream import ReceiptStream

from .conftest import TS, error_with_tb, line

OPTS = ParserOptions()


def generate(seed: int) -> tuple[bytes, list[int]]:
    """A file's bytes and the offsets where its records start."""
    rng = random.Random(f"stream-{seed}")
    crlf, utf16 = rng.random() < 0.3, rng.random() < 0.3
    texts = [error_with_tb(i) if rng.random() < 0.3 else line(i, rng.choice(["ERROR", "INFO", "CRITICAL"]))
             for i in range(rng.randint(3, 60))]
    # Each generation is written at its own time (a new file's first line carries its timestamp).
    ts = f"2026-11-{rng.randint(10, 28)} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    texts = [t.replace(TS, ts) for t in texts]
    if crlf:
        texts = [t.replace("\n", "\r\n") for t in texts]
    enc = "utf-16-le" if utf16 else "utf-8"
    data = bytearray(b"\xff\xfe" if utf16 else b"")
    starts = []
    for t in texts:
        starts.append(len(data))
        data += t.encode(enc)
    return bytes(data), starts


def read(data: bytes, opened_at: int, key: str, rng: random.Random, start: int = 0,
         head: bytes | None = None) -> dict[int, str]:
    """{offset: stream} of the events a reader emits: opened when the file had `opened_at` bytes,
    reading from `start` in random chunks. `head`: what the file held at open, when that was
    another generation than `data` (the file replaced in place before the first read)."""
    at_open = data[:min(4096, opened_at)] if head is None else head[:4096]
    p = FileParser("src", "/logs/app.log", OPTS, offset=start, file_key=key, head=at_open)
    out = []
    pos = start
    while pos < len(data):
        n = rng.choice([1, 7, 100, 4096])
        out += p.feed(data[pos:pos + n])
        pos += n
    out += p.flush()
    return {e.offset: e.stream for e in out}


@pytest.mark.parametrize("seed", range(8))
def test_readers_opening_at_any_size_name_each_event_the_same(seed: int) -> None:
    data, starts = generate(seed)
    rng = random.Random(seed)
    a = read(data, rng.randrange(0, 200), "64769:42:aaaaaaaaaaaa~1853", rng)  # opened empty-ish: ctime suffix
    b = read(data, rng.randrange(0, len(data) + 1), "64769:42:bbbbbbbbbbbb.2", rng)
    assert a and a == b
    resume = rng.choice(starts)
    c = read(data, len(data), "64769:42:cccccccccccc", rng, start=resume)
    assert c == {off: s for off, s in a.items() if off >= resume}
    if max(a) >= 1024:  # past the first KiB every event shares one stream (one range row per batch)
        assert len({s for off, s in a.items() if off >= 1024}) == 1


@pytest.mark.parametrize("seed", range(4))
def test_other_files_and_generations_are_other_streams(seed: int) -> None:
    data, _ = generate(seed)
    rng = random.Random(seed)
    a = read(data, len(data), "64769:42:x", rng)
    other_inode = read(data, len(data), "64769:43:x", rng)
    assert not set(a.values()) & set(other_inode.values())
    other, _ = generate(seed + 1000)  # a new generation on the same inode
    regen = read(other, len(other), "64769:42:x", rng)
    assert not set(a.values()) & set(regen.values())


def test_a_key_without_a_file_identity_falls_back_to_the_source_and_path() -> None:
    assert ReceiptStream.prefix_of("", "src:/logs/app.log") == "src:/logs/app.log"
    assert ReceiptStream.prefix_of("8:9:abcdef~12", "x") == "8:9"


def test_the_same_bytes_again_on_the_same_inode_are_the_same_events() -> None:
    """The documented limit: a file truncated and written with the SAME first bytes up to an event
    names that event as before (nothing in the bytes tells the generations apart)."""
    data, _ = generate(3)
    rng = random.Random(3)
    assert read(data, 0, "1:2:x", rng) == read(data, len(data), "1:2:y~99", rng)


# --- a head taken from another generation than the one the parser reads (#16, round 11) ----------
# The class: a parser is created with the file's first bytes as they were AT OPEN (opening.py passes
# `h.pread(SNIFF_HEAD, 0)`), and reads later. Between the two, the file can be replaced in place -
# logrotate(8) `copytruncate` then new writes, `truncate -s0` then new writes, logging.FileHandler
# reopened with mode='w' - and grow past the parser's offset, so nothing looks truncated to the tailer
# (an empty identity, or an offset of 0, proves nothing). The events it then reads are the NEW
# generation's; a replica that opened the file after the replacement names them by the new bytes.
# Found as dev seed logrotate-442 with two replicas (test_olddir_copy_replicas): one record stored
# under `dev:ino:<hash of G1's first 324 bytes>/324` and `dev:ino:<hash of G2's first 363 bytes>/363`.

def generations(seed: int) -> tuple[bytes, bytes]:
    """Two generations of one file: independent records (other first bytes), same encoding style."""
    g1, _ = generate(seed)
    # the next seed whose generation starts otherwise: two generations alike in their first bytes are the documented
    # limit of naming by a head hash, not this class
    g2 = next(g for k in range(1000, 1100) if (g := generate(seed + k)[0])[:64] != g1[:64])
    return g1, g2


@pytest.mark.parametrize("seed", range(10))
def test_a_head_read_before_the_file_was_replaced_does_not_name_the_new_generation(seed: int) -> None:
    g1, g2 = generations(seed)
    rng = random.Random(f"replaced-{seed}")
    # Reader A opened the file while it held any prefix of G1 (also nothing, or past its first KiB);
    # before its first read the file was replaced by G2, which then grew (A's offset: 0).
    stale = read(g2, 0, "64769:42:aaaaaaaaaaaa", rng, head=g1[:rng.randrange(0, len(g1) + 1)])
    # Reader B opened the file after the replacement, at any size of G2.
    fresh = read(g2, rng.randrange(0, len(g2) + 1), "64769:42:bbbbbbbbbbbb", rng)
    assert stale and stale == fresh


@pytest.mark.parametrize("seed", range(4))
def test_a_resumed_reader_names_events_past_its_offset_by_the_bytes_it_reads(seed: int) -> None:
    """Twin that must NOT change: a reader resumed at a record boundary of the SAME generation, given
    the head at open, names every later event as a reader that read the file from 0."""
    data, starts = generate(seed)
    rng = random.Random(f"resumed-{seed}")
    whole = read(data, len(data), "64769:42:x", rng)
    at = rng.choice(starts)
    assert read(data, len(data), "64769:42:y", rng, start=at) == {o: s for o, s in whole.items() if o >= at}
