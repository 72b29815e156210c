"""Stage claims: leasing due jobs, renewing, giving back and expiring claims."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from typing import Any

from bot.jobs.models import Job, JobState
from bot.jobs.rows import JOB_COLUMNS
from bot.jobs.stages import CLOCK_SLACK, STAGE_JOBS, STAGE_REACH, Stage, stage_jobs
from bot.jobs.store.base import StoreBase
from bot.jobs.store.terms import RELEASE
from bot.moderation.bans import BAN_REACH, BANNED_JOB
from bot.moderation.facts import value_of
from bot.storage import Row

# Not claimed by this process (a submitting job always has its owner; NULL is nobody's).
_NOT_MINE = "(lease_owner IS NULL OR lease_owner != ?)"


@dataclasses.dataclass(frozen=True)
class Renewal:
    """A submit claim renewed just before its request leaves (`JobStore.renew_before_sending`)."""

    job: Job
    # The renewal found the member's saved ban reaching the job and marked it cancelled: the
    # ban's own cancels missed it, so its audit and mod-log line are the sender's to write.
    ban_marked: bool = False


class Leases(StoreBase):
    """Claims of a stage on jobs: taken, renewed, given back, expired."""

    async def claim_due(
        self, stage: Stage, limit: int, *, reach: float | None = None, servers: bool = True
    ) -> list[Job]:
        """Lease up to `limit` jobs due for `stage` that nobody holds, oldest due first.

        A job due further ahead than `reach` seconds (how far ahead the stage ever makes one
        due: `STAGE_REACH` by default), give or take `CLOCK_SLACK`, is due now: a clock that
        ran ahead and was set back (NTP, an operator, the database server's) wrote it.
        Without `servers`, none made in a server the bot is a member of (`stage_jobs`).
        """
        now = self._clock()
        jobs, column = stage_jobs(stage, servers)
        set_ahead_from = now + (STAGE_REACH[stage] if reach is None else reach) + CLOCK_SLACK
        unheld, unheld_params = self._unheld(now)
        submitting = (
            f", state = '{JobState.SUBMITTING.value}', unsent_version = version + 1"
            if stage is Stage.SUBMIT
            else ""
        )
        # Several processes claim at once on PostgreSQL: each skips the rows another is taking.
        skip_taken = " FOR UPDATE SKIP LOCKED" if self._db.dialect == "postgres" else ""
        # Two reads in their index's order, each stopping at `limit`: the jobs set ahead first
        # (they are the most overdue; seldom any), then those due now, oldest first.
        rows = await self._db.write(
            "UPDATE jobs SET lease_owner = ?, lease_until = ?, version = version + 1"
            f"{submitting} WHERE id IN (SELECT id FROM (SELECT id FROM jobs WHERE {jobs}"
            f" AND {column} > ? AND {unheld} ORDER BY {column} LIMIT ?{skip_taken}) AS set_ahead"
            f" UNION ALL SELECT id FROM (SELECT id FROM jobs WHERE {jobs}"
            f" AND {column} <= ? AND {unheld} ORDER BY {column}, id LIMIT ?{skip_taken}) AS due"
            " LIMIT ?) RETURNING *",
            (
                self.leases.owner,
                now + self.leases.length(stage),
                set_ahead_from,
                *unheld_params,
                limit,
                now,
                *unheld_params,
                limit,
                limit,
            ),
        )

        def due_at(row: Row) -> float:
            due = float(row[column] or 0.0)
            return due if due <= now else 0.0  # set ahead: overdue the longest

        order = {row["id"]: (due_at(row), row["id"]) for row in rows}
        return sorted(map(self._job, rows), key=lambda job: order[job.id])

    async def next_due(self, stage: Stage, *, servers: bool = True) -> float | None:
        """The earliest moment a job becomes due for `stage` (its lease, if held, lapsed);
        without `servers`, of those `claim_due` would claim without them."""
        jobs, column = stage_jobs(stage, servers)
        # A job is due at the later of its due time and its lease's end. Read as two first
        # rows, each in its index's order (not every running job): the earliest due time of a
        # job not held past it, and the earliest lease end that is past its job's due time.
        sql = (
            f"SELECT due FROM (SELECT {column} AS due FROM jobs WHERE {jobs}"
            f" AND {column} IS NOT NULL AND (lease_until IS NULL OR lease_until <= {column})"
            f" ORDER BY {column} LIMIT 1) AS first_free"
            " UNION ALL SELECT due FROM (SELECT lease_until AS due FROM jobs"
            f" WHERE lease_until IS NOT NULL AND {jobs} AND {column} IS NOT NULL"
            f" AND lease_until > {column} ORDER BY lease_until LIMIT 1) AS first_held"
        )
        if stage is Stage.SUBMIT:
            # A submit whose claim lapses must be settled (as `submit_unknown`) then too.
            sql += f" UNION ALL SELECT lease_until FROM jobs WHERE state = '{JobState.SUBMITTING}'"
        row = await self._db.fetch_one(f"SELECT MIN(due) FROM ({sql}) AS due_times")
        return float(row[0]) if row is not None and row[0] is not None else None

    async def renew(self, job: Job, stage: Stage) -> bool:
        """Extend a claim still held; False if it was lost (then stop writing)."""
        until = self._clock() + self.leases.length(stage)
        renewed = await self._db.write(
            "UPDATE jobs SET lease_until = ? WHERE id = ? AND version = ? AND lease_owner = ?"
            " RETURNING id",
            (until, job.id, job.version, self.leases.owner),
        )
        return len(renewed) == 1

    async def claimed_by_another(self, job_id: int) -> bool:
        """Whether another process holds the job's claim now (not nobody, not this one)."""
        row = await self._db.fetch_one("SELECT lease_owner FROM jobs WHERE id = ?", (job_id,))
        return row is not None and row[0] is not None and row[0] != self.leases.owner

    async def renew_before_sending(self, job: Job) -> Renewal | None:
        """Extend a submit claim just before its request leaves, in the same transaction
        reading any cancel mark a block set meanwhile, and marking it cancelled if its member's
        ban reaches it (one the ban's own cancels missed): the job with that mark, or None if
        the claim was lost (then send nothing)."""
        now = self._clock()
        until = now + self.leases.length(Stage.SUBMIT)
        async with self._db.transaction() as conn:
            # The row is locked first, its mark read: a ban mark set by this renewal is told
            # (once) by its sender, one another cancel set meanwhile by that cancel.
            lock = " FOR UPDATE" if self._db.dialect == "postgres" else ""
            before = await value_of(
                conn, f"SELECT cancelled_at FROM jobs WHERE id = ?{lock}", (job.id,)
            )
            async with conn.execute(
                # From here on the request may have left (`expire_lost_submits`); unless a
                # cancel is read here (a block's mark, or a ban that reaches the job, marked
                # here), which keeps it from leaving: a crash before that cancel is written
                # leaves a job still unsent (refunded by the next process), not "outcome
                # unknown". (A SET's right side reads the row as it was.)
                "UPDATE jobs SET lease_until = ?,"
                f" unsent_version = CASE WHEN cancelled_at IS NULL AND NOT {BANNED_JOB} THEN NULL"
                " ELSE unsent_version END,"
                f" cancelled_at = CASE WHEN cancelled_at IS NULL AND {BANNED_JOB} THEN ?"
                " ELSE cancelled_at END,"
                f" cancel_reason_key = CASE WHEN cancelled_at IS NULL AND {BANNED_JOB}"
                " THEN 'cancelled_by_ban' ELSE cancel_reason_key END"
                " WHERE id = ? AND version = ? AND lease_owner = ?"
                " RETURNING cancelled_at, cancel_reason_key",
                (
                    until,
                    BAN_REACH,
                    BAN_REACH,
                    now,
                    BAN_REACH,
                    job.id,
                    job.version,
                    self.leases.owner,
                ),
            ) as cursor:
                renewed = await cursor.fetchone()
        if renewed is None:
            return None
        cancelled_at, reason_key = renewed
        marked = dataclasses.replace(job, cancelled_at=cancelled_at, cancel_reason_key=reason_key)
        return Renewal(marked, ban_marked=before is None and cancelled_at is not None)

    async def release(self, job: Job, stage: Stage, *, retry_at: float | None = None) -> bool:
        """Give a claim of `stage` back (optionally due again for that stage at `retry_at`)
        without changing the job.

        By the stage, not the job's state: the delivery of a cancel notice for a render still
        running must be put off as a delivery, not turn into an early status check."""
        if job.state is JobState.SUBMITTING:
            # Nothing was sent by this claim: the job is simply waiting to be sent again.
            # A cancel that landed meanwhile makes it due at once: refunded and told now.
            return await self._fenced(
                job,
                "state = ?, next_poll_at = CASE WHEN cancelled_at IS NULL"
                " THEN COALESCE(?, next_poll_at) ELSE cancelled_at END",
                (JobState.RECORDED.value, retry_at),
            )
        column = STAGE_JOBS[stage][1]
        return await self._fenced(job, f"{column} = COALESCE(?, {column})", (retry_at,))

    async def give_back_unsent(self, job: Job, *, retry_at: float) -> bool:
        """A submit claim that failed before its request left (still marked unsent): the job
        waits to be sent again at `retry_at` (at once if cancelled meanwhile). False when its
        request may have left, or the claim was lost: then nothing is written."""
        rows = await self._db.write(
            "UPDATE jobs SET state = ?, next_poll_at = CASE WHEN cancelled_at IS NULL THEN ?"
            f" ELSE cancelled_at END, unsent_version = NULL, version = version + 1, {RELEASE}"
            " WHERE id = ? AND version = ? AND state = ? AND unsent_version = version"
            " RETURNING id",
            (JobState.RECORDED.value, retry_at, job.id, job.version, JobState.SUBMITTING.value),
        )
        return bool(rows)

    async def release_all_leases(self) -> int:
        """Forget every claim earlier processes held (one process on SQLite, starting: no other
        holder is alive). This process's own are spared: a recovery retried after a locked
        database runs while members' commands already claim and send their jobs."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                f"UPDATE jobs SET version = version + 1, {RELEASE}"
                f" WHERE lease_owner IS NOT NULL AND state != ? AND {_NOT_MINE}",
                (JobState.SUBMITTING.value, self.leases.owner),
            )
            return cursor.rowcount

    async def expire_lost_submits(
        self, *, now: float, everything: bool = False, spare: Collection[int] = ()
    ) -> list[Job]:
        """Submits whose claim lapsed (the process died mid-send) become `submit_unknown`; those
        whose request had not left yet (waiting for their turn, a media refresh) wait to be
        sent again instead, and are not returned.

        `everything`: every submit an earlier process was sending, lapsed or not (at start).
        `spare`: jobs whose APIMart answer is known (still being written, or kept on disk): they
        are not "outcome unknown", and stay as they are until that answer is written.
        """
        unheld, unheld_params = self._unheld(now)
        lapsed = f" AND {_NOT_MINE}" if everything else f" AND {unheld}"
        params: tuple[Any, ...] = (self.leases.owner,) if everything else unheld_params
        if spare:
            lapsed += f" AND id NOT IN ({', '.join('?' * len(spare))})"
            params = (*params, *spare)
        async with self._db.transaction() as conn:
            await conn.execute(
                f"UPDATE jobs SET state = ?, next_poll_at = ?, version = version + 1, {RELEASE},"
                " unsent_version = NULL"
                f" WHERE state = ? AND unsent_version = version{lapsed}",
                (JobState.RECORDED.value, now, JobState.SUBMITTING.value, *params),
            )
            cursor = await conn.execute(
                "UPDATE jobs SET state = ?, error_key = 'submit_unknown', finished_at = ?,"
                f" next_delivery_at = ?, version = version + 1, {RELEASE}"
                f" WHERE state = ?{lapsed} RETURNING {JOB_COLUMNS}",
                (
                    JobState.SUBMIT_UNKNOWN.value,
                    now,
                    now,
                    JobState.SUBMITTING.value,
                    *params,
                ),
            )
            rows = list(await cursor.fetchall())
        return sorted((self._job(row) for row in rows), key=lambda job: job.id)

    async def overdue(self, stage: Stage) -> float:
        """Seconds the most overdue job of `stage` has waited past its due time (0: none)."""
        due = await self.next_due(stage)
        return max(0.0, self._clock() - due) if due is not None else 0.0
