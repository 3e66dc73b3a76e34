"""ONE rule for "does this prefix say what the file holds" (checkpoint.says_content / identifies_content), at every site.

The class (checkpoint.py, beside the rule): nothing; a byte-order mark or a first part of one (UTF-8, UTF-16 LE/BE);
a compressed format's header with nothing after it (gzip RFC 1952 with or without FEXTRA/FNAME/FCOMMENT/FHCRC, bzip2
`BZh[1-9]`, xz's stream header). Such a prefix is what every file of its writer starts with: it recognises no copy nor
generation. A BOM followed by text, a header followed by a member, any other bytes: content.
Before (round 18-19), two rules: identifies_content knew BOMs only, and compressedgens._holds judged a compressed
file's content by its own test - a `.gz` whose content was only a BOM was "held" by any tailed file holding only a BOM
(a verdict written under it at the holder's close); a damaged compressed file's verdict (its identity: the compressed
bytes, a gzip header alone when the compressor was killed after writing it) counted as content at recovery.
Generated over prefixes of every class and cut, several seeds; the tailed holder is a real tailed file.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import random
from dataclasses import replace
from pathlib import Path

import pytest

from sidecar.clock import ManualClock
from sidecar.ingest.checkpoint import (
    Checkpoint,
    content_identity,
    head_hash_of,
    identifies_content,
    says_content,
)
from sidecar.ingest.compressedgens import UNREADABLE, _holds

from .conftest import Harness, make_config

BOMS = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}


def _gzip(data: bytes, rnd: random.Random) -> tuple[bytes, int]:
    """A gzip file of `data` as a writer makes it (random mtime, with or without the original name) and its header
    length."""
    buf = io.BytesIO()
    name = rnd.choice(["", "app.log.1", "gateway-2026-12-07.log"])
    with gzip.GzipFile(filename=name, mode="wb", fileobj=buf, mtime=rnd.randrange(2**32)) as z:
        z.write(data)
    return buf.getvalue(), 10 + (len(name) + 1 if name else 0)


def _text(rnd: random.Random, n: int) -> str:
    return "".join(rnd.choice("abcdefgh 0123:-\n") for _ in range(n))


def prefixes(seed: int) -> list[tuple[str, bytes, bool, bool]]:
    """(class, bytes, says content?, decidable from its hash?)"""
    rnd = random.Random(seed)
    out = [("empty", b"", False, True)]
    for enc, bom in BOMS.items():
        out += [(f"bom {enc} cut {k}", bom[:k], False, True) for k in range(1, len(bom) + 1)]
        out.append((f"bom {enc} + text", bom + _text(rnd, rnd.randint(1, 40)).encode(enc), True, True))
    gz, hl = _gzip(_text(rnd, rnd.randint(1, 200)).encode(), rnd)
    out += [(f"gzip header cut {k}", gz[:k], False, False) for k in range(2, hl + 1)]
    out.append(("gzip header + member", gz, True, True))
    out.append(("gzip header + a member's first byte", gz[:hl + 1], True, True))
    bz = bz2.compress(_text(rnd, 50).encode(), rnd.randint(1, 9))
    out += [("bzip2 header", bz[:3], False, True), ("bzip2 header + digit", bz[:4], False, True),
            ("bzip2 + block", bz, True, True)]
    xz = lzma.compress(_text(rnd, 50).encode(), check=rnd.choice([lzma.CHECK_NONE, lzma.CHECK_CRC32,
                                                                   lzma.CHECK_CRC64, lzma.CHECK_SHA256]))
    out += [(f"xz header cut {k}", xz[:k], False, True) for k in range(6, 13)]
    out.append(("xz + block", xz, True, True))
    for n in (1, 2, 3):  # short content, not a preamble (one byte 1F or FD: a magic's first part is content)
        out.append((f"short {n}", _text(rnd, n).encode(), True, True))
    out += [("gzip magic's first byte", b"\x1f", True, True), ("xz magic cut", b"\xfd7zX", True, True),
            ("text", _text(rnd, rnd.randint(4, 2000)).encode(), True, True)]
    return out


@pytest.mark.parametrize("seed", range(6))
def test_one_rule_over_prefixes(seed: int) -> None:
    for what, data, content, by_hash in prefixes(seed):
        assert says_content(data) is content, what
        if by_hash:  # a stored identity (its hash) is judged as its bytes are
            assert identifies_content(len(data), head_hash_of(data)) is content, what
        cp = Checkpoint("k", "s", "/l/a.log.1.gz", 1, 2, len(data), head_hash_of(data), len(data), 1, len(data), 0.0,
                        format=UNREADABLE)
        assert not content_identity(cp), what  # a damaged compressed file's verdict is never content
        if by_hash:  # any other checkpoint's identity is judged by the one rule (a content_identity always False,
            # or one ignoring the rule, failed here; the UNREADABLE row alone is decided by the format)
            assert content_identity(replace(cp, format=None)) is content, what


@pytest.mark.parametrize("enc", sorted(BOMS))
async def test_a_tailed_file_holds_no_compressed_content_that_says_nothing(tmp_path: Path, enc: str) -> None:
    """compressedgens._holds asks the same rule of the compressed file's content: a content that is only a BOM (or
    empty) is no file's, however the tailed file begins (before: held by a tailed lone-BOM file)."""
    live = tmp_path / "app.log"
    live.write_bytes(BOMS[enc])
    h = Harness(ManualClock(1_800_000_000.0))
    ing = await h.start(make_config(tmp_path, [str(live)]))
    try:
        await h.idle(4)
        (f,) = list(ing.fs.table)
        for seed in range(4):
            for what, data, _, _ in prefixes(seed):  # it holds only its BOM: no content is its
                assert not _holds(f, data), what  # before: a content of only that BOM was
        bom_text = BOMS[enc] + "x 1\n".encode(enc)
        with live.open("ab") as w:
            w.write("x 1\n".encode(enc))
        await h.idle(4)
        assert _holds(f, bom_text)  # twin: the content it holds now
    finally:
        await h.stop(ing)
