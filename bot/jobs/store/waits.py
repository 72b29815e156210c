"""What a job waits for: its place in line, a free slot, the budget; how long renders take."""

from __future__ import annotations

from bot.jobs.models import Job, JobState
from bot.jobs.pricing import expected_with, quoted
from bot.jobs.sql import UNFINISHED_IN_GUILD
from bot.jobs.store.base import StoreBase
from bot.moderation.facts import budget_use
from bot.moderation.models import short_of
from bot.moderation.periods import budget_window


def _line_of(job: Job) -> tuple[str, int]:
    """The line `job` waits in, as a condition and its value: its server's jobs, or outside
    servers its member's own (other people's are nobody's business)."""
    guild_id = job.requester.guild_id
    if guild_id is not None:
        return "guild_id = ?", guild_id
    return "guild_id IS NULL AND user_id = ?", job.requester.user_id


class Waits(StoreBase):
    """Admission and budget questions asked of the jobs table, and recent render times."""

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
