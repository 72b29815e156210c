"""A posted result deleted from the channel: its status message stops pointing at it. A deleted
status message is marked so: never edited again, nor linked to by `/videos status`. A deleted
channel or thread deletes every job message in it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)


class DeletedResultsCog(commands.Cog):
    """Keeps status messages true after a result is deleted (by its button or by hand), and
    marks status messages deleted (by hand, or in a purge)."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_raw_message_delete(self, event: discord.RawMessageDeleteEvent) -> None:
        """Raw: the deleted result is rarely still in discord.py's message cache. In a server
        or a DM (a video made there, or sent there when its channel refused it)."""
        await self._forget(event.channel_id, {event.message_id})

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, event: discord.RawBulkMessageDeleteEvent) -> None:
        """A purge (a moderation bot, a ban that deletes the member's recent messages)."""
        await self._forget(event.channel_id, event.message_ids)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        """A channel deleted takes its messages with it, with no delete event for each: its
        results and status messages are deleted as surely as by hand."""
        await self._forget_channel(channel.guild.id, channel.id)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        """A thread deleted (alone, or with its channel): the same. Raw: an archived thread is
        not in the cache."""
        await self._forget_channel(payload.guild_id, payload.thread_id)

    async def _forget_channel(self, guild_id: int, channel_id: int) -> None:
        for job in await self.bot.store.forget_deleted_channel(guild_id, channel_id):
            # Its status message went with the channel: nothing left to edit, nor to link to.
            log.info("Job %d's messages went with deleted channel %d", job.id, channel_id)
            self.bot.status_messages.deleted(job.id)

    async def _forget(self, channel_id: int, message_ids: set[int]) -> None:
        for job in await self.bot.store.forget_deleted_messages(channel_id, message_ids):
            if job.status_message_id in message_ids:
                # Nothing left to edit (its result too, if deleted with it). The job goes on:
                # it is not announced again (its message id is kept), and its status is not
                # shown anywhere but `/videos status`.
                log.info("Job %d's status message was deleted", job.id)
                self.bot.status_messages.deleted(job.id)
                continue
            log.info("Job %d's result message was deleted", job.id)
            await self.bot.status_messages.update(job, final=True)


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(DeletedResultsCog(bot))
