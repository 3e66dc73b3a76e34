"""Helpers for the errors tests: real tracebacks, formatted as `logging` prints them, parsed by ingest."""

from __future__ import annotations

import importlib.util
import itertools
import logging
import sys
from pathlib import Path
from types import ModuleType

from sidecar.ingest.parser import FileParser, ParserOptions
from sidecar.ingest.record import ErrorEvent

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_formatter = logging.Formatter(FORMAT, "%Y-%m-%d %H:%M:%S")
_module_ids = itertools.count()


def log_text(logger: str, message: str, level: int = logging.ERROR, exc_info=None) -> str:
    """The text the gateway's log handler writes for one record (header + traceback)."""
    record = logging.LogRecord(logger, level, __file__, 1, message, None, exc_info)
    return _formatter.format(record) + "\n"


def parse_events(text: str, source: str = "gateway", path: str = "/var/log/ws_daemon.log",
                 file_key: str = "1:2:abc") -> list[ErrorEvent]:
    """Error events of `text` exactly as the tailer would produce them (ingest's parser)."""
    parser = FileParser(source, path, ParserOptions(format="text"), file_key=file_key)
    events = parser.feed(text.encode("utf-8"))
    events += parser.flush()
    return events


def event_from_exception(exc_info, logger: str = "src.daemon.ws_server", message: str = "request failed") -> ErrorEvent:
    events = parse_events(log_text(logger, message, exc_info=exc_info))
    assert len(events) == 1, events
    return events[0]


def load_module(root: Path, relpath: str, source: str, blank_lines: int = 0) -> ModuleType:
    """Write `source` at root/relpath (after `blank_lines` empty lines, to move line numbers) and import it."""
    path = root / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n" * blank_lines + source, encoding="utf-8")
    name = f"_errors_test_mod_{next(_module_ids)}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def capture(fn, *args):
    try:
        fn(*args)
    except BaseException:  # noqa: BLE001 - the test wants whatever was raised
        return sys.exc_info()
    raise AssertionError("expected an exception")


def make_event(message: str, *, logger: str | None = "src.app", level: str = "ERROR", offset: int = 0,
               file_key: str = "1:2:abc", source: str = "gateway", path: str = "/var/log/app.log") -> ErrorEvent:
    """A plain (no traceback) error event, as ingest builds it."""
    return ErrorEvent(source=source, file=path, line=offset + 1, offset=offset, end_offset=offset + len(message) + 1,
                      timestamp=None, level=level, logger=logger, message=message, raw=message, file_key=file_key)
