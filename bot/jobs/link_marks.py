"""What the jobs table keeps about a result posted as APIMart's link once that link expired:
whether its post was edited to say so (`bot.link_expiry`), and which sweep holds it meanwhile."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from bot.jobs.models import CHANNEL_TARGET, DM_TARGET, Job, JobState
from bot.jobs.rows import JOB_COLUMNS, job_from_row
from bot.jobs.sql import update_job
from bot.storage import Database

# The posts the bot made with its own token, which it can edit for good. A post through a
# command's interaction can be edited only while its token lasts (15 minutes), long before the
# link expires (about a day): it is left as it is.
EDITABLE_TARGETS = (CHANNEL_TARGET, DM_TARGET)


class LinkMarks:
    """Claims linked results whose link expired, and writes down that their post says so."""

    def __init__(
        self, db: Database, *, clock: Callable[[], float] = time.time, api_key: str = ""
    ) -> None:
        self._db = db
        self._clock = clock
        # Taken out of what older versions saved of APIMart's words (`job_from_row`).
        self._api_key = api_key

    async def claim_expired(self, *, look_back: float, limit: int, hold: float) -> list[Job]:
        """Up to `limit` finished videos posted as APIMart's link (in a channel or a DM, with
        the bot's token) whose link expired within the last `look_back` seconds and whose post
        does not say so yet, each held for `hold` seconds: no other sweep (of this process or
        another) takes it meanwhile, and one whose edit failed, or whose sweep died, is taken
        again once the hold has passed. Not a post that said already, as it was made, that the
        link had expired (`Job.expired_unposted`), nor one of a cancelled or deleted video."""
        now = self._clock()
        skip_taken = " FOR UPDATE SKIP LOCKED" if self._db.dialect == "postgres" else ""
        rows = await self._db.write(
            "UPDATE jobs SET link_expiry_swept_until = ? WHERE id IN (SELECT id FROM jobs"
            " WHERE result_linked = 1 AND link_expiry_noted_at IS NULL"
            " AND result_expires_at <= ? AND result_expires_at >= ?"
            " AND (link_expiry_swept_until IS NULL OR link_expiry_swept_until <= ?)"
            " AND state = ? AND cancelled_at IS NULL AND result_url IS NOT NULL"
            " AND delivery_message_id IS NOT NULL AND delivery_target IN (?, ?)"
            " AND (delivery_started_at IS NULL OR result_expires_at > delivery_started_at)"
            f" ORDER BY result_expires_at, id LIMIT ?{skip_taken}) RETURNING {JOB_COLUMNS}",
            (
                now + hold,
                # Whole seconds, as the column keeps them (PostgreSQL binds it as a BIGINT).
                math.floor(now),
                math.ceil(now - look_back),
                now,
                JobState.COMPLETED.value,
                *EDITABLE_TARGETS,
                limit,
            ),
        )
        jobs = (job_from_row(row, api_key=self._api_key) for row in rows)
        return sorted(jobs, key=lambda job: (job.result_expires_at or 0, job.id))

    async def noted(self, job_id: int) -> None:
        """The job's post says its link expired (or is gone, or shut to the bot for good):
        no sweep takes it again."""
        await update_job(
            self._db,
            job_id,
            "UPDATE jobs SET link_expiry_noted_at = ?, link_expiry_swept_until = NULL WHERE id = ?",
            (self._clock(),),
        )
