"""The deliver stage's handling of one job: its delivery (a channel's share of the workers, the
retries and the last way out) and the bookkeeping after it (the outcome written down, the
status's last edit, a post deleted again when it was withheld meanwhile or made twice)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from bot.jobs.callbacks import Deliver, DeliveryOutcome, DeliveryResult, GiveUp, ProgressListener
from bot.jobs.models import Job, JobState
from bot.jobs.poller_config import PollerConfig
from bot.jobs.service import Clock
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.observability.metrics import Metrics

# Moved out of bot/jobs/poller.py: its lines keep the engine's logger name, which operators'
# filters use.
log = logging.getLogger("bot.jobs.poller")

# How long a post made after its claim was lost waits for the process that took the job over
# to write down its own post (an upload of a large video takes seconds), and how often it looks.
_OTHER_POST_WAIT = 60.0
_OTHER_POST_RECHECK = 0.5

# A delivery put off because its channel already has its share of workers waits this long.
_CHANNEL_BUSY_RETRY = 1.0


class DeliveryStage:
    """`Poller`'s deliveries (its deliver stage's handler, `_deliver_one`)."""

    # Set by `Poller.__init__`.
    _store: JobStore
    _clock: Clock
    _config: PollerConfig
    _metrics: Metrics
    _deliver: Deliver
    _delivery_way_out: GiveUp | None
    _on_progress: ProgressListener
    _delivering: dict[int, int]
    _per_channel: int

    if TYPE_CHECKING:

        async def _held_for_ban_catch_up(self, job: Job) -> bool: ...

        async def _withheld_for_ban(self, job: Job) -> bool: ...

    async def _deliver_one(self, job: Job) -> None:
        # The catch-up first: one that writes the ban down and ends between the two reads
        # would otherwise let the video through.
        if await self._held_for_ban_catch_up(job) or await self._withheld_for_ban(job):
            return
        channel = job.requester.channel_id
        if self._delivering.get(channel, 0) >= self._per_channel:
            # That channel is slow (Discord 429s, say): leave workers for the other channels.
            await self._store.release(
                job, Stage.DELIVER, retry_at=self._clock() + _CHANNEL_BUSY_RETRY
            )
            return
        self._delivering[channel] = self._delivering.get(channel, 0) + 1
        try:
            result = await self._deliver(job)
        except Exception:
            log.exception("Job %d: delivery crashed; will retry", job.id)
            result = DeliveryResult(DeliveryOutcome.RETRY)
        finally:
            self._delivering[channel] -= 1
            if not self._delivering[channel]:
                del self._delivering[channel]
        attempts = job.delivery_attempts + 1
        retried = (
            result.outcome is DeliveryOutcome.RETRY
            and attempts < self._config.max_delivery_attempts
        )
        if result.outcome is DeliveryOutcome.RETRY and not retried:
            result = await self._given_up(job, result)
        now = self._clock()
        posted = result.outcome is DeliveryOutcome.DELIVERED
        # A moderator's cancel of a render given up on tells of no end (it came long after).
        tells_an_end = not job.cancelled_after_giving_up
        finished_at = job.finished_at if posted and tells_an_end else None
        # Counted as what happens now: a failure on the last attempt is given up, not retried.
        outcome = result.outcome
        if outcome is DeliveryOutcome.RETRY and not retried:
            outcome = DeliveryOutcome.UNREACHABLE
        self._metrics.delivery_done(
            outcome.value, delay=now - finished_at if finished_at is not None else None
        )
        if retried:
            backoff = min(
                self._config.delivery_retry_base * 2 ** (attempts - 1),
                self._config.max_delivery_backoff,
            )
            log.warning(
                "Job %d: delivery failed (attempt %d); retrying in %.0fs", job.id, attempts, backoff
            )
            if not await self._store.retry_delivery_at(
                job, now + backoff, download_failed=result.download_failed
            ):
                # Changed meanwhile (a block withheld its video): its status is that change's.
                await self._store.end_lost_claim(job, None)
                return
            if job.state.is_final and not job.cancelled:
                # The status still shows the last progress reading (and a Cancel button): it is
                # done, its post on its way, or it failed, its reason on its way (not "the
                # member was told why" before they were).
                await self._on_progress(job)
            return
        if result.outcome is not DeliveryOutcome.DELIVERED:
            log.error(
                "Job %d: could not reach user %d anywhere; giving up delivery",
                job.id,
                job.requester.user_id,
            )
        marked = await self._store.mark_delivered(
            job,
            now=now,
            message_id=result.message_id,
            linked=result.linked,
            plain=result.plain,
        )
        await self._show_last_status(job, result)
        if not marked:
            log.warning("Job %d: delivery claim was lost before it was marked", job.id)
            if posted and await self._withdrawn_as_a_second_post(job, result):
                return
            if posted and await self._withdrawn_as_withheld(job, result):
                posted = False
            await self._store.end_lost_claim(job, result.message_id if posted else None)

    async def _given_up(self, job: Job, result: DeliveryResult) -> DeliveryResult:
        """`job`'s delivery, failed `max_delivery_attempts` times for now and given up: what
        another way to the member (`give_up`) made of it, else `result`."""
        if self._delivery_way_out is None:
            return result
        try:
            other = await self._delivery_way_out(job)
        except Exception:
            log.exception("Job %d: its delivery's last way out crashed", job.id)
            return result
        return result if other is None else other

    async def _show_last_status(self, job: Job, result: DeliveryResult) -> None:
        """The status's last edit, now that the job reads as told: a progress edit another
        process lands after it re-reads the job after its edit, finds it told and puts the last
        status back. (Made even when the claim was lost: the post went, and says so.)"""
        if result.last_status is None:
            return
        try:
            await result.last_status()
        except Exception:
            # The sweep of missed last edits makes it (`bot.status_sweep`).
            log.exception("Job %d: its last status edit failed unexpectedly", job.id)

    async def _withdrawn_as_withheld(self, job: Job, result: DeliveryResult) -> bool:
        """Whether this post of a video, whose upload was in flight when a block or a
        moderator's cancel stopped it (`JobStore.cancel`'s `unposted_too`), was deleted again.
        One that cannot be deleted stays, and is logged: its notice still follows it."""
        if job.cancelled or job.state is not JobState.COMPLETED:
            return False  # not the video: a notice
        current = await self._store.get(job.id)
        if current is None or not current.cancelled:
            return False
        if result.withdraw is not None and await result.withdraw():
            log.warning(
                "Job %d: its video was posted as a block or a moderator's cancel stopped it;"
                " the post was deleted",
                job.id,
            )
            return True
        log.error(
            "Job %d: its video was posted as a block or a moderator's cancel stopped it, and"
            " could not be deleted",
            job.id,
        )
        return False

    async def _withdrawn_as_a_second_post(self, job: Job, result: DeliveryResult) -> bool:
        """Whether this post, made after its claim was lost, was deleted because the process
        that took the job over had posted it already. (A process paused between its last claim
        check and its post, past the few minutes Discord remembers a nonce, posts it again on
        waking.)"""
        if result.withdraw is None:
            return False
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + _OTHER_POST_WAIT
        while True:
            # Who holds the job first, then the job: a post written down in between (which
            # lets go of the claim) is then still seen.
            held = await self._store.claimed_by_another(job.id)
            current = await self._store.get(job.id)
            if current is None:
                return False
            if current.delivered_at is not None:
                break
            # The process that took over may be part-way through its own post (not yet
            # written down): its outcome decides. Nobody at it: this post is the one.
            if not held or loop.time() >= give_up_at:
                return False
            await asyncio.sleep(_OTHER_POST_RECHECK)
        if current.delivery_message_id in (None, result.message_id):
            return False
        if not await result.withdraw():
            return False
        log.warning(
            "Job %d: posted again after its claim lapsed (the process was paused?); the second"
            " post was deleted",
            job.id,
        )
        return True
