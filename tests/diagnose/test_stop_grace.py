"""Connections lost when the platform killed the process at its stop timeout mid-drain (stop_grace.py): config.

websockets' own ConnectionClosedError (no close frame: what a client sees when the server process dies) is logged by
the gateway after the platform's records of a stop, generated over seeds: the platform (dockerd's stop / kill / die
lines, Kubernetes' Killing event and the container's terminated state), the drain's wording and figures, the logger,
the order. Twins that must NOT change: an OOM kill, a drain that completed before the kill, a stop with no kill.
"""

from __future__ import annotations

import json
import random

import pytest
from websockets.exceptions import ConnectionClosedError

from .logged import diagnose, raised_and_logged, text_of


def _lost() -> None:
    raise ConnectionClosedError(None, None)


def _stop(rng: random.Random, oom: bool = False, killed: bool = True) -> tuple[list[str], list[str]]:
    """(the termination records, the kill records) of one platform, in its own shapes."""
    name, grace = rng.choice(["exai-mcp-daemon", "gw-gateway-1"]), rng.choice([10, 30])
    shape = rng.choice(("dockerd", "kubernetes", "inspect"))
    if shape == "inspect":  # `docker inspect`'s State object after the stop (its field names, one of two separators)
        term = [f"host dockerd: container {name}: stop (deploy 2026-12-06T14:00:00Z, timeout {grace}s)"]
        kill = [json.dumps({"Status": "exited", "Running": False, "OOMKilled": oom, "Dead": False,
                            "ExitCode": 137 if killed else 0}, separators=rng.choice([(",", ":"), (", ", ": ")]))]
    elif shape == "dockerd":  # dockerd (journald lines as `host dockerd:`), compose's default grace of 10 s
        term = [f"host dockerd: container {name}: stop (deploy 2026-12-06T14:00:00Z, timeout {grace}s)"]
        kill = ([f"host dockerd: container {name}: kill signal=9 (stop timeout reached)"] if killed else []) + \
               [f"host dockerd: container {name}: die exitCode={137 if killed else 0} oomKilled={str(oom).lower()}"]
    else:  # Kubernetes: the Killing event, then the container's terminated state
        term = [f"2026-12-06 14:00:00 Normal  Killing  pod/{name}-6b7f  Stopping container gateway"]
        kill = [json.dumps({"containerID": "containerd://4be1c0", "exitCode": 137 if killed else 0,
                            "reason": "OOMKilled" if oom else "Error" if killed else "Completed"}, separators=(",", ":"))]
    return term, kill


def _excerpt(rng: random.Random, term: list[str], kill: list[str], done: bool = False) -> str:
    n = rng.randint(8, 40)
    logger = rng.choice(["ws_daemon", "src.daemon.main"])
    drain = [f"2026-12-06 14:00:00 WARNING {logger}: received SIGTERM; draining {n} in-flight requests "
             f"(DRAIN_TIMEOUT_SECS={rng.choice([30, 60, 120])})",
             rng.choice([f"2026-12-06 14:00:06 INFO {logger}: drained {n // 3}/{n} requests",
                         f"2026-12-06 14:00:06 INFO {logger}: drain: {n - 3} streams still open"])]
    if done:
        drain.append(f"2026-12-06 14:00:07 INFO {logger}: drain complete ({n}/{n})")
    error = raised_and_logged(_lost, rng.choice(["run_ws_shim", "src.daemon.ws_server"]), f"request {rng.randrange(16**4):04x} lost")
    return "\n".join([*term, *drain, *kill, error])


@pytest.mark.parametrize("seed", range(3))
def test_connections_lost_to_a_kill_at_the_stop_timeout_mid_drain_are_config(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(2):
        d = diagnose(_excerpt(rng, *_stop(rng)))
        assert d.category == "config" and d.confidence <= 0.45 and "grace" in text_of(d), (d.rule, d.summary)
        for twin in (_excerpt(rng, *_stop(rng, oom=True)), _excerpt(rng, *_stop(rng), done=True),
                     _excerpt(rng, *_stop(rng, killed=False))):
            got = diagnose(twin)
            assert "stop-grace" not in (got.rule or "") and got.category != "config", (twin, got.rule, got.summary)


@pytest.mark.parametrize("seed", range(3))
def test_a_kill_before_the_termination_is_not_the_stop_timeouts(seed: int) -> None:
    """Near-miss twin: the same stop with no kill (exitCode 0), but an earlier, unrelated SIGKILL of a tool's child
    process (exit code 137 too) stands before the termination. Nothing killed the draining process: not config."""
    rng = random.Random(seed)
    term, kill = _stop(rng, killed=False)
    child = (f"2026-12-06 13:59:{rng.randint(10, 59)} WARNING {rng.choice(['tools.runner', 'src.tools.sandbox'])}: "
             f"tool subprocess pid {rng.randint(300, 9000)} killed with SIGKILL (exit code 137) after its "
             f"{rng.choice([20, 30, 60])}s budget")
    got = diagnose(_excerpt(rng, [child, *term], kill))
    assert "stop-grace" not in (got.rule or "") and got.category != "config", (got.rule, got.summary)
