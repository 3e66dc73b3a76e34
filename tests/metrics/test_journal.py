"""The read journal's own promises (metrics/journal.py): bounded, a torn line costs one entry, one
process per file, and the previous process's entries survive a crash during the replay."""

from __future__ import annotations

import json
from pathlib import Path

from sidecar.metrics.journal import SEGMENT_MIN, ReadJournal, digest, journal_files


def entries(path: Path) -> list[dict[str, object]]:
    """What a restart reads, in order (the journal's segments)."""
    return [json.loads(line) for f in journal_files(path) for line in f.read_bytes().splitlines()]


def test_entries_older_than_keep_or_beyond_limit_leave_the_file(tmp_path: Path) -> None:
    path = tmp_path / "s.journal.jsonl"
    j = ReadJournal(path, keep=100.0, limit=50)
    j.leftover()
    for i in range(3 * SEGMENT_MIN):
        j.add(float(i), digest(f"line {i}".encode()), {"n": i})
        j.flush(float(i))
    j.close()
    kept = entries(path)
    assert len(kept) <= 50 + 2 * SEGMENT_MIN  # the live entries and the segment appended to
    assert kept[-1]["r"] == {"n": 3 * SEGMENT_MIN - 1}
    assert len(journal_files(path)) <= 2
    fresh = ReadJournal(path, keep=100.0, limit=50)
    assert len(fresh.leftover()) == len(kept)
    fresh.close()


def test_a_torn_last_line_costs_that_entry_only(tmp_path: Path) -> None:
    path = tmp_path / "s.journal.jsonl"
    j = ReadJournal(path, keep=100.0, limit=50)
    j.leftover()
    for i in range(3):
        j.add(10.0 + i, digest(b"%d" % i), {"n": i})
    j.flush(12.0)
    j.close()
    with journal_files(path)[-1].open("ab") as f:  # the segment being appended to (the journal writes segments)
        f.write(b'{"v":1,"t":13.0,"k":"ab')  # killed mid-append
    again = ReadJournal(path, keep=100.0, limit=50)
    assert [r["n"] for _, _, r, *_ in again.leftover()] == [0, 1, 2]
    again.close()


def test_lines_the_replay_reads_again_are_not_restored_a_line_written_twice_twice(tmp_path: Path) -> None:
    path = tmp_path / "s.journal.jsonl"
    j = ReadJournal(path, keep=100.0, limit=50)
    j.leftover()
    for i, line in enumerate([b"a", b"b", b"b", b"c"]):
        j.add(float(i), digest(line), {"i": i})
    j.flush(3.0)
    j.close()
    again = ReadJournal(path, keep=100.0, limit=50)
    assert again.read_again(digest(b"b")) == 1.0  # the replay read one "b" and "c": where they were placed
    assert again.read_again(digest(b"c")) == 3.0
    assert again.read_again(digest(b"z")) is None  # a line the previous process never placed
    # One "b" is left. The read takes the earliest entry (its placement) and the later one is restored:
    # both copies placed, at the two times the previous process placed them.
    assert [r["i"] for _, _, r, *_ in again.leftover()] == [0, 2]
    again.close()


def test_a_crash_during_the_replay_leaves_the_previous_entries(tmp_path: Path) -> None:
    path = tmp_path / "s.journal.jsonl"
    j = ReadJournal(path, keep=100.0, limit=50)
    j.leftover()
    j.add(1.0, digest(b"a"), {"i": 1})
    j.flush(1.0)
    j.close()
    replaying = ReadJournal(path, keep=100.0, limit=50)
    replaying.add(2.0, digest(b"b"), {"i": 2})  # placed by the replay, which has not ended
    replaying.flush(2.0)
    replaying.close()  # killed
    third = ReadJournal(path, keep=100.0, limit=50)
    assert [r["i"] for _, _, r, *_ in third.leftover()] == [1]
    third.flush(3.0)
    assert entries(path) == []  # rewritten with this process's own (none placed yet)
    third.close()


def test_a_second_process_on_the_same_journal_runs_without_one(tmp_path: Path) -> None:
    path = tmp_path / "s.journal.jsonl"
    first = ReadJournal(path, keep=100.0, limit=50)
    second = ReadJournal(path, keep=100.0, limit=50)  # flock: per open file description, as another process
    assert first.path == path and second.path is None
    second.add(1.0, "k", {"i": 1})
    second.flush(1.0)
    first.close()
    second.close()


