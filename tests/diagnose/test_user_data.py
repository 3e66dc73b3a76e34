"""A reader refusing the content of the USER's upload or project file is the user's data: unknown <= 0.4 naming the
user (user_data.py; CLASSES11 H1 locale notation, H2 source refused by the language's parser, archive integrity).

Real refusals raised by the real readers: ast.parse / compile (TabError, SyntaxError, NUL bytes), tokenize
(TokenError), gzip.decompress of a payload with a flipped CRC byte (BadGzipFile), zipfile on a non-archive
(BadZipFile), float / int / datetime.strptime on locale notations, bytes.decode (UnicodeDecodeError). What varies by
seed: the reader and the content, the tool and its logger, the record that says whose object it is (an attachment
upload, a path of the user's project, a tool call's arguments in two carriers), the request id, neutral records
between, the error carrier (traceback or one line). Twins: the record belongs to ANOTHER request (first category
kept); the source refused is OUR module (compile() of a file under /app: never the user's unknown). A path of the tree
the user's call named that open(2) refuses (a dangling link, a name too long) and its twins (a path outside it,
another request's tree).
"""

from __future__ import annotations

import ast
import gzip
import io
import random
import tokenize
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from tests.diagnose.logged import diagnose, logged

SEEDS = range(1, 15)
TOOLS = ("tools.code_review", "tools.csv_stats", "tools.log_summarize", "src.tools.smart_file_analyze", "tools.analyze")
NEUTRAL = ("src.monitoring.health: health check ok (uptime {n} s)", "src.metrics.exporter: scraped {n} series",
           "src.daemon.heartbeat: heartbeat {n} sent")


def _gzip_bad_crc(rng: random.Random) -> bytes:
    blob = bytearray(gzip.compress(f"line {rng.randrange(999)}\n".encode() * rng.randrange(3, 40)))
    blob[-6] ^= 0xFF  # a byte of the CRC32 trailer (RFC 1952 2.3.1)
    return bytes(blob)


# (name, reader raising on the user's content) - each reader is the real library
READERS: tuple[tuple[str, Callable[[random.Random], Callable[[], object]]], ...] = (
    ("handler.py", lambda r: lambda: ast.parse("def f():\n\tif x:\n" + " " * 8 + f"return {r.randrange(9)}\n")),
    ("main.py", lambda r: lambda: ast.parse(f"x = ({r.randrange(9)},\n")),
    ("blob.py", lambda r: lambda: compile(f"a = {r.randrange(9)}\x00\n", "blob.py", "exec")),
    ("lambda.py", lambda r: lambda: list(tokenize.generate_tokens(io.StringIO(f"f({r.randrange(9)},\n").readline))),
    ("app.log.gz", lambda r: lambda: gzip.decompress(_gzip_bad_crc(r))),
    ("bundle.zip", lambda r: lambda: zipfile.ZipFile(io.BytesIO(b"PK not really" * r.randrange(1, 9)))),
    ("sales.csv", lambda r: lambda: float(r.choice(["1.234,50", "12,5", "3 400,75"]))),
    ("ledger.csv", lambda r: lambda: int(r.choice(["1 234", "1.234.567", "12'000"]))),
    ("events.csv", lambda r: lambda: datetime.strptime(f"{r.randrange(13, 28)}/11/2026", "%Y-%m-%d")),
    ("notes.txt", lambda r: lambda: (b"caf\xe9 " * r.randrange(1, 5)).decode("utf-8")),
)


def _stamp(s: int) -> str:
    return f"2026-12-06 10:{s // 60:02d}:{s % 60:02d}"


def _whose(shape: int, req: str, logger: str, name: str) -> str:
    """The record saying the object is the user's, in one of its carriers."""
    tool = logger.rsplit(".", 1)[-1]
    if shape == 0:
        return f"{_stamp(5)} INFO {logger}: [req:{req}] reading attachment {name} (user upload, 84 KB)"
    if shape == 1:
        return f"{_stamp(5)} INFO {logger}: [req:{req}] reviewing /mnt/project/src/{name} (user request)"
    if shape == 2:
        return f"{_stamp(5)} INFO ws_daemon: [req:{req}] tool call {tool} args={ {'file': name}!r}"
    return f'{{"tool_name": "{tool}", "args": {{"path": "{name}"}}, "request_id": "{req}", "ok": false}}'


def _excerpt(seed: int, *, tie: str) -> str:
    """tie: 'same' (the user's record of this request), 'other' (another request's record), 'none'."""
    rng = random.Random(seed)
    name, reader = READERS[rng.randrange(len(READERS))]
    shape, one_line, logger = rng.randrange(4), rng.random() < 0.3, rng.choice(TOOLS)
    req, other = f"{rng.randrange(16**6):06x}", f"{rng.randrange(16**6):06x}"
    lines = [f"{_stamp(1 + i)} INFO " + rng.choice(NEUTRAL).format(n=rng.randrange(999)) for i in range(rng.randrange(3))]
    if tie != "none":
        lines.append(_whose(shape, req if tie == "same" else other, logger, name))
    lines += [f"{_stamp(7)} INFO " + rng.choice(NEUTRAL).format(n=rng.randrange(999)) for _ in range(rng.randrange(2))]
    run = reader(rng)
    try:
        run()
    except Exception as exc:  # noqa: BLE001 - the real reader's refusal, logged as the gateway logs it
        record = logged(logger, f"[req:{req}] cannot read {name}" if not one_line else
                        f"[req:{req}] cannot read {name}: {type(exc).__module__}.{type(exc).__name__}: {exc}")
        if one_line:
            record = record.split("\nTraceback")[0]
    else:
        raise AssertionError(f"{name}: the reader did not raise")
    return "\n".join([*lines, record])


