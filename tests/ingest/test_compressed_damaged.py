"""A damaged compressed generation is Unreadable (counted `compressed_skipped` by its callers), never an exception that
escapes into start-up or the tail loop: gzip's broken deflate body raises zlib.error, which is not an OSError (re-read
r15: a flipped run of bytes in a `.gz` beside the log stopped `sidecar run` from starting)."""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pytest

from sidecar.ingest.compressed import Unreadable, decompress


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_gzip_with_a_broken_deflate_body_is_unreadable(tmp_path: Path, seed: int) -> None:
    rnd = random.Random(f"damaged-gz-{seed}")
    text = "".join(f"2026-12-07 10:00:{i % 60:02d} ERROR app.mod: event seq={i}\n" for i in range(rnd.randint(500, 3000)))
    raw = bytearray(gzip.compress(text.encode()))
    start = rnd.randrange(10, 40)  # inside the first deflate block's header and code tables
    for i in range(start, start + rnd.randint(3, 8)):
        raw[i] ^= 0xFF
    path = tmp_path / rnd.choice(["app.log.1.gz", "app.log.2.gz", "app-2026-12-06.log.gz"])
    path.write_bytes(bytes(raw))
    with pytest.raises(Unreadable):
        decompress(str(path))
    path.write_bytes(gzip.compress(text.encode()))  # the twin: an intact generation reads whole
    assert decompress(str(path)).decode() == text
