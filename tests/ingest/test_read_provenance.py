"""Whether a read came from before a copytruncate (ingest/provenance.py), on real files, for every
order of the read among logrotate's steps (issue 16).

Generated: old content, our offset O, a read of k bytes, and logrotate's copytruncate (append, copy
to `.1`, the writer appends the window, truncate, the writer rewrites r bytes) with the read placed
before, between or after any of the steps; the truth is known (the read predates the truncation
or not). Checked: a read of the new content is never kept (it would be stored twice), and a read
that predates the truncation is kept whenever the proof applies (the file did not grow back to O,
or the copy holds the read's bytes).
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

from sidecar.ingest.handle import FileHandle
from sidecar.ingest.provenance import CopyBytes, LaterCopy, Provenance, read_provenance

STEPS = ("append", "copy", "window", "truncate", "rewrite", "copy2", "truncate2", "rewrite2")


def _lines(rng: random.Random, start: int, nbytes: int) -> bytes:
    out = []
    size = 0
    seq = start
    while size < nbytes:
        row = f"2026-12-06 05:{seq % 60:02d}:{seq % 59:02d},{seq % 997:03d} ERROR app.mod: event seq={seq}\n".encode()
        out.append(row)
        size += len(row)
        seq += 1
    return b"".join(out)


def _copy_reader(copy: Path) -> CopyBytes:
    def read(offset: int, n: int) -> bytes | None:
        if not copy.exists() or copy.stat().st_size < offset + n:
            return None
        with copy.open("rb") as c:
            c.seek(offset)
            return c.read(n)
    return read


def _later_reader(later: Path) -> LaterCopy:
    def holds(offset: int, data: bytes) -> bool:
        return later.exists() and later.read_bytes()[offset:offset + len(data)] == data
    return holds


def test_generated_interleavings(tmp_path: Path) -> None:
    rng = random.Random(20261206)
    kept_old = dropped_old = kept_by_size = kept_by_copy = read_new_then_truncated = 0
    for case in range(400):
        d = tmp_path / f"c{case}"
        d.mkdir()
        log, copy, later = d / "app.log", d / "app.log.1", d / "app.log.later"  # later: the 2nd rotation's copy
        old = _lines(rng, 0, rng.randint(2_000, 40_000))
        offset = rng.randint(1_100, len(old))  # what we had read (past the 1 KB identity)
        log.write_bytes(old)
        h = FileHandle.open(str(log))
        try:
            head_len, head_hash = h.head_identity(len(old))
            rotate = rng.random() < 0.9
            twice = rng.random() < 0.3  # copytruncated again after the rewrite
            read_at = rng.randint(0, len(STEPS))  # the read happens before STEPS[read_at] (or after all)
            rewrite = rng.choice([0, rng.randint(1, max(1, offset - 1)), offset + rng.randint(0, 300_000)])
            data = b""
            for i, step in enumerate(STEPS):
                if i == read_at:
                    data = h.pread(rng.randint(1, 300_000), offset)
                if not rotate:
                    continue
                if step == "append":
                    with log.open("ab") as w:
                        w.write(_lines(rng, 10_000, rng.randint(0, 20_000)))
                elif step == "copy":
                    shutil.copyfile(log, copy)
                elif step == "window":
                    with log.open("ab") as w:
                        w.write(_lines(rng, 20_000, rng.randint(0, 5_000)))
                elif step == "truncate":
                    os.truncate(log, 0)
                elif step == "rewrite" and rewrite:
                    with log.open("ab") as w:
                        w.write(_lines(rng, 1_000_000, rewrite))
                elif step == "copy2" and twice:
                    shutil.copyfile(log, later)
                elif step == "truncate2" and twice:
                    os.truncate(log, 0)
                elif step == "rewrite2" and twice:
                    with log.open("ab") as w:
                        w.write(_lines(rng, 2_000_000, rng.randint(0, max(1, offset - 1))))
            if read_at == len(STEPS):
                data = h.pread(rng.randint(1, 300_000), offset)
            if not data:
                continue
            predates = not rotate or read_at <= STEPS.index("truncate")
            verdict = read_provenance(h, offset, data, head_len, head_hash, _copy_reader(copy), _later_reader(later))
            if not predates:
                assert verdict is Provenance.UNPROVEN, (case, read_at, rewrite, twice)  # else stored twice
                read_new_then_truncated += twice and read_at <= STEPS.index("truncate2")
                continue
            if not rotate:
                assert verdict is Provenance.SAME
                continue
            assert verdict is not Provenance.SAME  # truncated since: the file must restart
            size_now = log.stat().st_size
            in_copy = copy.exists() and copy.read_bytes()[offset:offset + len(data)] == data
            if size_now <= offset or in_copy:
                assert verdict is Provenance.OLD, (case, read_at, rewrite, size_now, offset)
                kept_old += 1
                kept_by_size += size_now <= offset
                kept_by_copy += size_now > offset
            else:
                assert verdict is Provenance.UNPROVEN
                dropped_old += 1
        finally:
            h.close()
    # The generator reached every branch (else the assertions above checked nothing there).
    assert kept_by_size > 20 and kept_by_copy > 20 and dropped_old > 5 and read_new_then_truncated > 2, (
        kept_by_size, kept_by_copy, dropped_old, read_new_then_truncated)


def test_same_first_bytes_rewritten_shorter_is_not_the_same_file(tmp_path: Path) -> None:
    """Truncated and rewritten with the same first bytes (a short identity) but not back past the
    read's end: the shrink says it was truncated, so the file restarts (the read, predating it, is kept)."""
    log = tmp_path / "app.log"
    old = b"2026-12-06 05:00:00,000 ERROR a: x\n" * 200
    log.write_bytes(old)
    h = FileHandle.open(str(log))
    try:
        head_len, head_hash = h.head_identity(35)
        data = h.pread(4096, 3500)
        os.truncate(log, 0)
        log.write_bytes(old[:3000])
        verdict = read_provenance(h, 3500, data, head_len, head_hash, lambda at, n: None, lambda at, data: False)
        assert verdict is Provenance.OLD
    finally:
        h.close()