@pytest.mark.parametrize("seed", SEEDS)
def test_a_reader_refusing_the_users_object_is_the_users_data(seed: int) -> None:
    d = diagnose(_excerpt(seed, tie="same"))
    assert d.category == "unknown" and d.confidence <= 0.4, (d.rule, d.summary)
    assert "user" in f"{d.summary} {d.root_cause}".lower(), d.summary


@pytest.mark.parametrize("seed", SEEDS)
def test_another_requests_upload_keeps_the_first_category(seed: int) -> None:
    first, d = diagnose(_excerpt(seed, tie="none")), diagnose(_excerpt(seed, tie="other"))
    assert d.category == first.category and "+user-data" not in (d.rule or ""), (d.rule, d.summary)


@pytest.mark.parametrize("seed", SEEDS)
def test_our_own_module_that_does_not_compile_is_never_the_users(seed: int) -> None:
    """compile() of OUR module under /app (a bad deploy), even right after a user's upload record of the request."""
    rng = random.Random(seed)
    req = f"{rng.randrange(16**6):06x}"
    path = f"/app/src/{rng.choice(['tools', 'providers', 'daemon'])}/{rng.choice(['chat', 'router', 'ws'])}.py"
    try:
        compile(rng.choice(["def f(:\n", "x = (1,\n", "if True:\nreturn 1\n"]), path, "exec")
    except SyntaxError:
        record = logged("src.daemon.plugins", f"[req:{req}] cannot load plugin {path}")
    d = diagnose("\n".join([_whose(rng.randrange(2), req, "tools.analyze", "upload.py"), record]))
    assert "+user-data" not in (d.rule or ""), (d.rule, d.summary)


def test_the_seeds_draw_several_readers() -> None:
    drawn = {READERS[random.Random(s).randrange(len(READERS))][0] for s in SEEDS}
    assert len(drawn) >= 4, drawn


def _unopenable(rng: random.Random, tree: Path) -> Callable[[], object]:
    """A real open(2) refusal of a path inside `tree`: a link to a target outside it (ENOENT), a name too long."""
    if rng.random() < 0.5:
        link = tree / rng.choice(["config", "settings", "env"]) / f"local{rng.randrange(99)}.yaml"
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(f"/Users/{rng.choice(['dana', 'lee'])}/secrets/{link.name}")  # the user's laptop path
        return lambda: open(link, "rb")
    long = tree / "assets" / ("n" * rng.randint(256, 300))
    return lambda: open(long, "rb")


@pytest.mark.parametrize("seed", (1, 2, 3))
def test_a_path_the_users_tree_cannot_open_is_the_users_data(seed: int, tmp_path: Path) -> None:
    """open(2)'s refusal (ENOENT of a dangling link, ENAMETOOLONG) of a path under the tree the same request handed the
    tool (its argument, "search ... in <root>", "project=<last parts>"): the user's tree. Twins: the same refusal of
    a path outside that tree, and the tree named by ANOTHER request - the first answer stays."""
    rng = random.Random(seed)
    tree = tmp_path / "workspace" / f"u-{rng.randrange(10, 99)}" / rng.choice(["shop-api", "legacy-billing", "site"])
    tree.mkdir(parents=True)
    req, other, logger = f"{rng.randrange(16**4):04x}", f"{rng.randrange(16**4):04x}", rng.choice(TOOLS)
    tool = logger.rsplit(".", 1)[-1]

    def named(by: str) -> str:
        return rng.choice([f"{_stamp(3)} INFO {logger}: [req:{by}] search 'DATABASE_URL' in {tree} (files=1,412)",
                           f"{_stamp(3)} INFO ws_daemon: [req:{by}] tool call {tool} args={ {'root': str(tree)}!r}",
                           f"{_stamp(3)} INFO {logger}: [req:{by}] review project={tree.parent.name}/{tree.name}"])

    def excerpt(path_in: Path, by: str) -> str:
        run = _unopenable(rng, path_in)
        try:
            run()
        except OSError:
            return "\n".join([named(by), logged(logger, f"[req:{req}] read failed")])
        raise AssertionError("open did not raise")

    d = diagnose(excerpt(tree, req))
    assert d.category == "unknown" and d.confidence <= 0.4 and "+user-data:path" in (d.rule or ""), (d.rule, d.summary)
    outside = tmp_path / "srv" / "gateway"
    outside.mkdir(parents=True)
    for twin in (excerpt(outside, req), excerpt(tree, other)):
        assert "+user-data" not in (diagnose(twin).rule or ""), twin
