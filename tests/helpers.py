"""Helpers shared by test packages (fixtures live in conftest.py files)."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def wait_http_ok(url: str, proc: subprocess.Popen, what: str, timeout: float = 20.0,
                 log_path: Path | None = None) -> None:
    """Poll `url` until it answers 200; fail early, with the process's log tail, if it exits."""

    def tail() -> str:
        return log_path.read_text(errors="replace")[-2000:] if log_path and log_path.exists() else ""

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}: {tail()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{what} did not answer {url} within {timeout:g} s: {tail()}")


@dataclass
class Received:
    """One request a local fake receiver (chat channel, hook endpoint) recorded."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)
