"""Result posts whose APIMart link expired, edited once to say so.

A finished video over the upload limit (or one whose file could not be fetched) is posted as
APIMart's link, which works for about a day (`expires_at`). After that the post would go on
showing a player and a link that lead nowhere, for good: a member scrolling back would find a
dead video with no word why. Every process sweeps every 5 minutes (a round of
`bot.status_sweep`) for such posts whose link has expired and edits each once: it says that the
link expired, and when; the card (prompt, settings, references, the job's marker, its buttons)
stays; the player and the link go. Each post is claimed by one sweep (`LinkMarks.claim_expired`)
and written down once edited, so several processes never edit the same post twice.

Only posts made with the bot's own token (in the job's channel, or the member's DM) are edited:
a post made through a command's interaction can be edited only while its token lasts (15
minutes), long before the link expires. Each is edited in the shape it was posted in (a layout,
or plain text and a card: `Job.result_plain`), so Discord never refuses a layout edit of a plain
post first. A post in a thread archived by then (Discord archives a quiet thread, often before
the link's day is over) is refused (400, 50083): left as it is after that one refusal, as a
deleted post is, and the thread is not reopened for it.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable

import aiohttp
import discord

from bot.discord_pacing import giving_way
from bot.discord_refusals import blocked_by_automod, closed_to_the_bot
from bot.jobs.link_marks import LinkMarks
from bot.jobs.models import DM_TARGET, Job
from bot.media_refresh import DISCORD_CDN_ORIGINS
from bot.result_layout import Row
from bot.result_text import lapsed_embed, lapsed_headline, lapsed_message, mentions_only

log = logging.getLogger(__name__)

# A link that expired longer ago than this is left as its post says it (a bot down for more
# than a week, or posts from before this sweep): the first sweep after an upgrade edits a
# week's posts at the most, not every one the bot ever made.
LOOK_BACK = 7 * 86_400.0
# A post a sweep took is not taken again for this long: the time its edit may take (Discord
# holding it back), and the wait before one that failed (Discord down, or the sweeping process
# gone) is tried again.
HOLD = 600.0
# Discord's answer to an invalid message (a layout edit of a post made plain, when the post's
# shape was not kept).
_BAD_REQUEST = 400
_BATCH = 50


class _Edit(enum.Enum):
    """How one post's edit went."""

    MADE = "made"
    LEFT = "left"  # deleted, shut to the bot, or refused for good: never tried again
    FAILED = "failed"  # Discord or the network failed it for now: a later sweep tries again


