"""Spool codec: pydantic TypeAdapter (sidecar/store/spool_codec.py) against the hand codec it replaced
(kept below verbatim as the baseline), on the same batches in the same run.

    python bench/spool_codec.py [--batches 200] [--batch 50] [--repeat 5]

Batches are generated gateway-like events: a traceback of 8 frames, a chain of two exceptions, 3
context lines, a Sentry-style `extra` on every fourth, a lone surrogate in every 500th message (its
batch takes the slow, exact path). Prints encode, decode and round-trip times per batch and new/old ratios (best of
`--repeat`), and checks both decode to the same events.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
import types
import typing
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sidecar.ingest.record import ErrorEvent, ExceptionInfo, Frame  # noqa: E402
from sidecar.store.spool_codec import decode_batch, encode_batch  # noqa: E402

# --- the hand codec before issue 14 (baseline) -----------------------------------------------------

def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    return value


@lru_cache(maxsize=64)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(value: Any, hint: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dict) and "$dt" in value:  # whatever the hint says (e.g. `datetime | None`, `Any`)
        return datetime.fromisoformat(value["$dt"])
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        for arg in args:
            if dataclasses.is_dataclass(arg) and isinstance(value, dict):
                return _decode(value, arg)
        return _decode(value, args[0]) if len(args) == 1 else value
    if origin is tuple:
        elems = typing.get_args(hint)
        elem = elems[0] if elems else Any
        return tuple([_decode(v, elem) for v in value])
    if origin is list:
        (elem,) = typing.get_args(hint) or (Any,)
        return [_decode(v, elem) for v in value]
    if hint is datetime:
        return datetime.fromisoformat(value["$dt"])  # not a {"$dt": ...}: a SpoolCodecError
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        kwargs = {f.name: _decode(value[f.name], hints[f.name])
                  for f in dataclasses.fields(hint) if f.name in value}
        return hint(**kwargs)
    return value


def legacy_encode(events: list[ErrorEvent]) -> bytes:
    """A batch as one JSON document (no newline inside: ensure_ascii escapes them)."""
    return json.dumps([_encode(e) for e in events], ensure_ascii=True, separators=(",", ":")).encode("ascii")


def legacy_decode(data: bytes) -> list[ErrorEvent]:
    return [_decode(item, ErrorEvent) for item in json.loads(data)]


# --- workload ---------------------------------------------------------------------------------------


def make_event(rng: random.Random, i: int) -> ErrorEvent:
    frames = tuple(Frame(f"/app/src/mod{rng.randrange(40)}.py", rng.randrange(1, 900), f"fn{rng.randrange(99)}",
                         f"    result = call_{rng.randrange(99)}(payload)", rng.random() < 0.7) for _ in range(8))
    message = f"kimi upload returned no file ID for /mnt/project/docs/report{i}.pdf"
    if i % 500 == 0:  # undecodable bytes are rare; their batch takes the exact (stdlib) path
        message += " \udcff"
    return ErrorEvent(
        source="gateway", file="/app/logs/ws_daemon.log", line=1000 + i, offset=i * 400, end_offset=i * 400 + 390,
        timestamp=datetime(2026, 11, 23, 12, 0, i % 60, tzinfo=UTC), level="ERROR", logger="tools.smart_file_query",
        message=message, raw="2026-11-23 12:00:00 ERROR tools.smart_file_query: " + message + "\nTraceback ...",
        exception_type="KeyError", exception_message="'file_id'", frames=frames,
        chain=(ExceptionInfo("httpx.ReadTimeout", "timed out", frames[:3]), ExceptionInfo("KeyError", "'file_id'", frames)),
        context=("line one", "line two", "line three"), received_at=1795435200.0 + i, file_key="2049:1234:abcd",
        extra={"release": "1.4.2", "tags": {"env": "prod", "region": "eu"}, "breadcrumbs": [{"m": "x"}] * 3}
        if i % 4 == 0 else None)


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batches", type=int, default=200)
    ap.add_argument("--batch", type=int, default=50)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    rng = random.Random(14)
    batches = [[make_event(rng, b * args.batch + i) for i in range(args.batch)] for b in range(args.batches)]
    old_data = [legacy_encode(b) for b in batches]
    new_data = [encode_batch(b) for b in batches]
    assert all(legacy_decode(o) == decode_batch(n) == b for o, n, b in zip(old_data, new_data, batches, strict=True))
    assert all(decode_batch(o) == b for o, b in zip(old_data, batches, strict=True))  # old records still read
    rows = {
        "encode": (best(lambda: [legacy_encode(b) for b in batches], args.repeat),
                   best(lambda: [encode_batch(b) for b in batches], args.repeat)),
        "decode": (best(lambda: [legacy_decode(d) for d in old_data], args.repeat),
                   best(lambda: [decode_batch(d) for d in new_data], args.repeat)),
        "decode an old record": (best(lambda: [legacy_decode(d) for d in old_data], args.repeat),
                                 best(lambda: [decode_batch(d) for d in old_data], args.repeat)),
    }
    n = args.batches
    print(f"{n} batches x {args.batch} events; bytes per batch: old {sum(map(len, old_data)) // n}, "
          f"new {sum(map(len, new_data)) // n}")
    print(f"{'':22} {'old ms/batch':>13} {'new ms/batch':>13} {'old/new':>8}")
    for name, (old, new) in rows.items():
        print(f"{name:22} {old / n * 1e3:13.3f} {new / n * 1e3:13.3f} {old / new:7.2f}x")
    trip_old = rows["encode"][0] + rows["decode"][0]
    trip_new = rows["encode"][1] + rows["decode"][1]
    print(f"{'round trip':22} {trip_old / n * 1e3:13.3f} {trip_new / n * 1e3:13.3f} {trip_old / trip_new:7.2f}x")


if __name__ == "__main__":
    main()
