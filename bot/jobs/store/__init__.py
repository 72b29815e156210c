"""Jobs in SQLite: every state change is one transaction; every worker's write is fenced.

A stage claims due jobs with a lease (`lease_owner`, `lease_until`) and raises `version`; its
later writes name the version it claimed, so a worker whose lease lapsed or was revoked writes
nothing (the methods return False) instead of overwriting a newer state.

The marks a job's status message leaves (`StatusMarks`) and its reply route through an
interaction (`ReplyRoutes`) are written apart: they never touch a claim.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from bot.jobs.models import CHANNEL_TARGET, DELETED_RESULT, DM_TARGET, Job, JobState
from bot.jobs.pricing import expected_with, quoted
from bot.jobs.sql import UNFINISHED_IN_GUILD
from bot.jobs.store.cancelling import CANCELLABLE, Cancelling
from bot.jobs.store.leases import Leases, Renewal
from bot.jobs.store.polls import Polls
from bot.jobs.store.records import Records
from bot.jobs.store.submits import Submits
from bot.jobs.store.terms import RELEASE
from bot.moderation.facts import budget_use
from bot.moderation.models import short_of
from bot.moderation.periods import budget_window

__all__ = ["CANCELLABLE", "JobStore", "Renewal"]


# The predicate of index `jobs_finished_by_state`: every state `UNFINISHED_IN_GUILD` leaves out.
_FINISHED = (
    "state IN ('cancelled', 'completed', 'failed', 'rejected', 'submit_unknown', 'timed_out')"
)


def _line_of(job: Job) -> tuple[str, int]:
    """The line `job` waits in, as a condition and its value: its server's jobs, or outside
    servers its member's own (other people's are nobody's business)."""
    guild_id = job.requester.guild_id
    if guild_id is not None:
        return "guild_id = ?", guild_id
    return "guild_id IS NULL AND user_id = ?", job.requester.user_id


# Message ids forgotten in one statement when a channel is deleted: each is bound six times,
# well within SQLite's and PostgreSQL's limits on a statement's parameters.
_FORGOTTEN_AT_ONCE = 500


