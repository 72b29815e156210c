"""Whom a moderator may act on (block, set or clear the allowance of, unblock, cancel a job of,
delete a video of): as Discord lets them kick or ban; and which roles' allowances and reserved
options they may change: as Discord lets them manage roles.

A moderator by role may act on no one above them: not the server's owner, nor a member whose
highest role is at or above their own, nor a role at or above it (its allowance, or the options
reserved for it, reach every member with it). The owner and administrators may act on anyone
and any role. In a server that added only the bot's commands (no bot member), Discord shows the
bot none of its roles: anyone else is told so, rather than let through unranked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.i18n import Message, msg
from cogs._answers import answer_privately
from cogs._from_discord import role_ids

if TYPE_CHECKING:
    from bot.app import VideoBot

Interaction = discord.Interaction["VideoBot"]


async def outranked(
    bot: VideoBot, interaction: Interaction, member: discord.abc.User | int
) -> Message | None:
    """Why the moderator who used `interaction` may not act on `member`; None if they may.

    `member`: as the command's option gave it (with their roles), or the id of a job's member,
    whose roles are then read from Discord."""
    guild = await _ranking_guild(bot, interaction)
    if not isinstance(guild, discord.Guild):
        return guild
    member_id = member if isinstance(member, int) else member.id
    if member_id == guild.owner_id:
        return msg("mod_outranked_owner", member=f"<@{member_id}>")
    target = await _member_here(guild, member) if isinstance(member, int) else member
    target_top = guild.default_role if target is None else _top_role(guild, target)
    if target_top >= _top_role(guild, interaction.user):
        return msg("mod_outranked_role", member=f"<@{member_id}>")
    return None


async def refused_as_outranked(
    bot: VideoBot, interaction: Interaction, member: discord.abc.User | int
) -> bool:
    """Tell the moderator privately when they may not act on `member` (see `outranked`)."""
    return await _told(interaction, await outranked(bot, interaction, member))


async def role_out_of_reach(
    bot: VideoBot,
    interaction: Interaction,
    role: discord.Role,
    refusal_key: str = "mod_outranked_role_allowance",
) -> Message | None:
    """Why the moderator who used `interaction` may not change `role`'s allowance (or, with
    `refusal_key` saying so, the options reserved for it); None if they may: only a role below
    their highest one (@everyone is below every role)."""
    if role.is_default():
        return None
    guild = await _ranking_guild(bot, interaction)
    if not isinstance(guild, discord.Guild):
        return guild
    top = _top_role(guild, interaction.user)
    if top.is_default() or _rank(role) >= _rank(top):
        return msg(refusal_key, role=role.mention)
    return None


async def refused_role_out_of_reach(
    bot: VideoBot,
    interaction: Interaction,
    role: discord.Role,
    refusal_key: str = "mod_outranked_role_allowance",
) -> bool:
    """Tell the moderator privately when they may not change `role` (see `role_out_of_reach`)."""
    refusal = await role_out_of_reach(bot, interaction, role, refusal_key)
    return await _told(interaction, refusal)


async def _ranking_guild(bot: VideoBot, interaction: Interaction) -> discord.Guild | Message | None:
    """The server to rank the moderator who used `interaction` in; None for its owner or an
    administrator, who may act on anyone and any role; the refusal to tell where Discord shows
    the bot none of its roles (a server that added only its commands: 403 Missing Access)."""
    if interaction.permissions.administrator:
        return None
    assert interaction.guild_id is not None  # guild_only
    try:
        guild = await guild_with_roles(bot, interaction.guild_id)
    except (discord.Forbidden, discord.NotFound):
        return msg("mod_ranks_unreadable")
    return None if interaction.user.id == guild.owner_id else guild


async def _told(interaction: Interaction, refusal: Message | None) -> bool:
    """Whether there was a refusal, told to the moderator privately."""
    if refusal is None:
        return False
    await answer_privately(interaction, refusal)
    return True


async def guild_with_roles(bot: VideoBot, guild_id: int) -> discord.Guild:
    """The server with its owner and roles: cached, or read over REST when this process has
    not seen it on the gateway (a failed read refuses the command rather than let it through)."""
    guild = bot.get_guild(guild_id)
    if guild is not None and not guild.unavailable and guild.owner_id is not None:
        return guild
    return await bot.fetch_guild(guild_id, with_counts=False)


async def _member_here(guild: discord.Guild, user_id: int) -> discord.Member | None:
    """The member with their roles as they are now (no member cache: the bot asks for no
    members intent); None when they left the server (then they have no role)."""
    try:
        return await guild.fetch_member(user_id)
    except discord.NotFound:
        return None


def _top_role(guild: discord.Guild, user: discord.abc.User) -> discord.Role:
    """The member's highest role, @everyone for one without (or no longer in the server).

    From the ids Discord sent with the member (`role_ids`), looked up in `guild`."""
    roles = [guild.get_role(role_id) for role_id in role_ids(user)]
    return max((role for role in roles if role is not None), default=guild.default_role)


def _rank(role: discord.Role) -> tuple[int, int]:
    """Where `role` stands in Discord's order: by position, then the older (smaller id) above.

    Not `Role`'s own comparison: the option's role may belong to a stand-in for a server this
    process has not cached, and discord.py refuses to compare roles of two guild objects."""
    return role.position, -role.id
