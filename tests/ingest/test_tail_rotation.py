"""Fault injection with real files: every error event arrives exactly once (sequence ids in lines)."""

from __future__ import annotations

import asyncio
import logging
import logging.handlers
import os
import shutil
import threading

from .conftest import Harness, line, make_config, records, wait_for


def _writer_logger(path: str, max_bytes: int, backups: int) -> tuple[logging.Logger, logging.Handler]:
    lg = logging.getLogger(f"gw.{path}")
    lg.propagate = False
    lg.setLevel(logging.INFO)
    h = logging.handlers.RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups)
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"))
    lg.addHandler(h)
    return lg, h


async def test_rename_rotation_while_writing(tmp_path, harness: Harness):
    """RotatingFileHandler (the gateway's own) rotates ~15 times while the tailer reads."""
    path = str(tmp_path / "ws_daemon.log")
    lg, h = _writer_logger(path, max_bytes=3000, backups=100)
    lg.info("boot")
    ing = await harness.start(make_config(tmp_path, [path]))
    errs = []

    def write() -> None:
        for s in range(600):
            if s % 3 == 0:
                lg.error("event seq=%d", s)
                errs.append(s)
            else:
                lg.info("event seq=%d", s)
            if s % 50 == 0:
                threading.Event().wait(0.002)

    await asyncio.to_thread(write)  # the event loop (and the tailer) runs while the thread writes
    lg.info("done")
    h.close()
    assert len([n for n in os.listdir(tmp_path) if n.startswith("ws_daemon.log.")]) >= 10
    await harness.wait_events(len(errs))
    # Generations that lived between two scans are found as siblings ("unseen_generation").
    await wait_for(lambda: ing.status()["sources"][0]["rotations"] >= 10, clock=harness.clock)
    harness.sink.assert_exactly_once(errs)


async def test_three_rotations_in_under_a_second_while_behind(tmp_path, harness: Harness):
    """The sink blocks (tailer behind) while the file rotates three times; rotated names are in the glob."""
    path = tmp_path / "app.log"
    body, errs = records(0, 30)
    path.write_text(body)
    harness.sink.gate = asyncio.Event()
    await harness.start(make_config(tmp_path, [str(path) + "*"]))
    await wait_for(lambda: harness.sink.calls >= 1, clock=harness.clock)  # stuck inside the sink
    for gen in range(1, 4):
        for i in range(gen, 0, -1):
            src = tmp_path / (f"app.log.{i - 1}" if i > 1 else "app.log")
            if src.exists():
                os.rename(src, tmp_path / f"app.log.{i}")
        more, e = records(gen * 100, 30)
        path.write_text(more)
        errs += e
    harness.sink.gate.set()
    await harness.wait_events(len(errs))
    harness.sink.assert_exactly_once(errs)


async def test_copytruncate(tmp_path, harness: Harness):
    """logrotate copytruncate: lines written just before the copy are only in the copy (the gap)."""
    path = tmp_path / "app.log"
    _, errs = await harness.start_after(path, 20)
    with path.open("a") as w:
        gap, e = records(20, 20)
        w.write(gap)  # not read yet: the tailer runs on this event loop, which we do not yield
        w.flush()
        errs += e
        shutil.copyfile(path, tmp_path / "app.log.1")
        os.truncate(path, 0)
        after, e = records(40, 20)
        w.write(after)
        errs += e
    await harness.wait_events(len(errs))
    harness.sink.assert_exactly_once(errs)
    assert harness.metric("sidecar_rotations_total", source=str(path), kind="copytruncate") == 1


async def test_copytruncate_with_the_copy_in_the_glob(tmp_path, harness: Harness):
    """`app.log*`: the copy must not be read again from 0, and the gap in it must not be lost."""
    path = tmp_path / "app.log"
    _, errs = await harness.start_after(path, 40, make_config(tmp_path, [str(path) + "*"]))
    with path.open("a") as w:
        gap, e = records(40, 20)
        w.write(gap)
        w.flush()
        errs += e
        shutil.copyfile(path, tmp_path / "app.log.1")
        for _ in range(6):  # logrotate is slow to truncate: the tailer sees the copy first
            harness.clock.advance(0.25)
            await asyncio.sleep(0.02)
        os.truncate(path, 0)
        after, e = records(60, 20)
        w.write(after)
        errs += e
    await harness.wait_events(len(errs))
    await wait_for(lambda: len([f for f in harness.running[0].files if f.path]) == 2, clock=harness.clock)
    for _ in range(20):  # let a few scans pass: nothing more may arrive
        harness.clock.advance(0.5)
        await asyncio.sleep(0.01)
    harness.sink.assert_exactly_once(errs)


