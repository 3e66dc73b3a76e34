"""Build a `DiagnosisInput` for a stored group: the group row, its latest sample, and the lines
around the sample in its log file (from the sample's stored context, else read from the file).

The sample's `data` is written by the errors stage; this reads it defensively (any missing key is
simply absent from the prompt), because a diagnosis with less context beats no diagnosis.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import deque
from datetime import datetime
from typing import Any

from ..store.base import Store
from .excerpt_shapes import AFTER_LINES
from .model import DiagnosisInput

log = logging.getLogger(__name__)

MAX_READ_LINES = 2_000_000  # never scan further into a file than this for context


def read_context(path: str, line: int, n: int) -> tuple[str, ...]:
    """Up to `n` lines before 1-based `line` in `path` (read-only; empty when the file is gone)."""
    if n <= 0 or line <= 1 or line > MAX_READ_LINES:
        return ()
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            window: deque[str] = deque(maxlen=n)
            for text in itertools.islice(fh, line - 1):
                window.append(text.rstrip("\n"))
            return tuple(window)
    except OSError:
        return ()


def read_after(path: str, line: int, skip: int, n: int) -> tuple[str, ...]:
    """Up to `n` lines of `path` after the record that starts at 1-based `line` and spans `skip` lines: the group's
    later records as far as the file holds them when the group is diagnosed (following.py reads them: a retry that
    succeeded, a "reconnected"). Read-only; empty when the file is gone or the record is past MAX_READ_LINES."""
    first = line + max(skip, 1)  # 1-based number of the first line after the record
    if n <= 0 or line < 1 or first > MAX_READ_LINES:
        return ()
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return tuple(text.rstrip("\n") for text in itertools.islice(fh, first - 1, first - 1 + n))
    except OSError:
        return ()


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strs(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if v is not None)
    return ()


def _chain_types(data: dict[str, Any]) -> tuple[str, ...]:
    chain = data.get("chain") or data.get("exceptions") or []
    out = []
    if isinstance(chain, list):
        for item in chain:
            if isinstance(item, dict) and item.get("type"):
                out.append(str(item["type"]))
            elif isinstance(item, str):
                out.append(item)
    return tuple(out)


async def input_from_store(store: Store, fingerprint: str, *, context_lines: int = 20,
                           after_lines: int = AFTER_LINES) -> DiagnosisInput | None:
    """The input for diagnosing a stored group, or None when the group is unknown."""
    repo = store.diagnoses
    group = await repo.group(fingerprint)
    if group is None:
        return None
    sample = await repo.latest_sample(fingerprint) or {}
    data = {**_dict(group.get("error_context")), **_dict(sample.get("data"))}
    raw = sample.get("raw") or data.get("raw") or data.get("traceback") or ""
    context = _strs(data.get("context"))
    file = sample.get("file") or data.get("file")
    line = sample.get("line") or data.get("line")
    if not context and file and line:
        context = await asyncio.to_thread(read_context, str(file), int(line), context_lines)
    after: tuple[str, ...] = ()
    if file and line:
        after = await asyncio.to_thread(read_after, str(file), int(line), len(str(raw).splitlines()), after_lines)
    exception = _dict(data.get("exception"))
    first_seen = group.get("created_at")
    last_seen = group.get("last_occurrence_at")
    return DiagnosisInput(
        fingerprint=fingerprint,
        message=sample.get("message") or group.get("error_message") or "",
        level=(sample.get("level") or group.get("level") or "ERROR").upper(),
        logger=sample.get("logger") or group.get("logger"),
        exception_type=group.get("error_type") or exception.get("type") or data.get("exception_type"),
        exception_message=exception.get("message") or data.get("exception_message"),
        chain_types=_chain_types(data),
        traceback=str(raw),
        context=context[-context_lines:] if context_lines > 0 else (),
        after=after,
        file=str(file) if file else None,
        line=int(line) if line else None,
        count=int(group.get("occurrence_count") or 1),
        first_seen=first_seen if isinstance(first_seen, datetime) else None,
        last_seen=last_seen if isinstance(last_seen, datetime) else None,
        regressions=int(group.get("regression_count") or 0),
    )
