"""A posted result deleted from the channel: its status message stops pointing at it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)


class DeletedResultsCog(commands.Cog):
    """Keeps status messages true after a result is deleted (by its button or by hand)."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_raw_message_delete(self, event: discord.RawMessageDeleteEvent) -> None:
        """Raw: the deleted result is rarely still in discord.py's message cache."""
        if event.guild_id is None:
            return
        job = await self.bot.store.forget_deleted_result(
            event.guild_id, event.channel_id, event.message_id
        )
        if job is None:
            return
        log.info("Job %d's result message %d was deleted", job.id, event.message_id)
        await self.bot.status_messages.update(job, final=True)


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(DeletedResultsCog(bot))
