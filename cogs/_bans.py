"""Bans from a server (Discord's own), as the bot hears them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from cogs._private import cancel_for_ban

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)


async def banned(bot: VideoBot, guild: discord.Guild, user_id: int) -> None:
    """A member banned from `guild`: the ban is written down first (a request of theirs being
    saved meanwhile commits before it, and one after it is refused), then what they have
    running there stops as a block stops it."""
    await bot.moderation.record_ban(guild.id, user_id)
    me = guild.me
    await cancel_for_ban(bot, guild.id, user_id, me.id if me is not None else 0)
