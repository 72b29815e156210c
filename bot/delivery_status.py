"""What a job's status message says around its delivery (part of `bot.delivery`): that the
video is being posted, when that is slow, and its last edit, once the delivery is written down."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable

from bot.jobs.models import Job
from bot.jobs.poller import DeliveryResult
from bot.result_text import link_expired, shows_video
from bot.status_messages import StatusMessages

# A result's fetch and upload still going after this many seconds (most are posted within 8 s
# of the render's end) is a slow one: its status then says the video is being posted.
POSTING_SAID_AFTER = 10.0


def posting_timer(
    job: Job, now: float, say: Callable[[], Awaitable[None]], *, name: str
) -> asyncio.Task[None] | None:
    """For a video about to be fetched and uploaded: `say` (that it is being posted) once that
    still goes on after `POSTING_SAID_AFTER` (a large video, a slow link), not the last
    progress reading for a minute or more; None for news with no video to post (or its link
    expired). A quick post needs no edit of its own (its last edit follows at once). The caller
    cancels the timer once the post is done."""
    if not shows_video(job) or link_expired(job, now):
        return None

    async def after_a_while() -> None:
        await asyncio.sleep(POSTING_SAID_AFTER)
        await say()

    return asyncio.create_task(after_a_while(), name=name)


def as_told(job: Job, result: DeliveryResult, target: str | None, *, now: float) -> Job:
    """`job` as it is once `result` (posted to `target`) is written down: its last status
    names where its news went."""
    started = result.started_at if result.started_at is not None else job.delivery_started_at
    return dataclasses.replace(
        job,
        delivery_started_at=started,
        delivered_at=now,
        delivery_message_id=result.message_id,
        delivery_target=target,
        delivery_attempts=job.delivery_attempts + 1,
    )


class _StatusTelling:
    """`Delivery`'s edits of the job's status message."""

    _status: StatusMessages | None
    _clock: Callable[[], float]

    def _say_posting_if_slow(self, job: Job) -> asyncio.Task[None] | None:
        """The status says a slow post's video is being posted (`posting_timer`), not the last
        progress reading and its Cancel button; a quick post leaves a moderator's Cancel press
        meanwhile its use."""
        status = self._status
        if status is None:
            return None

        async def say_posting() -> None:
            status.schedule(job)

        return posting_timer(job, self._clock(), say_posting, name=f"status-posting-{job.id}")

    def _with_last_status(
        self, job: Job, result: DeliveryResult, target: str | None, *, waited: bool = False
    ) -> DeliveryResult:
        """`result`, carrying the status's last edit (where the news went, the Cancel button
        gone), which the poller makes once the delivery is written down: in the background
        (a channel Discord slows down must not hold a delivery worker), or `waited` for."""
        status = self._status
        if status is None:
            return result
        told = as_told(job, result, target, now=self._clock())

        async def last_status() -> None:
            if waited:
                await status.update(told, final=True)
            else:
                status.schedule(told, final=True)

        return dataclasses.replace(result, last_status=last_status)
