"""What the jobs table keeps about each job's status message: which message announces it, whether
it was deleted, and whether its last edit was made (swept for when a process never made it)."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.jobs.models import FINAL_VALUES, FOLLOW_UP_LIMIT, TIMED_OUT_REASON, Job
from bot.jobs.rows import job_from_row
from bot.jobs.sql import placeholders, update_job
from bot.storage import Database


class StatusMarks:
    """Writes and claims jobs' status-message marks (`bot.status_messages`, `bot.status_sweep`);
    nothing about a job's claim or state."""

    def __init__(
        self, db: Database, *, clock: Callable[[], float] = time.time, api_key: str = ""
    ) -> None:
        self._db = db
        self._clock = clock
        # Taken out of what older versions saved of APIMart's words (`job_from_row`).
        self._api_key = api_key

    async def set_status_message(self, job_id: int, message_id: int) -> None:
        """Remember the channel message that announces the job."""
        await update_job(
            self._db,
            job_id,
            "UPDATE jobs SET status_message_id = ?, status_deleted = 0 WHERE id = ?",
            (message_id,),
        )

    async def status_message_deleted(self, job_id: int) -> None:
        """An edit of the job's status message found it deleted (404): never edited again, nor
        linked to, by any process. Its id stays (the job was announced, and is not again)."""
        await update_job(
            self._db,
            job_id,
            "UPDATE jobs SET status_deleted = 1 WHERE id = ? AND status_message_id IS NOT NULL",
            (),
        )

    async def last_status_shown(self, job_id: int, *, now: float) -> None:
        """The job's last status edit was made (or its message is gone): no sweep makes it."""
        await update_job(
            self._db, job_id, "UPDATE jobs SET status_final_at = ? WHERE id = ?", (now,)
        )

    async def last_status_missed(self, job_id: int) -> None:
        """A swept last status edit failed: a later sweep tries it again."""
        await update_job(
            self._db, job_id, "UPDATE jobs SET status_final_at = NULL WHERE id = ?", ()
        )

    async def look_again_at(self, job_id: int, *, at: float) -> None:
        """A swept last edit was not made (Discord failed it, or refused it for now): no sweep
        takes the job again before `at`."""
        await update_job(
            self._db,
            job_id,
            "UPDATE jobs SET status_swept_until = ? WHERE id = ? AND status_final_at IS NULL",
            (at,),
        )

    async def bot_removed_from(self, guild_id: int, *, now: float) -> int:
        """The server removed the bot: its jobs' statuses there can no longer be edited (each
        edit would be refused), so their last edits are given up, written down as made; how
        many. (One still under way is tried once more by its own process.)"""
        rows = await self._db.write(
            "UPDATE jobs SET status_final_at = ? WHERE guild_id = ?"
            " AND status_message_id IS NOT NULL AND status_final_at IS NULL RETURNING id",
            (now, guild_id),
        )
        return len(rows)

    async def guilds_with_unshown_last_statuses(self) -> list[int]:
        """The servers with statuses still owed their last edit (`bot_removed_from` for each the
        bot was removed from while it was down)."""
        # Through the partial index of such statuses (`jobs_status_unshown`): its condition
        # term for term.
        rows = await self._db.fetch_all(
            "SELECT DISTINCT guild_id FROM jobs"
            " WHERE status_message_id IS NOT NULL AND status_final_at IS NULL"
        )
        return sorted(row[0] for row in rows if row[0] is not None)

    async def claim_unshown_last_statuses(
        self, *, told_since: float, told_before: float, limit: int, hold: float
    ) -> list[Job]:
        """Up to `limit` jobs told of their end between `told_since` and `told_before` whose
        status message never got its last edit (the process stopped or crashed first), each
        held for `hold` seconds: no other sweep takes it meanwhile, and one that fails (or
        dies) leaves it to a later sweep once the hold has passed. A render given up on counts
        as told until its checks stop (`FOLLOW_UP_LIMIT` after it was sent): its status
        promised a late video until then, and the edit that takes the promise back is due
        when they stop, long after its member was told it was given up on."""
        now = self._clock()
        skip_taken = " FOR UPDATE SKIP LOCKED" if self._db.dialect == "postgres" else ""
        rows = await self._db.write(
            "UPDATE jobs SET status_swept_until = ? WHERE id IN (SELECT id FROM jobs"
            " WHERE status_message_id IS NOT NULL AND status_final_at IS NULL"
            " AND (status_swept_until IS NULL OR status_swept_until <= ?)"
            f" AND ((state IN ({placeholders(FINAL_VALUES)}) AND delivered_at IS NOT NULL)"
            " OR cancelled_at IS NOT NULL)"
            " AND COALESCE(delivered_at, cancelled_at) <= ?"
            " AND (COALESCE(delivered_at, cancelled_at) >= ?"
            " OR (error_key = ? AND COALESCE(submitted_at, created_at) >= ?))"
            f" ORDER BY id LIMIT ?{skip_taken}) RETURNING *",
            (
                now + hold,
                now,
                *FINAL_VALUES,
                told_before,
                told_since,
                TIMED_OUT_REASON,
                told_since - FOLLOW_UP_LIMIT,
                limit,
            ),
        )
        return sorted(
            (job_from_row(row, api_key=self._api_key) for row in rows), key=lambda job: job.id
        )
