"""Cancels: a member's or moderator's, a block's, a ban's, a removal from a server."""

from __future__ import annotations

from bot.jobs.cancels import CancelledJob, CancelOutcome
from bot.jobs.models import ACTIVE_STATES, Job, JobState
from bot.jobs.sql import UNFINISHED_IN_GUILD, placeholders
from bot.jobs.stages import STAGE_JOBS, Stage
from bot.jobs.store.base import StoreBase
from bot.jobs.store.terms import DELIVER_AFRESH_BUT_TOLD
from bot.moderation.bans import BAN_REACH, BANNED_JOB, catch_up_until

# Sorted: a set's order changes with each process's hash seed, and the SQL text should not.
_ACTIVE = tuple(sorted(state.value for state in ACTIVE_STATES))

CANCELLABLE = (JobState.RECORDED.value, JobState.SUBMITTING.value, *_ACTIVE)
# A render given up on (`TASK_TIMEOUT`) that the poller still follows: it may yet be posted.
_FOLLOWED_AFTER_GIVING_UP = "(state = 'timed_out' AND next_poll_at IS NOT NULL)"
# A video made whose post has not been written down yet (being fetched, uploaded, or waiting to
# be tried again after Discord failed): a block still keeps it from being posted.
_MADE_UNPOSTED = "(state = 'completed' AND result_url IS NOT NULL AND delivered_at IS NULL)"

# What a member's own cancel still stops (its parameters: `CANCELLABLE`); a block also stops
# `_MADE_UNPOSTED`.
_MEMBER_CANCELLABLE = f"(state IN ({placeholders(CANCELLABLE)}) OR {_FOLLOWED_AFTER_GIVING_UP})"


def _present(value: object | None) -> tuple[object, ...]:
    """The parameter for `value`, none for a NULL (written as `IS NULL`, which indexes serve)."""
    return () if value is None else (value,)


