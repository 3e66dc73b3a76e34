"""Fixtures shared by every test package. Stage-specific fixtures live in tests/<stage>/conftest.py."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from sidecar.clock import ManualClock
from sidecar.store.base import Store
from sidecar.store.sqlite import open_sqlite


def find_free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def free_port() -> int:
    return find_free_port()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1_763_900_000.0)


@pytest.fixture
async def sqlite_store(tmp_path) -> AsyncIterator[Store]:
    store = await open_sqlite(str(tmp_path / "sidecar.db"))
    try:
        yield store
    finally:
        await store.close()