class ExpiredLinkPosts:
    """Edits each result post whose APIMart link expired to say so, once; runs in every
    process (each post's edit is claimed by one)."""

    def __init__(
        self,
        client: discord.Client,
        marks: LinkMarks,
        *,
        clock: Callable[[], float] = time.time,
        result_view: Callable[[Job], Row | None] | None = None,
        cdn_origins: frozenset[str] = DISCORD_CDN_ORIGINS,
        look_back: float = LOOK_BACK,
    ) -> None:
        self._client = client
        self._marks = marks
        self._clock = clock
        # The result's buttons (`cogs.results`, while it is loaded): kept on the edited card.
        self._result_view = result_view
        self._cdn_origins = cdn_origins
        self._look_back = look_back

    async def sweep_once(self) -> int:
        """Edit every post whose link expired and that does not say so yet; how many were
        tried. Each is tried at most once a `HOLD`: one whose edit failed waits for a later
        sweep."""
        tried = 0
        while True:
            jobs = await self._marks.claim_expired(
                look_back=self._look_back, limit=_BATCH, hold=HOLD
            )
            for job in jobs:
                try:
                    edited = await self._edit(job)
                    if edited is not _Edit.FAILED:
                        await self._marks.noted(job.id)
                except Exception:
                    # Its hold lapses: a later sweep tries it again.
                    log.exception("Job %d: the edit saying its link expired failed", job.id)
            tried += len(jobs)
            if len(jobs) < _BATCH:
                return tried

    async def _edit(self, job: Job) -> _Edit:
        """Edit the job's post to say its link expired, in the shape it was posted in: a
        layout, or plain text and a card (Discord refused its layout then). A post from before
        its shape was kept is tried as a layout first, then plain once Discord refuses that."""
        assert job.delivery_message_id is not None
        mentions = mentions_only(job.requester.user_id)
        try:
            # The members' videos and announcements go first: this can wait.
            with giving_way():
                channel = await self._channel(job)
                post = channel.get_partial_message(job.delivery_message_id)
                if job.result_plain:
                    await self._edit_plain(job, post, mentions)
                else:
                    await self._edit_layout(job, post, mentions)
        except discord.HTTPException as error:
            if closed_to_the_bot(error):
                # Deleted, or its channel gone or shut to the bot: nothing to put right there,
                # and a refusal asked again counts toward Discord's ban of invalid requests.
                log.info("Job %d: its link post can no longer be edited (%s)", job.id, error)
                return _Edit.LEFT
            if blocked_by_automod(error):
                # Without the prompt too (a word of ours): the same edit would be refused again.
                log.warning(
                    "Job %d: the server's AutoMod blocks the edit saying its link expired",
                    job.id,
                )
                return _Edit.LEFT
            if error.status == _BAD_REQUEST:
                # Refused as invalid in the post's shape (both ways, for a post whose shape
                # was not kept): the same edit would be refused again.
                log.error(
                    "Job %d: Discord refused the edit saying its link expired (%s)", job.id, error
                )
                return _Edit.LEFT
            log.warning(
                "Job %d: the edit saying its link expired failed (%s); later", job.id, error
            )
            return _Edit.FAILED
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning(
                "Job %d: the edit saying its link expired failed (%r); later", job.id, error
            )
            return _Edit.FAILED
        log.info("Job %d: its post now says its link expired", job.id)
        return _Edit.MADE

    async def _edit_layout(
        self, job: Job, post: discord.PartialMessage, mentions: discord.AllowedMentions
    ) -> None:
        """The layout's edit: the card says the link expired; the player and the link go. A
        post whose shape was not kept (made before it was) is edited plain once Discord
        refuses the layout: it was posted plain."""
        layout = lapsed_message(
            job, now=self._clock(), buttons=self._buttons(job), cdn_origins=self._cdn_origins
        )
        try:
            await post.edit(view=layout, allowed_mentions=mentions)
        except discord.HTTPException as error:
            if blocked_by_automod(error):
                # The server's AutoMod blocks a word of the prompt the card quotes (most likely;
                # the post may have been made without it for that reason): edited without it.
                log.info("Job %d: its link post is edited without the prompt (AutoMod)", job.id)
                hidden = lapsed_message(
                    job,
                    now=self._clock(),
                    buttons=self._buttons(job),
                    cdn_origins=self._cdn_origins,
                    prompt_hidden=True,
                )
                await post.edit(view=hidden, allowed_mentions=mentions)
                return
            known = job.result_plain is not None
            if known or error.status != _BAD_REQUEST or closed_to_the_bot(error):
                raise
            log.info("Job %d: its link post is plain (%s); edited plain", job.id, error)
            await self._edit_plain(job, post, mentions)

    @staticmethod
    async def _edit_plain(
        job: Job, post: discord.PartialMessage, mentions: discord.AllowedMentions
    ) -> None:
        """The plain post's edit: its text and card say the link expired, with no link left."""
        await post.edit(
            content=lapsed_headline(job),
            embed=lapsed_embed(job),
            view=None,
            allowed_mentions=mentions,
        )

    async def _channel(self, job: Job) -> discord.PartialMessageable | discord.DMChannel:
        """Where its post is: the job's channel, or the member's DM (the channel refused it)."""
        if job.delivery_target == DM_TARGET:
            return await self._client.create_dm(discord.Object(job.requester.user_id))
        return self._client.get_partial_messageable(job.requester.channel_id)

    def _buttons(self, job: Job) -> Row | None:
        """The buttons its post was made with: none on a server's video sent by DM."""
        if self._result_view is None:
            return None
        if job.delivery_target == DM_TARGET and job.requester.guild_id is not None:
            return None
        return self._result_view(job)
