"""`/videoowner`: the bot operators' own commands (issue 17), such as blocking a user everywhere.

Registered for the bot's DMs only (nobody sees it in servers), and only when `OWNER_IDS` names
someone; every use is checked against `OWNER_IDS`: a user who is not an operator is refused,
whatever Discord showed them (a DM's commands are listed to everyone in it).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.balance import balance_line
from bot.i18n import msg, plural
from bot.jobs.pricing import amount
from bot.moderation.periods import stamp
from bot.moderation.report import personal_month_lines
from bot.text import REASON_CHARS, quote
from cogs._answers import answer_privately
from cogs._errors import Refusal, acknowledged_check
from cogs._private import cancel_for_operator_block, lift_the_pause, show_privately

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

# Users listed in `/videoowner usage`: the biggest spenders, as `/videomod usage` lists members.
LISTED_SPENDERS = 10

Interaction = discord.Interaction["VideoBot"]


class NotOwner(Refusal):
    """Only the bot's operators (`OWNER_IDS`) may use these commands."""


@app_commands.allowed_installs(guilds=True, users=True)
@app_commands.allowed_contexts(guilds=False, dms=True, private_channels=False)
class OwnerCog(
    commands.GroupCog,
    group_name="videoowner",
    group_description="For the bot's operators: block users everywhere, resume videos, usage",
):
    """Operator tools; each use is re-checked against `OWNER_IDS`."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(self, interaction: Interaction) -> bool:  # type: ignore[override]
        """Only a user listed in `OWNER_IDS`; acknowledged privately first (the commands write)."""
        return await acknowledged_check(interaction, lambda: self._is_operator(interaction))

    async def _is_operator(self, interaction: Interaction) -> bool:
        if interaction.user.id in self.bot.settings.owner_ids:
            return True
        log.warning("User %d tried /videoowner without being an operator", interaction.user.id)
        raise NotOwner(msg("owner_only"))

    @app_commands.command(name="block", description="Stop a user making videos anywhere")
    @app_commands.describe(user="The user", reason="Why (the user reads it)")
    async def block(
        self, interaction: Interaction, user: discord.User, reason: app_commands.Range[str, 1, 200]
    ) -> None:
        """A block in every server and outside them, until lifted; it also stops what the user
        has running anywhere, by the rule every cancel follows."""
        await self.bot.moderation.block_everywhere(user.id, reason, interaction.user.id)
        # Each server it cancels jobs in has it in its audit and mod-log.
        cancelled = await cancel_for_operator_block(self.bot, interaction.user.id, user.id, reason)
        done = msg("owner_block_done", user=f"<@{user.id}>", reason=quote(reason, REASON_CHARS))
        await show_privately(interaction, [done, *cancelled])

    @app_commands.command(name="unblock", description="Let a user blocked everywhere make videos")
    @app_commands.describe(user="The user")
    async def unblock(self, interaction: Interaction, user: discord.User) -> None:
        """Lift the operator's block."""
        mention = f"<@{user.id}>"
        if not await self.bot.moderation.unblock_everywhere(user.id):
            await answer_privately(interaction, msg("owner_not_blocked", user=mention))
            return
        # "May make videos again" is not the whole truth where a server blocks them too.
        servers = await self.bot.moderation.store.servers_blocking(user.id)
        done = (
            msg("owner_unblock_done_but", user=mention, servers=plural("count_servers", servers))
            if servers
            else msg("owner_unblock_done", user=mention)
        )
        await answer_privately(interaction, done)

    @app_commands.command(
        name="resume", description="Resume videos everywhere after the balance is topped up"
    )
    async def resume(self, interaction: Interaction) -> None:
        """Lift the pause an HTTP 402 set. In servers a moderator may too (`/videomod resume`);
        a bot used only outside servers has no moderator, so its operator does it here. Not
        while the balance still reads empty (the next video would pause it again)."""
        refusal = await lift_the_pause(self.bot)
        if refusal is not None:
            await answer_privately(interaction, refusal)
            return
        log.warning("Operator %d resumed video generation", interaction.user.id)
        await answer_privately(interaction, msg("owner_resume_done"))
        self.bot.moderation.feed.emit(None, msg("modlog_operator_resumed"))

    @app_commands.command(
        name="usage", description="Credits spent outside servers this month, and by whom"
    )
    @app_commands.describe(user="Only this user's credits")
    async def usage(self, interaction: Interaction, user: discord.User | None = None) -> None:
        """What `USER_INSTALL_MONTHLY_BUDGET` covers (DMs, the app installed by users): this
        calendar month's credits, what is left and held, and who spent them; `/videomod usage`
        shows none of it, since no server owns those videos."""
        store = self.bot.moderation.store
        use = await store.budget_used(None)
        if user is None:
            spenders = await store.top_credits(None, use.window, LISTED_SPENDERS)
            budget = self.bot.settings.user_install_monthly_budget
            lines = personal_month_lines(budget, use, spenders)
        else:
            credits = await store.credits_of(None, user.id, use.window)
            start = stamp(use.window.start)
            lines = [
                msg(
                    "owner_member_month", user=f"<@{user.id}>", credits=amount(credits), start=start
                )
            ]
        await show_privately(interaction, [*lines, balance_line(self.bot.balance.latest)])


async def setup(bot: VideoBot) -> None:
    """Load the cog, if there are operators: Discord lists a DM's commands to everyone in it
    (no permission hides one there), so with `OWNER_IDS` empty every member would be offered
    a command that only refuses them."""
    if not bot.settings.owner_ids:
        log.info("OWNER_IDS is empty: /videoowner is not offered")
        return
    await bot.add_cog(OwnerCog(bot))
