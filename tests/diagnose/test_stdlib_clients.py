"""Standard-library and HTTP-client errors whose class alone says little, raised for real: a SQLite constraint
(code, like SQLSTATE 23), urllib meeting a refused third-party host (network), a non-ASCII HTTP header value
(code), and the same UnicodeEncodeError outside a header (our explicit codec: code, below 0.6)."""

from __future__ import annotations

import socket
import sqlite3
import urllib.request
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.diagnose.logged import diagnose, logged, text_of


def _raised(fn: Callable[[], Any], logger: str, message: str) -> str:
    try:
        fn()
    except Exception:  # noqa: BLE001 - each case raises its library's own class
        return logged(logger, message)
    raise AssertionError("the call did not raise")


@pytest.mark.parametrize(("ddl", "dml", "word"), [
    ("CREATE TABLE t (id INTEGER PRIMARY KEY)", "INSERT INTO t VALUES (1), (1)", "UNIQUE"),
    ("CREATE TABLE t (id INTEGER, name TEXT NOT NULL)", "INSERT INTO t VALUES (1, NULL)", "NOT NULL"),
    ("CREATE TABLE t (id INTEGER CHECK (id > 0))", "INSERT INTO t VALUES (-1)", "CHECK"),
])
def test_a_sqlite_constraint_is_the_write_the_code_sends(ddl: str, dml: str, word: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute(ddl)
    d = diagnose(_raised(lambda: db.execute(dml), "src.store.sqlite", "recording the event failed"))
    assert d.category == "code" and word in text_of(d), (d.rule, d.summary)
    assert d.confidence <= 0.55


def test_urllib_refused_by_a_third_party_host_is_the_network() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    d = diagnose(_raised(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/feed.xml", timeout=2),
                         "src.tools.fetch", "fetch of https://feeds.example.org/feed.xml failed"))
    assert d.category == "network" and "feeds.example.org" in d.summary, (d.rule, d.summary)


def test_a_non_ascii_http_header_value_is_code() -> None:
    d = diagnose(_raised(lambda: httpx.Request("POST", "https://api.moonshot.ai/v1/files",
                                               headers={"X-File-Name": "résumé ☃.pdf"}),
                         "src.providers.kimi_files", "upload failed"))
    assert d.category == "code" and "header" in d.summary, (d.rule, d.summary)
    assert "Kimi" not in d.summary or "header" in d.summary


def test_the_same_encode_error_outside_a_header_is_our_explicit_codec() -> None:
    """Round 10 (CLASSES10 F3's twin, stdio_encoding.py): the innermost frame encodes with a codec it names, so the
    codec is our code's choice, not the environment's - code, and never confident (was: no claim, before F3)."""
    d = diagnose(_raised(lambda: "résumé".encode("ascii"), "src.tools.export", "export failed"))
    assert d.category == "code" and d.confidence < 0.6, (d.rule, d.summary)
