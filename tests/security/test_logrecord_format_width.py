"""Reviewer, round 9: the redactor formats a logged LogRecord's `msg % args` (logrecords.py, 327a9ea) - an
attacker-controlled template. A printf width (`%999999999d`) in a 150-byte line makes that one string ~1 GB,
then the whole redactor runs over it, for every stored sample of the line.

Measured (tracemalloc peak while redacting this file's lines, width 1e6, seeds 0-2): 80 MB, 6 MB, 6 MB on
327a9ea (a `%.Nf` float is the worst: the redactor's copies of a 1 MB string), 5 KB, 2 KB, 5 KB on 327a9ea^; the
same line without the width 20 KB. Linear in the width: at `%999999999d` / `%.999999999f` a 150-byte line asks
6-80 GB (an OOM kill of the sidecar) - time: 0.14 s at width 2e6, 1.7 s at 2e7 for `%Nd`. The class: any
conversion with a width or precision (`%*d` takes it from args: `'args': (999999999, 1)`), in either carrier
logrecords.py reads (a `vars(record)` dump, Handler.handleError's Message:/Arguments: block), JSON-escaped
or not. Asserted without timing: the peak Python allocation while redacting the line stays far below the
width (tracemalloc). Fixed by the lead: a width or precision of 3+ digits or `*` is never formatted (logrecords._WIDE); the
args are then judged by their shape alone.
"""

from __future__ import annotations

import json
import random
import tracemalloc

import pytest

from sidecar.redaction import redact

WIDTH = 1_000_000  # big enough to see, small enough for a shared machine (the peak is 6-75x the width)


def _line(rng: random.Random) -> str:
    conv = rng.choice([f"%{WIDTH}d", f"%-{WIDTH}s", f"%.{WIDTH}f", "%*d"])
    args = f"({WIDTH}, 7, 'req-{rng.randrange(10**6)}x')" if conv == "%*d" else f"(7, 'req-{rng.randrange(10**6)}x')"
    msg = f"'retry {conv} for %s'"
    if rng.random() < 0.5:
        text = (f"2026-12-06 09:05:07,130 DEBUG src.debug.handler: unformattable record: {{'name': 'src.upstream', "
                f"'msg': {msg}, 'args': {args}, 'levelname': 'INFO'}}")
    else:
        text = f"--- Logging error ---\nTraceback (most recent call last):\nValueError: x\nMessage: {msg}\nArguments: {args}"
    return json.dumps({"log": text + "\n", "stream": "stderr"}) if rng.random() < 0.3 else text


@pytest.mark.parametrize("seed", range(3))
def test_a_printf_width_in_a_logged_record_costs_no_more_than_the_line(seed: int) -> None:
    line = _line(random.Random(f"width-{seed}"))
    tracemalloc.start()
    try:
        redact(line)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < WIDTH // 4, (peak, line[:160])


def test_a_record_without_a_width_still_has_its_secret_arg_judged() -> None:
    """The twin: the same carrier with a named slot still loses the secret argument (327a9ea's class)."""
    v = "Xq7Lm2Pz9Kd4Rt8Wv3Nc6Hy1"
    out = redact(f"unformattable record: {{'name': 'src.auth', 'msg': 'login with token=%s', 'args': ('{v}',)}}")
    assert v not in out
