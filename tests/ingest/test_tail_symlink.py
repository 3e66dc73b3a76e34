"""A log path that is a symlink (issue 16): `current.log -> releases/<n>.log`, re-pointed at rotation.

Kubernetes' /var/log/containers and many deploy tools name the live log through a symlink that
is swapped atomically (a new link renamed over the old) when the target changes; the directory
holding the logs can itself be a symlink. The tailer follows the link to the file (identity is
the target's device/inode), drains the old target after the swap and reads the new one: every
error record once (the directory watcher sees the link's directory, not the targets': the
periodic rescan reads what is appended to a target).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import Harness, make_config, records, wait_for


def _swap_link(link: Path, target: Path) -> None:
    tmp = link.with_name(link.name + ".new")
    os.symlink(target, tmp)
    os.replace(tmp, link)  # atomic, like `ln -sfn` done right


@pytest.mark.parametrize("linked_dir", [False, True])
async def test_symlink_swapped_to_a_new_target(tmp_path: Path, harness: Harness, linked_dir: bool) -> None:
    real = tmp_path / "releases"
    real.mkdir()
    logs = tmp_path / "logs"
    if linked_dir:
        os.symlink(real, logs)  # the directory itself is a link
    else:
        logs.mkdir()
    link = logs / "current.log"
    expected: list[int] = []
    body, errs = records(0, 40)
    (real / "1.log").write_text(body)
    expected += errs
    _swap_link(link, real / "1.log")
    ing = await harness.start(make_config(tmp_path, [str(link)]))
    await harness.wait_events(len(expected))
    seq = 40
    for n in range(2, 7):
        body, errs = records(seq, 30)
        with (real / f"{n - 1}.log").open("a") as w:
            w.write(body)
        expected += errs
        seq += 30
        body, errs = records(seq, 30)
        (real / f"{n}.log").write_text(body)
        expected += errs
        seq += 30
        _swap_link(link, real / f"{n}.log")
        # A target linked only between two looks would never be seen (it is not under a watched
        # name, unlike a renamed generation): swaps are rare; let the tailer see each one.
        await harness.wait_events(len(expected))
        body, errs = records(seq, 10)
        with (real / f"{n - 1}.log").open("a") as w:  # a late write to the old target is still read
            w.write(body)
        expected += errs
        seq += 10
    await harness.wait_events(len(expected))
    for _ in range(20):  # drain windows pass
        harness.clock.advance(0.5)
        await wait_for(lambda: True, clock=harness.clock)
    harness.sink.assert_exactly_once(expected)
    await wait_for(lambda: [f.path for f in ing.files] == [str(link)], clock=harness.clock, within=10)
