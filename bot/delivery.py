"""Posting a finished job back to Discord with the bot's own token, exactly once."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import io
import logging
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any, cast

import aiohttp
import discord

from bot.discord_refusals import cannot_reply, closed_to_the_bot, nothing_left_to_edit
from bot.i18n import t
from bot.jobs.models import CHANNEL_TARGET, DM_TARGET, Job, JobState
from bot.jobs.poller import DeliveryOutcome, DeliveryResult
from bot.jobs.store import JobStore
from bot.media.fetcher import FetchError, GuardedFetcher, Refused
from bot.media_refresh import DISCORD_CDN_ORIGINS
from bot.reach import Route
from bot.result_layout import (
    Row,
    components_of,
    made_from_spoiler,
    marker_line,
    text_displays,
)
from bot.result_text import (
    VIDEO_FILENAME,
    LinkReason,
    job_footer,
    link_expired,
    mentions_only,
    plain_embed,
    result_content,
    result_message,
    shows_video,
)
from bot.status_messages import StatusMessages
from bot.text import EMBED_TITLE, fit

log = logging.getLogger(__name__)

_DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=300, sock_read=60)
# Downloads are kept in memory up to this size, then spill to a temporary file: 32 delivery
# workers hold at most 64 MiB in memory.
_SPOOL_IN_MEMORY = 2 * 1024 * 1024
_CHUNK = 256 * 1024
# A result that cannot be fetched this many times is reported with its link, honestly.
DOWNLOAD_ATTEMPTS = 3
# Discord's clock and ours, as the last answer told it, may differ a little more: look this much
# earlier for an earlier post.
_CLOCK_SKEW = datetime.timedelta(minutes=2)
# Discord answers a post repeating a nonce it saw in "the past few minutes" with that first post
# (`result_nonce`): an attempt begun less than this long ago is safely posted again unseen.
NONCE_REMEMBERED = 120.0
# A result's fetch and upload still going after this many seconds (most are posted within 8 s
# of the render's end) is a slow one: its status then says the video is being posted.
POSTING_SAID_AFTER = 10.0
_VIDEO_TYPES = ("video/", "application/mp4", "application/octet-stream", "binary/octet-stream")
# A server's upload limit read over REST is used this long (boosts change rarely).
SERVER_LIMIT_KEPT = 600.0
# What a server at the highest boost level accepts: assumed when its limit cannot be read, so
# a moment's failure never turns a boosted server's video into a link (Discord's 413 does
# that where it is too large after all).
_LARGEST_SERVER_UPLOAD = 100 * 1024 * 1024
# Discord answers 413 (code 40005) when an upload is over the server's limit, and 400 when the
# message itself is invalid (code 50035), which no retry of it can change.
_PAYLOAD_TOO_LARGE = 413
_BAD_REQUEST = 400
# Discord's 403 when the bot lacks a permission the post needs (Attach Files, for a file).
_MISSING_PERMISSIONS = 50013

Messageable = discord.abc.Messageable


# A post's nonce says which end of the job it tells (see `result_nonce`); Discord allows 25
# characters, so one letter each. "-s" is taken: the status message's (`status_nonce`).
_END_MARKS: Mapping[JobState, str] = {
    JobState.COMPLETED: "",
    JobState.FAILED: "-f",
    JobState.CANCELLED: "-c",
    JobState.TIMED_OUT: "-t",
    JobState.REJECTED: "-r",
    JobState.SUBMIT_UNKNOWN: "-u",
}


def result_nonce(job: Job) -> str:
    """The nonce of the post telling `job`'s end. Discord answers a nonce it saw in the last
    few minutes with that first message instead of posting, so a quick retry after a crash
    cannot post twice (the marker check covers longer gaps). A job can end twice: given up on,
    then done after all; its submit's outcome unknown, then its task found. Each end has its
    own nonce, or the video would be taken for the notice before it and never posted. (A
    cancel's notice, posted while the job is still running, has one too; so has a moderator's
    cancel of a render given up on, posted after the notice that gave it up.)"""
    if job.cancelled_after_giving_up:
        return f"video-job-{job.id}-x"
    if job.cancelled and job.state is JobState.COMPLETED:
        # A video made, then stopped (a block) after a post of it may have gone: the notice
        # is not that post.
        return f"video-job-{job.id}-w"
    return f"video-job-{job.id}{_END_MARKS.get(job.state, '-n')}"


@dataclass(frozen=True)
class _Post:
    """One result about to be posted: where, replying to what, and what is known of its video."""

    target: Messageable
    job: Job
    reference: discord.MessageReference | None
    now: float
    dm: bool
    unreachable: bool
    # A DM in place of a channel post that failed (the member is told why it came here).
    channel_failed: bool = False
    # ... that may have gone after all (an earlier attempt's, unseen, in a channel the bot can
    # no longer read): the member is told that, not that the channel failed.
    channel_unsure: bool = False
    # Why the video, when it is not attached, is its link.
    link_reason: LinkReason = LinkReason.TOO_LARGE


def delivered(
    job: Job, message: discord.Message, *, started_at: float | None = None
) -> DeliveryResult:
    """The result posted as `message` by an attempt begun at `started_at` (None: an earlier
    attempt's, written down with the job); a finished video with no file there is APIMart's
    link."""
    linked = job.state is JobState.COMPLETED and not message.attachments
    return DeliveryResult(
        DeliveryOutcome.DELIVERED,
        message.id,
        linked=linked,
        started_at=started_at,
        withdraw=_withdrawal(message),
    )


def _withdrawal(message: discord.Message) -> Callable[[], Awaitable[bool]]:
    """Deleting `message` again; whether it is gone."""

    async def withdraw() -> bool:
        try:
            await message.delete()
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            log.warning("Could not delete message %d (%s)", message.id, error)
            return False
        return True

    return withdraw


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


class DownloadFailed(Exception):
    """The result could not be fetched whole (an error status, not a video, cut short)."""


class TooLarge(Exception):
    """The result is over the upload limit: post its link instead."""


class _Retry(Exception):
    """Nothing was posted; try the whole delivery again later."""

    def __init__(self, *, download_failed: bool = False) -> None:
        super().__init__()
        self.download_failed = download_failed


class _CannotLook(Exception):
    """Discord refuses to show the channel (access lost, or it is gone), or hides its history
    (Read Message History taken: every read answers nothing): no post of ours can be found
    there."""


# Delivers a job whose news does not go to its channel (issue 17: `bot.interaction_delivery`);
# None: the channel path applies.
RouteHook = Callable[[Job, "Delivery"], Awaitable["DeliveryResult | None"]]


def _withheld(job: Job) -> bool:
    """A video made, then withheld by a block: its news is the notice, never the video."""
    return job.cancelled and job.state is JobState.COMPLETED


def _brings_video(message: discord.Message, job: Job) -> bool:
    """Whether the job's post `message` is its video's (posted before a block withheld it), not
    the block's notice: it carries the file, plays it in its gallery, links to it, is titled as
    a success, or tells that the video's link expired before it could be posted (titled "not
    made", as the notice is). The notice shows none of these."""
    if message.attachments or any(
        isinstance(component, discord.components.MediaGalleryComponent)
        for component in components_of(message)
    ):
        return True
    texts = [message.content, *text_displays(message)]
    if job.result_url and any(job.result_url in text for text in texts):
        return True
    return _titled_ready(message, job) or _told_link_expired(texts, job)


def _titled_ready(message: discord.Message, job: Job) -> bool:
    """Whether the post is titled as a success, as a layout or as the plain card."""
    title = t("result_title", job.requester.locale)
    return any(text.startswith(f"### {title}\n") for text in text_displays(message)) or any(
        embed.title == fit(title, EMBED_TITLE) for embed in message.embeds
    )


def _told_link_expired(texts: list[str], job: Job) -> bool:
    """Whether the post's headline says the video was made but its link had expired."""
    mention = f"<@{job.requester.user_id}>"
    expired = t("result_link_expired", job.requester.locale, mention=mention)
    return any(text.startswith(expired) for text in texts)


def _origin_snowflake(job: Job) -> int | None:
    """The id of the interaction or message that asked for the job ("interaction:<id>")."""
    origin = job.requester.origin_id
    if origin is None:
        return None
    _, _, snowflake = origin.partition(":")
    return int(snowflake) if snowflake.isdigit() else None


class Delivery:
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

    def _nonce_remembered(self, job: Job) -> bool:
        """Whether Discord still remembers the nonce of the attempt begun last (and of any
        post it made: not before it began)."""
        started = job.delivery_started_at
        return started is not None and self._clock() - started < NONCE_REMEMBERED

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

    async def _withdraw_withheld_video(self, job: Job) -> None:
        """A block withheld this video after an attempt to post it began (`superseded_post_id`
        0: its post never written down, an upload the bot saw time out that Discord made all
        the same): that post is looked for by DM (where the attempt went if the channel
        refused it) and in the channel, as a retry looks for its own, and deleted before the
        notice goes up; looked for again by each retry of the notice, until one deletes it.
        Raises `_Retry` if unsure, `_CannotLook` if the channel refuses to be read (nothing
        can be deleted there either)."""
        if not _withheld(job) or job.superseded_post_id != 0:
            return  # not withheld, or no attempt to post the video began
        since = job.finished_at if job.finished_at is not None else job.created_at
        dm = await self._dm_channel(job)
        if dm is not None:
            await self._withdraw_from(dm, job, since, dm=True)
        channel = await self._resolve_channel(job.requester.channel_id)
        if channel is not None:
            await self._withdraw_from(channel, job, since, dm=False)

    async def _withdraw_from(
        self, target: Messageable, job: Job, since: float, *, dm: bool
    ) -> None:
        """Deletes the withheld video's post in `target`, if there is one."""
        earlier = await self._find_existing(target, job, since, video=True, dm=dm)
        if earlier is None:
            return
        if await _withdrawal(earlier)():
            log.warning(
                "Job %d: an earlier attempt had posted its video unseen before a block withheld"
                " it; the post was deleted",
                job.id,
            )
        else:
            log.error(
                "Job %d: an earlier attempt had posted its video unseen before a block withheld"
                " it, and the post could not be deleted",
                job.id,
            )

    async def _earlier_post(self, job: Job) -> discord.Message | None:
        """The post an earlier, interrupted attempt made, if any; raises `_Retry` if unsure,
        `_CannotLook` if the channel refuses to be read."""
        if job.delivery_started_at is None:
            return None
        if job.delivery_target == DM_TARGET:
            target = await self._dm_channel(job)
        else:
            target = await self._resolve_channel(job.requester.channel_id)
        if target is None:
            return None
        # A withheld video's notice is not its video, though both carry the job's marker.
        return await self._find_existing(
            target, job, job.delivery_started_at, video=False if _withheld(job) else None
        )

    async def _dm_channel(self, job: Job) -> Messageable | None:
        """The bot's DM with the job's member (None: there is none); `_Retry` if unsure."""
        try:
            user = await self._client.fetch_user(job.requester.user_id)
            return await user.create_dm()
        except (discord.Forbidden, discord.NotFound):
            return None  # no DM channel: nothing can have been posted there
        except discord.HTTPException as error:
            log.warning("Job %d: cannot open the DM to check (%s)", job.id, error)
            raise _Retry from None

    async def _resolve_channel(self, channel_id: int) -> Messageable | None:
        """The channel (None: gone, or shut to the bot); `_Retry` while Discord fails its read
        (a 5xx, Cloudflare's 429, a dropped connection), as it would fail a post."""
        channel = self._client.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self._client.fetch_channel(channel_id)
            except (discord.NotFound, discord.Forbidden):
                return None
            except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
                log.warning("Channel %d could not be read (%s); will retry", channel_id, error)
                raise _Retry from None
        return channel if isinstance(channel, Messageable) else None

    async def _deliver_by_dm(
        self, job: Job, *, channel_failed: bool, unsure: bool = False
    ) -> DeliveryResult:
        try:
            user = await self._client.fetch_user(job.requester.user_id)
            await user.create_dm()
            return await self._send(
                user, job, dm=True, channel_failed=channel_failed, channel_unsure=unsure
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

    async def fetch_video(self, job: Job, limit: int) -> tuple[IO[bytes] | None, bool]:
        """The video to upload within `limit` bytes (None: post its link), and whether it
        could not be fetched; a failed download worth another attempt retries the delivery."""
        return await self._fetch_within(job, limit)

    async def _find_existing(
        self,
        target: Messageable,
        job: Job,
        since: float,
        *,
        video: bool | None = None,
        dm: bool | None = None,
    ) -> discord.Message | None:
        """The bot's result post for `job` in `target` since `since`; raises `_Retry` if unsure.

        Reads every message from the attempt's start to now (not a fixed number), so a busy
        channel cannot hide the earlier post. `video`: only a post that brings the video (or
        only one that does not); `dm`: `target` is the member's DM (by default, where the
        job's last attempt went).
        """
        if dm is None:
            dm = job.delivery_target == DM_TARGET
        footer = job_footer(job)
        start = datetime.datetime.fromtimestamp(self._to_discord(since), datetime.UTC) - _CLOCK_SKEW
        after = discord.Object(discord.utils.time_snowflake(start))
        asked = _origin_snowflake(job)
        if asked is not None:
            # What asked for the job is stamped by Discord's own clock, before any post of it:
            # reading from there holds whatever ours did meanwhile (a step, another process).
            after = discord.Object(min(after.id, asked))
        if job.status_message_id is not None and not dm:
            # Results reply to the status message, so nothing older needs reading.
            after = discord.Object(min(after.id, job.status_message_id))
        if job.superseded_post_id:
            # A notice posted before (that the render was given up on, say) carries the job's
            # marker too, but is no result: this one comes after it.
            after = discord.Object(max(after.id, job.superseded_post_id))
        me = self._client.user
        # Such a notice whose id was never written down (a crash right after posting it): a
        # result is posted after the job's end, so an older post is none. (Only then: the
        # job's times are our clock's, which may have been stepped since.)
        ended = (
            self._to_discord(job.finished_at) - _CLOCK_SKEW.total_seconds()
            if job.finished_at and job.superseded_post_id == 0
            else None
        )
        try:
            async for message in target.history(limit=None, after=after, oldest_first=True):
                if me is not None and message.author.id != me.id:
                    continue
                if ended is not None and message.created_at.timestamp() < ended:
                    continue
                if video is not None and _brings_video(message, job) != video:
                    continue
                # A layout keeps the marker in a text display; the plain fallback in its footer.
                if marker_line(footer) in text_displays(message) or any(
                    embed.footer.text == footer for embed in message.embeds
                ):
                    return message
        except (discord.Forbidden, discord.NotFound) as refused:
            if dm:
                return None  # the DM is closed: nothing can have been posted there either
            raise _CannotLook from refused
        except discord.HTTPException as error:
            # Unsure whether it was posted: posting now could post twice, so wait instead.
            log.warning("Job %d: cannot read history to check for a duplicate (%s)", job.id, error)
            raise _Retry from None
        if not dm:
            await self._check_history_shown(target, job)
        return None

    async def _check_history_shown(self, target: Messageable, job: Job) -> None:
        """Raises `_CannotLook` when Discord hides the channel's history from the bot (Read
        Message History taken): it then answers every read with nothing, not a refusal, so a
        look that found nothing proves nothing. Asked of the job's status message, which is
        there (reading one message needs that permission too), else of this process's cache;
        `_Retry` if unsure."""
        if job.status_message_id is not None and not job.status_deleted:
            try:
                await target.fetch_message(job.status_message_id)
            except discord.NotFound:
                return  # deleted meanwhile: the read itself was allowed
            except discord.Forbidden as refused:
                raise _CannotLook from refused
            except discord.HTTPException as error:
                log.warning("Job %d: cannot check that history is shown (%s)", job.id, error)
                raise _Retry from None
            return
        if not isinstance(target, discord.abc.GuildChannel | discord.Thread):
            return
        me = target.guild.me
        if me is not None and not target.permissions_for(me).read_message_history:
            raise _CannotLook

    async def _send(
        self,
        target: Messageable,
        job: Job,
        *,
        dm: bool,
        channel_failed: bool = False,
        channel_unsure: bool = False,
        started_at: float | None = None,
    ) -> DeliveryResult:
        """Post the result to `target`; the result as posted. `started_at`: the earlier
        attempt this one posts again (with its nonce), whose start is kept."""
        now = self._clock()
        begun = started_at if started_at is not None else now
        video: IO[bytes] | None = None
        unreachable = False
        if shows_video(job) and not link_expired(job, now):
            video, unreachable = await self._fetch_result(job, target)
        reference = None
        # A deleted status message is no reply (Discord would post it unreplied anyway).
        if not dm and job.status_message_id is not None and not job.status_deleted:
            reference = discord.MessageReference(
                message_id=job.status_message_id,
                channel_id=job.requester.channel_id,
                fail_if_not_exists=False,
            )
        post = _Post(
            target,
            job,
            reference,
            now=now,
            dm=dm,
            unreachable=unreachable,
            channel_failed=channel_failed,
            channel_unsure=channel_unsure,
        )
        try:
            # Written down before posting: a retry after a crash looks for this post from
            # here. (Inside the `try`: a lost claim closes the download too.)
            where = DM_TARGET if dm else CHANNEL_TARGET
            if await self._store.begin_delivery(job, now=begun, target=where) is None:
                log.warning("Job %d: delivery claim was lost; not posting", job.id)
                raise _Retry
            try:
                message = await self._post_result(post, video)
            except discord.HTTPException as error:
                if post.reference is None or not cannot_reply(error):
                    raise
                # Read Message History was taken from the bot while the video rendered: every
                # reply is refused, the same post without it is not (it names the member).
                log.warning(
                    "Job %d: Discord refused the reply to the status message (%s); posting "
                    "the result without it",
                    job.id,
                    error,
                )
                message = await self._post_result(dataclasses.replace(post, reference=None), video)
            return delivered(job, message, started_at=begun)
        finally:
            if video is not None:
                video.close()

    async def _post_result(self, post: _Post, video: IO[bytes] | None) -> discord.Message:
        """The result as a layout; the plainest result at once when Discord refuses that."""
        file = None
        if video is not None:
            video.seek(0)  # an earlier, refused post may have read it through
            # A spooled file is an IOBase (Python 3.11+): discord.py streams it from there.
            file = discord.File(cast(io.BufferedIOBase, video), filename=VIDEO_FILENAME)
        try:
            return await self._post_layout(post, file)
        except discord.HTTPException as error:
            if error.status != _BAD_REQUEST or closed_to_the_bot(error) or cannot_reply(error):
                raise
            # Every retry of the same message would be refused the same way: post the
            # plainest result now rather than let the member wait for nothing.
            log.error(
                "Job %d: Discord refused the result message (%s); posting a plain one",
                post.job.id,
                error,
            )
            return await self._post_plain(post, video)

    async def _fetch_result(self, job: Job, target: Messageable) -> tuple[IO[bytes] | None, bool]:
        """The video to upload (None: post its link), and whether it could not be fetched.

        Raises `_Retry` while a broken download may still be worth another attempt.
        """
        return await self._fetch_within(job, await self._upload_limit(target))

    async def _fetch_within(self, job: Job, limit: int) -> tuple[IO[bytes] | None, bool]:
        assert job.result_url is not None
        try:
            return await self._download(job.result_url, limit), False
        except TooLarge:
            return None, False
        except Refused as error:
            # Not a link the bot fetches (a private address, or a redirect to one): no retry.
            log.warning("Job %d: result link refused (%s); posting the link", job.id, error)
            return None, True
        except DownloadFailed as error:
            if job.download_failures + 1 < DOWNLOAD_ATTEMPTS:
                log.warning("Job %d: result download failed (%s); will retry", job.id, error)
                raise _Retry(download_failed=True) from None
            log.error("Job %d: result download kept failing (%s); posting the link", job.id, error)
            return None, True

    async def _post_layout(self, post: _Post, file: discord.File | None) -> discord.Message:
        """The result as a Components V2 layout; its link instead when the upload is refused
        (too large, or Attach Files taken from the bot: a 403 for the post without the file
        too gives up on the channel)."""
        try:
            return await self._send_layout(post, file)
        except discord.HTTPException as error:
            if file is None:
                raise
            if error.status == _PAYLOAD_TOO_LARGE:
                log.info("Job %d: upload refused as too large; posting the link", post.job.id)
            elif isinstance(error, discord.Forbidden) and error.code == _MISSING_PERMISSIONS:
                log.warning(
                    "Job %d: upload refused (%s); posting the link, saying why", post.job.id, error
                )
                post = dataclasses.replace(post, link_reason=LinkReason.FILES_REFUSED)
            else:
                raise
        return await self._send_layout(post, None)

    async def _send_layout(self, post: _Post, file: discord.File | None) -> discord.Message:
        job = post.job
        # A server's buttons act in the server: its result sent by DM (the channel was closed
        # to us) has none. A video made outside servers keeps them: a click in the DM acts
        # as it would where it was asked for, on the member's own allowance.
        server_job_in_dm = (
            isinstance(post.target, discord.User | discord.Member)
            and job.requester.guild_id is not None
        )
        buttons = None
        if self._result_view is not None and not server_job_in_dm:
            buttons = self._result_view(job)
        layout = result_message(
            job,
            now=post.now,
            channel_failed=post.channel_failed,
            channel_unsure=post.channel_unsure,
            attached=file is not None,
            unreachable=post.unreachable,
            link_reason=post.link_reason,
            buttons=buttons,
            cdn_origins=self.cdn_origins,
        )
        # With the layout flag there is no `content`: the mention is in a text display, and
        # allowed mentions still let it ping the requester only.
        return await post.target.send(
            view=layout,
            files=[file] if file is not None else [],
            **self._common(post),
        )

    async def _post_plain(self, post: _Post, video: IO[bytes] | None) -> discord.Message:
        """The plainest result (text and a bare card, no layout, no buttons): Discord refused
        the layout, and the member must still hear. With the video when it was fetched (it
        fits: it is not "too large to upload here"); refused again, with its link."""
        if video is not None:
            video.seek(0)  # the refused post read it through
            # No gallery here to hide it: the file itself is the spoiler (`SPOILER_` name).
            file = discord.File(
                cast(io.BufferedIOBase, video),
                filename=VIDEO_FILENAME,
                spoiler=made_from_spoiler(post.job),
            )
            try:
                return await self._send_plain(post, file)
            except discord.HTTPException as error:
                if (
                    error.status not in (_BAD_REQUEST, _PAYLOAD_TOO_LARGE)
                    or closed_to_the_bot(error)
                    or cannot_reply(error)
                ):
                    raise
                log.error("Job %d: Discord refused the plain upload too (%s)", post.job.id, error)
                if error.status == _BAD_REQUEST:
                    post = dataclasses.replace(post, link_reason=LinkReason.NOT_ATTACHED)
        return await self._send_plain(post, None)

    async def _send_plain(self, post: _Post, file: discord.File | None) -> discord.Message:
        content = result_content(
            post.job,
            now=post.now,
            attached=file is not None,
            unreachable=post.unreachable,
            channel_failed=post.channel_failed,
            channel_unsure=post.channel_unsure,
            link_reason=post.link_reason,
        )
        return await post.target.send(
            content,
            embed=plain_embed(post.job, now=post.now),
            files=[file] if file is not None else [],
            **self._common(post),
        )

    @staticmethod
    def _common(post: _Post) -> dict[str, Any]:
        """What every result post carries: the reply, who may be pinged, the nonce."""
        optional: dict[str, Any] = {}
        if post.reference is not None:
            optional["reference"] = post.reference
        return {
            "allowed_mentions": mentions_only(post.job.requester.user_id),
            "nonce": result_nonce(post.job),
            **optional,
        }

    async def _upload_limit(self, target: Messageable) -> int:
        """What Discord accepts in the target's server (more in a boosted one), else its base.

        A server this process has not seen on the gateway yet (right after a start, whose
        first deliveries come before the servers do) or not at all (on another process's
        shard) is read over REST, once a while: its channel alone says nothing of its boosts.
        Nor does the stub READY leaves in the cache until the server's GUILD_CREATE (an
        unavailable server, at boost level 0 whatever its boosts). A read that fails assumes
        the largest limit, and leaves a video too large there to Discord's 413.
        """
        guild = getattr(target, "guild", None)
        if not isinstance(guild, discord.Guild):
            return discord.utils.DEFAULT_FILE_SIZE_LIMIT_BYTES
        cached = self._client.get_guild(guild.id)
        if cached is not None and not cached.unavailable:
            return cached.filesize_limit
        known = self._server_limits.get(guild.id)
        now = self._clock()
        if known is not None and now < known[1]:
            return known[0]
        try:
            limit = (await self._client.fetch_guild(guild.id, with_counts=False)).filesize_limit
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            # Not kept: the next delivery there reads it again. The post itself says if the
            # server is gone.
            log.info(
                "Server %d: upload limit not read (%s); trying the largest upload", guild.id, error
            )
            return _LARGEST_SERVER_UPLOAD
        self._server_limits[guild.id] = (limit, now + SERVER_LIMIT_KEPT)
        return limit

    async def _download(self, url: str, limit: int) -> IO[bytes]:
        """The whole video in a spooled temporary file (memory, then disk), checked.

        Raises `TooLarge` when it is over `limit` (known from Content-Length before reading, when
        given), `DownloadFailed` for an error status, a body that is not a video, a body cut
        short or any other failure, and `Refused` for a link the guard will not fetch.
        """
        try:
            # APIMart names the link, so it is fetched like a member's: public addresses only
            # (and APIMart's own origin), no Authorization header, redirects checked hop by hop.
            # The time limit is the whole try's, not each hop's: slow redirects add up.
            async with (
                asyncio.timeout(self._download_timeout.total),
                self._downloads.open(url, per_hop=self._download_timeout) as response,
            ):
                if response.status != 200:
                    raise DownloadFailed(f"HTTP {response.status}")
                if not response.content_type.lower().startswith(_VIDEO_TYPES):
                    raise DownloadFailed(f"not a video ({response.content_type})")
                # A compressed body's Content-Length is its packed size: the video read is
                # the unpacked one, so only a plain body's length says when it was cut short.
                encoding = response.headers.get(aiohttp.hdrs.CONTENT_ENCODING, "").lower()
                plain = encoding in ("", "identity")
                expected = response.content_length if plain else None
                if expected is not None and expected > limit:
                    raise TooLarge
                spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
                try:
                    size = 0
                    async for chunk in response.content.iter_chunked(_CHUNK):
                        size += len(chunk)
                        if size > limit:
                            raise TooLarge
                        spool.write(chunk)
                    if size == 0 or (expected is not None and size != expected):
                        raise DownloadFailed(f"body cut short ({size} of {expected} bytes)")
                except BaseException:
                    spool.close()
                    raise
                spool.seek(0)
                return spool
        except (Refused, TooLarge, DownloadFailed):
            raise
        except FetchError as error:
            raise DownloadFailed(str(error)) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DownloadFailed(type(error).__name__) from None
        except Exception as error:
            # Whatever else the download raised (an odd link meeting a library's own error)
            # fails this try like any broken download: the member gets the link in the end,
            # not a delivery that crashes on every try.
            log.exception("Result download failed unexpectedly")
            raise DownloadFailed(type(error).__name__) from None
