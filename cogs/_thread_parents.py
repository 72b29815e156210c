"""The channel of a thread whose server Discord has not sent yet, read from Discord once.

Until Discord sends a server (seconds after a start or reconnect) the bot holds none of its
threads, and a message carries no channel data: a thread's channel, which a server's list of
channels is checked against, is read on demand and kept (a thread never moves).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import aiohttp
import discord

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

# Threads whose channel was read from Discord, kept (read only while a server is not loaded).
THREAD_PARENTS_KEPT = 1000


class ThreadParents:
    """The channels of threads read from Discord, by thread id, oldest first."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        # The channel of each thread read from Discord (`learn`): a thread never moves, so
        # what was read stays true.
        self._thread_parents: dict[int, int] = {}

    def get(self, channel_id: int) -> int | None:
        """The channel of thread `channel_id`, if it was read from Discord."""
        return self._thread_parents.get(channel_id)

    async def learn(self, message: discord.Message) -> None:
        """Read from Discord the channel of a thread the bot does not hold, in a server that
        lists channels: until Discord sends the server (seconds after a start or reconnect,
        never during an outage there) a thread's channel is unknown, and a thread of a listed
        channel would be refused as not listed. A message carries no channel data (an
        interaction does). Not read: what is cached, listed itself, or already read."""
        channel = message.channel
        if (
            not isinstance(channel, discord.PartialMessageable)
            or channel.guild_id is None
            or channel.id in self._thread_parents
        ):
            return
        listed = await self.bot.moderation.store.channels(channel.guild_id)
        if not listed or channel.id in listed:
            return
        try:
            fetched = await self.bot.fetch_channel(channel.id)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            # Refused as not listed, as before: the member may ask again a moment later.
            log.info("Channel %d: its parent not read (%r)", channel.id, error)
            return
        if isinstance(fetched, discord.Thread):
            if len(self._thread_parents) >= THREAD_PARENTS_KEPT:
                del self._thread_parents[next(iter(self._thread_parents))]  # the oldest
            self._thread_parents[channel.id] = fetched.parent_id
