"""A file holding only a byte-order mark has no identity: its copy is never confused with another BOM file.

The class (checkpoint.identifies_content): a BOM (UTF-8 `EF BB BF`, UTF-16 LE `FF FE`, BE `FE FF`, or a first part of one)
says how the file is encoded, not what it holds - every file its writer makes starts with it (.NET's preamble and
PowerShell's `Out-File` write it when the file is created, CPython's TextIOWrapper with the first write). Round 17
took a file looked at while it held only its BOM as identified by those bytes: its copy (copytruncate) was looked for
as "a sibling starting with these bytes", and an OLDER copy (logrotate `dateext`: listed first) was read as its gap -
old records again, the new copy's records lost. Now such an identity still tells its own file (a truncation that removed the BOM
shows), but recognises no copy: the copy is a generation no checkpoint knows, read from 0 (rotation.look_behind,
recovery `_read_unseen`), as for a file that was empty.
Varied: the BOM (3 encodings), records before the copy and after the truncation, the tailer running or stopped
across the copytruncate (recovery at start).
Twins that must not change: a file with a BOM AND content is identified by them, its copy found among older ones;
a lone-BOM file that is simply appended to is read exactly once.
"""

from __future__ import annotations

import codecs
import os
import random
import shutil
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest.checkpoint import HEAD_BYTES, head_hash_of, identifies_content

from .conftest import Harness, line, make_config, wait_for

BOMS = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
OLD = 1_700_000_000  # mtime of the older copy: before the tailer started


def _records(enc: str, start: int, n: int) -> tuple[bytes, list[int]]:
    text = "".join(line(s, "ERROR" if s % 2 == 0 else "INFO") for s in range(start, start + n))
    return text.encode(enc), [s for s in range(start, start + n) if s % 2 == 0]


def _older_copy(tmp_path: Path, enc: str) -> None:
    """Yesterday's copy (logrotate copytruncate + dateext): its records were read in an earlier life."""
    old = tmp_path / "app.log-20261206"
    body, _ = _records(enc, 900, 8)
    old.write_bytes(BOMS[enc] + body)
    os.utime(old, (OLD, OLD))


async def _advance(h: Harness, rounds: int = 20) -> None:
    await h.idle(rounds, step=0.5)


@pytest.mark.parametrize("enc", sorted(BOMS))
@pytest.mark.parametrize("stopped", [False, True], ids=["running", "stopped"])
async def test_a_lone_bom_files_copy_is_not_another_bom_file(tmp_path: Path, enc: str, stopped: bool) -> None:
    rnd = random.Random(f"lone-bom-{enc}-{stopped}")
    _older_copy(tmp_path, enc)
    live = tmp_path / "app.log"
    live.write_bytes(BOMS[enc])  # the writer created its log: the BOM, nothing else yet
    h = Harness(ManualClock(1_800_000_000.0))
    cfg = make_config(tmp_path, [str(live)])
    ing = await h.start(cfg)
    await _advance(h)
    try:
        if stopped:
            await h.stop(ing)
        with live.open("ab") as w:  # the writer's descriptor (O_APPEND, as logging's)
            a, errs = _records(enc, 0, rnd.randint(2, 8))
            w.write(a)
            w.flush()
            shutil.copyfile(live, tmp_path / "app.log-20261207")  # logrotate copytruncate, dateext
            os.truncate(live, 0)
            b, more = _records(enc, 100, rnd.randint(2, 8))  # the writer goes on: no second BOM
            w.write(b)
        errs += more
        if stopped:
            ing = await h.start(cfg)
        await _advance(h)
        await wait_for(lambda: len(h.sink.events) >= len(errs), within=10.0)  # the clock stands still meanwhile
        h.sink.assert_exactly_once(errs)  # before: the older copy's 900.. read as the gap, 0.. lost
    finally:
        await h.stop(ing)


@pytest.mark.parametrize("enc", sorted(BOMS))
async def test_a_bom_and_content_still_identify_the_copy_among_older_ones(tmp_path: Path, enc: str) -> None:
    rnd = random.Random(f"bom-content-{enc}")
    _older_copy(tmp_path, enc)
    live = tmp_path / "app.log"
    first, errs = _records(enc, 0, rnd.randint(2, 6))
    live.write_bytes(BOMS[enc] + first)
    h = Harness(ManualClock(1_800_000_000.0))
    ing = await h.start(make_config(tmp_path, [str(live)]))
    await _advance(h)
    try:
        with live.open("ab") as w:
            a, more = _records(enc, 50, rnd.randint(2, 8))
            w.write(a)
            w.flush()
            shutil.copyfile(live, tmp_path / "app.log-20261207")
            os.truncate(live, 0)
            b, after = _records(enc, 100, rnd.randint(2, 8))
            w.write(b)
        await _advance(h)
        await wait_for(lambda: len(h.sink.events) >= len(errs + more + after), within=10.0)
        h.sink.assert_exactly_once(errs + more + after)
        assert h.metric("sidecar_rotations_total", source=str(live), kind="copytruncate") == 1  # the gap: the copy
    finally:
        await h.stop(ing)


@pytest.mark.parametrize("enc", sorted(BOMS))
async def test_a_lone_bom_file_appended_to_is_read_once(tmp_path: Path, enc: str) -> None:
    live = tmp_path / "app.log"
    live.write_bytes(BOMS[enc])
    h = Harness(ManualClock(1_800_000_000.0))
    ing = await h.start(make_config(tmp_path, [str(live)]))
    await _advance(h)
    try:
        errs: list[int] = []
        for k in range(3):
            body, e = _records(enc, 10 * k, 4)
            with live.open("ab") as w:
                w.write(body)
            errs += e
            await _advance(h, 4)
        await wait_for(lambda: len(h.sink.events) >= len(errs), within=10.0)
        h.sink.assert_exactly_once(errs)
    finally:
        await h.stop(ing)


def test_only_a_bom_or_a_first_part_of_one_identifies_no_content() -> None:
    def ident(data: bytes) -> bool:
        return identifies_content(len(data), head_hash_of(data))

    for bom in BOMS.values():
        for k in range(1, len(bom) + 1):
            assert not ident(bom[:k]), bom[:k]
        assert ident(bom + b"2")  # a BOM with content: all of it is the identity
    assert not ident(b"")
    for other in (b"2", b"\xef\xbf", b"\xff\xff", b"\x00", b"ab", b"\xbb\xbf", b"abcd"):  # content, or not a BOM's
        assert ident(other), other
    assert ident(b"x" * HEAD_BYTES)
