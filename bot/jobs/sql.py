"""SQL the jobs table's stores share (`JobStore`, `StatusMarks`, `ReplyRoutes`): a written-out
index predicate, parameter lists, and the plain one-job update."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.storage import Database

# The predicate of index `jobs_unfinished_by_guild`, written out so queries can use it.
UNFINISHED_IN_GUILD = "state IN ('recorded', 'submitting', 'queued', 'processing')"


def placeholders(values: Sequence[object]) -> str:
    """One `?` per value, for `IN (...)`."""
    return ", ".join("?" for _ in values)


async def update_job(db: Database, job_id: int, sql: str, params: Sequence[Any]) -> None:
    """Run `sql`, whose last parameter is the job's id (`WHERE ... id = ?`), unfenced."""
    await db.write(sql, (*params, job_id))