class JobStore(Leases, Records, Cancelling, Submits, Polls):
    """Reads and writes jobs; knows SQL, nothing about Discord or HTTP."""

    async def held_position(self, job: Job) -> int:
        """1 + the server's jobs recorded before this one that the bot has not sent yet either:
        the line a job held back by the bot (APIMart asked us to slow down, say) stands in.
        Outside servers, the member's own such jobs: other people's are nobody's business."""
        place, key = _line_of(job)
        row = await self._db.fetch_one(
            f"SELECT COUNT(*) FROM jobs WHERE {place} AND {UNFINISHED_IN_GUILD}"
            f" AND state IN ('{JobState.RECORDED}', '{JobState.SUBMITTING}')"
            " AND id < ? AND cancelled_at IS NULL",
            (key, job.id),
        )
        return 1 + (int(row[0]) if row is not None else 0)

    async def held_behind(self, job: Job, *, limit: int) -> list[Job]:
        """The first `limit` jobs waiting in line after `job` (its server's, or outside servers
        its member's), that show a status: their place moves up when `job` leaves the line."""
        place, key = _line_of(job)
        # The index's condition repeated, so SQLite reads only the unfinished jobs, in id
        # order, not the server's whole history (sorted) after every send.
        rows = await self._db.fetch_all(
            f"SELECT * FROM jobs WHERE {place} AND {UNFINISHED_IN_GUILD}"
            f" AND state = '{JobState.RECORDED}'"
            " AND id > ? AND cancelled_at IS NULL AND status_message_id IS NOT NULL"
            " AND status_deleted = 0 ORDER BY id LIMIT ?",
            (key, job.id, limit),
        )
        return [self._job(row) for row in rows]

    async def max_rendering(self, guild_id: int | None) -> int | None:
        """The server's rule on its videos rendering at once (`/videomod`), if it has one."""
        if guild_id is None:
            return None
        row = await self._db.fetch_one(
            "SELECT max_rendering FROM mod_policy WHERE guild_id = ?", (guild_id,)
        )
        return int(row[0]) if row is not None and row[0] is not None else None

    async def over_budget(self, job: Job, *, personal_budget: float | None = None) -> bool:
        """Whether sending `job` would pass the monthly credit budget of the month it was asked
        for: its server's (`/videomod budget`), or outside servers the operator's
        `personal_budget` for all such jobs (USER_INSTALL_MONTHLY_BUDGET). Counted: the credits
        reported, what the renders APIMart has and the videos asked for before it were quoted
        as they were recorded, and its own quote (`quoted`; as learned now for a job recorded
        before the bot kept one)."""
        guild_id = job.requester.guild_id
        budget = personal_budget
        if guild_id is not None:
            row = await self._db.fetch_one(
                "SELECT monthly_budget FROM mod_policy WHERE guild_id = ?", (guild_id,)
            )
            budget = row[0] if row is not None else None
        if budget is None:
            return False
        read = self._db.fetch_all
        window = budget_window(job.created_at)
        held, spent = await budget_use(read, guild_id, window, ahead_of=job.id)
        committed = held + spent
        expected = quoted(job) or await expected_with(read, job.request)
        return short_of(float(budget), committed, expected.credits) is not None

    async def slot_limit(self, job: Job) -> int | None:
        """The server's limit on videos rendering at once if `job` must wait for a free slot:
        its videos at APIMart plus those waiting in line before it fill every slot."""
        guild_id = job.requester.guild_id
        limit = await self.max_rendering(guild_id)
        if guild_id is None or limit is None:
            return None
        row = await self._db.fetch_one(
            f"SELECT COUNT(*) FROM jobs WHERE guild_id = ? AND {UNFINISHED_IN_GUILD}"
            f" AND (state IN ('{JobState.QUEUED}', '{JobState.PROCESSING}')"
            # Before it in line: a cancel mark frees its place unless it is being sent (its
            # request may have left: APIMart renders it all the same).
            f" OR (id < ? AND (cancelled_at IS NULL OR state = '{JobState.SUBMITTING}')))",
            (guild_id, job.id),
        )
        busy = int(row[0]) if row is not None else 0
        return limit if busy >= limit else None

    async def call_held_now(self, guild_id: int | None, hold_key: str, *, now: float) -> int:
        """A slot freed up: the server's jobs waiting for one are due for their submit now."""
        if guild_id is None:
            return 0
        async with self._db.transaction() as conn:
            # The state written out and the index's condition repeated: SQLite matches a
            # partial index only on literal terms, and would read the server's whole history.
            cursor = await conn.execute(
                f"UPDATE jobs SET next_poll_at = ? WHERE guild_id = ? AND {UNFINISHED_IN_GUILD}"
                f" AND state = '{JobState.RECORDED}' AND error_key = ? AND next_poll_at > ?",
                (now, guild_id, hold_key, now),
            )
            return cursor.rowcount

    async def recent_render_times(
        self, resolution: str, duration: int | None, *, limit: int
    ) -> list[float]:
        """Seconds from accepted to finished of the latest completed renders of this resolution
        and duration, newest first (index `jobs_render_times`)."""
        # `= ?` rather than `IS ?`: PostgreSQL's IS NOT DISTINCT FROM cannot use the index.
        length = "duration IS NULL" if duration is None else "duration = ?"
        rows = await self._db.fetch_all(
            "SELECT finished_at - submitted_at FROM jobs"
            f" WHERE state = 'completed' AND resolution = ? AND {length}"
            " AND submitted_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
            (resolution, *(() if duration is None else (duration,)), limit),
        )
        return [float(row[0]) for row in rows if row[0] is not None]

    async def begin_delivery(self, job: Job, *, now: float, target: str) -> Job | None:
        """Note an attempt (when, and where it posts) before sending; None if the claim is lost.

        A retry after a crash reads these to look for the earlier post in exactly that place
        and stretch of time.
        """
        written = await self._fenced(
            job,
            "delivery_started_at = ?, delivery_target = ?",
            (now, target),
            release=False,
        )
        if not written:
            return None
        return dataclasses.replace(job, delivery_started_at=now, delivery_target=target)

    async def mark_delivered(
        self, job: Job, *, now: float, message_id: int | None, linked: bool = False
    ) -> bool:
        """The member has been told (`linked`: the post carries APIMart's link, not the file)."""
        return await self._fenced(
            job,
            "delivered_at = ?, delivery_message_id = ?, result_linked = ?,"
            " next_delivery_at = NULL, delivery_attempts = delivery_attempts + 1",
            (now, message_id, int(linked)),
        )

    async def end_lost_claim(self, job: Job, posted_id: int | None) -> None:
        """A delivery claim lost before its outcome was written, to a change of the job (as a
        cancel makes to a render given up on): the claim ends now, not when its lease would
        lapse, so the post that change asks for is not kept waiting. `posted_id`, a post made
        meanwhile, whatever the change: the job's next post comes after it, so its search for
        an earlier one starts there. (Only if nothing but that one change came since: no newer
        claim, nor a newer attempt's mark, is touched.)"""
        if posted_id is not None:
            # Whatever that one change was (a cancel, a task id adopted after an "outcome
            # unknown" notice), the post was made and is not the job's result.
            await self._db.write(
                "UPDATE jobs SET superseded_post_id = ? WHERE id = ? AND version = ?"
                " AND delivery_started_at IS NULL AND delivery_message_id IS NULL"
                " AND COALESCE(superseded_post_id, 0) < ? RETURNING id",
                (posted_id, job.id, job.version + 1, posted_id),
            )
        if job.cancelled:
            return  # only a cancel's bump ends a claim early; this claim knew of its cancel
        await self._db.write(
            f"UPDATE jobs SET {RELEASE} WHERE id = ? AND lease_owner = ? AND version = ?"
            " AND cancelled_at IS NOT NULL RETURNING id",
            (job.id, self.leases.owner, job.version + 1),
        )

    async def forget_deleted_messages(
        self, channel_id: int, message_ids: Collection[int]
    ) -> list[Job]:
        """The bot's messages deleted from `channel_id` (one by one or in bulk), in one
        statement (through the indexes `jobs_by_result` and `jobs_by_status`): a posted video's
        id is forgotten, and said so; a status message is marked deleted. The jobs changed, if
        any. A result sent to the member's DM instead of its channel counts wherever it is
        deleted (its DM's id is not kept)."""
        if not message_ids:
            return []
        marks = ", ".join("?" * len(message_ids))
        # The target says where the result went; "deleted" tells it apart from a job whose
        # result could never be posted (no message id either). Only a video counts: a deleted
        # notice of a failed or given-up render leaves that job as it was (no video was made,
        # or it may yet come).
        result = (
            f"delivery_message_id IN ({marks}) AND (channel_id = ? OR delivery_target = ?)"
            " AND state = ?"
        )
        result_params = (*message_ids, channel_id, DM_TARGET, JobState.COMPLETED.value)
        # A status message is in its job's channel. Its id stays: NULL would mean "never
        # announced", and a job still waiting would be announced again when it is sent.
        status = f"status_message_id IN ({marks}) AND channel_id = ? AND status_deleted = 0"
        status_params = (*message_ids, channel_id)
        rows = await self._db.write(
            f"UPDATE jobs SET delivery_target = CASE WHEN {result} THEN ? ELSE delivery_target"
            f" END, delivery_message_id = CASE WHEN {result} THEN NULL ELSE delivery_message_id"
            f" END, status_deleted = CASE WHEN {status} THEN 1 ELSE status_deleted END"
            f" WHERE ({result}) OR ({status}) RETURNING id",
            (
                *result_params,
                DELETED_RESULT,
                *result_params,
                *status_params,
                *result_params,
                *status_params,
            ),
        )
        jobs = [await self.get(int(row[0])) for row in rows]
        return sorted((job for job in jobs if job is not None), key=lambda job: job.id)

    async def forget_deleted_channel(self, guild_id: int, channel_id: int) -> list[Job]:
        """A channel or thread deleted in Discord, its messages with it (with no delete event
        for each, nor for its archived threads): the bot's job messages there and in its
        threads are forgotten as `forget_deleted_messages` forgets deleted ones, a few hundred
        at a time (a statement holds only so many parameters). Read through the server's jobs
        (index `jobs_by_guild`); the jobs changed."""
        rows = await self._db.fetch_all(
            "SELECT channel_id, status_message_id, delivery_message_id, delivery_target"
            " FROM jobs WHERE guild_id = ? AND (channel_id = ? OR parent_channel_id = ?)",
            (guild_id, channel_id, channel_id),
        )
        gone: dict[int, list[int]] = {}
        for where, status_id, result_id, target in rows:
            ids = gone.setdefault(int(where), [])
            if status_id is not None:
                ids.append(int(status_id))
            # A result sent by DM instead is not in the channel (nor is its id).
            if result_id is not None and target in (None, CHANNEL_TARGET):
                ids.append(int(result_id))
        changed: list[Job] = []
        for where, ids in gone.items():
            for start in range(0, len(ids), _FORGOTTEN_AT_ONCE):
                chunk = ids[start : start + _FORGOTTEN_AT_ONCE]
                changed.extend(await self.forget_deleted_messages(where, chunk))
        return sorted(changed, key=lambda job: job.id)

    async def retry_delivery_at(
        self, job: Job, when: float, *, download_failed: bool = False
    ) -> bool:
        """Delivery failed for now (one attempt more, `download_failed`: its result could not
        be fetched); try again at `when`."""
        return await self._fenced(
            job,
            "next_delivery_at = ?, delivery_attempts = delivery_attempts + 1,"
            " download_failures = download_failures + ?",
            (when, int(download_failed)),
        )

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
