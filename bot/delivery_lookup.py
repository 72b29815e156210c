"""Finding the post an earlier, interrupted attempt made (part of `bot.delivery`), so a result
is posted exactly once; and deleting a video a block withheld that such an attempt posted."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

import aiohttp
import discord

from bot.delivery_outcome import Messageable, _Retry, _withdrawal
from bot.i18n import t
from bot.jobs.models import DM_TARGET, Job, JobState
from bot.result_layout import components_of, marker_line, text_displays
from bot.result_text import job_footer
from bot.text import EMBED_TITLE, fit

# The name its lines had before bot/delivery.py was split (operators' filters know it).
log = logging.getLogger("bot.delivery")

# Discord's clock and ours, as the last answer told it, may differ a little more: look this much
# earlier for an earlier post.
_CLOCK_SKEW = datetime.timedelta(minutes=2)
# Discord answers a post repeating a nonce it saw in "the past few minutes" with that first post
# (`result_nonce`): an attempt begun less than this long ago is safely posted again unseen.
NONCE_REMEMBERED = 120.0


class _CannotLook(Exception):
    """Discord refuses to show the channel (access lost, or it is gone), or hides its history
    (Read Message History taken: every read answers nothing): no post of ours can be found
    there."""


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


class _Lookup:
    """`Delivery`'s look for an earlier attempt's post."""

    _client: discord.Client
    _clock: Callable[[], float]
    _to_discord: Callable[[float], float]

    def _nonce_remembered(self, job: Job) -> bool:
        """Whether Discord still remembers the nonce of the attempt begun last (and of any
        post it made: not before it began)."""
        started = job.delivery_started_at
        return started is not None and self._clock() - started < NONCE_REMEMBERED

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