async def test_truncate_then_regrow_past_old_offset(tmp_path, harness: Harness):
    path = tmp_path / "app.log"
    first, errs = records(0, 20)
    path.write_text(first)
    await harness.start(make_config(tmp_path, [str(path)]))
    await harness.wait_events(len(errs))
    regrown, e = records(1000, 60)  # longer than before: size >= old offset
    assert len(regrown) > len(first)
    with path.open("r+") as w:
        w.truncate(0)
        w.write(regrown)
    errs += e
    await harness.wait_events(len(errs))
    harness.sink.assert_exactly_once(errs)
    assert harness.metric("sidecar_rotations_total", source=str(path), kind="regrown") == 1


async def test_delete_and_recreate(tmp_path, harness: Harness):
    path = tmp_path / "app.log"
    _, errs = await harness.start_after(path, 20)
    os.remove(path)
    again, e = records(500, 10)  # shorter than before, possibly on the same inode
    path.write_text(again)
    errs += e
    await harness.wait_events(len(errs))
    harness.sink.assert_exactly_once(errs)


async def test_rotation_while_stopped(tmp_path, harness: Harness):
    path = tmp_path / "app.log"
    cfg = make_config(tmp_path, [str(path)])
    ing, errs = await harness.start_after(path, 20, cfg)
    await harness.stop(ing)
    late, e = records(20, 20)  # written after the stop, before the rotation
    with path.open("a") as w:
        w.write(late)
    errs += e
    os.rename(path, tmp_path / "app.log.1")
    fresh, e = records(40, 20)
    path.write_text(fresh)
    errs += e
    await harness.start(cfg)
    await harness.wait_events(len(errs))
    await wait_for(lambda: harness.metric("sidecar_rotations_total", source=str(path),
                                          kind="rotated_while_down") == 1, clock=harness.clock)
    harness.sink.assert_exactly_once(errs)


async def test_two_files_with_identical_first_lines(tmp_path, harness: Harness):
    banner = "=== gateway starting ===\n"
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    ra, ea = records(0, 10)
    rb, eb = records(100, 10)
    a.write_text(banner + ra)
    b.write_text(banner + rb)
    cfg = make_config(tmp_path, [str(tmp_path / "*.log")])
    ing = await harness.start(cfg)
    await harness.wait_events(len(ea) + len(eb))
    assert len({f.key for f in ing.files}) == 2
    await harness.stop(ing)
    ra2, ea2 = records(200, 10)
    rb2, eb2 = records(300, 10)
    with a.open("a") as w:
        w.write(ra2)
    with b.open("a") as w:
        w.write(rb2)
    await harness.start(cfg)
    await harness.wait_events(len(ea + eb + ea2 + eb2))
    harness.sink.assert_exactly_once(ea + eb + ea2 + eb2)


async def test_thousand_idle_files_and_one_busy(tmp_path, harness: Harness):
    idle = tmp_path / "idle"
    idle.mkdir()
    for i in range(1000):
        (idle / f"f{i:04d}.log").write_text(line(i, "INFO"))
    busy = tmp_path / "busy.log"
    busy.write_text("")
    ing = await harness.start(make_config(tmp_path, [str(idle / "*.log"), str(busy)]))
    assert len(ing.files) == 1001
    errs = []
    with busy.open("a") as w:
        for k in range(10):
            chunk, e = records(10_000 + k * 50, 50)
            w.write(chunk)
            w.flush()
            errs += e
            await asyncio.sleep(0.01)
    await harness.wait_events(len(errs))
    harness.sink.assert_exactly_once(errs)
    assert harness.metric("sidecar_files_tailed", source=f"{idle / '*.log'},{busy}") == 1001


async def test_copytruncate_while_stopped(tmp_path, harness: Harness):
    """The issue's case (6,855 of 10,000): unread lines exist only in the copy after a restart."""
    path = tmp_path / "app.log"
    cfg = make_config(tmp_path, [str(path)])
    ing, errs = await harness.start_after(path, 2000, cfg)
    await harness.stop(ing)
    late, e = records(2000, 3000)  # written while down, before the copy
    with path.open("a") as w:
        w.write(late)
    errs += e
    shutil.copyfile(path, tmp_path / "app.log.1")
    os.truncate(path, 0)
    fresh, e = records(5000, 5000)  # the writer keeps its descriptor (O_APPEND): lands at the new start
    with path.open("a") as w:
        w.write(fresh)
    errs += e
    await harness.start(cfg)
    await harness.wait_events(len(errs))
    for _ in range(20):
        harness.clock.advance(0.5)
        await asyncio.sleep(0.01)
    harness.sink.assert_exactly_once(errs)
    assert harness.metric("sidecar_rotations_total", source=str(path), kind="copytruncate_while_down") == 1


