"""Which channels a moderator may read, as Discord decides it: a moderator's view of other
members' videos (`/videomod jobs`, `usage member:`) quotes a prompt only from a channel its
reader could open, so it never reads out a staff-only channel or a private thread to someone
Discord keeps out of it.

The server's owner and administrators may read every channel. A channel (or thread) deleted
since reads as readable: no one can open it any more, so there is no audience left to keep its
words from, and a channel deleted to hide what was asked there must not hide it from the
moderators. A channel whose access cannot be read (Discord refuses the bot, or does not answer)
reads as unreadable: the prompt is withheld, never guessed at.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import aiohttp
import discord

from cogs._hierarchy import guild_with_roles

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction["VideoBot"]
# The failures of a read from Discord that leave a channel's access unknown (InvalidData: a
# channel of a kind this discord.py cannot build, such as a Student Hub's directory).
_UNREAD = (discord.HTTPException, discord.InvalidData, aiohttp.ClientError, TimeoutError)


async def unreadable_channels(
    bot: VideoBot, interaction: Interaction, channel_ids: Iterable[int]
) -> frozenset[int]:
    """The channels (or threads) among `channel_ids` that the member who used `interaction`
    may not read in Discord."""
    wanted = frozenset(channel_ids)
    if not wanted or interaction.permissions.administrator:
        return frozenset()
    member = interaction.user
    if interaction.guild_id is None or not isinstance(member, discord.Member):
        return wanted
    try:
        guild = await guild_with_roles(bot, interaction.guild_id)
        # A server read over REST (not on this process's gateway) comes without its channels.
        channels = {c.id: c for c in guild.channels or await guild.fetch_channels()}
    except _UNREAD as error:
        log.info("Guild %d: channels not read (%r); prompts withheld", interaction.guild_id, error)
        return wanted
    if member.id == guild.owner_id:
        return frozenset()
    return frozenset(
        [c for c in sorted(wanted) if not await _may_read(bot, guild, channels, member, c)]
    )


async def _may_read(
    bot: VideoBot,
    guild: discord.Guild,
    channels: Mapping[int, discord.abc.GuildChannel],
    member: discord.Member,
    channel_id: int,
) -> bool:
    """Whether `member` may read channel or thread `channel_id` of `guild` (`channels`: its
    channels by id)."""
    channel: object = channels.get(channel_id) or guild.get_thread(channel_id)
    if channel is None:
        # A thread out of the cache (archived), or a channel deleted since.
        try:
            channel = await bot.fetch_channel(channel_id)
        except discord.NotFound:
            return True  # deleted: see the module's docstring
        except _UNREAD as error:
            log.info("Channel %d: access not read (%r); prompt withheld", channel_id, error)
            return False
    if isinstance(channel, discord.Thread):
        return await _may_read_thread(channels, member, channel)
    if isinstance(channel, discord.abc.GuildChannel):
        return _reads(channel.permissions_for(member))
    return False


async def _may_read_thread(
    channels: Mapping[int, discord.abc.GuildChannel], member: discord.Member, thread: discord.Thread
) -> bool:
    """A thread is read through its channel; a private one only by those added to it, or
    allowed to manage its channel's threads."""
    parent = channels.get(thread.parent_id)
    if parent is None:
        return False  # a thread that exists has its channel: this one was not read
    allowed = parent.permissions_for(member)
    if not _reads(allowed):
        return False
    if thread.type is not discord.ChannelType.private_thread or allowed.manage_threads:
        return True
    try:
        await thread.fetch_member(member.id)
    except discord.NotFound:
        return False  # not added to it
    except _UNREAD as error:
        log.info("Thread %d: membership not read (%r); prompt withheld", thread.id, error)
        return False
    return True


def _reads(allowed: discord.Permissions) -> bool:
    """Whether these permissions let one open the channel and read what was said before."""
    return allowed.view_channel and allowed.read_message_history