def test_a_held_entry_is_restored_unless_placed_or_dropped_since_and_a_replay_places_it_itself(tmp_path: Path) -> None:
    path = tmp_path / "s.journal.jsonl"
    j = ReadJournal(path, keep=100.0, limit=50)
    j.leftover()
    for i, line in enumerate([b"placed", b"dropped", b"waiting", b"again"]):
        j.add(10.0 + i, digest(line), {"i": i}, held=True)
    j.flush(14.0)
    j.add(20.0, digest(b"placed"), {"i": 0})  # its wait ended: placed on the writer's new clock
    j.forget(digest(b"dropped"))  # its wait ended: a double write's second record, not placed
    j.flush(20.0)
    j.close()
    again = ReadJournal(path, keep=100.0, limit=50)
    assert again.read_again(digest(b"again")) is None  # placed by no process: the replay places it
    assert [(t, r["i"], held) for t, _, r, *_, held in again.leftover()] == [(12.0, 2, True), (20.0, 0, False)]
    again.close()


def _wchar() -> int:
    with open("/proc/self/io") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("wchar:"))


def test_each_entry_is_written_once_and_expired_segments_are_deleted(tmp_path: Path) -> None:
    """Round 14: the single file was rewritten whenever it held twice what was live - about as many bytes
    rewritten as appended (bench/journal_cost.py). Appended segments are deleted whole instead."""
    path = tmp_path / "s.journal.jsonl"
    j = ReadJournal(path, keep=300.0, limit=100_000)
    j.leftover()
    j.flush(0.0)
    n = 6 * SEGMENT_MIN
    first = True
    line_bytes = 0
    before = _wchar()
    for i in range(n):  # one entry a second, same length each (t and n of fixed width), expiring after 300 s
        j.add(100_000.5 + i, digest(b"%d" % i), {"n": 100_000 + i})
        j.flush(100_000.5 + i)
        if first:
            line_bytes, first = sum(f.stat().st_size for f in journal_files(path)), False
    written = _wchar() - before
    assert line_bytes > 0
    assert written <= 1.05 * n * line_bytes, (written, n * line_bytes)  # single file: ~2x
    kept = entries(path)
    assert [e["r"]["n"] for e in kept][-300:] == list(range(100_000 + n - 300, 100_000 + n))
    assert len(kept) <= 300 + 2 * SEGMENT_MIN and len(journal_files(path)) <= 2
    j.close()


def test_a_crash_between_a_new_generation_and_deleting_the_old_counts_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "s.journal.jsonl"
    j = ReadJournal(path, keep=100.0, limit=50)
    j.leftover()
    for i in range(3):
        j.add(10.0 + i, digest(b"%d" % i), {"i": i})
    j.flush(12.0)
    j.close()
    old = {f: f.read_bytes() for f in journal_files(path)}
    again = ReadJournal(path, keep=100.0, limit=50)
    restored = again.leftover()
    assert [r["i"] for _, _, r, *_ in restored] == [0, 1, 2]
    for e in restored:  # restored into the window, journaled again (as jsonl._restore does)
        again.add(e.t, e.key, e.record)
    again.flush(13.0)
    again.close()
    for f, data in old.items():  # killed after the new generation's first segment, before the unlinks
        f.write_bytes(data)
    third = ReadJournal(path, keep=100.0, limit=50)
    assert [r["i"] for _, _, r, *_ in third.leftover()] == [0, 1, 2]  # once each, from the newest generation
    third.flush(14.0)
    assert set(journal_files(path)).isdisjoint(old)  # and the older generation is gone now
    third.close()


def test_a_journal_in_the_single_file_of_earlier_versions_is_read_then_replaced(tmp_path: Path) -> None:
    path = tmp_path / "s.journal.jsonl"
    path.write_bytes(b"".join(json.dumps({"v": 1, "t": 5.0 + i, "k": digest(b"%d" % i), "r": {"i": i}}).encode() + b"\n"
                              for i in range(2)))
    j = ReadJournal(path, keep=100.0, limit=50)
    assert [r["i"] for _, _, r, *_ in j.leftover()] == [0, 1]
    j.flush(6.0)
    assert not path.exists() and entries(path) == []
    j.close()
