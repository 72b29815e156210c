"""Posting a finished job back to Discord with the bot's own token, exactly once.

The parts, each in its own module: the result file's fetch (`bot.delivery_fetch`), the post and
its fallbacks (`bot.delivery_message`), the look for an earlier attempt's post
(`bot.delivery_lookup`), the ways out by DM (`bot.delivery_dm`), the status's edits
(`bot.delivery_status`) and what an attempt comes to (`bot.delivery_outcome`). Their public
names are imported from here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

import aiohttp
import discord

from bot.delivery_dm import _ByDm
from bot.delivery_fetch import (
    _DOWNLOAD_TIMEOUT,
    DOWNLOAD_ATTEMPTS,
    SERVER_LIMIT_KEPT,
    DownloadFailed,
    TooLarge,
)
from bot.delivery_lookup import NONCE_REMEMBERED, _CannotLook
from bot.delivery_message import result_nonce
from bot.delivery_outcome import Messageable, _Retry, delivered
from bot.delivery_status import POSTING_SAID_AFTER, as_told
from bot.discord_refusals import blocked_by_automod, closed_to_the_bot
from bot.jobs.models import CHANNEL_TARGET, Job
from bot.jobs.poller import DeliveryOutcome, DeliveryResult
from bot.jobs.store import JobStore
from bot.media.fetcher import GuardedFetcher
from bot.media_refresh import DISCORD_CDN_ORIGINS
from bot.result_layout import Row
from bot.status_messages import StatusMessages

__all__ = [
    "DOWNLOAD_ATTEMPTS",
    "NONCE_REMEMBERED",
    # Read where it is defined (`bot.delivery_status`): set it there to change it.
    "POSTING_SAID_AFTER",
    "SERVER_LIMIT_KEPT",
    "Delivery",
    "DownloadFailed",
    "Messageable",
    "RouteHook",
    "TooLarge",
    "as_told",
    "delivered",
    "result_nonce",
]

log = logging.getLogger(__name__)


# Delivers a job whose news does not go to its channel (issue 17: `bot.interaction_delivery`);
# None: the channel path applies.
RouteHook = Callable[[Job, "Delivery"], Awaitable["DeliveryResult | None"]]


class Delivery(_ByDm):
    """Turns a finished job into a channel message, falling back to a DM; posts it once.

    Each attempt is written down (when, and whether to the channel or a DM) before it posts;
    a later attempt first reads that conversation from then on for the bot's post carrying the
    job's footer, to the end, so a crash between posting and marking delivered never posts
    twice, however busy the channel was.
    """

    def __init__(
        self,
        client: discord.Client,
        downloads: GuardedFetcher,
        store: JobStore,
        *,
        clock: Callable[[], float] = time.time,
        status: StatusMessages | None = None,
        result_view: Callable[[Job], Row | None] | None = None,
        download_timeout: aiohttp.ClientTimeout = _DOWNLOAD_TIMEOUT,
        route: RouteHook | None = None,
        to_discord: Callable[[float], float] = lambda moment: moment,
        cdn_origins: frozenset[str] = DISCORD_CDN_ORIGINS,
    ) -> None:
        self._route = route
        # Where Discord serves attachments: a member's picture there, its signed link run out,
        # is shown by its bare link (`bot.media_refresh.shown_link`).
        self.cdn_origins = cdn_origins
        # Our times as Discord's timestamps read them (bot/discord_time.py).
        self._to_discord = to_discord
        self._client = client
        self._downloads = downloads
        self._store = store
        self._clock = clock
        self._status = status
        self._result_view = result_view
        # Upload limits read over REST for servers not in this process's cache, until when.
        self._server_limits: dict[int, tuple[int, float]] = {}
        self._download_timeout = download_timeout

    async def __call__(self, job: Job) -> DeliveryResult:
        """Deliver `job`; says whether to retry later."""
        try:
            return await self._deliver(job)
        except _Retry as retry:
            return DeliveryResult(DeliveryOutcome.RETRY, download_failed=retry.download_failed)

    async def _deliver(self, job: Job) -> DeliveryResult:
        if self._route is not None:
            routed = await self._route(job, self)
            if routed is not None:
                return routed
        # An earlier attempt in the channel whose post (made unseen, perhaps) was not looked for.
        unlooked = job.delivery_started_at is not None and job.delivery_target == CHANNEL_TARGET
        resumed_at: float | None = None
        try:
            await self._withdraw_withheld_video(job)
            existing = await self._earlier_post(job)
            unlooked = False
        except _CannotLook as cannot:
            if not (unlooked and self._nonce_remembered(job)):
                return await self._deliver_unlooked(job, cannot, unsure=unlooked)
            # Posting it again now is safe: Discord answers with the earlier post if it made
            # it. Its attempt's start is kept, so a retry of this one still knows that.
            log.warning(
                "Job %d: channel %d can no longer be read; posting again with the same nonce",
                job.id,
                job.requester.channel_id,
            )
            existing, resumed_at = None, job.delivery_started_at
        if existing is not None:
            log.info("Job %d was already delivered as message %d", job.id, existing.id)
            # The crash may have come before the status edit: finish it now. (After a DM the
            # channel may be gone; its status then answers 404 once, and is let be.)
            result = delivered(job, existing)
            return self._with_last_status(job, result, job.delivery_target, waited=True)
        channel = await self._resolve_channel(job.requester.channel_id)
        if channel is None:
            log.warning("Job %d: channel %d is gone; trying a DM", job.id, job.requester.channel_id)
            return await self._deliver_by_dm(job, channel_failed=True, unsure=unlooked)
        saying = self._say_posting_if_slow(job)
        try:
            result = await self._send(channel, job, dm=False, started_at=resumed_at)
        except discord.HTTPException as refused:
            if blocked_by_automod(refused):
                # Refused without the prompt too (a word of the video service's, or of ours):
                # every retry would be, for hours. DMs have no AutoMod.
                log.warning(
                    "Job %d: the server's AutoMod blocked the result post without the prompt "
                    "too; trying a DM",
                    job.id,
                )
                result = await self._deliver_by_dm(
                    job, channel_failed=True, unsure=unlooked, blocked_in_channel=True
                )
                return self._say_it_went_by_dm(job, result, refused)
            if not closed_to_the_bot(refused):
                log.warning("Job %d: delivery failed (%s); will retry", job.id, refused)
                return DeliveryResult(DeliveryOutcome.RETRY)
            log.warning(
                "Job %d: cannot post in channel %d (%s); trying a DM",
                job.id,
                job.requester.channel_id,
                refused,
            )
            result = await self._deliver_by_dm(job, channel_failed=True, unsure=unlooked)
            return self._say_it_went_by_dm(job, result, refused)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Job %d: delivery failed (%s); will retry", job.id, error)
            return DeliveryResult(DeliveryOutcome.RETRY)
        finally:
            if saying is not None:
                saying.cancel()
        return self._with_last_status(job, result, CHANNEL_TARGET)
