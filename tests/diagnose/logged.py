"""Log a real exception as the gateway logs it (`%(asctime)s %(levelname)s %(name)s: %(message)s`, the
traceback unprefixed) and turn the excerpt into what the diagnosis stage sees."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable

import pytest

from sidecar.diagnose.excerpt import excerpt_to_input
from sidecar.diagnose.model import Diagnosis
from sidecar.diagnose.rules import load_rules

RULES = load_rules("rules/diagnoses.yaml")
FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")


class KeepRecords(logging.Handler):
    """A handler that keeps each record formatted as the gateway formats its log lines."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[str] = []
        self.setFormatter(FORMAT)

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


def logged(logger: str, message: str, before: tuple[str, ...] = (), level: int = logging.ERROR) -> str:
    """`logger.log(level, message, exc_info=True)` inside the current except block (after `before`, logged at
    INFO by the same logger), as the excerpt the gateway's log file would hold."""
    keep = KeepRecords()
    log = logging.getLogger(logger)
    log.addHandler(keep)
    log.propagate = False
    old = log.level
    log.setLevel(logging.DEBUG)
    try:
        for line in before:
            log.info(line)
        log.log(level, message, exc_info=True)
    finally:
        log.removeHandler(keep)
        log.propagate = True
        log.setLevel(old)
    return "\n".join(keep.records)


def raised_and_logged(raise_it: Callable[[], object], logger: str, message: str) -> str:
    """Call `raise_it` (it must raise) and return the excerpt of `logger` logging `message` with that traceback."""
    try:
        raise_it()
    except Exception:
        return logged(logger, message)
    raise AssertionError(f"{getattr(raise_it, '__name__', raise_it)} did not raise")


def diagnose(excerpt: str) -> Diagnosis:
    return RULES.diagnose(excerpt_to_input(excerpt))


def text_of(d: Diagnosis) -> str:
    return " ".join([d.summary, d.root_cause, *d.suggested_fix])


async def logged_lookup_failure(host: str, logger: str, message: str) -> str:
    """`logged(logger, message)` of the real socket.gaierror this machine's resolver gives for `host` (a name under
    RFC 6761's `.invalid`, which never resolves); fails with the reason when the resolver answers for it."""
    try:
        await asyncio.get_running_loop().getaddrinfo(host, 443)
    except socket.gaierror:
        return logged(logger, message)
    pytest.fail(f"this host's resolver answered for {host}: RFC 6761 reserves .invalid, fix the resolver")


async def _never_connects() -> None:
    async with asyncio.timeout(0):
        await asyncio.Event().wait()


def logged_timeout(logger: str, message: str, stamp: str | None = None) -> str:
    """`logged(logger, message)` of the real TimeoutError asyncio.timeout raises around a wait that never ends (a
    connect that never completes), its record restamped at `stamp` (logging stamps it with the wall clock)."""
    text = raised_and_logged(lambda: asyncio.run(_never_connects()), logger, message)
    return text if stamp is None else stamp + text[len(stamp):]
