"""Assemble one eval case (the `evals/heldout10` yaml keys) from records: carriers, noise, placement, yaml.

The carrier of an error varies as the gateway's code varies it (research upstream-gateway.md §1.2-1.4):
`logger.exception` (header + raw traceback), `logger.error(f"...: {exc}")` (the message only, no traceback),
the ws_daemon `=== TOOL CALL FAILED ===` block (its fields on their own lines, then `Full traceback:`), and the
threading excepthook's stderr block (CPython `Lib/threading.py` `_make_invoke_excepthook`: `Exception in thread
NAME:` then the traceback). Noise: the benign records the gateway writes all the time (research §1.5).
"""

from __future__ import annotations

from random import Random
from typing import Any

import yaml

from evals.gen import render as _render
from evals.gen.frames import addresses, format_exc, format_only
from evals.gen.registry import LAYOUT
from evals.gen.render import Record, render, start_time

CARRIERS = ("exception", "message", "block", "excepthook")


def req_id(rng: Random) -> str:
    """A request id as the gateway prints it inside `[req:<id>]` (4 to 8 hex digits)."""
    n = rng.choice((4, 6, 8))
    return f"{rng.getrandbits(4 * n):0{n}x}"


def carry(rng: Random, exc: BaseException, t: float, logger: str, header: str, carrier: str,
          level: str = "ERROR", tool: str | None = None, duration: float | None = None) -> list[Record]:
    """The records that carry the real exception `exc` in one of `CARRIERS` (`tool`/`duration`: the block's)."""
    tb = format_exc(exc, rng)
    last = addresses(format_only(exc), rng)
    if carrier == "exception":
        return [Record(t, level, logger, header, exc=tb)]
    if carrier == "message":  # the gateway's f"{type(e).__name__}: {e}" (str() of some errors is empty)
        return [Record(t, level, logger, f"{header}: {type(exc).__name__}: {addresses(str(exc), rng)}")]
    if carrier == "block":
        dur, name = rng.uniform(0.5, 40.0), rng.choice(("chat", "kimi_chat", "analyze", "smart_file_query"))
        body = "\n".join([f"Tool: {tool or name}",
                          f"Duration: {dur if duration is None else duration:.2f}s", f"Request ID: {req_id(rng)}{req_id(rng)}",
                          f"Error: {last}", "Full traceback:"])
        return [Record(t, "ERROR", "ws_daemon", "=== TOOL CALL FAILED ===\n" + header + "\n" + body, exc=tb),
                Record(t + 0.001, "ERROR", "ws_daemon", "=== END ===")]
    if carrier == "excepthook":
        name = rng.choice(("health-writer", "Thread-3 (_flush_loop)", "metrics-exporter", "upload-worker-2"))
        return [Record(t, "WARNING", logger, header),
                Record(t + 0.002, "", "", f"Exception in thread {name}:\n{tb}", raw=True)]
    raise ValueError(f"unknown carrier {carrier!r}")


_NOISE = (
    ("INFO", "src.monitoring.metrics", "[METRICS] flushed {n} samples"),
    ("INFO", "httpx", 'HTTP Request: POST https://{proj}.supabase.co/rest/v1/conversation_files "HTTP/2 201 Created"'),
    ("INFO", "src.daemon.connection_manager",
     "Connection unregistered: {rid} from 172.18.0.1 (duration: {d}s, remaining: {n})"),
    ("INFO", "tools.chat", "Using model: kimi-k2-0905-preview via kimi provider"),
    ("INFO", "src.daemon.ws_server", "[req:{rid}] tool call chat completed in {d}s"),
    ("INFO", "httpx", 'HTTP Request: GET https://{proj}.supabase.co/rest/v1/conversations?id=eq.{rid} "HTTP/2 200 OK"'),
    ("DEBUG", "src.daemon.middleware.semaphores", "global semaphore acquired ({s}/8 in use)"),
    ("INFO", "openai._base_client", "Retrying request to /files in 0.{n}41 seconds"),
    ("INFO", "src.providers.glm", "[req:{rid}] GLM reply finish_reason=stop tokens={n}"),
)


def noise(rng: Random, count: int, lo: float, hi: float, proj: str) -> list[Record]:
    """`count` benign records between `lo` and `hi` seconds (never the deciding evidence)."""
    out = []
    for _ in range(count):
        level, logger, fmt = rng.choice(_NOISE)
        out.append(Record(rng.uniform(lo, hi), level, logger,
                          fmt.format(n=rng.randint(2, 99), s=rng.randint(1, 8), rid=req_id(rng), d=f"{rng.uniform(0.1, 90):.2f}", proj=proj)))
    return out


def project_ref(rng: Random) -> str:
    """A Supabase project reference (20 lowercase letters, as the platform issues them)."""
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(20))


def make_case(rng: Random, *, cls: str, kind: str, description: str, records: list[Record], category: str,
              severity: str, must_mention: list[str], must_not: list[str], axes: dict[str, str],
              shape: str | None = None, deciding: str = "records") -> dict[str, Any]:
    """One case dict with the eval keys; `axes` (what this variant chose) become `axis:` tags for reviewers.

    `deciding` says where a twin differs from its case: `records` (the records around the same visible error) or
    `error` (the visible error record itself differs: another error text for the same operation, e.g. a lock timeout
    for the same DDL, or another caller of the same failing call).
    """
    layout = LAYOUT.get() or rng
    shape = shape or layout.choice(_render.ACTIVE)
    t0 = start_time(layout)
    log = render(sorted(records, key=lambda r: r.t), shape, t0)
    spec = f"spec-in{cls[1:cls.index('-')]}" if cls.startswith("c") else "spec-out"
    tags = [kind, "generated", spec, cls] + \
        [f"axis:{k}={v}" for k, v in sorted({**axes, "shape": shape}.items())] + [f"deciding:{deciding}"]
    return {"id": "", "description": description, "tags": tags, "log": log,
            "expected": {"category": category, "severity": {"value": severity, "tolerance": 1},
                         "must_mention": must_mention, "must_not": must_not}}


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str)


def dump(case: dict[str, Any]) -> str:
    """The case as yaml in the held-out sets' key order, the log as a literal block."""
    return yaml.dump(case, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000)
