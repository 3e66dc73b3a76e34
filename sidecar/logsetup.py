"""The sidecar's own logs: one line per event, logfmt (default) or JSON, to stderr.

logfmt as brandur.org/logfmt and go-logfmt define it: `key=value` pairs separated by spaces; a
value that is empty or holds a space, `=`, `"`, a control character or a non-printable character
is double-quoted with `\\"`, `\\\\`, `\\n`, `\\r`, `\\t` and `\\u00XX` escapes; a key holds none of
those (they become `_`). Values that are not text are written as Go's logfmt does: `true`/`false`,
`null`, numbers as such, lists and mappings as their JSON (then quoted). The message is the
constant text of the call; what varies goes in `extra={...}` and becomes its own keys.

Secrets never reach these logs: config secrets are `SecretStr` (their repr is masked) and log
content from the gateway is logged only as counts and positions, never verbatim.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterable

_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def _extras(record: logging.LogRecord) -> dict[str, object]:
    return {k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")}


def _plain(ch: str) -> bool:
    return ch > " " and ch not in '="\\' and ch.isprintable()


def logfmt_key(key: str) -> str:
    return "".join(ch if _plain(ch) else "_" for ch in key) or "_"


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def logfmt_value(value: object) -> str:
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float | str):
        text = str(value)
    elif isinstance(value, dict | list | tuple | set | frozenset):
        text = json.dumps(sorted(value, key=str) if isinstance(value, set | frozenset) else value,
                          default=str, ensure_ascii=False)
    else:
        text = str(value)
    if text and all(_plain(ch) for ch in text):
        return text
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif not ch.isprintable() or ch < " ":
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def logfmt(pairs: Iterable[tuple[str, object]]) -> str:
    return " ".join(f"{logfmt_key(k)}={logfmt_value(v)}" for k, v in pairs)


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + "Z"
        pairs: list[tuple[str, object]] = [("ts", ts), ("level", record.levelname), ("logger", record.name),
                                           ("msg", record.getMessage())]
        pairs += [(k, v) for k, v in _extras(record).items() if k not in ("ts", "level", "logger", "msg")]
        if record.exc_info:
            pairs.append(("exc", self.formatException(record.exc_info)))
        return logfmt(pairs)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            **_extras(record),
        }
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str)


def setup_logging(level: str = "INFO", fmt: str = "kv") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else LogfmtFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Library chatter at INFO (every HTTP request) would drown the sidecar's own events.
    for noisy in ("aiohttp.access", "httpx", "openai", "watchfiles"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