class Cancelling(StoreBase):
    """Cancelling jobs, and finding those a cancel, block, ban or removal concerns."""

    async def cancel(
        self,
        job_id: int,
        *,
        reason_key: str,
        now: float,
        member_told: bool,
        unposted_too: bool = False,
        unsent_only: bool = False,
    ) -> CancelOutcome | None:
        """Cancel an unfinished job; None if it is finished or already cancelled (`unsent_only`:
        or no longer waiting to be sent).

        A job not yet sent is cancelled outright and refunded. One APIMart has keeps its
        state, so the poller follows it to its end and records its credits; it only gains
        the mark that stops it from ever being posted, and it still counts. One being sent
        gains the mark too, and its sender honours it: stopped before the request leaves
        (refunded), or, if APIMart already has it, never posted (counted).

        `unposted_too` (a block, or `/videomod cancel`): a video made but not posted yet is
        stopped too (withheld): its delivery, under way or waiting to be tried again, loses its
        claim (`version`), so it cannot post it, and its notice is posted instead, as a new post.
        """
        told_at = now if member_told else None
        async with self._db.transaction() as conn:
            # The row is locked first: a job also moves back (a submit claim given back while
            # it waits for a slot or for APIMart), and PostgreSQL's statements below would each
            # see it where it just was, none where it went (SQLite's transaction locks it all).
            lock = " FOR UPDATE" if self._db.dialect == "postgres" else ""
            await conn.execute(f"SELECT state FROM jobs WHERE id = ?{lock}", (job_id,))
            cursor = await conn.execute(
                "UPDATE jobs SET state = ?, error_key = ?, finished_at = ?, next_poll_at = NULL,"
                " next_delivery_at = ?, delivered_at = ?, cancelled_at = ?, cancel_reason_key = ?"
                " WHERE id = ? AND state = ?",
                (
                    JobState.CANCELLED.value,
                    reason_key,
                    now,
                    now,
                    told_at,
                    now,
                    reason_key,
                    job_id,
                    JobState.RECORDED.value,
                ),
            )
            if cursor.rowcount == 1:
                return CancelOutcome.REFUNDED
            if unsent_only:
                return None
            # Not `version`, and no notice due yet: the sender's claim stays valid, so the task
            # id APIMart gives is never lost; the notice is due once the outcome is known.
            cursor = await conn.execute(
                "UPDATE jobs SET cancelled_at = ?, cancel_reason_key = ?, delivered_at = ?"
                " WHERE id = ? AND state = ? AND cancelled_at IS NULL",
                (now, reason_key, told_at, job_id, JobState.SUBMITTING.value),
            )
            if cursor.rowcount == 1:
                return CancelOutcome.WHEN_SENT
            cursor = await conn.execute(
                "UPDATE jobs SET cancelled_at = ?, cancel_reason_key = ?, next_delivery_at = ?,"
                " delivered_at = ?"
                f" WHERE id = ? AND state IN ({placeholders(_ACTIVE)}) AND cancelled_at IS NULL",
                (now, reason_key, now, told_at, job_id, *_ACTIVE),
            )
            if cursor.rowcount == 1:
                return CancelOutcome.COUNTED
            # Given up on, but still followed: APIMart may yet finish it, and it would be
            # posted after all. The mark stops that, and the member, told it would come, is told
            # it will not: a notice of its own, after the one that said it was given up on.
            # (`version` too: a delivery of that notice under way cannot mark this one sent.)
            cursor = await conn.execute(
                "UPDATE jobs SET cancelled_at = ?, cancel_reason_key = ?, next_delivery_at = ?,"
                f" {DELIVER_AFRESH_BUT_TOLD}, delivered_at = ?, version = version + 1"
                f" WHERE id = ? AND {_FOLLOWED_AFTER_GIVING_UP} AND cancelled_at IS NULL",
                (now, reason_key, now, told_at, job_id),
            )
            if cursor.rowcount == 1:
                return CancelOutcome.COUNTED
            if not unposted_too:
                return None
            cursor = await conn.execute(
                "UPDATE jobs SET cancelled_at = ?, cancel_reason_key = ?, next_delivery_at = ?,"
                f" {DELIVER_AFRESH_BUT_TOLD}, delivered_at = ?, version = version + 1"
                f" WHERE id = ? AND {_MADE_UNPOSTED} AND cancelled_at IS NULL",
                (now, reason_key, now, told_at, job_id),
            )
            return CancelOutcome.WITHHELD if cursor.rowcount == 1 else None

    async def cancel_unfinished(
        self, guild_id: int | None, user_id: int, *, reason_key: str, now: float
    ) -> list[CancelledJob]:
        """Cancel every unfinished job of a member (a block): in one server, or everywhere
        when `guild_id` is None (the operator's block). The member is told."""
        where = "user_id = ?" if guild_id is None else "guild_id = ? AND user_id = ?"
        rows = await self._db.fetch_all(
            f"SELECT id, guild_id FROM jobs WHERE {where} AND cancelled_at IS NULL"
            f" AND ({_MEMBER_CANCELLABLE} OR {_MADE_UNPOSTED}) ORDER BY id",
            (*_present(guild_id), user_id, *CANCELLABLE),
        )
        cancelled = []
        for job_id, job_guild_id in rows:
            outcome = await self.cancel(
                job_id, reason_key=reason_key, now=now, member_told=False, unposted_too=True
            )
            if outcome is not None:
                cancelled.append(CancelledJob(job_id, outcome, job_guild_id))
        return cancelled

    async def cancel_waiting_in(self, guild_id: int, *, reason_key: str, now: float) -> list[int]:
        """Cancel every job of a server still waiting to be sent (the bot was removed from it):
        never sent, refunded, and its member's notice due; the ids. A job being sent, or
        APIMart's already, goes on: it is billed, and its video goes by DM."""
        rows = await self._db.fetch_all(
            "SELECT id FROM jobs WHERE guild_id = ? AND state = ? AND cancelled_at IS NULL"
            " ORDER BY id",
            (guild_id, JobState.RECORDED.value),
        )
        cancelled = []
        for (job_id,) in rows:
            outcome = await self.cancel(
                job_id, reason_key=reason_key, now=now, member_told=False, unsent_only=True
            )
            if outcome is not None:
                cancelled.append(job_id)
        return cancelled

    async def guilds_with_waiting_jobs(self) -> list[int]:
        """The servers that have jobs still waiting to be sent, of those the bot was a member
        of (a server that installed it: a user install's job has no server, `guild_id` NULL,
        and answers through its interaction, `reply_route`). For the removals the bot did not
        hear while it was down (`cancel_waiting_in` for each server it is no longer in)."""
        # The waiting jobs alone, through their partial index (`jobs_due_submit`): its condition
        # term for term, and no condition on the server, which had SQLite walk every job of
        # every server instead (`jobs_by_guild`).
        rows = await self._db.fetch_all(
            f"SELECT guild_id FROM jobs WHERE {STAGE_JOBS[Stage.SUBMIT][0]}"
            " AND cancelled_at IS NULL AND reply_route IS NULL"
        )
        return sorted({row[0] for row in rows if row[0] is not None})

    async def members_with_unfinished(self) -> dict[int, list[int]]:
        """By server, the members with jobs there a ban would still stop (`cancel_unfinished`):
        to be sent, rendering, followed after being given up on, or made and not posted yet (a
        render that ended while the bot was down, or as it started): whom a ban the bot did not
        hear would concern."""
        members: dict[int, list[int]] = {}
        for guild_id, user_id, _ in sorted(set(await self._unfinished_in_guilds())):
            members.setdefault(guild_id, []).append(user_id)
        return {guild_id: sorted(set(users)) for guild_id, users in members.items()}

    async def unfinished_since(self) -> dict[int, float]:
        """By server, when the oldest of those jobs (`members_with_unfinished`) was asked: a
        ban made before it concerns none of them, unless lifted since."""
        since: dict[int, float] = {}
        for guild_id, _, created_at in await self._unfinished_in_guilds():
            since[guild_id] = min(created_at, since.get(guild_id, created_at))
        return since

    async def _unfinished_in_guilds(self) -> list[tuple[int, int, float]]:
        """The server, member and time asked of each job a ban would still stop. Each part
        through its own partial index, no condition on the server (which had SQLite walk every
        job of every server)."""
        rows = await self._db.fetch_all(
            f"SELECT guild_id, user_id, created_at FROM jobs WHERE {UNFINISHED_IN_GUILD}"
            " AND cancelled_at IS NULL"
            f" UNION SELECT guild_id, user_id, created_at FROM jobs WHERE {_MADE_UNPOSTED}"
            " AND cancelled_at IS NULL"
            " UNION SELECT guild_id, user_id, created_at FROM jobs WHERE"
            f" {STAGE_JOBS[Stage.POLL][0]} AND {_FOLLOWED_AFTER_GIVING_UP}"
            " AND cancelled_at IS NULL"
        )
        return [(int(g), int(u), float(c)) for g, u, c in rows if g is not None]

    async def ban_reaches(self, job: Job) -> bool:
        """Whether a ban of the job's member, as saved, reaches the job (`BANNED_JOB`)."""
        row = await self._db.fetch_one(
            f"SELECT 1 FROM jobs WHERE id = ? AND {BANNED_JOB}", (job.id, BAN_REACH)
        )
        return row is not None

    async def ban_catch_up_until(self, now: float) -> float | None:
        """Until when a start-up's catch-up of missed bans (in any process) holds the videos
        made in servers (`bot.moderation.bans`); None when none is under way."""
        return await catch_up_until(self._db, now)

    async def cancel_unsent(self, job: Job, *, now: float, member_told: bool) -> bool:
        """A job marked cancelled while it was being sent, stopped before the request left:
        cancelled outright, and it stops counting."""
        return await self._fenced(
            job,
            "state = ?, error_key = cancel_reason_key, finished_at = ?, next_poll_at = NULL,"
            # Whoever cancelled it may have told the member already.
            " next_delivery_at = ?, delivered_at = COALESCE(delivered_at, ?)",
            (JobState.CANCELLED.value, now, now, now if member_told else None),
        )

    async def cancel_told(self, job_id: int, *, now: float) -> None:
        """A cancelled job's notice was given where its member reads it: none is posted."""
        await self._db.write(
            "UPDATE jobs SET delivered_at = COALESCE(delivered_at, ?)"
            " WHERE id = ? AND cancelled_at IS NOT NULL RETURNING id",
            (now, job_id),
        )

    async def cancellable_for_user(self, user_id: int, limit: int) -> list[Job]:
        """A member's latest jobs that their own cancel can still cancel (`cancel` without
        `unposted_too`): not sent yet, being sent, at APIMart, or given up on but still
        followed; never one already cancelled. Newest first, wherever they were made."""
        rows = await self._db.fetch_all(
            "SELECT * FROM jobs WHERE user_id = ? AND cancelled_at IS NULL"
            f" AND {_MEMBER_CANCELLABLE} ORDER BY id DESC LIMIT ?",
            (user_id, *CANCELLABLE, limit),
        )
        return [self._job(row) for row in rows]
