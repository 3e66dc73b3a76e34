"""A new live log holding only what every file of its writer starts with does not "hold" an older compressed generation.

The class (compressedgens._holds): a compressed generation is not read when a file tailed now holds its content - that
file's reader reads it. Round 18 judged "holds" by the tailed file's recorded first bytes matching the content's. A
writer that starts every file the same way - a byte-order mark (.NET's preamble, PowerShell's Out-File, CPython's
`utf-8-sig`), a fixed header (W3C/IIS `#Software:`/`#Version:`/`#Fields:` lines, a log4j/logback layout header) -
leaves a new live log (rotated, created, nothing but that prefix written yet) whose identity is a prefix of EVERY older
generation's: the `.gz` logrotate wrote while we were down was taken as held by it, never read, its records lost.

Between the runs the test does what logrotate `compress` does (rename to `.1`, gzip to `.1.gz` keeping the mtime,
remove `.1`, create the live log) and the writer (its prefix in the new file). Varied by seed: prefix, records per
generation. Twins that must not change: no prefix (the same while-down `.gz` read once); a holder that really holds
the content (the cookbook's rotator compressing the live file while we still tail it through our descriptor, its
identity the prefix plus records) keeps the `.gz` unread; and a holder whose identity was taken when it held only
the prefix, written and compressed before we read it again - it holds the content, its own reader reads it.
"""

from __future__ import annotations

import gzip
import os
import random
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest.tracked import ROTATE_WAIT

from .conftest import Harness, make_config, records, wait_for

PREFIXES = {
    "none": b"",
    "utf8-bom": b"\xef\xbb\xbf",
    "utf16le-bom": b"\xff\xfe",  # PowerShell's `>`: the records UTF-16 LE too (ENCODINGS)
    "w3c": b"#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n"
           b"#Fields: date time s-ip cs-method cs-uri-stem sc-status\n",
    "layout-header": b"=== orders-service 4.2.1 (logback) log started ===\n",
}

ENCODINGS = {"utf16le-bom": "utf-16-le"}  # the others' records UTF-8


def _gzip_to(src: Path, dest: Path) -> None:
    """gzip's way: the compressed file is new (another inode) with its source's mtime; the source removed."""
    st = src.stat()
    dest.write_bytes(gzip.compress(src.read_bytes()))
    os.utime(dest, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.remove(src)


def _append(path: Path, start: int, n: int, prefix: str = "none") -> list[int]:
    body, errs = records(start, n)
    with path.open("ab") as f:
        f.write(body.encode(ENCODINGS.get(prefix, "utf-8")))
    return errs


async def _settle(h: Harness, n: int) -> None:
    await h.idle(int(4 * ROTATE_WAIT / 0.5))
    await wait_for(lambda: len(h.sink.events) >= n, within=10.0)  # the clock stands still meanwhile
    await h.idle(4)  # a second read lands before the caller asserts


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("prefix", list(PREFIXES))
async def test_a_gz_written_while_down_is_read_when_the_new_live_log_holds_only_the_writers_prefix(
        tmp_path: Path, prefix: str, seed: int) -> None:
    rnd = random.Random(f"prefix-holder-{prefix}-{seed}")
    pre = PREFIXES[prefix]
    live = tmp_path / "app.log"
    live.write_bytes(pre)
    errs = _append(live, 0, rnd.randint(4, 40), prefix)
    h = Harness(ManualClock(1_800_000_000.0))
    cfg = make_config(tmp_path, [str(live)])
    ing = await h.start(cfg)
    await h.wait_events(len(errs))
    await h.stop(ing)
    # While down: more records, then logrotate `compress` and `create`, the writer's prefix in the new file.
    errs += _append(live, 100, rnd.randint(2, 40), prefix)
    os.rename(live, tmp_path / "app.log.1")
    _gzip_to(tmp_path / "app.log.1", tmp_path / "app.log.1.gz")
    live.write_bytes(pre)
    ing = await h.start(cfg)
    try:
        await _settle(h, len(errs))
        h.sink.assert_exactly_once(errs)  # before: with a prefix, records 100.. (in the .gz only) lost
        assert h.metric("sidecar_rotations_total", source=str(live), kind="compressed_read") == 1
    finally:
        await h.stop(ing)


@pytest.mark.parametrize("prefix", list(PREFIXES))
async def test_the_live_log_compressed_while_tailed_still_holds_its_gz(tmp_path: Path, prefix: str) -> None:
    """Twin: the cookbook's rotator gzips the live log itself (prefix + records) while our descriptor is on it."""
    pre = PREFIXES[prefix]
    live = tmp_path / "app.log"
    live.write_bytes(pre)
    errs = _append(live, 0, 30, prefix)
    h = Harness(ManualClock(1_800_000_000.0))
    ing = await h.start(make_config(tmp_path, [str(live)]))
    try:
        await h.wait_events(len(errs))
        errs += _append(live, 100, 10, prefix)  # written just before the rollover: read through the open descriptor
        _gzip_to(live, tmp_path / "app.log.1.gz")
        live.write_bytes(pre)
        errs += _append(live, 200, 6, prefix)
        await _settle(h, len(errs))
        h.sink.assert_exactly_once(errs)
        assert h.metric("sidecar_rotations_total", source=str(live), kind="compressed_read") == 0
    finally:
        await h.stop(ing)


@pytest.mark.parametrize("prefix", [p for p in PREFIXES if p != "none"])
async def test_a_holder_first_seen_with_only_its_prefix_holds_what_it_was_written_since(tmp_path: Path,
                                                                                     prefix: str) -> None:
    """Twin: its identity the prefix alone (taken before any record), written and compressed before we read it
    again - its bytes now are the `.gz`'s content: its own reader reads them, the `.gz` is not read as well."""
    pre = PREFIXES[prefix]
    live = tmp_path / "app.log"
    live.write_bytes(pre)
    h = Harness(ManualClock(1_800_000_000.0))
    ing = await h.start(make_config(tmp_path, [str(live)]))
    try:
        await wait_for(lambda: any(f.head_len == len(pre) for f in ing.fs.table), clock=h.clock, step=0.5)
        errs = _append(live, 0, 12, prefix)  # no await from here to the new live log: the tailer has not looked
        _gzip_to(live, tmp_path / "app.log.1.gz")
        live.write_bytes(pre)
        await _settle(h, len(errs))
        h.sink.assert_exactly_once(errs)
        assert h.metric("sidecar_rotations_total", source=str(live), kind="compressed_read") == 0
    finally:
        await h.stop(ing)
