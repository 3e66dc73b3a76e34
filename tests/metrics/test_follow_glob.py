"""A glob (`metrics.jsonl*`) follows the live file and the files rotated away from it: a file renamed
away, or the copy copytruncate leaves, is the content already read under another name. Read from 0
it was every record again (found by the generated rollout scenarios, seed 29: 238 canary uploads
counted in a stage where the writer made 34)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from sidecar.config import JsonlStream
from sidecar.metrics.follow import LineFollower


def line(i: int) -> str:
    return json.dumps({"execution_type": "async", "success": True, "duration_ms": 100.0 + i, "n": i}) + "\n"


def append(path: Path, *ns: int) -> None:
    with path.open("a") as f:
        for i in ns:
            f.write(line(i))


def numbers(follower: LineFollower) -> list[int]:
    return [json.loads(b)["n"] for b in follower.read(first=False).lines]


def test_a_file_renamed_away_is_not_read_again(tmp_path: Path) -> None:
    live = tmp_path / "metrics.jsonl"
    follower = LineFollower(JsonlStream(name="s", paths=[str(live) + "*"], start_at="beginning"))
    append(live, 1, 2, 3)
    assert [json.loads(b)["n"] for b in follower.read(first=True).lines] == [1, 2, 3]
    append(live, 4)
    os.replace(live, tmp_path / "metrics.jsonl.1")  # logrotate `create`, RotatingFileHandler
    append(live, 5)
    assert sorted(numbers(follower)) == [4, 5]  # before: 1, 2, 3, 4 again from metrics.jsonl.1
    append(live, 6)
    assert numbers(follower) == [6]


def test_a_copytruncate_copy_gives_only_the_lines_written_after_the_last_read(tmp_path: Path) -> None:
    live = tmp_path / "metrics.jsonl"
    follower = LineFollower(JsonlStream(name="s", paths=[str(live) + "*"], start_at="beginning"))
    append(live, 1, 2, 3)
    assert len(follower.read(first=True).lines) == 3
    append(live, 4)  # written after our last read, before the copy: only in the copy once truncated
    shutil.copyfile(live, tmp_path / "metrics.jsonl.1")
    with live.open("r+b") as f:
        f.truncate(0)
    append(live, 5)
    assert sorted(numbers(follower)) == [4, 5]
    assert numbers(follower) == []


def test_a_new_file_with_other_content_is_read_whole(tmp_path: Path) -> None:
    live = tmp_path / "metrics.jsonl"
    follower = LineFollower(JsonlStream(name="s", paths=[str(live) + "*"], start_at="beginning"))
    append(live, 1, 2)
    follower.read(first=True)
    append(tmp_path / "metrics.jsonl.other", 7, 8)  # not a rotation of anything we read
    assert sorted(numbers(follower)) == [7, 8]
