"""What a job's status message says around its delivery (part of `bot.delivery`): that the
video is being posted, when that is slow, and its last edit, once the delivery is written down."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

from bot.jobs.models import Job
from bot.jobs.poller import DeliveryResult
from bot.result_text import link_expired, shows_video
from bot.status_messages import StatusMessages

# A result's fetch and upload still going after this many seconds (most are posted within 8 s
# of the render's end) is a slow one: its status then says the video is being posted.
POSTING_SAID_AFTER = 10.0


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
        """A video about to be fetched and uploaded: if that still goes on after
        `POSTING_SAID_AFTER` (a large video, a slow link), its status says it is being posted,
        not the last progress reading ("rendering 60 %, about 1 min left") and its Cancel button
        for a minute or more. A quick post needs no edit of its own (its last edit follows at
        once), and leaves a moderator's Cancel press meanwhile its use. The caller cancels the
        timer once the post is done."""
        status = self._status
        if status is None or not shows_video(job) or link_expired(job, self._clock()):
            return None

        async def say_posting() -> None:
            await asyncio.sleep(POSTING_SAID_AFTER)
            status.schedule(job)

        return asyncio.create_task(say_posting(), name=f"status-posting-{job.id}")

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
