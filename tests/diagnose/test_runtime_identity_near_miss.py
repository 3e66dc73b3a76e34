"""Near-miss of CLASSES11 F1 (diagnose/runtime_identity.py), found by the round-12 review: tempfile's "No usable
temporary directory found" is ALSO what a full disk gives. CPython's `tempfile._get_default_tempdir` writes 4 bytes in
each candidate and on any OSError but FileExistsError/PermissionError (ENOSPC, EDQUOT) breaks to the next candidate,
then raises that FileNotFoundError when none is left. With the process's own ENOSPC/EDQUOT or a full-disk figure in
the window, the disk is the cause (storage), not the container's temp-dir setup (config).

Generated per seed: the disk record's carrier (an errno 28/122 failure of another write, a disk gauge at 100 %), the
candidate directories, the logger. tempfile raises for real (its candidate list pointed at missing directories: the
text is the same whatever made each candidate fail)."""

from __future__ import annotations

import random
import tempfile
from unittest import mock

import pytest

from .logged import diagnose, logged


def _disk_full(r: random.Random) -> str:
    path = f"/var/lib/gateway/{r.choice(('cache', 'spool', 'uploads'))}/blob-{r.randrange(999)}"
    return r.choice((f"write of {path} failed: [Errno 28] No space left on device",
                     f"flush of {path} failed: OSError: [Errno 122] Disk quota exceeded",
                     f"disk usage / {r.choice(('100%', '100.0%'))} ({r.choice(('0 B', '12 KiB'))} free)"))


@pytest.mark.xfail(strict=True, reason="(i17: runtime_identity now leaves it to the catch-all beside a full disk; "
                   "nothing answers storage yet) reviewer r12: runtime_identity answers config 0.55 ('no writable temporary "
                   "directory in the container') for tempfile's error whatever the window says; a full disk in the "
                   "window (errno 28/122, a gauge at 100 %) makes every candidate fail the same way: storage")
@pytest.mark.parametrize("seed", range(6))
def test_no_usable_tempdir_beside_a_full_disk_is_storage(seed: int) -> None:
    r = random.Random(seed)
    dirs = [f"/nonexistent-{r.randrange(99)}/{d}" for d in r.sample(("tmp", "var/tmp", "usr/tmp", "app"), 3)]
    try:
        with mock.patch.object(tempfile, "_candidate_tempdir_list", lambda: list(dirs)):
            tempfile._get_default_tempdir()  # type: ignore[attr-defined]
    except FileNotFoundError:
        excerpt = logged(r.choice(("src.daemon.uploads", "tools.import_json", "app.export")),
                         r.choice(("could not stage the upload", "export failed", "spooling the batch failed")),
                         before=(_disk_full(r),))
    d = diagnose(excerpt)
    assert d.category == "storage", (d.rule, d.summary)
