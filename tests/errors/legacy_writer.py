"""Write a store as a given version of the sidecar does: the events of `form_classes.events(seed, n)` through its
GroupRecorder, in batches (tests/errors/test_legacy_forms_store.py runs this under 47e85b8a's code).

    PYTHONPATH=<extracted tree> python tests/errors/legacy_writer.py <sqlite path ending .db | postgresql dsn> <seed> <n> <offset>
        [<events.json>]   # the events (form_classes' dicts) from a file instead of form_classes.events(seed, n)

Only APIs that 47e85b8a has too: GroupRecorder, open_sqlite/open_postgres, ErrorEvent.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import form_classes  # noqa: E402  (stdlib only, beside this file)

from sidecar.bus import Bus  # noqa: E402
from sidecar.clock import ManualClock  # noqa: E402
from sidecar.ingest.record import ErrorEvent  # noqa: E402
from sidecar.telemetry import Telemetry  # noqa: E402

T0 = 1_790_000_000.0


def make(d: dict[str, str], offset: int) -> ErrorEvent:
    """An event of a `form_classes` dict that keeps a per-event receipt (event_receipts: key -> group)."""
    message = d["message"]
    event = ErrorEvent(source="gateway", file="/var/log/app.log", line=offset + 1, offset=offset,
                       end_offset=offset + len(message) + 1, timestamp=None, level=d["level"], logger=d["logger"],
                       message=message, raw=message, file_key="1:2:abc")
    if "exception_type" in d:
        event.message = f"{d['exception_type']}: {message}"
        event.raw = event.message
        event.exception_type = d["exception_type"]
        event.exception_message = message
    event.extra = {}
    return event


def _dicts(seed: int, n: int, events_file: str | None) -> list[dict[str, str]]:
    if events_file is None:
        return form_classes.events(seed, n)
    import json

    with open(events_file, encoding="utf-8") as fh:
        return list(json.load(fh))


async def write(target: str, seed: int, n: int, offset: int, events_file: str | None = None) -> None:
    from sidecar.errors.groups import GroupRecorder

    if not target.endswith(".db"):  # a PostgreSQL DSN (URL or key=value form)
        from sidecar.store.postgres import open_postgres

        store = await open_postgres(target, pool_size=2)
    else:
        from sidecar.store.sqlite import open_sqlite

        store = await open_sqlite(target)
    try:
        recorder = GroupRecorder(store, Bus(), ManualClock(start=T0), Telemetry())
        events = [make(d, offset + i * 1000) for i, d in enumerate(_dicts(seed, n, events_file))]
        for i in range(0, len(events), 16):
            await recorder.record(events[i:i + 16])
    finally:
        await store.close()


if __name__ == "__main__":
    asyncio.run(write(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]),
                      sys.argv[5] if len(sys.argv) > 5 else None))
