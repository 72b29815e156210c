"""Bans from a server (Discord's own), heard as they happen or looked up after the bot was down."""

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


async def bans_missed(bot: VideoBot, shard_id: int) -> None:
    """Bans made while the bot was down (no GUILD_BAN_ADD reached it), in the servers of
    `shard_id`, of the members with videos still to come there: each found is caught up as if
    heard.

    Discord shows a server's bans only to Ban Members: without it (the bot needs it for
    nothing else, so it is not asked for) the bot cannot tell, and says so in the log."""
    for guild_id, members in (await bot.store.members_with_unfinished()).items():
        guild = bot.get_guild(guild_id)
        if guild is None or guild.shard_id != shard_id or guild.unavailable:
            continue  # gone (caught up as a removal), another shard's, or in an outage
        me = guild.me
        if me is None or not me.guild_permissions.ban_members:
            log.info(
                "Guild %d: without Ban Members, a ban made while the bot was down is not"
                " seen; videos of %d member(s) there go on",
                guild_id,
                len(members),
            )
            continue
        await _look_up(bot, guild, members)


async def _look_up(bot: VideoBot, guild: discord.Guild, members: list[int]) -> None:
    """Catch up the bans of `members` in `guild` (one request each)."""
    for user_id in members:
        try:
            await guild.fetch_ban(discord.Object(user_id))
        except discord.NotFound:
            continue  # not banned
        except discord.HTTPException as error:
            # The permission taken away meanwhile, or Discord failing: the next start retries.
            log.warning("Guild %d: could not read its bans (%s)", guild.id, error)
            return
        log.info("Guild %d: user %d was banned while the bot was down", guild.id, user_id)
        await banned(bot, guild, user_id)
