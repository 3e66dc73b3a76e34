"""OS errors raised for real by the kernel through CPython (bind to an address this host does not have, a
rename across filesystems, rmdir of a full directory, mkdir of an existing one, a double close, a name over
the filesystem's limit, a symlink loop, a file that is no executable, an argument list over ARG_MAX, a path
through a file), logged by gateway modules. The category is what must change: a setting (config), the
code's call (code) or a host limit (capacity); each answer quotes the path or address the error names."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from sidecar.diagnose.verdict import MAX_CONFIDENCE
from tests.diagnose.logged import diagnose, logged, text_of


def _raised(action: Callable[[], object], logger: str = "src.daemon.worker", message: str = "step failed") -> str:
    try:
        action()
    except OSError:
        return logged(logger, message)
    raise AssertionError("the call did not fail")


def test_binding_to_an_address_this_host_does_not_have_is_the_host_setting() -> None:
    async def start() -> str:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.close()

        try:
            await asyncio.start_server(handler, "10.254.254.254", 8082)
        except OSError:
            return logged("src.daemon.ws_server", "failed to start health endpoint",
                          ("starting health endpoint on 10.254.254.254:8082 (EXAI_HEALTH_HOST)",))
        raise AssertionError("this host has 10.254.254.254 configured: the EADDRNOTAVAIL case cannot be raised")

    d = diagnose(asyncio.run(start()))
    assert (d.category, d.severity) == ("config", "high")
    assert "10.254.254.254:8082" in d.summary
    assert "already in use" not in text_of(d) and "Redis Commander" not in text_of(d)


def test_a_port_held_by_another_listener_is_still_the_port_conflict() -> None:
    """Near-miss of the bind-address case: the same call, EADDRINUSE."""
    async def start() -> str:
        async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.close()

        first = await asyncio.start_server(handler, "127.0.0.1", 0)
        port = first.sockets[0].getsockname()[1]
        try:
            await asyncio.start_server(handler, "127.0.0.1", port)
        except OSError:
            return logged("src.daemon.ws_server", "failed to start health endpoint")
        finally:
            first.close()
        raise AssertionError("the second bind succeeded")

    d = diagnose(asyncio.run(start()))
    assert d.category == "config" and "in use" in d.summary


def _cases(tmp: Path) -> list[tuple[str, Callable[[], object], str, str]]:
    full = tmp / "full"
    full.mkdir()
    (full / "a.txt").write_text("x")
    existing = tmp / "cache"
    existing.mkdir()
    loop = tmp / "loop"
    loop.symlink_to(loop)
    not_exec = tmp / "tool.bin"
    not_exec.write_bytes(b"\x00\x01\x02 not an executable")
    not_exec.chmod(0o755)
    fd = os.open(tmp / "f", os.O_CREAT | os.O_WRONLY)
    os.close(fd)
    return [
        # (name, the failing call, expected category, words the answer must say (the entity))
        ("ENOTEMPTY", lambda: os.rmdir(full), "code", "full"),
        ("EEXIST", lambda: os.mkdir(existing), "code", "cache"),
        ("EBADF", lambda: os.close(fd), "code", "closed"),
        ("ENAMETOOLONG", lambda: open(tmp / ("n" * 300), "w"), "code", "nnnn"),  # noqa: SIM115
        ("ELOOP", lambda: open(loop), "config", "loop"),  # noqa: SIM115
        ("ENOEXEC", lambda: subprocess.run([str(not_exec)], check=False), "config", "tool.bin"),
        ("E2BIG", lambda: subprocess.run(["true", "x" * (256 * 1024)], check=False), "code", "argument"),
        ("ENOTDIR", lambda: open("/etc/hostname/settings.yaml"), "config", "directory"),  # noqa: SIM115
    ]


@pytest.mark.parametrize("name", ["ENOTEMPTY", "EEXIST", "EBADF", "ENAMETOOLONG", "ELOOP", "ENOEXEC", "E2BIG",
                                  "ENOTDIR"])
def test_each_errno_raised_by_the_kernel(tmp_path: Path, name: str) -> None:
    case = next(c for c in _cases(tmp_path) if c[0] == name)
    _, action, category, word = case
    d = diagnose(_raised(action, "tools.smart_file_query", "could not prepare the workspace"))
    assert d.category == category, (name, d.rule, d.summary)
    assert word in text_of(d), (name, d.summary)
    assert d.confidence <= MAX_CONFIDENCE
    for wrong in ("Kimi", "Supabase", "provider"):
        assert wrong not in text_of(d)


def test_a_rename_across_filesystems_names_both_paths(tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    assert shm.is_dir() and os.stat(shm).st_dev != os.stat(tmp_path).st_dev, \
        "no second filesystem (/dev/shm) beside the test's tmp_path: EXDEV cannot be raised for real"
    src = shm / f"sidecar-test-{os.getpid()}.part"
    src.write_text("x")
    try:
        d = diagnose(_raised(lambda: os.rename(src, tmp_path / "upload.bin"), "tools.upload", "saving the upload failed"))
    finally:
        src.unlink(missing_ok=True)
    assert d.category == "code" and "upload.bin" in d.summary and "shutil.move" in text_of(d)


def test_words_of_a_common_errno_alone_do_not_make_it() -> None:
    """'File exists' in an application's own message (no errno, no OSError) is no EEXIST."""
    try:
        raise ValueError("File exists in the index already, refusing duplicate upload")
    except ValueError:
        excerpt = logged("tools.upload", "upload rejected")
    d = diagnose(excerpt)
    assert d.rule != "class:code.exists" and d.confidence <= 0.4


