"""`/videomod budget` and `confirm`: the credits a server may spend a month, and the cost above
which a video waits for its member's Confirm."""

from __future__ import annotations

from collections.abc import Callable

from discord import app_commands

from bot.i18n import Message, msg
from bot.jobs.pricing import amount
from bot.moderation.store import Actor
from bot.text import CREDIT_DECIMALS, credits_as_written, credits_number
from cogs._answers import answer_privately
from cogs._videomod import Interaction, ModerationCommands


def budget_change(actor: Actor, budget: float) -> Message:
    """The audit line of a monthly budget set to `budget` credits (0: removed)."""
    if budget > 0:
        return msg("change_budget_amount", moderator=actor.mention, budget=amount(budget))
    return msg("change_budget_removed", moderator=actor.mention)


def confirm_change(actor: Actor, threshold: float) -> Message:
    """The audit line of asking for a Confirm above `threshold` credits (0: no longer)."""
    if threshold > 0:
        return msg("change_confirm", moderator=actor.mention, threshold=amount(threshold))
    return msg("change_confirm_off", moderator=actor.mention)


class BudgetCommands(ModerationCommands):
    """Rules counted in credits."""

    async def _credits_given(self, interaction: Interaction, credits: float) -> float | None:
        """An amount as it will read back; None (the moderator was told) for one above 0 that
        reads 0, which would turn the rule off rather than make it tiny."""
        written = credits_as_written(credits)
        if credits > 0 and written == 0:
            smallest = credits_number(10.0**-CREDIT_DECIMALS)
            await answer_privately(interaction, msg("mod_credits_too_small", smallest=smallest))
            return None
        return written

    async def _set_credits_rule(
        self,
        interaction: Interaction,
        credits: float,
        field: str,
        change_of: Callable[[Actor, float], Message],
    ) -> None:
        """Set the policy's amount of credits `field` (0: none, which turns its rule off), as
        it will read back, and say so (`change_of`: the change's line for that amount)."""
        actor = self._actor(interaction)
        written = await self._credits_given(interaction, credits)
        if written is None:
            return
        change = await self.bot.moderation.store.update_policy(
            actor, change_of(actor, written), **{field: written if written > 0 else None}
        )
        await self._changed(interaction, change, msg("mod_policy_unchanged"))

    @app_commands.command(name="budget", description="Credits this server may spend per month")
    @app_commands.describe(credits="Credits per calendar month (UTC); 0 removes the budget")
    async def budget(
        self, interaction: Interaction, credits: app_commands.Range[float, 0.0, 1e9]
    ) -> None:
        """New videos are refused once the month's reported credits reach the budget."""
        await self._set_credits_rule(interaction, credits, "monthly_budget", budget_change)

    @app_commands.command(
        name="confirm", description="Ask members to confirm videos expected to cost more than this"
    )
    @app_commands.describe(credits="Credits; 0 stops asking")
    async def confirm(
        self, interaction: Interaction, credits: app_commands.Range[float, 0.0, 1e6]
    ) -> None:
        """A request expected to cost more waits for its member's Confirm; nothing counts before."""
        await self._set_credits_rule(interaction, credits, "confirm_above", confirm_change)
