"""ErrorEvent builders for the store tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sidecar.ingest.record import ErrorEvent, ExceptionInfo, Frame

BASE = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


def make_event(i: int, *, file: str = "/var/log/gw/ws_daemon.log", kind: int | None = None) -> ErrorEvent:
    """The i-th event of a stream; `kind` picks one of a few distinct errors (default i % 3)."""
    k = i % 3 if kind is None else kind
    frames = (Frame("src/daemon/ws_server.py", 100 + k, "handle"), Frame("src/providers/kimi.py", 40, "call"))
    return ErrorEvent(
        source="gateway",
        file=file,
        line=1 + i * 3,
        offset=i * 300,
        end_offset=i * 300 + 290,
        timestamp=BASE + timedelta(seconds=i),
        level="ERROR",
        logger="src.daemon.ws_server",
        message=f"provider call failed kind={k} request={i}",
        raw=f"2026-11-23 12:00:00 ERROR src.daemon.ws_server: provider call failed kind={k} request={i}\n"
            "Traceback (most recent call last):\n  ...",
        exception_type=f"ProviderError{k}",
        exception_message=f"failure kind {k}",
        frames=frames,
        chain=(ExceptionInfo(f"ProviderError{k}", f"failure kind {k}", frames),),
        context=("previous line",),
    )
