"""The `sidecar` command as a user runs it: real subprocesses, real signals, real ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sidecar import __version__
from tests.helpers import catches, wait_serving

SIDECAR = [sys.executable, "-m", "sidecar"]


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The bound is a loaded machine's: `sidecar run` imports everything before it fails (7 s measured at load 10)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*SIDECAR, *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)


def start_run(tmp_path: Path, port: int, *extra: str) -> subprocess.Popen:
    config = tmp_path / "sidecar.yaml"
    config.write_text(
        f"server: {{host: 127.0.0.1, port: {port}}}\nstore: {{path: {tmp_path}/data/sidecar.db}}\n"
        f"ingest: {{checkpoint_dir: {tmp_path}/data/checkpoints}}\nrollouts_file: null\n"
    )
    # stderr to a file: readable while the process runs (a failed wait shows it), and a pipe could fill
    return subprocess.Popen([*SIDECAR, "run", "--config", str(config), *extra], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=(tmp_path / "sidecar.err").open("wb"))


def wait_healthy(port: int, proc: subprocess.Popen, tmp_path: Path) -> None:
    wait_serving(f"http://127.0.0.1:{port}/healthz", proc, "sidecar run", tmp_path / "sidecar.err")


def test_version(tmp_path):
    r = run_cli("--version", cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == f"sidecar {__version__}"


@pytest.mark.parametrize("command", ["run", "demo", "replay", "fingerprint", "check", "eval"])
def test_every_subcommand_explains_itself(tmp_path, command):
    r = run_cli(command, "--help", cwd=tmp_path)
    assert r.returncode == 0
    assert f"usage: sidecar {command}" in r.stdout
    assert len(r.stdout.splitlines()) >= 4


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_run_within_5s_with_exit_0(tmp_path, free_port, sig):
    proc = start_run(tmp_path, free_port)
    try:
        wait_healthy(free_port, proc, tmp_path)
        # the stack dump wait_serving asks a stuck start for: registered, written, and the process goes on
        assert catches(proc.pid, signal.SIGUSR1)
        proc.send_signal(signal.SIGUSR1)
        err, until = tmp_path / "sidecar.err", time.monotonic() + 30
        while "(most recent call first)" not in err.read_text(errors="replace") and time.monotonic() < until:
            time.sleep(0.05)
        assert "(most recent call first)" in err.read_text(errors="replace")  # faulthandler's thread header
        with urllib.request.urlopen(f"http://127.0.0.1:{free_port}/healthz", timeout=10) as resp:
            assert resp.status == 200
        started = time.monotonic()
        proc.send_signal(sig)
        assert proc.wait(timeout=5) == 0
        assert time.monotonic() - started < 5
        assert "sidecar stopped" in (tmp_path / "sidecar.err").read_text()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_stuck_start_is_asked_for_its_stacks_only_once_it_can_answer(tmp_path):
    """wait_serving's SIGUSR1 to a process that has no handler yet (interpreter start, imports) would kill it
    (signal(7): SIGUSR1's default is terminate) and with it the evidence. `sleep` catches no signal: the wait
    fails saying so and leaves it running. The twin (a `sidecar run` that registered faulthandler, dumped and
    still serving) is in test_signal_stops_run_within_5s_with_exit_0."""
    log = tmp_path / "child.err"
    log.write_text("start-up: still waiting\n")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: every connect is refused at once
        child = subprocess.Popen(["sleep", "120"])
        try:
            with pytest.raises(AssertionError, match="no stacks: it had no SIGUSR1 handler yet") as failed:
                wait_serving(f"http://127.0.0.1:{closed.getsockname()[1]}/healthz", child, "child", log,
                             stuck_after=0.5)
            assert "used no CPU" in str(failed.value) and "still waiting" in str(failed.value)
            assert child.poll() is None  # alive: its state can still be looked at
        finally:
            child.kill()
            child.wait()


def one_line_error(r: subprocess.CompletedProcess) -> str:
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("sidecar:")]
    assert len(lines) == 1, r.stderr
    return lines[0]


def test_typo_key_is_one_clear_line(tmp_path):
    (tmp_path / "c.yaml").write_text("server:\n  prot: 9000\n")
    line = one_line_error(run_cli("run", "--config", "c.yaml", cwd=tmp_path))
    assert line == "sidecar: c.yaml: server.prot: unknown key (check the spelling)"


def test_wrong_type_is_one_clear_line(tmp_path):
    (tmp_path / "c.yaml").write_text("server:\n  port: lots\n")
    line = one_line_error(run_cli("run", "--config", "c.yaml", cwd=tmp_path))
    assert line.startswith("sidecar: c.yaml: server.port: ")


def test_port_in_use_is_one_clear_line(tmp_path, free_port):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", free_port))
        busy.listen()
        (tmp_path / "c.yaml").write_text(f"server: {{host: 127.0.0.1, port: {free_port}}}\nrollouts_file: null\n")
        line = one_line_error(run_cli("run", "--config", "c.yaml", cwd=tmp_path))
    assert line.startswith(f"sidecar: server: cannot listen on 127.0.0.1:{free_port}")
    assert "address already in use" in line


def test_unwritable_data_directory_is_one_clear_line(tmp_path, free_port):
    # A path under a regular file can never be created, also for root (chmod would not stop root).
    (tmp_path / "blocker").write_text("")
    (tmp_path / "c.yaml").write_text(
        f"server: {{host: 127.0.0.1, port: {free_port}}}\nstore: {{path: {tmp_path}/blocker/data/s.db}}\nrollouts_file: null\n"
    )
    line = one_line_error(run_cli("run", "--config", "c.yaml", cwd=tmp_path))
    assert line.startswith("sidecar: store: cannot create data directory")


def test_check_reports_every_problem_and_exits_1(tmp_path):
    (tmp_path / "c.yaml").write_text(
        "server:\n  port: 0\nrollouts_file: null\nrollouts:\n  - name: a\n    flag: F\n    stages: [{percent: 1}, {percent: 10}, {percent: 150}]\n"
    )
    r = run_cli("check", "--config", "c.yaml", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stdout.splitlines() == [
        "c.yaml: server.port: must be between 1 and 65535",
        "c.yaml: rollouts[0].stages[2].percent: must be between 0 and 100",
    ]


def test_check_ok(tmp_path):
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "gw.log").write_text("")
    (tmp_path / "c.yaml").write_text("server:\n  port: 9000\nrollouts_file: null\nsources: [{paths: [logs/*.log]}]\n")
    r = run_cli("check", "--config", "c.yaml", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("ok")


def test_check_validates_rules_files_named_by_the_config(tmp_path):
    (tmp_path / "diagnoses.yaml").write_text("rules:\n  - name: x\n    match: {}\n    diagnosis: {severity: apocalyptic}\n")
    (tmp_path / "c.yaml").write_text(
        "rollouts_file: null\ndiagnosis: {rules_file: diagnoses.yaml}\n"
        "alerts:\n  rules_file: null\n  routes:\n    - receivers: [nobody]\n"
    )
    r = run_cli("check", "--config", "c.yaml", cwd=tmp_path)
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert any(ln.startswith("diagnoses.yaml: rules[0]") for ln in lines), lines
    assert "config: alerts: routes[0].receivers[0]: unknown receiver 'nobody'" in lines
