"""Fingerprints are deterministic, independent of event order and identical in another process."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sidecar.errors.cli_fingerprint import fingerprint_line, split_line
from sidecar.errors.fingerprint import clear_caches, fingerprint_message, normalize_message
from sidecar.errors.grouper import MessageGrouper


def _grouped(lines: list[str]) -> list[str]:
    """What `sidecar fingerprint` must print: one learner over the lines, in order."""
    grouper = MessageGrouper()
    return [grouper.fingerprint(*split_line(line)) for line in lines]

# Text that looks like log messages: words, numbers, ids, quotes, paths, punctuation.
_token = st.one_of(
    st.sampled_from(["error", "failed", "Connection", "closed", "for", "user", "code:", "status", "HTTP/2",
                     "PGRST204", "'col'", '"a phrase"', "/var/log/x.log", "https://api.z.ai/v4/x", "0x7f3a",
                     "ops@example.com", "::1", "()", "...", "429", "Too Many Requests", "sent", "1011", "(x)"]),
    st.integers(min_value=-10**12, max_value=10**12).map(str),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=12),
)
messages = st.lists(_token, min_size=0, max_size=14).map(" ".join)
SEPARATE_PROCESS_SEED = 1234


@settings(max_examples=200, deadline=None)
@given(messages)
def test_fingerprint_is_deterministic_and_cache_free(message):
    first = fingerprint_message(message, "gw")
    clear_caches()
    assert fingerprint_message(message, "gw") == first
    assert normalize_message(message, cached=False) == normalize_message(message)


@settings(max_examples=60, deadline=None)
@given(st.lists(messages, min_size=1, max_size=30), st.randoms(use_true_random=False))
def test_fingerprint_is_independent_of_event_order(batch, rnd):
    clear_caches()
    in_order = {m: fingerprint_line(m) for m in batch}
    shuffled = list(batch)
    rnd.shuffle(shuffled)
    clear_caches()
    assert {m: fingerprint_line(m) for m in shuffled} == in_order


def _corpus() -> list[str]:
    rnd = random.Random(SEPARATE_PROCESS_SEED)
    lines = []
    data = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "loghub-2k"
    for csv_file in sorted(data.glob("*/*_2k.log_structured.csv"))[:8]:
        rows = csv_file.read_text(encoding="utf-8").splitlines()[1:]
        lines += rnd.sample(rows, min(40, len(rows)))
    lines += ["Error code: 429 - quota", "Error code: 500 - boom", "PGRST204", "PGRST205", "", "   ",
              "naïve ünïcode 42 ✓", "tab\tseparated\t7"]
    return lines


def _run_cli(lines: list[str], hashseed: str) -> list[str]:
    env = dict(os.environ, PYTHONHASHSEED=hashseed)
    proc = subprocess.run([sys.executable, "-m", "sidecar", "fingerprint"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=60, env=env, check=True)
    return proc.stdout.splitlines()


def test_sidecar_fingerprint_in_other_processes_agrees_with_this_one():
    lines = _corpus()
    expected = _grouped(lines)
    assert _run_cli(lines, "1") == expected
    assert _run_cli(lines, "98765") == expected  # Python's hash() randomisation plays no part


def test_invalid_utf8_lines_get_a_fingerprint_each():
    raw = b"ok line 1\n\xff\xfe broken 2\nlast\n"
    proc = subprocess.run([sys.executable, "-m", "sidecar", "fingerprint"], input=raw, capture_output=True,
                          timeout=60, check=True)
    out = proc.stdout.decode().splitlines()
    assert out == _grouped(["ok line 1", "\ufffd\ufffd broken 2", "last"])


def test_sidecar_fingerprint_streams_without_look_ahead():
    """Each answer arrives before the next line is written: no buffering, no look-ahead."""
    proc = subprocess.Popen([sys.executable, "-m", "sidecar", "fingerprint"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, bufsize=1)
    try:
        lines = ["first error 1", "second error 2", "first error 3"]
        for line, expected in zip(lines, _grouped(lines), strict=True):
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            assert proc.stdout.readline().strip() == expected
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


def test_sidecar_fingerprint_of_log_lines_matches_what_replay_reports(tmp_path):
    """Full log lines are read like ingest reads them, so the answer is what `run`/`replay` compute."""
    import json

    lines = [
        "2026-11-23 12:00:01 ERROR src.providers.kimi: kimi upload returned no file ID",
        "2026-11-23 12:00:02 AEDT ERROR ws_daemon: Health writer failed for 31s - daemon may be stuck",
        "2026-11-23 12:00:03,123 - src.storage.supabase_client - CRITICAL - {'message': 'x', 'code': 'PGRST204'}",
        "2026-11-23 12:00:04 ERROR src.daemon.ws_server: Connection closed for 172.18.0.1:36952: no close frame",
    ]
    log = tmp_path / "ws_daemon.log"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    replay = subprocess.run([sys.executable, "-m", "sidecar", "replay", str(log), "--jsonl"], capture_output=True,
                            text=True, timeout=60, check=True)
    replayed = [json.loads(line)["fingerprint"] for line in replay.stdout.splitlines()]
    assert len(replayed) == len(lines)
    assert _run_cli(lines, "7") == replayed == _grouped(lines)
    # The bare message is another input: its logger is unknown, so it is another fingerprint.
    assert fingerprint_line("kimi upload returned no file ID") != replayed[0]


def test_stream_options_logger_level_and_template():
    import io

    from sidecar.errors.cli_fingerprint import stream

    out = io.StringIO()
    n = stream(io.BytesIO(b"boom 7\n2026-11-23 12:00:01 ERROR src.a: boom 8\n"), out, logger="src.a",
               with_template=True)
    first, second = out.getvalue().splitlines()
    assert n == 2 and first == second == f"{fingerprint_message('boom 1', 'src.a')}\tboom <*>"
    out = io.StringIO()
    stream(io.BytesIO(b"boom 7\n"), out, level="WARNING")
    assert out.getvalue().strip() == fingerprint_message("boom 7", None, "WARNING")
