"""Renders given up on (`task_timeout`): the member told, and the task followed quietly until
APIMart says how it ended (it may still finish, and bill, it) or `follow_up_limit` runs out."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.apimart import APIMartClient, APIMartError, TaskNotFoundError
from bot.apimart.models import TaskInfo, TaskStatus
from bot.jobs.failures import apimart_language
from bot.jobs.models import TIMED_OUT_REASON, Job, JobState
from bot.jobs.poller_config import PollerConfig
from bot.jobs.service import Clock
from bot.jobs.status_checks import NOT_FOUND_ANSWERS, _ending, _started, _why_ended
from bot.jobs.store import JobStore
from bot.observability.metrics import Metrics
from bot.observability.repeated import RepeatedFailures

# Moved out of bot/jobs/poller.py: its lines keep the engine's logger name, which operators'
# filters use.
log = logging.getLogger("bot.jobs.poller")


class FollowUps:
    """`Poller`'s giving up on a render that takes too long, and its quiet looks after."""

    # Set by `Poller.__init__`.
    _store: JobStore
    _client: APIMartClient
    _clock: Clock
    _config: PollerConfig
    _metrics: Metrics
    _failures: RepeatedFailures

    if TYPE_CHECKING:

        async def _take_turn(self) -> float: ...

        def _check_refused(self, error: APIMartError, sent_at: float) -> None: ...

        def _count_end(
            self, job: Job, state: JobState, info: TaskInfo | None, now: float
        ) -> None: ...

        async def _finish(
            self,
            job: Job,
            state: JobState,
            *,
            info: TaskInfo | None = None,
            reason_key: str | None = None,
            follow_up_at: float | None = None,
        ) -> None: ...

    def _next_follow_up(self, job: Job, now: float) -> float | None:
        """When to look at a timed-out task again; None once it is not worth it any more."""
        due = now + self._config.follow_up_interval
        return due if due - _started(job) <= self._config.follow_up_limit else None

    async def _give_up(self, job: Job) -> None:
        """Tell the member it took too long; keep following it, since APIMart may finish it."""
        await self._finish(
            job,
            JobState.TIMED_OUT,
            reason_key=TIMED_OUT_REASON,
            follow_up_at=self._next_follow_up(job, self._clock()),
        )

    async def _follow_up(self, job: Job) -> None:
        """One quiet look at a timed-out task: record how it ended, or look again later."""
        assert job.task_id is not None
        sent_at = await self._take_turn()
        try:
            info = await self._client.get_task(
                job.task_id, language=apimart_language(job.requester.locale)
            )
        except TaskNotFoundError:
            self._metrics.poll_done("not_found")
            # As for a running task: one 404 may be a glitch, several in a row are an answer.
            if job.not_found_answers + 1 >= NOT_FOUND_ANSWERS:
                log.warning(
                    "Job %d: APIMart no longer knows timed-out task %s; it stops counting",
                    job.id,
                    job.task_id,
                )
                # Lost, as a running task answered so is: failed unbilled, so refunded (quietly,
                # as a late failure is).
                lost = TaskInfo(task_id=job.task_id, status=TaskStatus.FAILED)
                await self._store.record_late_end(job, lost, now=self._clock())
                return
            await self._store.follow_up_later(
                job, next_poll_at=self._next_follow_up(job, self._clock()), not_found=True
            )
            return
        except APIMartError as error:
            self._check_refused(error, sent_at)
            # An outage fails every timed-out task's look at once, as it fails every poll: one
            # line per kind and minute (each one at DEBUG), not one per job every few minutes.
            self._failures.log(
                f"follow-up {type(error).__name__}",
                logging.INFO,
                "Job %d: follow-up of task %s failed (%s)",
                job.id,
                job.task_id,
                error,
            )
            info = None
        if info is not None:
            self._metrics.poll_done("finished" if info.status.is_final else "running")
        if info is not None and info.status.is_final:
            now = self._clock()
            if await self._store.record_late_end(job, info, now=now):
                # Timed too: the longest renders are the tail an operator must see.
                self._count_end(job, _ending(info)[0], info, now)
            else:
                await self._store.end_lost_claim(job, None)
            log.info(
                "Job %d: timed-out task %s ended as %s (%s credits)%s",
                job.id,
                job.task_id,
                info.status.value,
                info.credits_cost,
                _why_ended(info, None),
            )
            return
        next_at = self._next_follow_up(job, self._clock())
        if next_at is None:
            log.info("Job %d: stopped following timed-out task %s", job.id, job.task_id)
        if not await self._store.follow_up_later(job, next_poll_at=next_at):
            await self._store.end_lost_claim(job, None)
