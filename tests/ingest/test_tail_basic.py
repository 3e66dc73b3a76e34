"""Tailing basics: first run at end, restart resumes exactly, partial lines, sink back-pressure."""

from __future__ import annotations

import json

from .conftest import Harness, line, make_config, records, wait_for


async def test_first_run_starts_at_end_then_reads_new_lines(tmp_path, harness: Harness):
    log = tmp_path / "app.log"
    old, _ = records(0, 10)
    log.write_text(old)
    ing = await harness.start(make_config(tmp_path, [str(log)], start_at="end"))
    new, errs = records(100, 10)
    with log.open("a") as f:
        f.write(new)
    await harness.wait_events(len(errs))
    harness.sink.assert_exactly_once(errs)
    ev = harness.sink.events[0]
    assert ev.line == 11 and ev.file == str(log) and ev.level == "ERROR" and ev.logger == "app.mod"
    assert ev.offset == len(old.encode()) and ev.file_key
    assert ing.status()["sources"][0]["files"][0]["path"] == str(log)


async def test_restart_resumes_exactly_at_checkpoint(tmp_path, harness: Harness):
    log = tmp_path / "app.log"
    first, errs1 = records(0, 40)
    log.write_text(first)
    cfg = make_config(tmp_path, [str(log)])
    ing = await harness.start(cfg)
    await harness.wait_events(len(errs1))
    await harness.stop(ing)
    doc = json.loads((tmp_path / "ck" / "checkpoints.json").read_text())
    # The last record may still be open (no next header yet): the checkpoint is then its start.
    last_start = len(first.encode()) - len(first.splitlines(keepends=True)[-1].encode())
    assert doc["files"][0]["offset"] in (last_start, len(first.encode()))
    second, errs2 = records(40, 40)
    with log.open("a") as f:
        f.write(second)
    await harness.start(cfg)
    await harness.wait_events(len(errs1) + len(errs2))
    harness.sink.assert_exactly_once(errs1 + errs2)


async def test_partial_last_line_completed_after_restart(tmp_path, harness: Harness):
    log = tmp_path / "app.log"
    body, errs = records(0, 10)
    log.write_text(body + line(99).rstrip("\n"))  # seq 99 has no newline yet
    cfg = make_config(tmp_path, [str(log)])
    ing = await harness.start(cfg)
    await harness.wait_events(len(errs))
    await wait_for(lambda: not ing.files[0].parser.pending(), clock=harness.clock)
    await harness.stop(ing)
    assert 99 not in harness.sink.seqs()
    with log.open("a") as f:
        f.write("\n" + line(100, "INFO"))
    await harness.start(cfg)
    await harness.wait_events(len(errs) + 1)
    harness.sink.assert_exactly_once(errs + [99])


async def test_sink_failure_keeps_position_and_retries(tmp_path, harness: Harness):
    log = tmp_path / "app.log"
    harness.sink.fail = RuntimeError("store down")
    body, errs = records(0, 20)
    log.write_text(body)
    ing = await harness.start(make_config(tmp_path, [str(log)]))
    await wait_for(lambda: harness.sink.calls >= 2, clock=harness.clock)
    assert any("event sink failing" in p for p in ing.problems())
    assert ing.files[0].acked[0] == 0  # nothing accepted: the checkpoint did not move
    more, errs2 = records(20, 20)
    with log.open("a") as f:
        f.write(more)
    harness.sink.fail = None
    await harness.wait_events(len(errs) + len(errs2))
    harness.sink.assert_exactly_once(errs + errs2)
    assert not ing.problems()


async def test_checkpoints_mirrored_to_store(tmp_path, harness: Harness, sqlite_store):
    log = tmp_path / "app.log"
    body, errs = records(0, 10)
    log.write_text(body)
    ing = await harness.start(make_config(tmp_path, [str(log)]), store=sqlite_store)
    await harness.wait_events(len(errs))
    await wait_for(lambda: not ing.files[0].parser.pending(), clock=harness.clock)  # last record settled
    await harness.stop(ing)
    rows = await sqlite_store.checkpoints.all()
    assert len(rows) == 1 and rows[0]["offset"] == len(body.encode()) and rows[0]["path"] == str(log)


async def test_missing_directory_is_degraded_until_it_appears(tmp_path, harness: Harness):
    """A log directory the gateway has not created yet is its state: degraded, not a readiness problem."""
    logs = tmp_path / "logs"
    ing = await harness.start(make_config(tmp_path, [str(logs / "*.log")]))
    assert any("does not exist" in p for p in ing.degraded())
    assert not ing.problems()
    logs.mkdir()
    body, errs = records(0, 6)
    (logs / "gw.log").write_text(body)
    await harness.wait_events(len(errs))
    harness.sink.assert_exactly_once(errs)
    await wait_for(lambda: not ing.degraded(), clock=harness.clock)
    assert not ing.problems()


async def test_corrupted_checkpoint_file_is_kept_aside_and_reported(tmp_path, harness: Harness):
    log = tmp_path / "app.log"
    body, errs = records(0, 10)
    log.write_text(body)
    ck = tmp_path / "ck"
    ck.mkdir()
    (ck / "checkpoints.json").write_text('{"version": 1, "files": [{"key": ')  # torn by hand
    ing = await harness.start(make_config(tmp_path, [str(log)]))
    assert any("unreadable checkpoint file" in p for p in ing.problems())
    assert (ck / "checkpoints.json.corrupt").read_text().startswith('{"version": 1')
    await harness.wait_events(len(errs))
    await wait_for(lambda: not ing.problems(), clock=harness.clock)  # the next good write clears it
    assert json.loads((ck / "checkpoints.json").read_text())["files"]
