"""What every `/videomod` command shares: its subgroups, who acts, and how a change is answered.

Each area's commands are a mixin of `ModerationCommands` in its own module (`cogs._mod_*`); the
cog (`cogs.moderation`) joins them into the one `/videomod` group and re-checks every command.
Mixins, not `app_commands.Group` subclasses: a command's binding stays the cog, so its
`interaction_check` still runs for every one (a Group subclass would be bound to itself).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import Message, msg
from bot.moderation.models import MemberFacts
from bot.moderation.report import member_usage_line
from bot.moderation.store import Actor
from bot.text import REASON_CHARS, quote
from cogs._answers import answer_privately
from cogs._errors import Refusal
from cogs._permissions import asked_for

if TYPE_CHECKING:
    from bot.app import VideoBot

Interaction = discord.Interaction["VideoBot"]
Channel = discord.TextChannel | discord.Thread
# A channel /video may be limited to: a forum too (discord.py models media channels as forums),
# whose posts are threads that follow it, and a voice or stage channel, whose text chat members
# use as any channel's. Not the mod-log: nothing can be posted in a forum.
ListedChannel = (
    discord.TextChannel
    | discord.Thread
    | discord.ForumChannel
    | discord.VoiceChannel
    | discord.StageChannel
)

LIMITS = app_commands.Group(name="limits", description="Videos per member and period")
ROLE = app_commands.Group(name="role", description="Allowances for a role")
MEMBER = app_commands.Group(name="member", description="Allowances for one member")
OPTIONS = app_commands.Group(name="options", description="Resolutions and lengths by role")
CHANNELS = app_commands.Group(name="channels", description="Where videos may be made")
WORDS = app_commands.Group(name="words", description="Words refused in prompts")


async def cannot_post(
    interaction: Interaction, key: str, channel: Channel | ListedChannel, missing: list[str]
) -> None:
    """Refuse a channel the bot could not post in, naming what it lacks there."""
    refusal = msg(key, channel=channel.mention, **asked_for(missing))
    await answer_privately(interaction, refusal)


class NotModerator(Refusal):
    """The member may not moderate; `reason` is what to tell them."""


class ModerationCommands(commands.Cog):
    """The ground every /videomod command stands on (a mixin: the cog is `ModerationCog`).

    A Cog, never loaded alone: discord.py's command decorators want `self` a Cog or a Group."""

    bot: VideoBot

    # The subgroups, here so that discord.py meets them before any command: their order (and
    # the synced payload) stays as it was.
    limits = LIMITS
    role = ROLE
    member = MEMBER
    options = OPTIONS
    channels = CHANNELS
    words = WORDS

    def _actor(self, interaction: Interaction) -> Actor:
        assert interaction.guild_id is not None  # guild_only
        return Actor(interaction.guild_id, interaction.user.id)

    async def _changed(
        self, interaction: Interaction, change: Message | None, unchanged: Message
    ) -> None:
        """Confirm a change (also to the mod-log), or say that nothing changed."""
        if change is None:
            await answer_privately(interaction, unchanged)
            return
        await answer_privately(interaction, change)
        self.bot.moderation.feed.emit(interaction.guild_id, change)

    async def _standing(
        self, interaction: Interaction, member: discord.User, facts: MemberFacts
    ) -> Message:
        """The member's use of their allowance this period (`facts`: theirs), as
        `/videomod usage member:` says."""
        guild_id = self._actor(interaction).guild_id
        credits = await self.bot.moderation.store.credits_of(guild_id, member.id, facts.window)
        return member_usage_line(facts, member.id, credits)

    async def _owner_block(self, member: discord.User) -> Message | None:
        """The operator's block on `member` everywhere, as moderators read it (they cannot lift
        it, and without it every refusal the member meets would be a mystery)."""
        block = await self.bot.moderation.block_of(member.id)
        if block is None:
            return None
        reason = quote(block.reason, REASON_CHARS)
        return msg("mod_member_owner_blocked", member=member.mention, reason=reason)
