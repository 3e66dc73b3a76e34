"""diagnose/record_time.py: the one reader of when a record around an error was logged (onset_change, preceding,
contention, following, own_script, unseen_write, cache_eviction, at_its_size, idle_reuse import it).

Generated over seeds: an instant, printed by a writer of the class (the gateway's header with and without a zone
word, a CRI/Kubernetes prefix with nanoseconds, an RFC 5424 syslog header with an offset, a BSD syslog prefix whose
message starts with an ISO time, a JSON record), must read back as that instant in UTC, so records of two writers
order as they happened. Near misses (no time: a month 13, a date without a time, a time past the record's start)
read as None."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from sidecar.diagnose.record_time import REACH, record_time

_WORDS = {"UTC": 0, "AEDT": 11, "CET": 1, "PST": -8}  # zone words the gateway's MelbourneFormatter family prints


def _render(rng: random.Random, at: datetime) -> tuple[str, datetime]:
    """`at` (UTC) printed by one writer of the class; the instant it denotes (to the precision printed)."""
    shape = rng.choice(["gateway", "gateway_zone", "cri", "rfc5424", "bsd", "json"])
    msg = rng.choice(["request failed", "cache set key=a ttl=30", "pool exhausted", "worker started"])
    if shape == "gateway":
        at = at.replace(microsecond=at.microsecond // 1000 * 1000)
        return f"{at:%Y-%m-%d %H:%M:%S},{at.microsecond // 1000:03d} - gw.{msg.split()[0]} - ERROR - {msg}", at
    if shape == "gateway_zone":
        word = rng.choice(sorted(_WORDS))
        local = (at + timedelta(hours=_WORDS[word])).replace(microsecond=0)
        return f"{local:%Y-%m-%d %H:%M:%S} {word} - gw - WARNING - {msg}", at.replace(microsecond=0)
    if shape == "cri":
        return f"{at:%Y-%m-%dT%H:%M:%S}.{at.microsecond:06d}{rng.randrange(1000):03d}Z stdout F {msg}", at
    if shape == "rfc5424":
        hours = rng.choice([-7, 0, 2, 10])
        local = at.astimezone(timezone(timedelta(hours=hours)))
        return f"<13>1 {local.isoformat()} host-{rng.randrange(9)} app 1 - - {msg}", at
    if shape == "bsd":
        at = at.replace(microsecond=0)
        return f"{at:%b %e %H:%M:%S} host app[{rng.randrange(1, 99999)}]: {at:%Y-%m-%dT%H:%M:%S}Z {msg}", at
    at = at.replace(microsecond=at.microsecond // 1000 * 1000)
    return f'{{"ts": "{at.isoformat(timespec="milliseconds").replace("+00:00", "Z")}", "level": "error", "msg": "{msg}"}}', at


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_writer_s_time_reads_as_the_instant_it_printed(seed: int) -> None:
    rng = random.Random(seed)
    base = datetime(2025, rng.randint(1, 12), rng.randint(1, 28), tzinfo=UTC)
    instants = sorted(base + timedelta(seconds=rng.uniform(0, 86_400)) for _ in range(30))
    lines = [_render(rng, at) for at in instants]
    for line, at in lines:
        assert record_time(line) == at, line  # one UTC instant whatever the writer: gaps across writers are real


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_line_that_prints_no_time_near_its_start_has_none(seed: int) -> None:
    rng = random.Random(seed)
    day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(10, 28)}"
    clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    misses = [
        f"2025-13-{rng.randint(10, 28)} {clock} - gw - ERROR - month 13 is no time",  # attacker-controlled text
        f"release {day} deployed to {rng.choice(['prod', 'staging'])}",  # a date, no time
        "x" * (REACH + rng.randint(0, 40)) + f" {day} {clock} a time quoted deep in a message",
        f"{clock} [ERROR   ] gw.worker: the stdio shim prints a time of day, no date",  # no instant to order by
        f"{rng.choice(['Jan', 'Jul'])}  5 {clock} host app[{rng.randrange(1, 999)}]: BSD syslog: no year",
    ]
    for line in misses:
        assert record_time(line) is None, line
    twin = f"{day} {clock} - gw - ERROR - the same time at the start"
    assert record_time(twin) == datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=UTC)
