"""Who counts as a moderator: Manage Server, or the server's moderator role (checked in code on
every use, whatever Discord's command visibility settings say)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from cogs._from_discord import role_ids

if TYPE_CHECKING:
    from bot.app import VideoBot


async def is_moderator(bot: VideoBot, interaction: discord.Interaction[Any]) -> bool:
    """Whether the member who used `interaction` may moderate videos in its server."""
    if interaction.guild_id is None:
        return False
    if interaction.permissions.manage_guild:
        return True
    role_id = await bot.moderation.moderator_role_id(interaction.guild_id)
    # From the ids Discord sent (`role_ids`): `member.get_role` looks in the cached server,
    # which knows no roles before its GUILD_CREATE.
    return role_id is not None and role_id in role_ids(interaction.user)
