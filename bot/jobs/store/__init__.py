"""Jobs in SQLite: every state change is one transaction; every worker's write is fenced.

A stage claims due jobs with a lease (`lease_owner`, `lease_until`) and raises `version`; its
later writes name the version it claimed, so a worker whose lease lapsed or was revoked writes
nothing (the methods return False) instead of overwriting a newer state.

The marks a job's status message leaves (`StatusMarks`) and its reply route through an
interaction (`ReplyRoutes`) are written apart: they never touch a claim.
"""

from __future__ import annotations

from bot.jobs.sql import UNFINISHED_IN_GUILD
from bot.jobs.store.cancelling import CANCELLABLE, Cancelling
from bot.jobs.store.deliveries import Deliveries
from bot.jobs.store.leases import Leases, Renewal
from bot.jobs.store.polls import Polls
from bot.jobs.store.records import Records
from bot.jobs.store.submits import Submits
from bot.jobs.store.waits import Waits

__all__ = ["CANCELLABLE", "JobStore", "Renewal"]


# The predicate of index `jobs_finished_by_state`: every state `UNFINISHED_IN_GUILD` leaves out.
_FINISHED = (
    "state IN ('cancelled', 'completed', 'failed', 'rejected', 'submit_unknown', 'timed_out')"
)


class JobStore(Leases, Records, Cancelling, Submits, Polls, Deliveries, Waits):
    """Reads and writes jobs; knows SQL, nothing about Discord or HTTP."""

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
