"""Learned templates: a slot whose letters-only value varies is one group; different words are not."""

from __future__ import annotations

import io
import random
import string
import subprocess
import sys

from sidecar.errors.cli_fingerprint import stream
from sidecar.errors.grouper import MessageGrouper
from sidecar.errors.templates import TemplateLearner, variable_like

RNG = random.Random(15)


def _hex4_letters_only() -> str:
    return "".join(RNG.choice("abcdef") for _ in range(4))


def _run_cli(lines: list[str]) -> list[str]:
    """`sidecar fingerprint` as a user runs it: a real process, lines on stdin."""
    proc = subprocess.run([sys.executable, "-m", "sidecar.cli", "fingerprint"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, check=True, timeout=60)
    return proc.stdout.splitlines()


def test_quota_key_suffix_with_or_without_digits_is_one_group():
    lines = ["Kimi API error 429 exceeded_current_quota_error for key ending eedd",
             "Kimi API error 429 exceeded_current_quota_error for key ending 259e",
             "Kimi API error 429 exceeded_current_quota_error for key ending fcab",
             "Kimi API error 429 exceeded_current_quota_error for key ending 0a1b",
             "Kimi API error 401 invalid_authentication_error for key ending eedd"]
    fps = _run_cli(lines)
    assert len(fps) == 5
    assert len(set(fps[:4])) == 1  # the suffix is a value, digits or not
    assert fps[4] != fps[0]  # another status and error type is another error


def test_letters_only_values_in_one_slot_do_not_split():
    gen = {
        "aws key id": lambda: "AKIA" + "".join(RNG.choice(string.ascii_uppercase) for _ in range(16)),
        "bearer token": lambda: "".join(RNG.choice(string.ascii_letters) for _ in range(32)),
        "host name": lambda: "-".join(RNG.choice(["api", "edge", "west", "gw", "core"]) for _ in range(2))
        + ".internal.example",
        "hex suffix": _hex4_letters_only,
        "process name": lambda: RNG.choice(["uvicorn", "gunicorn", "celery", "rq", "hypercorn"])
        + "-" + "".join(RNG.choice(string.ascii_lowercase) for _ in range(5)),
        "package name": lambda: "".join(RNG.choice(string.ascii_lowercase) for _ in range(6)) + "_"
        + "".join(RNG.choice(string.ascii_lowercase) for _ in range(4)),
    }
    for kind, value in gen.items():
        g = MessageGrouper()
        fps = {g.fingerprint(f"upstream call failed for {value()}: connection refused by peer", "gw.client")
               for _ in range(30)}
        assert len(fps) == 1, kind
        fps = {g.fingerprint(f"credential {value()} rejected by provider", "gw.client") for _ in range(30)}
        assert len(fps) == 1, kind


def test_enum_values_after_a_key_do_not_split_but_codes_do():
    g = MessageGrouper()
    states = ["RUNNING", "PENDING", "FAILED", "STOPPED", "QUEUED"]
    assert len({g.fingerprint(f"job handler crashed state={s} retries exhausted", "worker") for s in states}) == 1
    codes = {g.fingerprint(f"insert rejected by database code={c} retries exhausted", "worker")
             for c in ("23505", "23514", "40001")}
    assert len(codes) == 3
    statuses = {g.fingerprint(f"upstream answered status={s} retries exhausted", "worker") for s in ("429", "503")}
    assert len(statuses) == 2


def test_different_words_stay_different_events():
    g = MessageGrouper()
    pairs = [("Failed password for admin from 10.0.0.1 port 22 ssh2",
              "Accepted password for admin from 10.0.0.1 port 22 ssh2"),
             ("Connection closed by 10.0.0.1 port 22", "Connection reset by 10.0.0.1 port 22"),
             ("upstream returned status 429", "upstream returned status 503"),
             ("Error in chat: 'PGRST205'", "Error in chat: 'PGRST204'"),
             ("worker started processing queue", "worker stopped processing queue"),
             ("Failed to connect to upstream gateway", "Failed to bind to upstream gateway")]
    for a, b in pairs:
        assert g.fingerprint(a) != g.fingerprint(b), (a, b)


def test_gateway_failure_modes_stay_distinct_through_learning():
    from .test_fingerprint import test_the_gateway_failure_modes_stay_distinct as source

    messages = [c for c in source.__code__.co_consts if isinstance(c, tuple)][0]
    g = MessageGrouper()
    fps = [g.fingerprint(m, "gw") for m in messages for _ in range(2)]
    assert len(set(fps)) == len(messages)


def test_a_fingerprint_once_assigned_never_changes_and_a_restart_keeps_templates():
    first = MessageGrouper()
    a = first.fingerprint("lease lost for worker alpha_one on shard", "gw")
    b = first.fingerprint("lease lost for worker beta_two on shard", "gw")
    assert a == b
    # A later, different value maps to the same (existing) id, never re-labels it.
    assert first.fingerprint("lease lost for worker gamma_three on shard", "gw") == a
    saved = [(t.fingerprint, t.bucket, t.text) for t in first.learner.templates()]
    merges = first.learner.merges()
    restarted = MessageGrouper(TemplateLearner())
    restarted.learner.load(saved, merges)
    assert restarted.fingerprint("lease lost for worker delta_four on shard", "gw") == a
    assert restarted.fingerprint("lease lost for worker beta_two on shard", "gw") == a


def test_stream_answers_each_line_before_reading_the_next():
    out = io.StringIO()
    n = stream(io.BytesIO(b"disk quota exceeded for tenant acme_corp\n"
                          b"disk quota exceeded for tenant globex_inc\n"), out, with_template=True)
    assert n == 2
    first, second = out.getvalue().splitlines()
    assert first.split("\t")[0] == second.split("\t")[0]
    assert first.split("\t")[1] == "disk quota exceeded for tenant acme_corp"  # as known when it arrived
    assert second.split("\t")[1] == "disk quota exceeded for tenant <*>"


def test_token_classes():
    assert all(variable_like(t) for t in ["eedd", "api-1.example", "mKeyId", "x/y", "<*>",
                                          "AKIAQWERTYUIOPASDFGH" + "JKL"])
    assert not any(variable_like(t) for t in ["Failed", "opened", "ERROR", "429", "PGRST204", "quota.", "(timeout)",
                                              "exceeded_current_quota_error", "keep-alive"])


def test_truncated_values_and_names_before_a_colon_are_slots():
    g = MessageGrouper()
    tokens = ["pwbzwvfh", "RjRDGsIx", "zfqngjai"]
    assert len({g.fingerprint(f"invalid bearer token {t}... for session 42", "auth") for t in tokens}) == 1
    tools = ["chat", "codereview", "planner"]
    assert len({g.fingerprint(f"Failed to load tool {t}: No module named 'x.y'", "tools") for t in tools}) == 1
    # A word that is not cut short and not a name stays an event word.
    assert g.fingerprint("invalid bearer token expired for session 42", "auth") != \
        g.fingerprint("invalid bearer token revoked for session 42", "auth")
