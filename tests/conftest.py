"""Shared fixtures: a real SQLite file, and a controllable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.db import Database
from bot.jobs.store import JobStore


class FakeClock:
    """A clock tests move by hand, so nothing waits on real time."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def db(tmp_path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "data" / "bot.sqlite3")
    await database.migrate()
    yield database
    await database.close()


@pytest.fixture
def store(db: Database) -> JobStore:
    return JobStore(db)
