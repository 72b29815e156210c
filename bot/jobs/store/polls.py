"""What a status check of a render writes: its progress, a failed check, its end."""

from __future__ import annotations

import dataclasses

from bot.apimart.models import TaskInfo, TaskStatus
from bot.jobs.eta import add_reading
from bot.jobs.models import Job, JobState
from bot.jobs.rows import readings_to_json
from bot.jobs.store.base import StoreBase
from bot.jobs.store.terms import DELIVER_AFRESH_UNLESS_CANCELLED, RELEASE


def _not_found_streak(job: Job, not_found: bool) -> int:
    """The job's "not found" answers in a row after this answer (any other ends the run)."""
    return job.not_found_answers + 1 if not_found else 0


class Polls(StoreBase):
    """A render followed at APIMart: progress, failed checks, its end, a late end."""

    async def record_progress(
        self, job: Job, info: TaskInfo, *, next_poll_at: float, read_at: float | None = None
    ) -> Job | None:
        """A poll (at `read_at`) said the task is still running; the job as now stored, if ours.

        One fenced statement (one database round trip). It also keeps each progress value with
        when it was first seen (the time left members read) and the most progress read (the
        bar members see), and reports a cancel that landed meanwhile. The reading it replaces
        (`progress`, `progress_at`) is the one before this check's for its schedule
        (`StatusChecks._next_poll_delay`), read from `job` before this.
        """
        state = JobState.QUEUED if info.status == "pending" else JobState.PROCESSING
        read_at = self._clock() if read_at is None else read_at
        readings = add_reading(job.progress_readings, info.progress, read_at)
        # Fenced on the version read: the most shown so far is `job`'s, not raced.
        top = max(job.shown_progress, info.progress)
        rows = await self._db.write(
            "UPDATE jobs SET state = ?, progress = ?, progress_at = ?, top_progress = ?,"
            " progress_readings = ?,"
            " estimated_time = COALESCE(?, estimated_time), next_poll_at = ?,"
            " poll_failures = 0, not_found_answers = 0,"
            f" version = version + 1, {RELEASE}"
            " WHERE id = ? AND version = ? RETURNING cancelled_at, cancel_reason_key",
            (
                state.value,
                info.progress,
                read_at,
                top,
                readings_to_json(readings),
                info.estimated_time,
                next_poll_at,
                job.id,
                job.version,
            ),
        )
        if len(rows) != 1:
            return None
        mark = rows[0]
        return dataclasses.replace(
            job,
            cancelled_at=mark[0],
            cancel_reason_key=mark[1],
            state=state,
            progress=info.progress,
            progress_readings=readings,
            progress_at=read_at,
            top_progress=top,
            estimated_time=info.estimated_time or job.estimated_time,
            next_poll_at=next_poll_at,
            poll_failures=0,
            not_found_answers=0,
            version=job.version + 1,
        )

    async def record_poll_failure(
        self, job: Job, *, next_poll_at: float, not_found: bool = False
    ) -> bool:
        """A poll failed in a way worth trying again later (`not_found`: APIMart said 404)."""
        return await self._fenced(
            job,
            "poll_failures = poll_failures + 1, not_found_answers = ?, next_poll_at = ?",
            (_not_found_streak(job, not_found), next_poll_at),
        )

    async def finish(
        self,
        job: Job,
        state: JobState,
        *,
        now: float,
        info: TaskInfo | None = None,
        reason_key: str | None = None,
        follow_up_at: float | None = None,
    ) -> bool:
        """Move a claimed active job to a final state; False if the claim was lost.

        A cancelled job's news was queued when it was cancelled: its delivery is left alone,
        so its result is never posted. `follow_up_at` keeps a timed-out task polled.
        """
        return await self._fenced(
            job,
            "state = ?, progress = COALESCE(?, progress), result_url = ?,"
            " result_expires_at = ?, error_key = ?, error_message = ?, cost = ?,"
            " credits_cost = ?, finished_at = ?, next_poll_at = ?,"
            " next_delivery_at = CASE WHEN cancelled_at IS NULL THEN ? ELSE next_delivery_at END",
            (
                state.value,
                info.progress if info is not None else None,
                info.video_url if info is not None else None,
                info.expires_at if info is not None else None,
                reason_key,
                info.error_message if info is not None else None,
                info.cost if info is not None else None,
                info.credits_cost if info is not None else None,
                now,
                follow_up_at,
                now,
            ),
        )

    async def follow_up_later(
        self, job: Job, *, next_poll_at: float | None, not_found: bool = False
    ) -> bool:
        """Look at a timed-out task again at `next_poll_at`, or (None) never again
        (`not_found`: APIMart said 404 this time)."""
        # Its status said a late video may still come: once none can, its last edit is due
        # again (made by a later sweep, `bot.status_sweep`, as for a late end).
        again = ", status_final_at = NULL" if next_poll_at is None else ""
        return await self._fenced(
            job,
            f"next_poll_at = ?, not_found_answers = ?{again}",
            (next_poll_at, _not_found_streak(job, not_found)),
        )

    async def record_late_end(self, job: Job, info: TaskInfo, *, now: float) -> bool:
        """APIMart finished a task given up on: record its cost; if it made nothing, refund it.

        A video it made after all is the member's (they were told it counts): the job becomes
        `completed` and is delivered afresh, as a new post (the one that said it was given up
        on is no result, so a retry does not mistake it for one); unless its member cancelled
        it, and was told so then. A failure needs no second notice, only its status edited.
        """
        if info.status is TaskStatus.COMPLETED and info.video_url:
            return await self._fenced(
                job,
                "state = ?, progress = 100, result_url = ?, result_expires_at = ?,"
                " error_key = NULL, error_message = NULL, cost = ?, credits_cost = ?,"
                f" finished_at = ?, next_poll_at = NULL, {DELIVER_AFRESH_UNLESS_CANCELLED}",
                (
                    JobState.COMPLETED.value,
                    info.video_url,
                    info.expires_at,
                    info.cost,
                    info.credits_cost,
                    now,
                    now,
                ),
            )
        refunded = {
            TaskStatus.FAILED: JobState.FAILED,
            TaskStatus.CANCELLED: JobState.CANCELLED,
            # Finished without a video: failed, as the same answer is before the give-up (it
            # counts only if APIMart billed it).
            TaskStatus.COMPLETED: JobState.FAILED,
        }.get(info.status)
        # Its status said it still counts and may come after all: its last edit is due again
        # (made by a later sweep, `bot.status_sweep`, whichever process runs it).
        return await self._fenced(
            job,
            "state = COALESCE(?, state), cost = ?, credits_cost = ?, next_poll_at = NULL,"
            " status_final_at = NULL",
            (refunded.value if refunded is not None else None, info.cost, info.credits_cost),
        )
