"""A result's ways out of its channel (part of `bot.delivery`): by DM when the channel is gone,
closed to the bot or cannot be read, and giving up on the channel after Discord failed it on
every attempt."""

from __future__ import annotations

import logging

import aiohttp
import discord

from bot.delivery_lookup import _CannotLook, _Lookup
from bot.delivery_message import _Posting
from bot.delivery_outcome import _Retry, delivered
from bot.delivery_status import _StatusTelling
from bot.discord_refusals import nothing_left_to_edit
from bot.jobs.models import DM_TARGET, Job
from bot.jobs.poller import DeliveryOutcome, DeliveryResult
from bot.reach import Route

# The name its lines had before bot/delivery.py was split (operators' filters know it).
log = logging.getLogger("bot.delivery")


class _ByDm(_Posting, _Lookup, _StatusTelling):
    """`Delivery`'s ways out of the channel."""

    async def given_up(self, job: Job) -> DeliveryResult | None:
        """`job`'s news failed in its channel on every attempt for now (Discord answering 5xx,
        or timing out, for hours), and the poller gives up there: unless the last attempt's
        post is there after all (looked for first: nothing is posted twice), it goes to the
        member by DM, saying it could not be posted in the channel, and the status says where
        it went; DMs closed, or failing too, the status says the video is done and where to
        find it (`/videos history`, with its link). A channel that cannot be looked at leaves
        the DM unsent (the post may have gone there). None for news that does not go to its
        channel (issue 17: `bot.interaction_delivery` has its own ways out). News asked for in
        the member's DM with the bot has no other way (that DM is what failed): its status
        points to history."""
        reply = job.requester.reply
        if reply is not None and reply.route is not Route.CHANNEL:
            return None
        current = await self._store.get(job.id)
        if current is None or current.version != job.version:
            return None  # changed meanwhile: the claim is lost, and the change tells
        nowhere = DeliveryResult(DeliveryOutcome.UNREACHABLE)
        if current.delivery_target == DM_TARGET:
            # The DM was what failed (the channel shut to the bot): it may have gone.
            return self._with_last_status(current, nowhere, DM_TARGET)
        try:
            existing = await self._earlier_post(current)
        except (_Retry, _CannotLook):
            log.warning("Job %d: its channel could not be looked at; no DM either", job.id)
            return self._with_last_status(current, nowhere, current.delivery_target)
        if existing is not None:
            log.info("Job %d was delivered as message %d after all", job.id, existing.id)
            result = delivered(current, existing)
            return self._with_last_status(current, result, current.delivery_target)
        if job.requester.guild_id is None:
            # Outside servers the bot posts with its token only in the member's DM (a group
            # DM's news goes through its interaction): no "couldn't post in <#this DM>" there.
            return self._with_last_status(current, nowhere, current.delivery_target)
        try:
            result = await self._deliver_by_dm(current, channel_failed=True)
        except _Retry:
            return None  # the claim was lost before the DM
        if result.outcome is DeliveryOutcome.DELIVERED:
            log.warning(
                "Job %d: Discord failed its delivery %d times; it went by DM instead",
                job.id,
                current.delivery_attempts + 1,
            )
        elif result.outcome is DeliveryOutcome.RETRY:
            result = nowhere  # failing there too: the status points to history
        return self._with_last_status(current, result, DM_TARGET)

    async def _deliver_unlooked(
        self, job: Job, cannot: _CannotLook, *, unsure: bool
    ) -> DeliveryResult:
        """The channel cannot be read (`cannot`): retrying would meet the same for hours, so
        the member gets it by DM; `unsure`: an earlier post there may have gone (the DM says
        so, not that posting there failed)."""
        log.warning(
            "Job %d: channel %d can no longer be read; trying a DM",
            job.id,
            job.requester.channel_id,
        )
        refused = cannot.__cause__
        result = await self._deliver_by_dm(job, channel_failed=True, unsure=unsure)
        return self._say_it_went_by_dm(
            job, result, refused if isinstance(refused, discord.HTTPException) else None
        )

    def _say_it_went_by_dm(
        self, job: Job, result: DeliveryResult, refused: discord.HTTPException | None
    ) -> DeliveryResult:
        """`result`, after the channel refused a post or a look (`refused`: None, it hid its
        history): the status may still be editable, and must not stay "posting the video" or
        "rendering" with a Cancel button, nor point to a reply that never came."""
        if (refused is None or not nothing_left_to_edit(refused)) and (
            result.outcome is not DeliveryOutcome.RETRY
        ):
            return self._with_last_status(job, result, DM_TARGET)
        return result

    async def _deliver_by_dm(
        self,
        job: Job,
        *,
        channel_failed: bool,
        unsure: bool = False,
        blocked_in_channel: bool = False,
    ) -> DeliveryResult:
        """`blocked_in_channel`: the server's AutoMod blocked the channel post (the DM says
        so, not that posting there failed)."""
        try:
            user = await self._client.fetch_user(job.requester.user_id)
            await user.create_dm()
            return await self._send(
                user,
                job,
                dm=True,
                channel_failed=channel_failed,
                channel_unsure=unsure,
                blocked_in_channel=blocked_in_channel,
            )
        except (discord.Forbidden, discord.NotFound):
            return DeliveryResult(DeliveryOutcome.UNREACHABLE)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            log.warning("Job %d: DM delivery failed (%s); will retry", job.id, error)
            return DeliveryResult(DeliveryOutcome.RETRY)

    async def by_dm(self, job: Job, *, channel_failed: bool = False) -> DeliveryResult:
        """Deliver by DM (another route's way out), once: an earlier DM post counts.
        `channel_failed`: the channel asked in refused the result (the DM says so)."""
        if job.delivery_target == DM_TARGET:
            existing = await self._earlier_post(job)
            if existing is not None:
                return delivered(job, existing)
        return await self._deliver_by_dm(job, channel_failed=channel_failed)
