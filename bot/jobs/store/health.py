"""Figures on the jobs table for health checks and metrics."""

from __future__ import annotations

from collections.abc import Sequence

from bot.jobs.sql import UNFINISHED_IN_GUILD
from bot.jobs.store.base import StoreBase
from bot.storage import Row

# The predicate of index `jobs_finished_by_state`: every state `UNFINISHED_IN_GUILD` leaves out.
_FINISHED = (
    "state IN ('cancelled', 'completed', 'failed', 'rejected', 'submit_unknown', 'timed_out')"
)
# The same jobs from an id on, worded so neither engine takes that index (it would count them
# all): a range of the primary key.
_RECENT_FINISHED = f"id >= ? AND NOT ({UNFINISHED_IN_GUILD})"


class Health(StoreBase):
    """How recent and how many jobs there are."""

    async def newest_recorded_at(self) -> float | None:
        """When the newest job was recorded, by the clock of the process that recorded it."""
        row = await self._db.fetch_one("SELECT created_at FROM jobs ORDER BY id DESC LIMIT 1")
        return float(row[0]) if row is not None else None

    async def count_unfinished_by_state(self) -> dict[str, int]:
        """How many jobs are in each state not yet over (states without jobs are absent),
        counted from the small partial index `jobs_unfinished_by_guild`."""
        return _by_state(
            await self._db.fetch_all(
                f"SELECT state, COUNT(*) FROM jobs WHERE {UNFINISHED_IN_GUILD} GROUP BY state"
            )
        )

    async def recent_jobs_from(self, most: int) -> int:
        """The id the recent jobs start at: the oldest job not over, but at most `most` ids
        before the newest; after the newest when every job is over (or there is none)."""
        # By state, so PostgreSQL reads the small index rather than walking the primary key
        # up from the oldest job (how it answers a bare MIN(id) with a condition).
        oldest = await self._db.fetch_all(
            f"SELECT state, MIN(id) FROM jobs WHERE {UNFINISHED_IN_GUILD} GROUP BY state"
        )
        newest = await self._db.fetch_one("SELECT MAX(id) FROM jobs")
        after_newest = int(newest[0]) + 1 if newest is not None and newest[0] is not None else 1
        return max(min([int(row[1]) for row in oldest], default=after_newest), after_newest - most)

    async def count_finished_by_state(
        self, recent_from: int
    ) -> tuple[dict[str, int], dict[str, int]]:
        """How many jobs are in each final state (states without jobs are absent): all of them,
        through the partial index `jobs_finished_by_state` (every finished job of the retention
        period: 0.2 s at 1.5 million), and those from id `recent_from` on, read together."""
        rows = await self._db.fetch_all(
            f"SELECT 0, state, COUNT(*) FROM jobs WHERE {_FINISHED} GROUP BY state"
            f" UNION ALL SELECT 1, state, COUNT(*) FROM jobs WHERE {_RECENT_FINISHED}"
            " GROUP BY state",
            (recent_from,),
        )
        every: dict[str, int] = {}
        recent: dict[str, int] = {}
        for part, state, count in rows:
            (recent if int(part) else every)[str(state)] = int(count)
        return every, recent

    async def count_recent_finished_by_state(self, recent_from: int) -> dict[str, int]:
        """How many jobs from id `recent_from` on are in each final state, read along the
        primary key: the jobs since the oldest one not over, not the whole history."""
        return _by_state(
            await self._db.fetch_all(
                f"SELECT state, COUNT(*) FROM jobs WHERE {_RECENT_FINISHED} GROUP BY state",
                (recent_from,),
            )
        )


def _by_state(rows: Sequence[Row]) -> dict[str, int]:
    """Rows of (state, count) as a mapping."""
    return {str(row[0]): int(row[1]) for row in rows}
