"""`/videomod options`: resolutions and lengths reserved for roles."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.i18n import msg
from bot.moderation.rules import RESERVABLE_OPTIONS, option_label, option_text
from cogs._answers import answer_privately
from cogs._hierarchy import refused_role_out_of_reach
from cogs._videomod import OPTIONS, Interaction, ModerationCommands

Choice = app_commands.Choice
OPTION_CHOICES = [
    Choice(
        name=f"Resolution {option_text(option)}"
        if option.startswith("resolution")
        else f"Duration {option_text(option)}",
        value=option,
    )
    for option in RESERVABLE_OPTIONS
]


class OptionCommands(ModerationCommands):
    """`/videomod options restrict` and `open`."""

    @OPTIONS.command(name="restrict", description="Reserve a resolution or length for a role")
    @app_commands.describe(option="The resolution or length", role="A role that may use it")
    @app_commands.choices(option=OPTION_CHOICES)
    async def options_restrict(
        self, interaction: Interaction, option: str, role: discord.Role
    ) -> None:
        """Once an option has roles, only members with one of them may use it."""
        label = option_label(option)
        if role.is_default():
            # Every member has @everyone: reserved for it, the option would be listed as
            # reserved and restrict no one. Opening it to all is `options open`.
            await answer_privately(interaction, msg("mod_option_everyone", option=label))
            return
        if await self._out_of_reach(interaction, role):
            return
        change = await self.bot.moderation.store.reserve_option(
            self._actor(interaction), option, label, role.id
        )
        unchanged = msg("mod_option_already_reserved", option=label, role=role.mention)
        await self._changed(interaction, change, unchanged)

    @OPTIONS.command(name="open", description="Let a role, or everyone, use an option again")
    @app_commands.describe(
        option="The resolution or length", role="Only this role (leave out to open it to all)"
    )
    @app_commands.choices(option=OPTION_CHOICES)
    async def options_open(
        self, interaction: Interaction, option: str, role: discord.Role | None = None
    ) -> None:
        """Take roles off an option; with none left, everyone may use it."""
        label = option_label(option)
        # Without a role the option is opened to every member: the server's rule, as the
        # default allowance is, which any moderator may change.
        if role is not None and await self._out_of_reach(interaction, role):
            return
        change = await self.bot.moderation.store.unreserve_option(
            self._actor(interaction), option, label, role.id if role is not None else None
        )
        # With a role, the option may be reserved for others still: say only what is true.
        unchanged = (
            msg("mod_option_not_reserved_for_role", option=label, role=role.mention)
            if role is not None
            else msg("mod_option_not_reserved", option=label)
        )
        await self._changed(interaction, change, unchanged)

    async def _out_of_reach(self, interaction: Interaction, role: discord.Role) -> bool:
        """Refuse a role at or above the moderator's highest, as `role set` does: what it may
        ask for reaches every member with it."""
        return await refused_role_out_of_reach(
            self.bot, interaction, role, "mod_outranked_role_options"
        )
