"""The base every part of the job store builds on."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from bot.jobs.models import Job
from bot.jobs.rows import job_from_row
from bot.jobs.sql import update_job
from bot.jobs.stages import CLOCK_SLACK, LONGEST_CLAIM, LeaseTerms
from bot.jobs.store.terms import RELEASE
from bot.storage import Database, Row


class StoreBase:
    """What every part of `JobStore` shares: the database, the clock, the lease terms,
    and fenced writes."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], float] = time.time,
        leases: LeaseTerms | None = None,
        api_key: str = "",
    ) -> None:
        self._db = db
        self._clock = clock
        self.leases = leases or LeaseTerms()
        # Taken out of what older versions saved of APIMart's words (`job_from_row`).
        self._api_key = api_key

    def _job(self, row: Row) -> Job:
        return job_from_row(row, api_key=self._api_key)

    async def _update(self, job_id: int, sql: str, params: Sequence[Any]) -> None:
        await update_job(self._db, job_id, sql, params)

    async def _fenced(
        self, job: Job, assignments: str, params: Sequence[Any], *, release: bool = True
    ) -> bool:
        """Write as the holder of `job`'s claim; False (nothing written) if it was lost.

        A write that `release`s ends the claim (and raises `version`): the same claim can never
        write twice.
        """
        sets = f"{assignments}, version = version + 1, {RELEASE}" if release else assignments
        # One statement on its own: one round trip, as atomic as a transaction around it.
        written = await self._db.write(
            f"UPDATE jobs SET {sets} WHERE id = ? AND version = ? RETURNING id",
            (*params, job.id, job.version),
        )
        return len(written) == 1

    def _unheld(self, now: float) -> tuple[str, tuple[float, float]]:
        """The condition "nobody holds it" as of `now`, and its parameters: no claim, a lapsed
        one, or one lasting further than any process's claim is taken for (written by a clock
        that ran ahead of ours, and since set back: it would otherwise hold the job that long)."""
        held_at_most = now + max(LONGEST_CLAIM, self.leases.longest) + CLOCK_SLACK
        return "(lease_until IS NULL OR lease_until <= ? OR lease_until > ?)", (now, held_at_most)

    async def get(self, job_id: int) -> Job | None:
        """One job by id."""
        row = await self._db.fetch_one("SELECT * FROM jobs WHERE id = ?", (job_id,))
        return self._job(row) if row is not None else None
