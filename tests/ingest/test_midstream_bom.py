"""A byte-order mark at a line start past offset 0 (issue 16, round 12): the record is its own, unchanged.

The class (encoding.py's docstring): CPython's TextIOWrapper writes the encoding's BOM whenever the
stream's position at open is 0 (Lib/_pyio.py, `TextIOWrapper.__init__`), so every logging handler that
opened one empty file before anything was written (gunicorn workers, each with its own FileHandler /
RotatingFileHandler / TimedRotatingFileHandler, encoding utf-16 or utf-8-sig) writes its own BOM: the
second one lands mid-file, before that handler's first record. Appending one capture to another (`cat`)
does the same. Before: that record's header was not seen (the BOM before its timestamp) and the record
was glued to the one before it (utf-8-sig, utf-16: the second worker's first record lost).

Generated (real logging.FileHandler objects opened on one empty file, as separate processes would):
encoding, number of handlers, which handler writes each record, levels, loggers, messages, read sizes;
checked exactly: one event per ERROR/CRITICAL record, its logger and message, the file offset of its line.
Near-miss twins that must NOT change: U+FEFF inside a message stays in it; a file with one handler (one BOM,
at offset 0) gives the same events as before.
"""

from __future__ import annotations

import logging
import os
import random
from pathlib import Path

import pytest

from sidecar.ingest.parser import FileParser, ParserOptions

SEEDS = int(os.environ.get("SIDECAR_BOM_SEEDS", "6"))
SEED_BASE = int(os.environ.get("SIDECAR_BOM_SEED_BASE", "0"))
FMT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
WORDS = ("upstream", "timeout", "pool", "quota", "schema", "token", "retry", "shard", "cache", "route")


def _write(path: Path, rng: random.Random, enc: str, handlers: int, records: int,
           inner_bom: bool = False) -> list[tuple[int, str, str]]:
    """Records through `handlers` FileHandlers all opened on the empty file first; (handler, logger, message)
    of each ERROR/CRITICAL record, in file order."""
    hs = [logging.FileHandler(path, encoding=enc) for _ in range(handlers)]  # each opens at position 0
    for h in hs:
        h.setFormatter(logging.Formatter(FMT))
    want: list[tuple[int, str, str]] = []
    try:
        for i in range(records):
            k = rng.randrange(handlers)
            level = rng.choice((logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL))
            name = f"gw.{rng.choice(WORDS)}.w{k}"
            msg = f"{rng.choice(WORDS)} {rng.choice(WORDS)} failed n={i}"
            if inner_bom and rng.random() < 0.5:
                msg += " \ufeffmark"  # U+FEFF inside a message: text, kept
            hs[k].handle(logging.LogRecord(name, level, __file__, 1, msg, None, None))
            hs[k].flush()
            if level >= logging.ERROR:
                want.append((k, name, msg))
    finally:
        for h in hs:
            h.close()
    return want


def _parse(data: bytes, rng: random.Random) -> list:
    p = FileParser("t", "f.log", ParserOptions())
    out = []
    pos = 0
    while pos < len(data):
        n = rng.choice((1, 2, 3, 7, 64, 65536))
        out += p.feed(data[pos:pos + n])
        pos += n
    return out + p.flush()


def _line_offsets(data: bytes, enc: str, names: list[str]) -> list[int]:
    """File offset of the line holding each record (`logger: message`, in order)."""
    offs: list[int] = []
    nl = "\n".encode("utf-16-le" if enc == "utf-16" else "utf-8")
    pos = 0
    for name in names:
        at = data.find(name.encode("utf-16-le" if enc == "utf-16" else "utf-8"), pos)
        assert at >= 0, name
        start = data.rfind(nl, 0, at)
        start = 0 if start < 0 else start + len(nl)
        if enc == "utf-16" and start % 2:
            start += 1
        offs.append(start)
        pos = at + 1
    return offs


@pytest.mark.parametrize("seed", range(SEED_BASE, SEED_BASE + SEEDS))
def test_every_handlers_bom_leaves_its_record_whole(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    enc = rng.choice(("utf-16", "utf-8-sig"))
    path = tmp_path / "app.log"
    path.touch()
    want = _write(path, rng, enc, rng.randint(2, 4), rng.randint(12, 40), inner_bom=True)
    data = path.read_bytes()
    bom = b"\xff\xfe" if enc == "utf-16" else b"\xef\xbb\xbf"
    assert data.count(bom) >= 2, "the generator did not produce the class (a second handler's BOM)"
    got = _parse(data, rng)
    assert [(e.logger, e.message) for e in got] == [(n, m) for _, n, m in want]
    offs = _line_offsets(data, enc, [f"{n}: {m}" for _, n, m in want])
    # the first line's offset is past the file's own BOM (as before); the others are their line starts
    assert [e.offset for e in got] == [max(o, len(bom)) if o == 0 else o for o in offs]


@pytest.mark.parametrize("seed", range(SEED_BASE, SEED_BASE + 3))
def test_one_handler_twin_is_unchanged(tmp_path: Path, seed: int) -> None:
    """Near miss: one handler (its BOM at offset 0 only) - every record once, U+FEFF inside messages kept."""
    rng = random.Random(1000 + seed)
    enc = rng.choice(("utf-16", "utf-8-sig"))
    path = tmp_path / "app.log"
    path.touch()
    want = _write(path, rng, enc, 1, rng.randint(12, 40), inner_bom=True)
    got = _parse(path.read_bytes(), rng)
    assert [(e.logger, e.message) for e in got] == [(n, m) for _, n, m in want]
    assert any("\ufeff" in m for _, _, m in want) == any("\ufeff" in e.message for e in got)


def test_a_capture_appended_to_another(tmp_path: Path) -> None:
    """`cat a.log b.log`: the second file's BOM at the start of its first line; both first records found."""
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    for p in (a, b):
        p.touch()
    wa = _write(a, random.Random(1), "utf-8-sig", 1, 10)
    wb = _write(b, random.Random(2), "utf-8-sig", 1, 10)
    got = _parse(a.read_bytes() + b.read_bytes(), random.Random(3))
    assert [(e.logger, e.message) for e in got] == [(n, m) for _, n, m in wa + wb]
