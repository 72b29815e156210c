"""The bot's own results as references: APIMart's link to a result video runs out.

A reply or the menu on a result posted as that link is judged by when it stops working (told
at once, before anything is fetched, recorded or sent), and a reply to a result makes a video
of its shape.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import discord

from bot.i18n import Message, msg
from bot.jobs.media import MessageMedia, expiring_soon
from bot.jobs.validation import VideoOptions
from bot.moderation.periods import stamp

if TYPE_CHECKING:
    from bot.app import VideoBot


async def with_result_link(
    bot: VideoBot, message: discord.Message, media: MessageMedia
) -> MessageMedia:
    """`media`, for one of the bot's results, with when APIMart's link to its video stops
    working (APIMart said): a reference made from that link is judged by it."""
    if not is_own(bot, message):
        return media
    job = await bot.store.job_of_result(message.id)
    if job is None or job.result_url is None or job.result_expires_at is None:
        return media
    return dataclasses.replace(media, expiring=((job.result_url, float(job.result_expires_at)),))


def is_own(bot: VideoBot, message: discord.Message) -> bool:
    """Whether the bot posted `message` (one of its results, perhaps)."""
    return bot.user is not None and message.author.id == bot.user.id


def dead_result_link(bot: VideoBot, medias: list[MessageMedia]) -> Message | None:
    """Why nothing can be made from these messages, if one of the bot's results among them
    is APIMart's link and it stops working before the service would fetch it: told
    before anything is fetched, recorded or sent, not failed minutes later."""
    now = bot.clock()
    until = expiring_soon(medias, now + bot.jobs.media_margin)
    if until is None:
        return None
    key = "reference_link_expired" if until <= now else "reference_link_expiring"
    return msg(key, expires=stamp(until, "R"))


async def like_its_result(
    bot: VideoBot, source: discord.Message, options: VideoOptions, replier_id: int
) -> VideoOptions:
    """A reply to one of the bot's results makes a video of its shape, and of its
    resolution when it is the replier's own (another member's 4K may be reserved for a
    role, or cost more than they meant), unless a flag in the reply chooses."""
    job = await bot.store.job_of_result(source.id)
    if job is None:
        return options
    own = job.requester.user_id == replier_id
    return dataclasses.replace(
        options,
        resolution=options.resolution or (job.request.resolution if own else None),
        aspect_ratio=options.aspect_ratio or job.request.aspect_ratio,
    )
