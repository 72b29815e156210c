"""What changes in a server under moderation, heard from Discord: the bot removed from a server,
a member banned or unbanned, a listed channel, thread or a role with an allowance deleted; and,
when a shard is ready, what was missed while the bot was down (removals, bans).

Each is caught up in the store and told in the mod-log (`bot.moderation.feed`), as a
moderator's change would be.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import aiohttp
import discord
from discord.ext import commands

from bot.moderation.store import Actor
from cogs._bans import banned, bans_missed

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

# How many listed channels the bot does not hold (archived threads, most likely) are read over
# REST after a channel's delete, to find the threads that went with it (see
# `ServerChangesCog._forget_gone_threads`).
UNSEEN_LISTED_CHECKED = 10


class ServerChangesCog(commands.Cog):
    """Discord's events that change what moderation holds, caught up and told in the mod-log."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        # Per server, the one look for threads gone with a deleted channel that runs, and
        # whether another waits: a burst of deletes makes two looks, not one per delete.
        self._thread_looks: dict[int, asyncio.Lock] = {}
        self._thread_look_waiting: set[int] = set()
        super().__init__()

    @commands.Cog.listener()
    async def on_guild_role_delete(self, role: discord.Role) -> None:
        """A role deleted in Discord takes its own allowance with it: `limits show` would list
        it for good, and `role clear` cannot pick it any more. Told in the mod-log."""
        me = role.guild.me
        actor = Actor(role.guild.id, me.id if me is not None else 0)
        change = await self.bot.moderation.store.forget_deleted_role(actor, role.id, role.name)
        if change is not None:
            self.bot.moderation.feed.emit(role.guild.id, change)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """The server removed the bot (kicked or banned it) or was deleted: its videos still
        waiting to be sent (in its line, or held while APIMart is busy) are never sent, so
        nothing is spent there any more; each member is told, by DM since the channel is shut,
        that it doesn't count. Videos APIMart already has go on: billed, they come by DM. (Not
        an outage: Discord sends that as the server unavailable.) No status there is edited
        by a sweep any more."""
        await self._removed_from(guild.id, while_away=False)

    @commands.Cog.listener()
    async def on_shard_ready(self, shard_id: int) -> None:
        """A shard's server list is complete (READY, then its servers streamed in): a server
        of this shard with videos waiting that is not in it removed the bot while the bot was
        down (a restart, a deploy), when no GUILD_DELETE could reach it; it is caught up as
        `on_guild_remove` would have (so is one with statuses owed their last edit). A server
        in an outage is listed in READY, unavailable
        (discord.py keeps it): it is left alone. Only this shard's servers are judged: another
        process's never appear here (`docs/scaling.md`). So are bans made meanwhile, where the
        bot may read bans or the audit log (`cogs._bans.bans_missed`). Until every shard of
        this process was judged, the engine sends no video waiting in a server, and no process
        posts a video made in a server (`bot.moderation.bans`)."""
        bot = self.bot
        if not bot.intents.guilds:
            await bot.shard_checked(shard_id)
            return  # no server would be known: every one would look gone
        try:
            await self._catch_up(shard_id)
        except Exception:
            if not bot.closing:
                # Nothing will catch up the bans until the next start: held videos would only
                # wait out the mark's cap, in every process.
                await bot.ban_catch_up_failed()
                raise
            # A stop closes the database under it: the next start catches up again.
            log.info(
                "Shard %d: the catch-up of removals and bans was cut short by the stop", shard_id
            )
            return
        # Only now may the engine send this shard's servers' videos (`VideoBot.shard_checked`):
        # one due at the start would otherwise be sent before its server was judged. (Not if
        # this failed: the engine's cap on that wait sends them.)
        await bot.shard_checked(shard_id)

    async def _catch_up(self, shard_id: int) -> None:
        """The removals and bans of this shard's servers the bot missed while it was down."""
        bot = self.bot
        shard_count = bot.shard_count or 1
        judged = {
            *await bot.store.guilds_with_waiting_jobs(),
            *await bot.status_marks.guilds_with_unshown_last_statuses(),
        }
        for guild_id in sorted(judged):
            if (guild_id >> 22) % shard_count != shard_id:
                continue  # another shard's, maybe another process's
            if bot.get_guild(guild_id) is None:
                await self._removed_from(guild_id, while_away=True)
        await bans_missed(bot, shard_id)

    async def _removed_from(self, guild_id: int, *, while_away: bool) -> None:
        """Cancel a server's videos waiting to be sent, and give up its statuses' last edits
        still owed: the bot is no longer in it (each edit would be refused, a refusal Discord
        counts toward banning the bot)."""
        given_up = await self.bot.status_marks.bot_removed_from(guild_id, now=self.bot.clock())
        if given_up:
            log.info(
                "Removed from guild %d: the last status edits of %d jobs there are given up",
                guild_id,
                given_up,
            )
        cancelled = await self.bot.store.cancel_waiting_in(
            guild_id, reason_key="cancelled_bot_removed", now=self.bot.clock()
        )
        if cancelled:
            log.warning(
                "Removed from guild %d%s: its jobs %s, not sent yet, are cancelled",
                guild_id,
                " while the bot was down" if while_away else "",
                cancelled,
            )
            self.bot.poller.wake()  # their notices

    @commands.Cog.listener()
    async def on_member_ban(
        self, guild: discord.Guild, user: discord.User | discord.Member
    ) -> None:
        """A member banned from the server: their videos there still to come stop, as a block
        stops them, so an abusive prompt's video is not posted after the ban; the mod-log says
        which. Heard with the moderation intent, which is not privileged and on by default,
        where the bot has View Audit Log (the invite asks for it) or Ban Members: Discord sends
        it to no other bot (`/videomod limits show` says so where it lacks both). No block is
        set: unbanned, they make videos as before. (A member who leaves or is kicked keeps
        theirs: the bot does not ask for the members intent, so it never hears of it.)"""
        await banned(self.bot, guild, user.id)

    @commands.Cog.listener()
    async def on_member_unban(self, guild: discord.Guild, user: discord.User) -> None:
        """The ban is lifted: the member's requests there are judged as before."""
        await self.bot.moderation.lift_ban(guild.id, user.id)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        """A listed channel deleted in Discord is unlisted: `channels remove` cannot pick it
        any more, and, the only one listed, it would leave /video working nowhere. Told in the
        mod-log. (Its threads the bot holds come as thread deletes, `on_raw_thread_delete`;
        its archived ones are looked for, `_forget_gone_threads`.)"""
        await self._forget_deleted_channel(channel.guild, channel.id, channel.name)
        if isinstance(channel, discord.TextChannel | discord.ForumChannel):
            await self._forget_gone_threads(channel.guild)

    async def _forget_gone_threads(self, guild: discord.Guild) -> None:
        """Unlist the listed threads that went with a deleted channel without a word: Discord
        sends no THREAD_DELETE for them, and discord.py makes one up only for the threads it
        holds, not archived ones. Which channel a listed thread belongs to is not stored, so
        each listed one the bot does not hold is read (a few at most); one Discord does not
        know (404) is gone. Left listed, /video would work nowhere once it is the only one."""
        if guild.id in self._thread_look_waiting:
            return  # the look that waits starts after this delete: it sees it
        self._thread_look_waiting.add(guild.id)
        look = self._thread_looks.setdefault(guild.id, asyncio.Lock())
        waiting = True
        try:
            async with look:
                self._thread_look_waiting.discard(guild.id)
                waiting = False
                listed = await self.bot.moderation.store.channels(guild.id)
                unseen = [c for c in listed if guild.get_channel_or_thread(c) is None]
                for channel_id in unseen[:UNSEEN_LISTED_CHECKED]:
                    try:
                        await self.bot.fetch_channel(channel_id)
                    except discord.NotFound:
                        await self._forget_deleted_channel(guild, channel_id, None)
                    except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
                        # Hidden from the bot (403) is not gone; a failure proves nothing.
                        log.info("Listed channel %d: not read (%r)", channel_id, error)
        finally:
            if waiting:  # cancelled before its turn
                self._thread_look_waiting.discard(guild.id)
            if guild.id not in self._thread_look_waiting and not look.locked():
                self._thread_looks.pop(guild.id, None)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        """A listed thread deleted in Discord, alone or with its channel: unlisted the same
        way. Raw: an archived thread is not in the cache, but may be listed."""
        guild = self.bot.get_guild(payload.guild_id)
        if guild is not None:
            name = payload.thread.name if payload.thread is not None else None
            await self._forget_deleted_channel(guild, payload.thread_id, name)

    async def _forget_deleted_channel(
        self, guild: discord.Guild, channel_id: int, name: str | None
    ) -> None:
        """Unlist a channel or thread deleted in Discord, if it was listed, and tell the mod-log."""
        me = guild.me
        actor = Actor(guild.id, me.id if me is not None else 0)
        change = await self.bot.moderation.store.forget_deleted_channel(actor, channel_id, name)
        if change is not None:
            self.bot.moderation.feed.emit(guild.id, change)


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(ServerChangesCog(bot))
