"""A server's jobs as moderators list them (/videomod jobs), and whose a job is."""

from __future__ import annotations

from dataclasses import dataclass

from bot.jobs.models import JobState, is_billed, state_key
from bot.jobs.pricing import expected_of_kind
from bot.moderation.facts import HELD_AFTER_ITS_END
from bot.moderation.store.base import StoreBase


@dataclass(frozen=True)
class JobRow:
    """A job as moderators list it."""

    id: int
    user_id: int
    state: JobState
    prompt: str
    resolution: str
    duration: int | None
    credits_cost: float | None
    created_at: float
    cancelled: bool = False
    error_key: str | None = None
    # A finished video APIMart reported no credits for, or one still on its way: what the
    # budget counts it at (its member's quote).
    expected_credits: float | None = None
    # And whether that is the most it may have cost (a reference video set its length).
    expected_up_to: bool = False
    # Where it was asked for (a thread's own id): who may read its prompt follows it.
    channel_id: int | None = None
    # Not billed yet, and a budget holds its quote for it (`credits_held`): on its way, given
    # up on but still followed, or its submit's answer lost.
    held: bool = False

    @property
    def state_key(self) -> str:
        """The catalog key naming its state (a cancelled render that still counts says so; a
        video the budget kept from being sent says that, not "refused")."""
        return state_key(
            self.state,
            cancelled=self.cancelled,
            error_key=self.error_key,
            billed=is_billed(self.credits_cost),
        )


class JobRows(StoreBase):
    """`ModerationStore`'s job reads."""

    async def recent_jobs(self, guild_id: int, user_id: int | None, limit: int) -> list[JobRow]:
        """The server's newest jobs, or one member's."""
        member_filter = "" if user_id is None else " AND user_id = ?"
        params: tuple[int, ...] = (guild_id,) if user_id is None else (guild_id, user_id)
        # Newest by when they were asked for, in the order of `jobs_by_guild` (`jobs_by_user`
        # for a member's), read until the limit: by id alone, SQLite sorted the server's whole
        # history, and PostgreSQL walked every job newest first until enough were the server's
        # (the whole table for a quiet server). The id breaks ties, as the index does in SQLite.
        rows = await self._db.fetch_all(
            "SELECT id, user_id, state, prompt, resolution, duration, credits_cost, created_at,"
            " cancelled_at, error_key, CASE WHEN video_urls = '[]' THEN duration END,"
            f" quoted_credits, channel_id, CASE WHEN {HELD_AFTER_ITS_END} THEN 1 ELSE 0 END"
            f" FROM jobs WHERE guild_id = ?{member_filter}"
            " ORDER BY created_at DESC, id DESC LIMIT ?",
            (*params, limit),
        )
        jobs = []
        for row in rows:
            state = JobState(row[2])
            expected, up_to = None, False
            # Still on its way (its status message says this figure), or given up on but still
            # followed, or its submit's answer lost: the budget holds what it was quoted.
            held = row[6] is None and (not state.is_final or bool(row[13]))
            if row[6] is None and (state is JobState.COMPLETED or held):
                # Finished with no credits reported, or held as above: what its member was
                # quoted, else (recorded before the bot kept it) as now.
                up_to = row[10] is None
                expected = row[11]
                if expected is None:
                    estimate = await expected_of_kind(self._db.fetch_all, row[4], row[10])
                    expected = estimate.credits
            jobs.append(
                JobRow(
                    id=row[0],
                    user_id=row[1],
                    state=state,
                    prompt=row[3],
                    resolution=row[4],
                    duration=row[5],
                    credits_cost=row[6],
                    created_at=row[7],
                    cancelled=row[8] is not None,
                    error_key=row[9],
                    expected_credits=expected,
                    expected_up_to=up_to,
                    channel_id=row[12],
                    held=held,
                )
            )
        return jobs

    async def job_owner(self, guild_id: int, job_id: int) -> tuple[int, str] | None:
        """Who asked for a job of this server, and its state's catalog key; None if not ours."""
        row = await self._db.fetch_one(
            "SELECT user_id, state, cancelled_at, credits_cost, error_key FROM jobs"
            " WHERE id = ? AND guild_id = ?",
            (job_id, guild_id),
        )
        if row is None:
            return None
        user_id, state, cancelled_at, credits_cost, error_key = row
        key = state_key(
            JobState(state),
            cancelled=cancelled_at is not None,
            error_key=error_key,
            billed=is_billed(credits_cost),
        )
        return user_id, key
