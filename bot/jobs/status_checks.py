"""The poll stage's status check of one job: reading APIMart's answer (progress, an end, a
refusal or a failure, logged once per kind and minute), the next check's time, and the job's end.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.apimart import (
    APIMartClient,
    APIMartError,
    AuthenticationError,
    PaymentRequiredError,
    RateLimitError,
    ServerError,
    TaskNotFoundError,
)
from bot.apimart.models import TaskInfo, TaskStatus
from bot.jobs.budget import RequestBudget
from bot.jobs.callbacks import ProgressListener
from bot.jobs.failures import apimart_language
from bot.jobs.inflight import RoundTrip
from bot.jobs.models import NO_NEWS_AFTER, Job, JobState
from bot.jobs.poller_config import PollerConfig
from bot.jobs.schedule import PollSchedule, Reading
from bot.jobs.service import HOLD_SLOT, Clock
from bot.jobs.store import JobStore
from bot.observability.metrics import Metrics, RenderOutcome
from bot.observability.repeated import RepeatedFailures

# Moved out of bot/jobs/poller.py: its lines keep the engine's logger name, which operators'
# filters use.
log = logging.getLogger("bot.jobs.poller")

_FINAL_STATE_FOR_STATUS = {
    TaskStatus.COMPLETED: JobState.COMPLETED,
    TaskStatus.FAILED: JobState.FAILED,
    TaskStatus.CANCELLED: JobState.CANCELLED,
}

# How a render's end is counted (`videobot_renders_total`); a give-up (timed out) is no end.
_RENDER_OUTCOME: dict[JobState, RenderOutcome] = {
    JobState.COMPLETED: "completed",
    JobState.FAILED: "failed",
    JobState.CANCELLED: "cancelled",
}


def _ending(info: TaskInfo) -> tuple[JobState, str | None]:
    """How a finished task ends its job, and why when it failed here: "completed" without a
    video is a failure (as `JobStore.record_late_end` stores a late one too)."""
    state = _FINAL_STATE_FOR_STATUS[info.status]
    if state is JobState.COMPLETED and not info.video_url:
        return JobState.FAILED, "task_no_video"
    return state, None


# The most of APIMart's reason a job's last log line quotes: enough to tell causes apart.
_REASON_LOGGED = 200


def _why_ended(info: TaskInfo | None, reason_key: str | None) -> str:
    """Why a job ended, for its log line: APIMart's reason (on one line, cut short: its free
    text may be a page), else the bot's own key; nothing for a render that went well."""
    said = info.error_message if info is not None else None
    if said:
        line = " ".join(said.split())
        if len(line) > _REASON_LOGGED:
            line = line[: _REASON_LOGGED - 1] + "…"
        return f': APIMart said "{line}"'
    return f": {reason_key}" if reason_key else ""


# A task APIMart answers "not found" this many checks in a row is taken as lost: failed, and
# it stops counting. The checks are `NOT_FOUND_RECHECK` s, then twice that, apart (3 minutes in
# all): a deploy or a proxy answering 404 for a minute must not refund a render that goes on.
NOT_FOUND_ANSWERS = 3
NOT_FOUND_RECHECK = 60.0


def _started(job: Job) -> float:
    """When the API got the job (or, for one never sent, when it was recorded)."""
    return job.submitted_at if job.submitted_at is not None else job.created_at


