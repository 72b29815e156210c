"""Figures on the jobs table for health checks and metrics."""

from __future__ import annotations

from bot.jobs.sql import UNFINISHED_IN_GUILD
from bot.jobs.store.base import StoreBase

# The predicate of index `jobs_finished_by_state`: every state `UNFINISHED_IN_GUILD` leaves out.
_FINISHED = (
    "state IN ('cancelled', 'completed', 'failed', 'rejected', 'submit_unknown', 'timed_out')"
)


class Health(StoreBase):
    """How recent and how many jobs there are."""

    async def newest_recorded_at(self) -> float | None:
        """When the newest job was recorded, by the clock of the process that recorded it."""
        row = await self._db.fetch_one("SELECT created_at FROM jobs ORDER BY id DESC LIMIT 1")
        return float(row[0]) if row is not None else None

    async def count_by_state(self) -> dict[str, int]:
        """How many jobs are in each state (states without jobs are absent), counted from the
        two partial indexes that hold every state between them, never from the table."""
        rows = await self._db.fetch_all(
            f"SELECT state, COUNT(*) FROM jobs WHERE {UNFINISHED_IN_GUILD} GROUP BY state"
            f" UNION ALL SELECT state, COUNT(*) FROM jobs WHERE {_FINISHED} GROUP BY state"
        )
        return {str(row[0]): int(row[1]) for row in rows}
