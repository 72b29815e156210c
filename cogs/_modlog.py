"""The mod-log: events posted in each server's mod-log channel, in the server's language.

A channel that refused the bot for good is left alone a while (every refused request counts
toward Discord's ban of invalid requests).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.discord_refusals import closed_to_the_bot
from bot.expiring import keep_until
from bot.i18n import Message
from bot.text import MESSAGE_CONTENT, NO_MENTIONS, fit

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

# How long a mod-log channel that refused the bot for good is left alone (seconds).
MODLOG_REFUSED_FOR = 3600.0
# How long a server's language read over REST is used (seconds): it changes rarely.
SERVER_LOCALE_KEPT = 3600.0


class ModLogPosts:
    """Posts the moderation feed's events in the servers' mod-log channels."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        # Per server, the mod-log channel that refused a post for good (deleted, or the bot's
        # access taken away) and until when it is left alone: every refused request counts
        # toward Discord's ban of invalid requests. Setting the mod-log again ends it here; other
        # processes try again after `MODLOG_REFUSED_FOR`.
        self.refused_modlogs: dict[int, tuple[int, float]] = {}
        # The language of servers read over REST, and until when it is used.
        self._server_locales: dict[int, tuple[str, float]] = {}

    async def post(self, guild_id: int | None, message: Message, skip: int | None) -> None:
        """Post an event in the mod-log channel of one server, or of every server but `skip`."""
        store = self.bot.moderation.store
        if guild_id is None:
            targets = [t for t in await store.modlog_channels() if t[0] != skip]
        else:
            channel_id = (await store.policy(guild_id)).modlog_channel_id
            targets = [(guild_id, channel_id)] if channel_id is not None else []
        for target_guild, channel_id in targets:
            await self.post_in(target_guild, channel_id, message)

    async def post_in(self, guild_id: int, channel_id: int, message: Message) -> None:
        """Post one event in one mod-log channel, in the server's language."""
        refused = self.refused_modlogs.get(guild_id)
        if refused is not None and refused[0] == channel_id and self.bot.clock() < refused[1]:
            log.info(
                "Mod-log channel %d of guild %d refuses the bot: not posted", channel_id, guild_id
            )
            return
        channel = self.bot.get_partial_messageable(channel_id, guild_id=guild_id)
        try:
            locale = await self._server_locale(guild_id)
            text = fit(message.render(locale), MESSAGE_CONTENT)
            await channel.send(text, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            for_good = closed_to_the_bot(error)
            if for_good:
                now = self.bot.clock()
                keep_until(
                    self.refused_modlogs, guild_id, channel_id, now + MODLOG_REFUSED_FOR, now
                )
            log.warning(
                "Could not post to the mod-log channel %d of guild %d (%s)%s",
                channel_id,
                guild_id,
                error,
                "; not posting there for an hour, or until a moderator sets the mod-log again"
                if for_good
                else "",
            )
        except (aiohttp.ClientError, TimeoutError) as error:
            # One server's miss: an alert for every server goes on to the next.
            log.warning(
                "Could not reach Discord to post to the mod-log channel %d of guild %d (%s)",
                channel_id,
                guild_id,
                type(error).__name__,
            )

    async def _server_locale(self, guild_id: int) -> str:
        """The server's language. One this process has not seen on the gateway (on another
        process's shard, or not yet) is read over REST, once a while: an alert raised here (a
        402, the balance) is for every server. Raises what says the server is gone."""
        guild = self.bot.get_guild(guild_id)
        if guild is not None and not guild.unavailable:
            return str(guild.preferred_locale)
        known = self._server_locales.get(guild_id)
        now = self.bot.clock()
        if known is not None and now < known[1]:
            return known[0]
        try:
            fetched = await self.bot.fetch_guild(guild_id, with_counts=False)
        except discord.HTTPException as error:
            if closed_to_the_bot(error):
                raise  # the bot left it: its mod-log refuses the post too
            log.info("Guild %d: language not read (%s); posting in English", guild_id, error)
            return "en-US"
        except (aiohttp.ClientError, TimeoutError) as error:
            log.info("Guild %d: language not read (%r); posting in English", guild_id, error)
            return "en-US"
        locale = str(fetched.preferred_locale)
        keep_until(self._server_locales, guild_id, locale, now + SERVER_LOCALE_KEPT, now)
        return locale
