"""Render log records in the shapes the gateway's logs really take (research upstream-gateway.md §1.2, §1.4).

A generated case never depends on one shape: the same records are written as
- `text`: the root logger's `'%(asctime)s %(levelname)s %(name)s: %(message)s'`, datefmt `'%Y-%m-%d %H:%M:%S'`,
  a traceback's lines raw and unprefixed after its header (`exc_info`);
- `dash`: the other deployments' `'%(asctime)s - %(name)s - %(levelname)s - %(message)s'` (DESIGN.md);
- `zoned`: the `ws_daemon` file handler's `MelbourneFormatter` (the same with `%Z`, e.g. `AEDT`);
- `json`: structlog's JSON renderer (keys `event, logger, level, timestamp` ISO; `format_exc_info` puts the
  traceback under `exception`), one object per line;
- `docker`: Docker's json-file driver (`{"log": "<line>\\n", "stream": "stdout", "time": "<RFC3339Nano>"}` per
  physical line, https://docs.docker.com/engine/logging/drivers/json-file/) of the text shape;
- `compose`: `docker compose logs` (`<container>  | <line>` per physical line) of the text shape.
A record from another service (the database server, a reverse proxy, the container runtime) keeps its own line
and is written under its own container name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from random import Random

TEXT_SHAPES = ("text", "zoned", "dash")
CONTAINER_SHAPES = ("json", "docker", "compose")
SHAPES = TEXT_SHAPES + CONTAINER_SHAPES
# Round 11: `sidecar eval` answered "the excerpt has no log header line" for the container shapes, so they were
# opt-in. Round 12 (2026-12-07): it loads them (no load error on 228 cases of every shape); `__main__.generate` sets
# ACTIVE per spec (spec 11 draws every shape by default, 10/h10 keep the text shapes their seeds were written with).
ACTIVE: list[str] = list(TEXT_SHAPES)
CONTAINER = "exai-mcp-daemon"


@dataclass
class Record:
    """One log record: seconds after the case's start, level, logger, message, optional formatted traceback.

    `service` set: a line of another container, `message` is its whole native line (its own timestamp included).
    `raw` set: text the runtime prints to stderr without the logging format (an excepthook's block).
    """

    t: float
    level: str
    logger: str
    message: str
    exc: str | None = None
    service: str | None = None
    raw: bool = False


def start_time(rng: Random) -> datetime:
    """A case's first instant, drawn from the round's weeks (local container time, research §1.1)."""
    base = datetime(2026, 11, 2, 0, 0, 0)
    return base + timedelta(days=rng.randint(0, 34), seconds=rng.randint(0, 86399))


def _physical(rec: Record, when: datetime, shape: str) -> list[str]:
    if rec.service is not None:  # the service's own prefix; `{pg_ts}` is Postgres' default `%m` (ms, zone)
        utc = when - timedelta(hours=11)
        # `{nginx_ts}`: nginx's `$time_local` in the access log's default `combined` format
        return [rec.message.replace("{pg_ts}", utc.strftime("%Y-%m-%d %H:%M:%S.") + f"{utc.microsecond // 1000:03d} UTC")
                .replace("{nginx_ts}", utc.strftime("%d/%b/%Y:%H:%M:%S +0000"))
                # `{redis_ts}`: Redis' serverLogRaw "%d %b %Y %H:%M:%S." + ms (server.c)
                .replace("{redis_ts}", utc.strftime("%d %b %Y %H:%M:%S.") + f"{utc.microsecond // 1000:03d}")
                # `{syslog_ts}`: the host's syslog (RFC 3164) stamp, as journald prints it in its short format
                .replace("{syslog_ts}", utc.strftime("%b %d %H:%M:%S"))]
    if rec.raw:
        return rec.message.splitlines()
    stamp = when.strftime("%Y-%m-%d %H:%M:%S") + (" AEDT" if shape == "zoned" else "")
    if shape == "dash":
        head = f"{stamp},{int(when.microsecond / 1000):03d} - {rec.logger} - {rec.level} - {rec.message}"
    else:
        head = f"{stamp} {rec.level} {rec.logger}: {rec.message}"
    lines = head.splitlines()
    if rec.exc:
        lines += rec.exc.splitlines()
    return lines


def render(records: list[Record], shape: str, t0: datetime) -> str:
    """The log text of `records` (sorted by time by the caller) in `shape`; ends with a newline."""
    out: list[str] = []
    for rec in records:
        when = t0 + timedelta(seconds=rec.t)
        if shape == "json" and rec.service is None and not rec.raw:
            obj: dict[str, str] = {"event": rec.message, "logger": rec.logger, "level": rec.level.lower(),
                                   "timestamp": when.isoformat(timespec="microseconds") + "+11:00"}
            if rec.exc:
                obj["exception"] = rec.exc
            out.append(json.dumps(obj, ensure_ascii=False))
            continue
        lines = _physical(rec, when, shape)
        if shape == "docker":
            utc = (when - timedelta(hours=11)).replace(tzinfo=UTC)
            for i, line in enumerate(lines):
                stamp = (utc + timedelta(microseconds=37 * i)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "123Z"
                stream = "stderr" if rec.raw or rec.level in ("ERROR", "CRITICAL") else "stdout"
                out.append(json.dumps({"log": line + "\n", "stream": stream, "time": stamp}, ensure_ascii=False))
        elif shape == "compose":
            name = rec.service or CONTAINER
            out += [f"{name}  | {line}" for line in lines]
        else:
            out += [line if rec.service is None else f"{rec.service}  | {line}" for line in lines]
    return "\n".join(line.rstrip() for line in out) + "\n"
