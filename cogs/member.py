"""The members' `/videos` group: help, and (from other features) quota, history, status."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import msg
from cogs.video import answer_privately

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)


class MemberCog(commands.GroupCog, group_name="videos", group_description="Your videos"):
    """Commands about a member's own videos; `/video` itself stays the create command."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="help", description="How to make a video")
    @app_commands.guild_only()
    async def help(self, interaction: discord.Interaction[VideoBot]) -> None:
        """Explain the options in a few lines."""
        await answer_privately(interaction, msg("help_text"))


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(MemberCog(bot))
