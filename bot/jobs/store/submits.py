"""A job's submit to APIMart: claimed, held back, accepted, refused or answered late."""

from __future__ import annotations

import json
from typing import Any

from bot.apimart.models import VideoRequest
from bot.jobs.models import Job, JobState
from bot.jobs.rows import JOB_COLUMNS
from bot.jobs.store.base import StoreBase
from bot.jobs.store.terms import DELIVER_AFRESH_UNLESS_CANCELLED, RELEASE


class Submits(StoreBase):
    """The bookkeeping of sending a job to APIMart."""

    async def claim_for_submit(self, job_id: int) -> Job | None:
        """Lease one recorded job for its submit; None if another worker already holds it."""
        now = self._clock()
        unheld, unheld_params = self._unheld(now)
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "UPDATE jobs SET state = ?, lease_owner = ?, lease_until = ?,"
                " version = version + 1, unsent_version = version + 1"
                f" WHERE id = ? AND state = ? AND {unheld} RETURNING {JOB_COLUMNS}",
                (
                    JobState.SUBMITTING.value,
                    self.leases.owner,
                    now + self.leases.submit,
                    job_id,
                    JobState.RECORDED.value,
                    *unheld_params,
                ),
            )
            row = await cursor.fetchone()
        return self._job(row) if row is not None else None

    async def replace_media(self, job_id: int, request: VideoRequest, *, now: float) -> None:
        """Store fresh media URLs for a job about to be (re)submitted."""
        await self._update(
            job_id,
            "UPDATE jobs SET image_urls = ?, video_urls = ?, media_fetched_at = ? WHERE id = ?",
            (json.dumps(list(request.image_urls)), json.dumps(list(request.video_urls)), now),
        )

    async def release_for_retry(
        self,
        job: Job,
        reason: str,
        *,
        retry_at: float,
        hold_key: str | None = None,
        slot: bool = False,
    ) -> bool:
        """The API was unreachable or busy: nothing was created, so try the submit again later.

        `hold_key` (a catalog key) says what the job waits for, for its status message. A hold
        by APIMart starts (or goes on with) the run `held_since` times; the server's line
        (`slot`) ends it: that wait is no refusal.
        """
        # A cancel that landed after the sender last looked for one (between its check and
        # this write) makes it due at once: refunded and told now, not counted until then.
        return await self._fenced(
            job,
            "state = ?, error_key = ?, error_message = ?,"
            " next_poll_at = CASE WHEN cancelled_at IS NULL THEN ? ELSE cancelled_at END,"
            " held_since = CASE WHEN ? = 1 THEN NULL ELSE COALESCE(held_since, ?) END",
            (JobState.RECORDED.value, hold_key, reason, retry_at, int(slot), self._clock()),
        )

    async def mark_submitted(
        self,
        job: Job,
        task_id: str,
        *,
        now: float,
        first_poll_at: float,
        member_told: bool = False,
    ) -> bool:
        """The API accepted the job and gave it a task id. `member_told`: the member reads the
        answer of this submit (their own command), which tells a cancel that landed meanwhile."""
        return await self._fenced(
            job,
            # Whatever held it back (`release_for_retry`) is over. Cancelled while it was
            # being sent (a block): its notice is due now, as for any render cancelled, unless
            # the member reads it in their command's answer.
            "state = ?, task_id = ?, submitted_at = ?, next_poll_at = ?, error_key = NULL,"
            " next_delivery_at = CASE WHEN cancelled_at IS NULL THEN next_delivery_at ELSE ? END,"
            " delivered_at = CASE WHEN cancelled_at IS NULL THEN delivered_at"
            " ELSE COALESCE(delivered_at, ?) END",
            (JobState.QUEUED.value, task_id, now, first_poll_at, now, now if member_told else None),
        )

    async def adopt_task(
        self, job_id: int, task_id: str, *, now: float, first_poll_at: float
    ) -> bool:
        """APIMart accepted a submit whose claim had lapsed (the database away for longer than
        the lease), and was settled as `submit_unknown` or not yet: the task id answers that
        unknown. The job is followed again from its submit; the "outcome unknown" notice, if it
        went, is not a result, so the result is posted as for any job. False if it moved on
        otherwise (or its claim is still held)."""
        answerable, answerable_params = self._answerable(now)
        rows = await self._db.write(
            "UPDATE jobs SET state = ?, task_id = ?, submitted_at = ?, next_poll_at = ?,"
            " error_key = NULL, error_message = NULL, finished_at = NULL,"
            # A job cancelled meanwhile keeps its delivery: the notice that it is cancelled,
            # told (or owed) once, never the video.
            f" {DELIVER_AFRESH_UNLESS_CANCELLED},"
            f" version = version + 1, {RELEASE}"
            f" WHERE id = ? AND {answerable} RETURNING id",
            (JobState.QUEUED.value, task_id, now, first_poll_at, None, job_id, *answerable_params),
        )
        return bool(rows)

    def _answerable(self, now: float) -> tuple[str, tuple[Any, ...]]:
        """The condition "its submit's answer may be written by anyone now", and its parameters:
        settled as `submit_unknown`, or still `submitting` with nobody holding the claim, and no
        task of its own."""
        unheld, unheld_params = self._unheld(now)
        return (
            f"task_id IS NULL AND (state = ? OR (state = ? AND {unheld}))",
            (JobState.SUBMIT_UNKNOWN.value, JobState.SUBMITTING.value, *unheld_params),
        )

    async def reclaim_answered(self, job_id: int, *, now: float) -> Job | None:
        """Claim again, to write down APIMart's kept answer that it made nothing, a submit whose
        claim lapsed before that answer was written (the database away): as if it were still
        being sent. One settled as `submit_unknown` meanwhile is no longer finished, and its
        notice, if it went, is not the answer: the answer is delivered afresh. None if the job
        moved on otherwise (or its claim is still held)."""
        answerable, answerable_params = self._answerable(now)
        rows = await self._db.write(
            "UPDATE jobs SET state = ?, error_key = NULL, error_message = NULL,"
            " finished_at = NULL, unsent_version = NULL, lease_owner = ?, lease_until = ?,"
            f" {DELIVER_AFRESH_UNLESS_CANCELLED}, version = version + 1"
            f" WHERE id = ? AND {answerable} RETURNING {JOB_COLUMNS}",
            (
                JobState.SUBMITTING.value,
                self.leases.owner,
                now + self.leases.submit,
                None,
                job_id,
                *answerable_params,
            ),
        )
        return self._job(rows[0]) if rows else None

    async def mark_unsubmitted(
        self,
        job: Job,
        state: JobState,
        reason_key: str,
        *,
        detail: str | None = None,
        now: float,
        member_told: bool,
    ) -> bool:
        """The submit was refused or its answer lost; deliver the news unless already told.

        A member who cancelled while it was being sent was told then: that stays told.
        """
        return await self._fenced(
            job,
            "state = ?, error_key = ?, error_message = ?, finished_at = ?,"
            " next_delivery_at = ?, delivered_at = COALESCE(delivered_at, ?)",
            (state.value, reason_key, detail, now, now, now if member_told else None),
        )

    async def due_now(self, job_id: int) -> None:
        """A recorded job nobody claimed or announced is due for its submit now (its command
        will not send it), not after the grace a command has to send its own."""
        now = self._clock()
        await self._update(
            job_id,
            "UPDATE jobs SET next_poll_at = ? WHERE state = ? AND lease_owner IS NULL"
            " AND status_message_id IS NULL AND next_poll_at > ? AND id = ?",
            (now, JobState.RECORDED.value, now),
        )

    async def put_off_takeover(self, job_id: int, *, grace: float) -> None:
        """A recorded job nobody claimed is not due for `grace` seconds from now (a later due
        time stays)."""
        until = self._clock() + grace
        await self._update(
            job_id,
            "UPDATE jobs SET next_poll_at = ? WHERE state = ? AND lease_owner IS NULL"
            " AND next_poll_at < ? AND id = ?",
            (until, JobState.RECORDED.value, until),
        )