async def test_rotating_file_handler_cascade_while_stopped(tmp_path, harness: Harness):
    """RotatingFileHandler rotates several times (.1 -> .2 -> ...) while the sidecar is down: exact counts."""
    path = str(tmp_path / "ws_daemon.log")
    cfg = make_config(tmp_path, [path])
    lg, h = _writer_logger(path, max_bytes=3000, backups=20)  # none deleted: every line still exists
    errs = []

    def write(lo: int, hi: int) -> None:
        for s in range(lo, hi):
            if s % 2 == 0:
                lg.error("event seq=%d", s)
                errs.append(s)
            else:
                lg.info("event seq=%d", s)

    write(0, 20)
    ing = await harness.start(cfg)
    await harness.wait_events(len(errs))
    await harness.stop(ing)
    write(20, 170)  # ~4 rollovers while down
    h.close()
    rotated = len([n for n in os.listdir(tmp_path) if n.startswith("ws_daemon.log.")])
    assert 4 <= rotated < 20
    await harness.start(cfg)
    await harness.wait_events(len(errs))
    for _ in range(20):
        harness.clock.advance(0.5)
        await asyncio.sleep(0.01)
    harness.sink.assert_exactly_once(errs)
    assert harness.metric("sidecar_rotations_total", source=path, kind="rotated_while_down") == 1
    assert harness.metric("sidecar_rotations_total", source=path, kind="unseen_generation") >= 2


async def test_compressed_while_stopped_is_counted_as_skipped(tmp_path, harness: Harness):
    """Rotated and gzipped while down: not readable as a tail; counted and named, never silent."""
    import gzip

    path = tmp_path / "app.log"
    cfg = make_config(tmp_path, [str(path)])
    ing, errs = await harness.start_after(path, 20, cfg)
    await harness.stop(ing)
    with path.open("a") as w:
        w.write(records(20, 20)[0])
    with path.open("rb") as r, gzip.open(tmp_path / "app.log.1.gz", "wb") as z:
        z.write(r.read())
    os.remove(path)
    fresh, e = records(40, 20)
    path.write_text(fresh)
    errs += e
    await harness.start(cfg)
    await harness.wait_events(len(errs))
    harness.sink.assert_exactly_once(errs)
    assert harness.metric("sidecar_rotations_total", source=str(path), kind="compressed_skipped") == 1


async def test_generation_on_a_reused_inode_is_read(tmp_path, harness: Harness):
    """A deleted generation's inode handed to the next new file: its checkpoint must not hide it."""
    path = tmp_path / "app.log"
    cfg = make_config(tmp_path, [str(path)])
    ing, errs = await harness.start_after(path, 10, cfg)
    os.rename(path, tmp_path / "app.log.1")
    fresh, e = records(100, 10)
    path.write_text(fresh)
    errs += e
    await harness.wait_events(len(errs))
    await wait_for(lambda: len(ing.files) == 1, clock=harness.clock, step=0.5)  # .1 drained and closed
    old_ino = os.stat(tmp_path / "app.log.1").st_ino
    assert any(cp.ino == old_ino for cp in ing.saved.values())
    # The writer's backupCount deletes the oldest generation and the file system hands the freed inode to
    # the next new file. Whether a file system reuses an inode at once is its choice (tmpfs never does), so
    # the test builds the same view deterministically: a second name keeps the inode while the generation's
    # name is deleted, then the file is emptied - to the sidecar, a new file with other content on the old
    # (device, inode).
    reused = tmp_path / "new0"
    os.link(tmp_path / "app.log.1", reused)
    os.remove(tmp_path / "app.log.1")
    reused.write_text("")
    assert os.stat(reused).st_ino == old_ino
    body, e = records(200, 10)
    reused.write_text(body)
    errs += e
    os.rename(path, tmp_path / "app.log.2")  # the current file rotates...
    os.rename(reused, tmp_path / "app.log.3")  # ...and the new generation only ever lived under a rotated name
    path.write_text("")
    await harness.wait_events(len(errs))
    for _ in range(20):
        harness.clock.advance(0.5)
        await asyncio.sleep(0.01)
    harness.sink.assert_exactly_once(errs)
