"""Installs the error funnel (`cogs._errors`) as the command tree's error handler."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord.ext import commands

from cogs._errors import on_app_command_error

if TYPE_CHECKING:
    from bot.app import VideoBot


class ErrorFunnel(commands.Cog):
    """Installs the funnel as the command tree's error handler while loaded."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        self._previous = bot.tree.on_error

    async def cog_load(self) -> None:
        """Take over the tree's error handler."""
        self.bot.tree.error(on_app_command_error)

    async def cog_unload(self) -> None:
        """Give it back."""
        self.bot.tree.on_error = self._previous  # type: ignore[method-assign]


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(ErrorFunnel(bot))
