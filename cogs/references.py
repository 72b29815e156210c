"""Videos from messages: the "Make a video" menu, replies that mention the bot, and mentions.

All end in the same shared path as /video (`cogs._queue.queue_video`).

A plain mention (not a reply) that starts with the bot's mention is a text-to-video request
from the rest of the message, with the message's own attachments and image links as
references. A mention further into a message ("thanks @Bot") is chatter, not a request, and is
left alone; so is a reply's. One with no real prompt (`is_bare_prompt`: too short to describe a
scene, or only greetings, thanks and reactions such as "thx @Bot 🔥", which replies to a result
are full of) gets a short help reply instead, addressed to the member only and deleted after
a minute so it does not clutter the channel (`cogs._help_notes`). A refused one that the member
edits soon after is read again (`cogs._refusals`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs._make_video import MakeVideoMenu
from cogs._message_requests import MessageRequests

if TYPE_CHECKING:
    from bot.app import VideoBot

MENU_NAME = "Make a video"


class ReferencesCog(commands.Cog):
    """Pictures in the conversation become references: by context menu, or by reply."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(
            name=MENU_NAME,
            callback=self.make_video,
            # Wherever /video can be used, for server installs and user installs (issue 17).
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=True, private_channel=True
            ),
        )
        # The menu's forms, and what each open one saw.
        self._menu_forms = MakeVideoMenu(bot)
        # Mentions and replies read as requests, and what is remembered of them lately.
        self._requests = MessageRequests(bot)

    async def cog_load(self) -> None:
        """Register the context menu (a cog cannot declare one as a method)."""
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        """Remove the context menu."""
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def make_video(
        self, interaction: discord.Interaction[VideoBot], message: discord.Message
    ) -> None:
        """Check the message's media, then ask for the prompt in a form (the first answer)."""
        await self._menu_forms.make_video(interaction, message)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[VideoBot]) -> None:
        """A submitted "Make a video" form, opened before or after a restart."""
        await self._menu_forms.on_interaction(interaction)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A reply that starts with the bot's mention asks for a video from the replied-to
        message; a message that starts with the mention asks for one from its own text. A
        mention further in ("thanks @Bot") is chatter, in a reply too."""
        await self._requests.handle(message, helped_before=False)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """A refused request edited soon after it was sent (a typo in a flag, a forgotten
        prompt) is read again; nothing else that is edited is (see `cogs._refusals`). Raw, so
        an edit counts even once discord.py's message cache has moved on."""
        await self._requests.edited(payload)


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(ReferencesCog(bot))
