"""Damaged input and a damaged environment: huge lines, split writes, bad bytes, an unwritable checkpoint dir."""

from __future__ import annotations

import json
import os

from .conftest import TS, Harness, error_with_tb, line, make_config, records, wait_for

TB_HEAD = (
    f"{TS} ERROR app.mod: request failed seq=7\n"
    "Traceback (most recent call last):\n"
    '  File "/app/src/a.py", line 1, in outer\n'
    "    inner()\n"
)
TB_TAIL = (
    '  File "/app/src/b.py", line 2, in inner\n'
    "    raise KeyError('x')\n"
    "KeyError: 'x'\n"
)


async def test_ten_mib_line_then_normal_lines(tmp_path, harness: Harness):
    path = tmp_path / "app.log"
    path.write_text("")
    ing = await harness.start(make_config(tmp_path, [str(path)]))
    with path.open("a") as w:
        w.write(f"{TS} ERROR app.mod: huge seq=1 " + "x" * (10 * 1024 * 1024) + "\n")
        body, errs = records(2, 10)
        w.write(body)
    await harness.wait_events(1 + len(errs))
    harness.sink.assert_exactly_once([1] + errs)
    huge = harness.sink.events[0]
    assert huge.line == 1 and len(huge.raw) < 300 * 1024 and "line truncated by sidecar" in huge.raw
    assert huge.end_offset > 10 * 1024 * 1024  # the event still spans the whole line
    assert harness.sink.events[1].line == 2
    assert harness.metric("sidecar_truncated_lines_total", source=str(path)) == 1
    # the parser never held more than one line limit of the long line
    assert len(ing.files[0].parser.partial) <= 256 * 1024 + 1


async def test_oversized_docker_record_is_truncated_and_counted(tmp_path, harness: Harness):
    path = tmp_path / "c-json.log"
    path.write_text("")
    await harness.start(make_config(tmp_path, [str(path)], format="docker"))
    huge = f"{TS} ERROR app.mod: huge seq=1 " + "x" * (300 * 1024) + "\n"
    # Docker's json-file driver splits a long line into 16 KiB records; only the last ends in \n.
    parts = [huge[i:i + 16 * 1024] for i in range(0, len(huge), 16 * 1024)]
    with path.open("a") as w:
        for text in (*parts, f"{TS} ERROR app.mod: after seq=2\n"):
            w.write(json.dumps({"log": text, "stream": "stderr", "time": "2025-11-03T06:00:00.0Z"}) + "\n")
    await harness.wait_events(2)
    assert "line truncated by sidecar" in harness.sink.events[0].raw
    assert harness.metric("sidecar_truncated_lines_total", source=str(path)) == 1


async def test_traceback_written_in_two_writes_900ms_apart(tmp_path, harness: Harness):
    path = tmp_path / "app.log"
    path.write_text("")
    ing = await harness.start(make_config(tmp_path, [str(path)]))
    with path.open("a") as w:
        w.write(TB_HEAD)
    size = len(TB_HEAD)
    await wait_for(lambda: ing.files[0].parser.offset == size)  # read, record still open
    harness.clock.advance(0.9)  # 900 ms of quiet: below the 1 s multiline timeout
    await wait_for(lambda: ing.files[0].settled)
    assert harness.sink.events == []
    with path.open("a") as w:
        w.write(TB_TAIL)
    await wait_for(lambda: ing.files[0].parser.offset == size + len(TB_TAIL))  # clock stands still
    await harness.wait_events(1, step=0.01)  # complete now: closed once the file is quiet (settle)
    (ev,) = harness.sink.events
    assert ev.exception_type == "KeyError" and [f.function for f in ev.frames] == ["outer", "inner"]
    assert ev.raw.count("\n") == 6


async def test_quiet_file_flushes_last_record_after_timeout(tmp_path, harness: Harness):
    path = tmp_path / "app.log"
    path.write_text("")
    ing = await harness.start(make_config(tmp_path, [str(path)]))
    with path.open("a") as w:
        w.write(TB_HEAD)  # an incomplete traceback: not closed early
    await wait_for(lambda: ing.files[0].parser.offset == len(TB_HEAD))
    harness.clock.advance(0.5)
    await wait_for(lambda: ing.files[0].settled)
    assert harness.sink.events == []
    harness.clock.advance(0.6)  # now 1.1 s quiet: flushed as it is
    await harness.wait_events(1, step=0)
    assert harness.sink.events[0].frames[0].function == "outer"
    assert harness.sink.events[0].exception_type is None


async def test_non_utf8_bytes_and_crlf(tmp_path, harness: Harness):
    path = tmp_path / "app.log"
    data = (
        f"{TS} INFO app.mod: fine\r\n".encode()
        + f"{TS} ERROR app.mod: bad bytes \xff\xfe seq=1\r\n".encode("latin-1")
        + error_with_tb(2).replace("\n", "\r\n").encode()
        + f"{TS} INFO app.mod: end\r\n".encode()
    )
    path.write_bytes(data)
    await harness.start(make_config(tmp_path, [str(path)]))
    await harness.wait_events(2)
    a, b = harness.sink.events
    assert "\ufffd\ufffd" in a.message and "\r" not in a.message and "\r" not in a.raw
    assert b.exception_type == "ValueError" and b.exception_message == "bad value 2" and b.line == 3
    assert b.frames[0].file == "/app/src/x.py" and b.frames[0].line == 10


async def test_unwritable_checkpoint_directory(tmp_path, harness: Harness):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the checkpoint directory should be")
    path = tmp_path / "app.log"
    ing, errs = await harness.start_after(path, 20, make_config(tmp_path, [str(path)], ckdir=str(blocker / "ck")))
    await wait_for(lambda: harness.metric("sidecar_checkpoint_errors_total") >= 1, clock=harness.clock)
    assert any("checkpoints not saved" in p for p in ing.problems())
    more, errs2 = records(20, 20)  # keeps tailing
    with path.open("a") as w:
        w.write(more)
    await harness.wait_events(len(errs) + len(errs2))
    harness.sink.assert_exactly_once(errs + errs2)
    assert not (blocker / "ck").exists()


async def test_checkpoint_dir_breaks_later_old_checkpoint_stays_intact(tmp_path, harness: Harness):
    path = tmp_path / "app.log"
    ck = tmp_path / "ck"
    ing, errs = await harness.start_after(path, 20, make_config(tmp_path, [str(path)], ckdir=str(ck)))
    await wait_for(lambda: (ck / "checkpoints.json").exists(), clock=harness.clock)
    before = (ck / "checkpoints.json").read_bytes()
    os.mkdir(ck / "checkpoints.json.tmp")  # the temp file cannot be created any more
    with path.open("a") as w:
        w.write(line(1000))
    await harness.wait_events(len(errs) + 1)
    await wait_for(lambda: bool(ing.problems()), clock=harness.clock)
    after = (ck / "checkpoints.json").read_bytes()
    assert after == before and json.loads(after)["files"]
    os.rmdir(ck / "checkpoints.json.tmp")
    await wait_for(lambda: not ing.problems(), clock=harness.clock)
    assert json.loads((ck / "checkpoints.json").read_bytes())["files"][0]["offset"] > json.loads(before)["files"][0]["offset"]
