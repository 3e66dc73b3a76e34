"""EPERM/EACCES by the call that met it: a signal to a pid we do not own (a stale pid file) is code; a path we may not
open is the file's permission (config). Both raised for real in a child process running unprivileged (setuid to
nobody when the tests run as root), logged in the gateway's format."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.diagnose.logged import diagnose, text_of

CHILD = textwrap.dedent('''
    import logging, os, sys
    logging.basicConfig(stream=sys.stdout, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        datefmt="%Y-%m-%d %H:%M:%S")
    if os.getuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    log = logging.getLogger("ws_daemon")
    def check_pid_file(pid):
        os.kill(pid, 0)
    def read_settings(path):
        open(path).read()
    try:
        check_pid_file(1) if sys.argv[1] == "kill" else read_settings(sys.argv[2])
    except OSError:
        log.critical("Daemon startup failed", exc_info=True)
''')


@pytest.fixture
def readable_dir() -> Iterator[Path]:
    """A directory the unprivileged child can read (pytest's tmp_path sits under a 0700 parent): the traceback's
    source lines are read from the script file when it is printed, as the gateway's are."""
    path = Path(tempfile.mkdtemp(prefix="perm-calls-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _child(tmp: Path, *args: str) -> str:
    script = tmp / "ws_server.py"
    script.write_text(CHILD)
    script.chmod(0o644)
    out = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, timeout=30)
    # as root the child drops to nobody; as any other user pid 1 and a 0o000 file are not ours: the call must fail
    assert "Traceback" in out.stdout, f"the unprivileged child did not fail: {out.stdout[-300:]} {out.stderr[-300:]}"
    return out.stdout


def test_eperm_from_a_signal_to_a_pid_is_a_stale_pid_code(readable_dir: Path) -> None:
    excerpt = _child(readable_dir, "kill")
    assert "PermissionError" in excerpt, excerpt
    d = diagnose(excerpt)
    assert d.category == "code" and "pid" in text_of(d) and d.confidence < 0.6, (d.rule, d.summary, excerpt)
    for wrong in ("read-only", "volume", "chmod"):
        assert wrong not in text_of(d)


def test_eacces_from_a_path_is_the_files_permission(readable_dir: Path) -> None:
    secret = readable_dir / "settings.yaml"
    secret.write_text("a: 1\n")
    secret.chmod(0o000)
    d = diagnose(_child(readable_dir, "open", str(secret)))
    assert d.category == "config", (d.rule, d.summary)
