"""Structured records (logfmt lines, JSON objects) group by statement: the message plus its key set
(bench/GROUPING_CLASSES3.md H28-H31, H36, T16, V1/V2/V4; errors/records.py).

Generated per seed by tests/errors/record_gen.py: ten library layouts (logrus and zap console ones too), message words, key names and
value kinds (lists and maps of 0-5 items, structs, error chains of 1-4 links, quoted phrases) drawn per
seed. Every statement whose message is a constant (most: T16) must be ONE group whatever its values'
lengths; its twins must stay apart: the same message with another key set (another call site) and the
same keys with one message word changed. Near misses that are not records must keep their old reading.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict

import pytest

from sidecar.errors.cli_fingerprint import split_line
from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.records import read_record

from .record_gen import LIBRARIES, corpus, statements

SEEDS = range(1541, 1545)


def _groups(lines: list[str]) -> list[str]:
    grouper = MessageGrouper()
    return [grouper.fingerprint(*split_line(line)) for line in lines]


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("seed", SEEDS)
def test_one_group_per_constant_statement_and_twins_apart(seed: int, library: str) -> None:
    lines, truth = corpus(seed, library=library, families=20, lines=500)
    constant = {st.family for st in statements(random.Random(seed), 20) if "%s" not in st.message}
    by_truth: dict[str, set[str]] = defaultdict(set)
    for t, g in zip(truth, _groups(lines), strict=True):
        by_truth[t].add(g)
    for family, groups in by_truth.items():
        if family in constant:
            assert len(groups) == 1, f"{library} seed {seed}: statement {family} split in {len(groups)}"
        base = family[:-1]
        if family[-1] in "kw" and base in by_truth:
            assert not groups & by_truth[base], f"{library} seed {seed}: twin {family} merged with {base}"


@pytest.mark.parametrize("seed", SEEDS)
def test_content_cut_reads_the_same_statement(seed: int) -> None:
    """What a header cut leaves (`msg=... k=v`) is read as the same message and key set as the line."""
    raw, truth = corpus(seed, library="gokit", families=10, lines=100)
    cut, truth2 = corpus(seed, library="gokit", families=10, lines=100, content=True)
    assert truth == truth2
    for a, b in zip(raw, cut, strict=True):
        ra, rb = read_record(a), read_record(b)
        assert ra is not None and rb is not None
        assert ra.message == rb.message
        assert ra.logger.split("{")[1] == rb.logger.split("{")[1]  # the key set


def test_a_deploy_that_shifts_lines_keeps_the_group_another_file_does_not() -> None:
    line = 'ts=2026-12-07T00:00:01.5Z caller=notify.go:{} level=error component=dispatcher msg="Notify for alerts failed" num_alerts=3 err="{}"'
    shifted = line.format(388, "context deadline exceeded")
    moved = line.format(402, 'dial tcp 10.0.0.7:9093: connect: connection refused')
    other_file = shifted.replace("notify.go", "silence.go")
    g = _groups([shifted, moved, other_file])
    assert g[0] == g[1] != g[2]
    src = {"function": "main.(*Server).serve", "file": "/src/app/server.go", "line": 10}
    a = json.dumps({"time": "t", "level": "ERROR", "source": src, "msg": "serve failed", "err": "EOF"})
    b = json.dumps({"time": "t", "level": "ERROR", "source": {**src, "line": 31}, "msg": "serve failed", "err": "x: EOF"})
    assert len(set(_groups([a, b]))) == 1


def test_quoting_and_escapes_do_not_change_the_message() -> None:
    """go-logfmt quotes a value only when it holds a blank, `=`, `"` or a control character, with Go
    escapes; the same text bare and quoted is one message."""
    assert read_record('level=warn msg=Reloading k=1').message == "Reloading"
    assert read_record('level=warn msg="Reloading" k=1').message == "Reloading"
    assert read_record(r'level=warn msg="say \"hi\"\tnow \u00e9" k=1').message == 'say "hi"\tnow \u00e9'


def test_levels_and_components_are_statements() -> None:
    lines = ['level=error component=tsdb msg="compaction failed" err=x',
             'level=warn component=tsdb msg="compaction failed" err=x',
             'level=error component=web msg="compaction failed" err=x']
    assert len(set(_groups(lines))) == 3


@pytest.mark.parametrize("line", [
    "Connection closed by 10.0.0.1 port=22 user=root",           # a printf message ending in pairs (S23)
    "type=USER_LOGIN msg=audit(1765000000.123:42): pid=1 uid=0",  # an audit record: `type=` first
    "level=error msg=failed some words after",                    # not every token a pair
    "ts=2026-12-07 level=error",                                   # header pairs only: no statement
    'level=error msg="unterminated',                               # a broken quote
    '{"log":"plain text\\n","stream":"stderr","time":"2026-12-07T00:00:00Z"}',
    '{"no_message": 1, "level": "error"}',
    "[1, 2, 3]",
    "INFO:root:logging.basicConfig's layout",                    # Python's `LEVEL:name:msg` (H23)
    "ERROR[main] not logrus: no 4-letter level and counter",
    "2025-11-03 17:00:04 ERROR src.x: a gateway line",
    "2026-12-07T00:00:01Z\tERROR\tno caller column\tmessage",   # TABs without zap's `file:line` column
])
def test_near_misses_are_not_records(line: str) -> None:
    assert read_record(line) is None


def test_a_record_carried_in_docker_json_file_and_syslog_is_read() -> None:
    inner = 'ts=2026-12-07T00:00:01.5Z caller=main.go:77 level=error msg="Error loading config" err="open x: no such file"'
    docker = json.dumps({"log": inner + "\n", "stream": "stderr", "time": "2026-12-07T00:00:01.5Z"})
    syslog = f"<11>Dec  7 00:00:01 host alertmanager[812]: {inner}"
    expect = read_record(inner)
    assert expect is not None and expect.message == "Error loading config"
    assert split_line(docker)[:2] == (expect.message, expect.logger)
    assert split_line(syslog)[:2] == (expect.message, expect.logger)


@pytest.mark.parametrize("seed", range(4))
def test_every_documented_first_key_is_read_through_split_line(seed: int) -> None:
    """A record whose first key is any of the time keys (`t=` included: a one-letter key, whose two-character line
    start is `t=`) reaches read_record from split_line, as `ts=` does (review of round 12: `t=` lines were raw)."""
    rng = random.Random(seed)
    msg = rng.choice(("db down", "upstream closed", "cache miss"))
    for key in ("t", "ts", "time", "timestamp"):
        line = f'{key}=2026-12-07T01:0{rng.randrange(10)}:00Z level=error msg="{msg}" err=x{rng.randrange(99)}'
        assert read_record(line) is not None, line
        assert split_line(line)[0] == msg, (line, split_line(line))
