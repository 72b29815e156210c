"""The stage loops and the metrics scrape find their rows through an index, not a table scan.

Nothing prunes the jobs table, so a query that scans it costs more every day a server lives;
on SQLite every statement waits for the one connection, the health probe's too. SQLite uses a
partial index only where the query repeats the index's condition term for term, so these are
checked on SQLite (PostgreSQL's planner proves the implication itself).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.jobs.store import JobStore, Stage
from bot.storage import Database, Row
from tests.backends import sqlite_only

ROOT = Path(__file__).resolve().parents[2]


class _Recording:
    """A database that remembers every statement read through it."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.statements: list[tuple[str, tuple[Any, ...]]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.statements.append((sql, tuple(params)))
        return await self._db.fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        self.statements.append((sql, tuple(params)))
        return await self._db.fetch_one(sql, params)

    async def write(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.statements.append((sql, tuple(params)))
        return await self._db.write(sql, params)


async def _table_scans(db: Database, statements: list[tuple[str, tuple[Any, ...]]]) -> list[str]:
    """The statements whose plan reads the whole jobs table."""
    scanning = []
    for sql, params in statements:
        plan = await db.fetch_all(f"EXPLAIN QUERY PLAN {sql}", params)
        if any(str(row[3]).strip() == "SCAN jobs" for row in plan):
            scanning.append(sql)
    return scanning


@sqlite_only
async def test_every_stage_claims_and_finds_its_next_due_job_through_an_index(db, clock):
    recording = _Recording(db)
    store = JobStore(recording, clock=clock)  # type: ignore[arg-type]
    for stage in Stage:
        await store.claim_due(stage, 8)
        await store.next_due(stage)
        await store.overdue(stage)

    assert recording.statements
    assert await _table_scans(db, recording.statements) == []


@sqlite_only
async def test_a_metrics_scrape_counts_jobs_by_state_without_reading_the_table(db, clock):
    recording = _Recording(db)
    await JobStore(recording, clock=clock).count_by_state()  # type: ignore[arg-type]

    assert await _table_scans(db, recording.statements) == []


def _stage_conditions(hash_seed: str) -> str:
    script = (
        "from bot.jobs.store import _STAGE_JOBS\n"
        "for stage, (jobs, column) in sorted(_STAGE_JOBS.items()): print(stage, jobs, column)\n"
    )
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def test_the_stage_queries_read_the_same_whatever_the_processs_hash_seed():
    # Sets of strings iterate in an order that changes with each process's hash seed: a
    # condition built from one would match its partial index on some starts and not others.
    assert _stage_conditions("0") == _stage_conditions("2")
