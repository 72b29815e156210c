"""`/videomod channels`: the channels (threads, forums) videos may be made in; every one when
none is listed."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n import msg
from cogs._permissions import missing_permissions
from cogs._videomod import CHANNELS, Interaction, ListedChannel, ModerationCommands, cannot_post

LISTED_CHANNEL_DESCRIPTION = (
    "A channel, voice channel, thread or forum (its threads and posts follow it)"
)


def listed_channel_missing_permissions(channel: ListedChannel) -> list[str]:
    """What the bot lacks to post results in a channel a moderator lists (in a forum's
    posts, which are threads), as catalog keys."""
    permissions = channel.permissions_for(channel.guild.me)
    # Without View Channel it names that one alone. A voice or stage channel's text chat takes
    # posts as a text channel does.
    in_thread = isinstance(channel, discord.Thread | discord.ForumChannel)
    return missing_permissions(permissions, in_thread=in_thread)


class ChannelCommands(ModerationCommands):
    """`/videomod channels add`, `remove` and `all`."""

    @CHANNELS.command(name="add", description="Allow videos in a channel (then only listed ones)")
    @app_commands.describe(channel=LISTED_CHANNEL_DESCRIPTION)
    async def channels_add(self, interaction: Interaction, channel: ListedChannel) -> None:
        """List a channel; once any is listed, /video works only in listed channels.

        Threads follow their channel, so a listed forum allows every post in it. A channel the
        bot cannot post results in is refused: listed, it could leave /video working nowhere.
        """
        missing = listed_channel_missing_permissions(channel)
        if missing:
            await cannot_post(interaction, "mod_channel_cannot_post", channel, missing)
            return
        change = await self.bot.moderation.store.add_channel(
            self._actor(interaction),
            channel.id,
            forum=isinstance(channel, discord.ForumChannel),
        )
        await self._changed(
            interaction, change, msg("mod_channel_already", channel=channel.mention)
        )

    @CHANNELS.command(name="remove", description="Stop allowing videos in a listed channel")
    @app_commands.describe(channel=LISTED_CHANNEL_DESCRIPTION)
    async def channels_remove(self, interaction: Interaction, channel: ListedChannel) -> None:
        """Unlist a channel; with none left, every channel is allowed."""
        change = await self.bot.moderation.store.remove_channel(
            self._actor(interaction), channel.id
        )
        await self._changed(
            interaction, change, msg("mod_channel_not_listed", channel=channel.mention)
        )

    @CHANNELS.command(name="all", description="Allow videos in every channel again")
    async def channels_all(self, interaction: Interaction) -> None:
        """Empty the list."""
        change = await self.bot.moderation.store.clear_channels(self._actor(interaction))
        await self._changed(interaction, change, msg("mod_channels_already_all"))
