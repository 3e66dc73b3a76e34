"""A record that does not parse in a file two live processes append to is their race (shared_append.py): concurrency;
one writer, another file, a writer killed before the other started, two readers, or no parse error is not.

The error is real: json.loads on a line where one process's record, cut where its buffered writer flushed
(io.DEFAULT_BUFFER_SIZE multiples), is followed by another process's record - the JSONDecodeError the reader raises.
Generated over seeds: the file, the writers' ids (pid, worker, pod), the reader's logger and the record's wording.
"""

from __future__ import annotations

import io
import json
import random

import pytest

from .logged import diagnose, raised_and_logged

DAY = "2026-12-06"


def _torn(rng: random.Random) -> str:
    mine = json.dumps({"tool": "chat", "request_id": f"{rng.getrandbits(32):08x}", "args": {"p": "x" * 9000}})
    cut = io.DEFAULT_BUFFER_SIZE - rng.randint(40, 300)
    theirs = json.dumps({"tool": "analyze", "request_id": f"{rng.getrandbits(32):08x}"})
    return mine[:cut] + theirs


def _reader_error(rng: random.Random, path: str, at: str) -> str:
    line = _torn(rng)
    logger = rng.choice(["tools.usage_report", "src.monitoring.jsonl_reader", "src.monitoring.dashboard_feed"])
    text = raised_and_logged(lambda: json.loads(line), logger,
                             f"cannot parse {path} line {rng.randint(200, 9000)}")
    return f"{DAY} {at}" + text[len(f"{DAY} 00:00:00"):]


def _writer(rng: random.Random, path: str, at: str, who: str, verb: str = "appending") -> str:
    return f"{DAY} {at} INFO src.daemon.ws_server: {who} started, {verb} {path}"


def _who(rng: random.Random, n: int) -> list[str]:
    kind = rng.choice(["pid", "worker", "pod"])
    ids = rng.sample(range(7, 400), n)
    return [{"pid": f"worker (pid {i})", "worker": f"worker {i}", "pod": f"pod gateway-{i:x}7"}[kind] for i in ids]


@pytest.mark.parametrize("seed", range(4))
def test_a_torn_record_in_a_file_two_live_processes_append_to_is_concurrency(seed: int) -> None:
    rng = random.Random(seed)
    path = f"/app/logs/{rng.choice(['toolcalls', 'metrics', 'audit'])}.jsonl"
    a, b = _who(rng, 2)
    d = diagnose("\n".join([_writer(rng, path, "12:01:29", a), _writer(rng, path, "12:03:14", b),
                            _reader_error(rng, path, "12:04:20")]))
    assert d.category == "concurrency" and d.rule.endswith("+shared-append"), (d.rule, d.summary)
    assert d.confidence <= 0.45 and path in d.summary


@pytest.mark.parametrize("seed", range(4))
def test_one_writer_another_file_a_killed_writer_or_readers_are_not_a_race(seed: int) -> None:
    rng = random.Random(seed)
    path = f"/app/logs/{rng.choice(['toolcalls', 'metrics', 'audit'])}.jsonl"
    other = path.replace(".jsonl", "-2.jsonl")
    a, b = _who(rng, 2)
    err = _reader_error(rng, path, "12:04:20")
    killed = f"{DAY} 12:02:10 WARNING docker: container exai-mcp-daemon died: exitCode=137 OOMKilled=true"
    twins = {
        "one writer": [_writer(rng, path, "12:01:29", a), err],
        "another file": [_writer(rng, path, "12:01:29", a), _writer(rng, other, "12:03:14", b), err],
        "killed first": [_writer(rng, path, "12:01:29", a), killed, _writer(rng, path, "12:03:14", b), err],
        "readers": [_writer(rng, path, "12:01:29", a, "tailing"), _writer(rng, path, "12:03:14", b, "reading"), err],
    }
    for name, lines in twins.items():
        got = diagnose("\n".join(lines))
        assert "shared-append" not in got.rule and got.category != "concurrency", (name, got.rule, got.summary)
    # a record that parsed but lacks a key is the record's shape (our code), whoever writes the file
    no_parse = raised_and_logged(lambda: {"tool": "chat"}["duration_s"], "tools.usage_report",
                                 f"cannot read duration from {path}")
    got = diagnose("\n".join([_writer(rng, path, "12:01:29", a), _writer(rng, path, "12:03:14", b),
                              f"{DAY} 12:04:20" + no_parse[len(f'{DAY} 00:00:00'):]]))
    assert "shared-append" not in got.rule, (got.rule, got.summary)
