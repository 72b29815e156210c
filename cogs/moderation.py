"""The /videomod group: moderators set limits and budgets and look after members' jobs.

Discord hides the group from members without Manage Server (`default_permissions`), but
server admins can change that, so every command is re-checked here (`interaction_check`).
The cog stays thin: it joins each area's commands (`cogs._mod_*`, over `cogs._videomod`) into
the one group; they parse options, call `bot.moderation`, and answer privately. Its mod-log
posts are `cogs._modlog`'s; what Discord changes under it is `cogs.server_changes`'.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from bot.i18n import msg
from cogs._errors import acknowledged_check
from cogs._mod_budget import BudgetCommands
from cogs._mod_channels import ChannelCommands
from cogs._mod_jobs import JobCommands
from cogs._mod_limits import LimitCommands
from cogs._mod_members import MemberCommands
from cogs._mod_options import OptionCommands
from cogs._mod_service import ServiceCommands
from cogs._mod_words import WordCommands
from cogs._moderators import is_moderator
from cogs._modlog import ModLogPosts
from cogs._videomod import Interaction, NotModerator

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

# How long mod-log posts still in flight when the cog unloads may take (seconds), then they
# are cut off: one made after the stop's drain gets a moment, not Discord's 429 wait.
LAST_MODLOG_POSTS = 0.5


@app_commands.guild_only()
# Server installs only: a user install carries no server's moderation (issue 17).
@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.default_permissions(manage_guild=True)
class ModerationCog(
    commands.GroupCog,
    # Last to first: discord.py meets the commands of the last base first, and this order
    # keeps the commands' order (and so the synced payload) as it was.
    ServiceCommands,
    JobCommands,
    WordCommands,
    BudgetCommands,
    ChannelCommands,
    OptionCommands,
    MemberCommands,
    LimitCommands,
    group_name="videomod",
    group_description="Moderate video making: limits, blocks, budget and banned words",
):
    """Moderator tools; every command is re-checked in `interaction_check`."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        # Posts the mod-log's events; a channel that refused the bot is left alone a while.
        self._modlog = ModLogPosts(bot)
        super().__init__()

    async def cog_load(self) -> None:
        """Start posting mod-log events."""
        self.bot.moderation.feed.connect(self._modlog.post)

    async def cog_unload(self) -> None:
        """Stop posting mod-log events, after the ones in flight, for a moment at most: the
        stop drained the feed within its grace already, and a post made since (the gateway is
        still up) that Discord holds back must not hold up the stop past `docker stop`."""
        self.bot.moderation.feed.disconnect()
        await self.bot.moderation.feed.drain(grace=LAST_MODLOG_POSTS)

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        """Manage Server or the moderator role, whatever Discord's visibility settings say.

        Acknowledged privately first: the check, and each command after it, reads or writes
        the database."""
        return await acknowledged_check(interaction, lambda: self._may_moderate(interaction))

    async def _may_moderate(self, interaction: Interaction) -> bool:
        if interaction.guild_id is None:
            raise NotModerator(msg("mod_not_allowed"))
        if await is_moderator(self.bot, interaction):
            return True
        log.warning(
            "User %d tried /%s in guild %d without permission",
            interaction.user.id,
            interaction.command.qualified_name if interaction.command else "videomod",
            interaction.guild_id,
        )
        raise NotModerator(msg("mod_not_allowed"))


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(ModerationCog(bot))
