"""Whom a moderator may block or give an allowance: as Discord lets them kick or ban.

A moderator by role may act on no one above them: not the server's owner, nor a member whose
highest role is at or above their own. The owner and administrators may act on anyone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.i18n import Message, msg
from cogs._from_discord import role_ids

if TYPE_CHECKING:
    from bot.app import VideoBot

Interaction = discord.Interaction["VideoBot"]


async def outranked(
    bot: VideoBot, interaction: Interaction, member: discord.User
) -> Message | None:
    """Why the moderator who used `interaction` may not act on `member`; None if they may."""
    if interaction.permissions.administrator:
        return None
    assert interaction.guild_id is not None  # guild_only
    guild = await _guild_with_roles(bot, interaction.guild_id)
    if interaction.user.id == guild.owner_id:
        return None
    if member.id == guild.owner_id:
        return msg("mod_outranked_owner", member=member.mention)
    if _top_role(guild, member) >= _top_role(guild, interaction.user):
        return msg("mod_outranked_role", member=member.mention)
    return None


async def _guild_with_roles(bot: VideoBot, guild_id: int) -> discord.Guild:
    """The server with its owner and roles: cached, or read over REST when this process has
    not seen it on the gateway (a failed read refuses the command rather than let it through)."""
    guild = bot.get_guild(guild_id)
    if guild is not None and not guild.unavailable and guild.owner_id is not None:
        return guild
    return await bot.fetch_guild(guild_id, with_counts=False)


def _top_role(guild: discord.Guild, user: discord.abc.User) -> discord.Role:
    """The member's highest role, @everyone for one without (or no longer in the server).

    From the ids Discord sent with the member (`role_ids`), looked up in `guild`."""
    roles = [guild.get_role(role_id) for role_id in role_ids(user)]
    return max((role for role in roles if role is not None), default=guild.default_role)
