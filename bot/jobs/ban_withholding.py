"""A video about to be posted in a server that its member's saved ban reaches (one the ban's
cancels missed) is withheld, and one made while a start-up catches up missed bans is held."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.jobs.cancels import BanStopped, CancelOutcome
from bot.jobs.models import Job, JobState
from bot.jobs.service import Clock
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore

# Moved out of bot/jobs/poller.py: its lines keep the engine's logger name, which operators'
# filters use.
log = logging.getLogger("bot.jobs.poller")

# A video held while a start-up catches up the bans it missed looks again this often (the
# process catching up may be another one: nothing wakes this one when it is done).
_BAN_CATCH_UP_RECHECK = 1.0


def _a_video_for_a_server(job: Job) -> bool:
    """Whether the job's delivery would post its video (not a notice, nor a post already
    written down), for a server (a ban reaches it: not a DM's, nor a member's own install's)."""
    return (
        not job.cancelled
        and job.state is JobState.COMPLETED
        and job.delivered_at is None
        and job.requester.guild_id is not None
    )


class BanWithholding:
    """`Poller`'s checks of a video against its member's ban before the deliver stage posts it."""

    # Set by `Poller.__init__`.
    _store: JobStore
    _clock: Clock
    _on_ban_stopped: BanStopped | None

    if TYPE_CHECKING:

        def wake(self) -> None: ...

    async def _withheld_for_ban(self, job: Job) -> bool:
        """Whether the job's video, about to be posted, was withheld because its member's ban
        (as saved) reaches it: one the ban's cancels missed (the process stopped between the
        ban's write and theirs, or the database failed them). Withheld as the ban's cancel
        would have (`JobStore.cancel`'s `unposted_too`): never posted, still counted, and its
        notice posted instead, by the next claim."""
        if not _a_video_for_a_server(job) or not await self._store.ban_reaches(job):
            return False
        outcome = await self._store.cancel(
            job.id,
            reason_key="cancelled_by_ban",
            now=self._clock(),
            member_told=False,
            unposted_too=True,
        )
        if outcome is None:
            return False  # cancelled meanwhile: this claim is lost, and its delivery says so
        log.info("Job %d: its member's ban reaches it; its video is withheld", job.id)
        await self._store.end_lost_claim(job, None)
        self.wake()
        if self._on_ban_stopped is not None:
            try:
                await self._on_ban_stopped(job, CancelOutcome.WITHHELD)
            except Exception:
                log.exception("Job %d: its ban's audit or mod-log line failed", job.id)
        return True

    async def _held_for_ban_catch_up(self, job: Job) -> bool:
        """Whether the job's video, about to be posted in a server, was put off because a
        start-up (of this process or another) is catching up the bans it missed while down:
        its member may be among them (`bot.moderation.bans`). Held until that is done, at most
        until its deadline; it is looked at again every second meanwhile."""
        if not _a_video_for_a_server(job):
            return False
        now = self._clock()
        until = await self._store.ban_catch_up_until(now)
        if until is None:
            return False
        retry_at = min(until, now + _BAN_CATCH_UP_RECHECK)
        await self._store.release(job, Stage.DELIVER, retry_at=retry_at)
        return True
