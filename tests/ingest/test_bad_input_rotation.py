"""Bad input met at a rotation (round 18, item 4): a 10 MiB line cut by a rename, invalid UTF-8 across a copytruncate,
a UTF-16 capture whose BOM stays in the old generation (the writer goes on without one). Nothing is lost or stored
twice, and what was damaged says so (`line truncated by sidecar`, the truncated-lines metric, U+FFFD for bad bytes).

What was tried (each passed on the tree of round 17 - kept as regression tests, none needed a change):
- a 10 MiB ERROR line whose first part the tail had read (READ_BUDGET 4 MiB a pass) when the file was renamed; the
  writer ends the line through its old descriptor, then writes more; a new live log beside it; also with a restart of
  the tailer while the line is open (its checkpoint stays before the open record: re-read once, stored once);
- invalid UTF-8 (lone continuation bytes, an overlong form, a cut 4-byte sequence) in records copied and truncated
  (logrotate copytruncate) between two looks: the gap read from the copy;
- UTF-16 LE/BE (PowerShell `>`, Python `encoding="utf-16"`): the BOM alone first (the writer's preamble), then records;
  copytruncate leaves the BOM in the copy and the live file goes on BOM-less; a rename rotation whose new file gets
  its own BOM.
"""

from __future__ import annotations

import codecs
import os
import random
import shutil
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest.tracked import ROTATE_WAIT

from .conftest import TS, Harness, line, make_config, records, wait_for

MIB = 1024 * 1024


async def _idle(h: Harness, seconds: float = 3 * ROTATE_WAIT) -> None:
    await h.idle(int(seconds / 0.5), step=0.5)


@pytest.mark.parametrize("restart", [False, True], ids=["running", "restarted"])
async def test_a_ten_mib_line_cut_by_a_rename(tmp_path: Path, restart: bool) -> None:
    rnd = random.Random(f"huge-rename-{restart}")
    live = tmp_path / "app.log"
    body, errs = records(0, rnd.randint(2, 6))
    live.write_text(body)
    h = Harness(ManualClock(1_800_000_000.0))
    cfg = make_config(tmp_path, [str(live)])
    ing = await h.start(cfg)
    await h.wait_events(len(errs))
    huge = (f"{TS} ERROR app.mod: huge seq=50 " + "x" * (10 * MIB) + "\n").encode()
    cut = rnd.randint(5 * MIB, 9 * MIB)
    w = live.open("ab")
    try:
        w.write(huge[:cut])
        w.flush()
        await h.idle(2, step=0.5)  # the tail reads into the open line
        if restart:
            await h.stop(ing)
        os.rename(live, tmp_path / "app.log.1")  # the writer keeps its descriptor (no reopen yet)
        w.write(huge[cut:])
        tail, more = records(60, rnd.randint(1, 5))
        w.write(tail.encode())
        w.flush()
    finally:
        w.close()
    body, after = records(100, rnd.randint(1, 5))
    live.write_text(body)  # the writer reopened its name
    if restart:
        ing = await h.start(cfg)
    try:
        await _idle(h)
        await wait_for(lambda: len(h.sink.events) >= len(errs + [50] + more + after), within=10.0)
        h.sink.assert_exactly_once(errs + [50] + more + after)
        (ev,) = [e for e in h.sink.events if "huge seq=50" in e.message]
        assert "line truncated by sidecar" in ev.raw and len(ev.raw) < 300 * 1024
        assert h.metric("sidecar_truncated_lines_total", source=str(live)) == 1
    finally:
        await h.stop(ing)


async def test_invalid_utf8_across_a_copytruncate(tmp_path: Path) -> None:
    live = tmp_path / "app.log"
    bad = [b"\x80\xbf", b"\xc0\xaf", b"\xf0\x9f\x98", b"\xff\xfe\xfd"]

    def rec(seq: int) -> bytes:
        return f"{TS} ERROR app.mod: bad ".encode() + bad[seq % len(bad)] + f" seq={seq}\n".encode()

    live.write_bytes(b"".join(rec(s) for s in range(0, 4)))
    h = Harness(ManualClock(1_800_000_000.0))
    ing = await h.start(make_config(tmp_path, [str(live)]))
    await h.wait_events(4)
    try:
        with live.open("ab") as w:
            w.write(b"".join(rec(s) for s in range(4, 9)))  # written, copied, truncated between two looks
            w.flush()
            shutil.copyfile(live, tmp_path / "app.log.1")
            os.truncate(live, 0)
            w.write(b"".join(rec(s) for s in range(9, 12)))
        await _idle(h)
        await wait_for(lambda: len(h.sink.events) >= len(list(range(12))), within=10.0)
        h.sink.assert_exactly_once(list(range(12)))
        assert all("\ufffd" in e.message for e in h.sink.events)
        assert h.metric("sidecar_rotations_total", source=str(live), kind="copytruncate") == 1
    finally:
        await h.stop(ing)


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("how", ["copytruncate", "rename"])
async def test_a_utf16_capture_whose_bom_stays_behind(tmp_path: Path, enc: str, how: str) -> None:
    rnd = random.Random(f"utf16-{enc}-{how}")
    bom = codecs.BOM_UTF16_LE if enc == "utf-16-le" else codecs.BOM_UTF16_BE
    live = tmp_path / "app.log"
    live.write_bytes(bom)  # the writer's preamble, alone
    h = Harness(ManualClock(1_800_000_000.0))
    ing = await h.start(make_config(tmp_path, [str(live)]))
    await h.idle(2, step=0.5)
    errs: list[int] = []
    try:
        w = live.open("ab")
        try:
            n = rnd.randint(2, 8)
            w.write("".join(line(s, "ERROR" if s % 2 == 0 else "INFO") for s in range(n)).encode(enc))
            errs += [s for s in range(n) if s % 2 == 0]
            w.flush()
            await h.idle(2, step=0.5)
            if how == "copytruncate":
                shutil.copyfile(live, tmp_path / "app.log.1")
                os.truncate(live, 0)  # the writer goes on in its stream: no second BOM
                target = w
            else:
                os.rename(live, tmp_path / "app.log.1")
                target = live.open("ab")
                target.write(bom)  # a new file of the writer: its own BOM
            m = rnd.randint(2, 8)
            target.write("".join(line(s, "ERROR" if s % 2 == 0 else "INFO") for s in range(100, 100 + m)).encode(enc))
            target.flush()
            if target is not w:
                target.close()
            errs += [s for s in range(100, 100 + m) if s % 2 == 0]
        finally:
            w.close()
        await _idle(h)
        await wait_for(lambda: len(h.sink.events) >= len(errs), within=10.0)
        h.sink.assert_exactly_once(errs)
        assert all(e.level == "ERROR" and e.logger == "app.mod" for e in h.sink.events)
    finally:
        await h.stop(ing)
