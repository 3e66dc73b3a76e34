"""What the tailer says about itself: readiness problems, degraded notes, /api/status, gauges.

Kept apart from tail.py, which decides when to look at which file and reads it: these functions
only read the tailer's state (sources, tracked files, checkpoint writer) and never change it, so
the tail loop can be read without the reporting and the reporting without the loop.
"""

from __future__ import annotations

from typing import Any

from .checkpointing import CheckpointWriter
from .tracked import SourceState, Tracked

OVERRUN_SHOWN = 3600.0  # a rotation overrun stays on /api/status (degraded) this long


def problems(sources: list[SourceState], ckpt_error: str | None, sink_error: str | None,
             loop_stopped: bool) -> list[str]:
    """Readiness: what keeps the tailer from doing its job (an empty list when nothing does)."""
    out = []
    if ckpt_error:
        out.append(f"checkpoints not saved ({ckpt_error}); tailing continues, a restart would re-read")
    if sink_error:
        out.append(f"event sink failing ({sink_error}); reading paused until it accepts")
    if loop_stopped:
        out.append("tail loop stopped unexpectedly")
    for src in sources:
        if src.last_error:
            out.append(f"source {src.name}: {src.last_error}")
    return out


def degraded(sources: list[SourceState], now: float) -> list[str]:
    """What /api/status shows as degraded (never /readyz); `now` on the monotonic clock."""
    # A log directory the gateway has not created yet is its state, not a fault of ours.
    out = [f"source {src.name}: directory {', '.join(src.missing)} does not exist"
           for src in sources if src.missing]
    # A loss we cannot measure is still said: rotated files deleted before they were opened
    # (counted in sidecar_rotations_total{kind="overrun"}), shown for an hour after the last one.
    out += [f"source {src.name}: log rotation outran the tailer {src.overruns} time(s) since start; rotated "
            "files were deleted before they were read, so their records are lost (raise backupCount or maxBytes)"
            for src in sources
            if src.last_overrun is not None and now - src.last_overrun < OVERRUN_SHOWN]
    return out


def status(sources: list[SourceState], files: list[Tracked], now: float, ckpt: CheckpointWriter,
           sink_error: str | None, watcher_error: str | None) -> dict[str, Any]:
    """The /api/status document of the ingest stage: per source its files, offsets and lag."""
    out = []
    for src in sources:
        tracked = []
        for f in files:
            if f.src is not src:
                continue
            lag_b = max(0, f.size - f.parser.offset)
            tracked.append({
                "path": f.path, "key": f.key, "format": f.parser.format, "offset": f.acked[0],
                "read_offset": f.parser.offset, "line": f.acked[1], "size": f.size, "lag_bytes": lag_b,
                "lag_seconds": round(now - f.behind_since, 3) if f.behind_since is not None else 0.0,
                "rotated": f.path is None, "undelivered": f.inflight,
            })
        out.append({
            "name": src.name, "paths": list(src.cfg.paths), "format": src.cfg.format, "files": tracked,
            "rotations": src.rotations, "truncations": src.truncations, "events": src.events,
            "overruns": src.overruns,
            "last_error": src.last_error, "missing_dirs": list(src.missing),
        })
    return {
        "sources": out,
        "checkpoint_dir": str(ckpt.file.dir),
        "checkpoint_error": ckpt.error,
        "checkpoint_last_write": ckpt.last_ok,
        "sink_error": sink_error,
        "watcher_error": watcher_error,
    }


def update_gauges(telemetry: Any, sources: list[SourceState], files: list[Tracked], now: float) -> None:
    """Set the per-source gauges: files tailed, bytes behind, seconds behind (the oldest lag)."""
    t = telemetry
    for src in sources:
        fs = [f for f in files if f.src is src]
        t.files_tailed.labels(src.name).set(len(fs))
        t.tail_lag_bytes.labels(src.name).set(sum(max(0, f.size - f.parser.offset) for f in fs))
        lags = [now - f.behind_since for f in fs if f.behind_since is not None]
        t.tail_lag.labels(src.name).set(max(lags) if lags else 0.0)