class StatusChecks:
    """`Poller`'s status checks of running tasks (its poll stage's handler, `_poll`)."""

    # Set by `Poller.__init__`.
    _store: JobStore
    _client: APIMartClient
    _clock: Clock
    _config: PollerConfig
    _schedule: PollSchedule
    _budget: RequestBudget | None
    _metrics: Metrics
    _failures: RepeatedFailures
    _on_progress: ProgressListener
    _on_account_refused: Callable[[], None] | None
    round_trip: RoundTrip

    if TYPE_CHECKING:

        def wake(self) -> None: ...

        async def _follow_up(self, job: Job) -> None: ...

        async def _give_up(self, job: Job) -> None: ...

    async def _take_turn(self) -> float:
        """Wait for the request budget; returns the grant time, on the budget's own clock."""
        return await self._budget.acquire() if self._budget is not None else 0.0

    def _next_poll_delay(self, job: Job, info: TaskInfo, now: float) -> float:
        started = _started(job)
        # The reading stored by the previous check: with this one, the render's recent speed.
        previous = (
            Reading(age=job.progress_at - started, progress=job.progress)
            if job.progress_at is not None
            else None
        )
        return self._schedule.next_delay(
            age=now - started,
            progress=info.progress,
            estimated_time=info.estimated_time or job.estimated_time,
            previous=previous,
        )

    async def _poll(self, job: Job) -> None:
        assert job.task_id is not None
        if job.state is JobState.TIMED_OUT:
            await self._follow_up(job)
            return
        sent_at = await self._take_turn()
        asked_at = self._clock()
        try:
            info = await self._client.get_task(
                job.task_id, language=apimart_language(job.requester.locale)
            )
            self.round_trip.measured(self._clock() - asked_at)
        except TaskNotFoundError as error:
            self._metrics.poll_done("not_found")
            if job.not_found_answers + 1 < NOT_FOUND_ANSWERS:
                # A 404 may be a moment's glitch (a deploy, a proxy): the render may go on,
                # and be billed; ending it now would refund it and stop following it.
                await self._poll_failed(job, error, not_found=True)
                return
            log.warning("Job %d: APIMart does not know task %s", job.id, job.task_id)
            await self._finish(job, JobState.FAILED, reason_key="task_unknown_to_service")
            return
        except APIMartError as error:
            self._check_refused(error, sent_at)
            await self._poll_failed(job, error)
            return
        now = self._clock()
        if info.status.is_final:
            self._metrics.poll_done("finished")
            await self._finish_from_info(job, info)
        elif self._timed_out(job, now):
            self._metrics.poll_done("timed_out")
            await self._give_up(job)
        else:
            self._metrics.poll_done("running")
            updated = await self._store.record_progress(
                job, info, next_poll_at=now + self._next_poll_delay(job, info, now), read_at=now
            )
            # A cancelled job is followed quietly: its status message already says cancelled.
            if updated is not None and not updated.cancelled:
                await self._on_progress(updated)

    def _check_refused(self, error: APIMartError, sent_at: float) -> None:
        """A status check APIMart answered with an error: counted; a 429 slows the budget, a
        503's pause (down for upkeep) pauses it."""
        limited = isinstance(error, RateLimitError)
        self._metrics.poll_done("rate_limited" if limited else "error")
        if isinstance(error, RateLimitError) and self._budget is not None:
            self._budget.rate_limited(sent_at=sent_at, retry_after=error.retry_after)
        elif isinstance(error, ServerError) and error.retry_after is not None and self._budget:
            # Every other check and submit would get its own 503: they wait it out too.
            self._budget.unavailable(error.retry_after)

    async def _poll_failed(self, job: Job, error: APIMartError, *, not_found: bool = False) -> None:
        # Such a failure usually hits every job's check at once (a refused key, no balance, an
        # outage): one line per kind and minute, not one per check.
        if isinstance(error, AuthenticationError):
            self._failures.log(
                "key",
                logging.ERROR,
                "APIMart rejected the API key while polling job %d: check APIMART_API_KEY",
                job.id,
            )
            if self._on_account_refused is not None:
                self._on_account_refused()
        elif isinstance(error, PaymentRequiredError):
            # Not a pause: that follows a submit's 402, and a member's next submit tells.
            self._failures.log(
                "balance",
                logging.ERROR,
                "APIMart answered job %d's status check with 402 (no balance)",
                job.id,
            )
            if self._on_account_refused is not None:
                self._on_account_refused()
        else:
            self._failures.log(
                type(error).__name__,
                logging.WARNING,
                "Job %d: poll of task %s failed (%s)",
                job.id,
                job.task_id,
                error.message,
            )
        now = self._clock()
        if self._timed_out(job, now):
            await self._give_up(job)
            return
        if not_found:
            backoff = NOT_FOUND_RECHECK * 2**job.not_found_answers
        elif isinstance(error, RateLimitError):
            # Too many checks at once, not a fault of this job's: the budget slows every check
            # down; this one comes after APIMart's wait (or the usual pace), never pushed back
            # further at each 429, which would hold a finished video for minutes after a storm.
            backoff = min(
                max(error.retry_after or 0.0, self._config.poll_interval),
                self._schedule.max_gap,
            )
        elif isinstance(error, ServerError) and error.retry_after is not None:
            # APIMart asking for a pause (a 503's Retry-After, down for upkeep): not checked
            # again before it ends, nor later than the longest gap between two checks.
            backoff = min(
                max(error.retry_after, self._failure_backoff(job)), self._schedule.max_gap
            )
        else:
            backoff = self._failure_backoff(job)
        recorded = await self._store.record_poll_failure(
            job, next_poll_at=now + backoff, not_found=not_found
        )
        news_stops = job.poll_failures + 1 == NO_NEWS_AFTER and job.state.is_active
        if recorded and news_stops and not job.cancelled:
            # Once, as the news stops: the status no longer shows its old time left.
            failed = dataclasses.replace(
                job, poll_failures=job.poll_failures + 1, next_poll_at=now + backoff
            )
            await self._on_progress(failed)

    def _failure_backoff(self, job: Job) -> float:
        """The wait after a status check APIMart failed (a 5xx, no answer): doubling with each
        failure in a row, never past the longest gap between two checks (POLL_MAX_GAP), so a
        render that finished during an outage is found within it once APIMart is back; jittered
        (equal jitter, as `RetryPolicy`'s), so the jobs one outage hit are not all checked again
        in the same second, yet never sooner than the usual pace."""
        ceiling = min(
            self._config.poll_interval * 2 ** (job.poll_failures + 1),
            self._config.max_poll_backoff,
            self._schedule.max_gap,
        )
        lowest = max(ceiling / 2, min(self._config.poll_interval, ceiling))
        return self._config.rng.uniform(lowest, ceiling)

    def _timed_out(self, job: Job, now: float) -> bool:
        return now - _started(job) > self._config.task_timeout

    async def _finish_from_info(self, job: Job, info: TaskInfo) -> None:
        state, reason_key = _ending(info)
        await self._finish(job, state, info=info, reason_key=reason_key)

    async def _finish(
        self,
        job: Job,
        state: JobState,
        *,
        info: TaskInfo | None = None,
        reason_key: str | None = None,
        follow_up_at: float | None = None,
    ) -> None:
        now = self._clock()
        if await self._store.finish(
            job,
            state,
            now=now,
            info=info,
            reason_key=reason_key,
            follow_up_at=follow_up_at,
        ):
            self._count_end(job, state, info, now)
            log.info(
                "Job %d (task %s) ended as %s%s%s",
                job.id,
                job.task_id,
                state.value,
                _why_ended(info, reason_key),
                " (cancelled: not posted)" if job.cancelled else "",
            )
            # Its server's slot is free: a job waiting for one is sent now, not at its recheck.
            now = self._clock()
            if await self._store.call_held_now(job.requester.guild_id, HOLD_SLOT, now=now):
                self.wake()

    def _count_end(self, job: Job, state: JobState, info: TaskInfo | None, now: float) -> None:
        """A task's end, counted once (only the write that recorded it gets here)."""
        outcome = _RENDER_OUTCOME.get(state)
        if outcome is not None:
            self._metrics.render_ended(outcome)
        if info is not None:
            self._metrics.credits_spent(info.credits_cost)
        if state is JobState.COMPLETED and job.submitted_at is not None:
            self._metrics.render_finished(
                resolution=job.request.resolution,
                duration=job.request.duration,
                seconds=now - job.submitted_at,
            )