# --- ENOSPC by the call that got it (rules inotify-watch-limit, shm-full; round 6) ------------------------------

def _enospc_from_dev_full(logger: str) -> str:
    """A real ENOSPC: /dev/full answers every write with 'No space left on device'."""
    try:
        with open("/dev/full", "w") as f:
            f.write("x")
    except OSError:
        return logged(logger, "write failed")
    raise AssertionError("/dev/full accepted a write")


def _with_frame(excerpt: str, path: str, func: str, code: str) -> str:
    """The same real traceback with the frame of the call that allocated (the path is the installed module's)."""
    head, tail = excerpt.rsplit("OSError:", 1)
    return f'{head}  File "{path}", line 57, in {func}\n    {code}\nOSError:{tail}'


def test_enospc_on_a_file_is_the_disk() -> None:
    d = diagnose(_enospc_from_dev_full("src.logging.files"))
    assert d.rule == "disk-full" and d.category == "capacity", (d.rule, d.summary)


def test_enospc_from_a_multiprocessing_semaphore_is_shared_memory() -> None:
    import multiprocessing.synchronize

    excerpt = _with_frame(_enospc_from_dev_full("tools.analyze"), multiprocessing.synchronize.__file__, "__init__",
                          "sl = self._semlock = _multiprocessing.SemLock(")
    d = diagnose(excerpt)
    said = " ".join([d.summary, d.root_cause, *d.suggested_fix])
    assert d.category == "capacity" and "/dev/shm" in said and "disk full" not in said.lower(), (d.rule, d.summary)


def test_enospc_from_an_inotify_watch_is_the_watch_limit() -> None:
    excerpt = _with_frame(_enospc_from_dev_full("src.daemon.file_watch"),
                          "/usr/local/lib/python3.11/site-packages/watchdog/observers/inotify_c.py", "_raise_error",
                          'raise OSError(errno.ENOSPC, "inotify watch limit reached")')
    d = diagnose(excerpt)
    said = " ".join([d.summary, d.root_cause, *d.suggested_fix])
    assert d.category == "capacity" and "max_user_watches" in said and "disk full" not in said.lower(), d.summary


@pytest.mark.parametrize("limit", [4096, 64 * 1024, 1024 * 1024])
def test_a_write_past_the_processs_file_size_limit_is_the_deployments_limit(tmp_path: Path, limit: int) -> None:
    """EFBIG raised for real: this process's RLIMIT_FSIZE lowered (SIGXFSZ ignored, as Python's default handler
    would otherwise kill it), a write past it; the soft limit and the handler are restored at once."""
    import resource
    import signal

    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        with open(tmp_path / "upload.part", "wb") as f:
            f.write(b"x" * (limit * 2))
            f.flush()
    except OSError:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        excerpt = logged("src.daemon.upload_staging", "[req:b7d10e55] staging failed")
    else:
        pytest.fail("the write past RLIMIT_FSIZE succeeded")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old)
    d = diagnose(excerpt)
    assert d.category == "config" and d.confidence <= MAX_CONFIDENCE and "ulimit" in text_of(d), (d.rule, d.summary)
    assert "disk is full" not in text_of(d).lower(), text_of(d)
