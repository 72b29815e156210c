"""The Cancel button on a job's status message: the member who asked, or a moderator.

The button's custom id carries the job id (`discord.ui.DynamicItem`), so it works after a
restart; it follows the cancel rules of `/videos cancel` and `/videomod cancel` (a job the video
service already has is never posted but still counts, and the confirmation says so). It is shown
while the job can still be cancelled, also once the bot gave up waiting for a render it still
follows (its late video would be posted), and taken away by the edit that ends that.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Self

import discord
from discord.ext import commands

from bot.i18n import msg, t
from bot.jobs.cancels import CancelOutcome
from bot.jobs.models import ACTIVE_STATES, Job, JobState
from bot.moderation.store import Actor
from cogs._answers import acknowledge_first, answer_privately
from cogs._errors import report_failure
from cogs._hierarchy import refused_as_outranked
from cogs._moderators import is_moderator
from cogs._private import (
    MODERATOR_CANCEL_KEYS,
    cancel_for_member,
    cancel_or_say_why_not,
    show_final_status,
)

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

Button = discord.ui.Button[discord.ui.View]
# States in which a cancel can still stop the job (as `JobStore.cancel` accepts them).
CANCELLABLE_STATES = frozenset({JobState.RECORDED, JobState.SUBMITTING, *ACTIVE_STATES})


def _bot(interaction: discord.Interaction[Any]) -> VideoBot:
    bot: VideoBot = interaction.client
    return bot


class CancelButton(discord.ui.DynamicItem[Button], template=r"video:cancel:(?P<job_id>\d+)"):
    """Cancel this job; the custom id names it."""

    def __init__(self, job_id: int, *, locale: str = "en-US", counts: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                # Once the service has it, a cancel still counts: said before the click.
                label=t("button_cancel_counts" if counts else "button_cancel", locale),
                emoji="✖️",
                style=discord.ButtonStyle.secondary,
                custom_id=f"video:cancel:{job_id}",
            )
        )
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its custom id."""
        return cls(int(match["job_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Cancel, or say why not; a failure goes through the funnel."""
        try:
            await cancel_by_button(_bot(interaction), interaction, self.job_id)
        except Exception as error:
            await report_failure(interaction, error, what="Button 'cancel'", job_id=self.job_id)


async def cancel_by_button(
    bot: VideoBot, interaction: discord.Interaction[Any], job_id: int
) -> None:
    """The member's own job, or any job here for a moderator; confirmed privately."""
    if not await acknowledge_first(interaction):
        return  # another process has this press
    job = await bot.store.get(job_id)
    if job is None or job.requester.guild_id != interaction.guild_id:
        await answer_privately(interaction, msg("job_not_found"))
        return
    own = interaction.user.id == job.requester.user_id
    if not own and not await is_moderator(bot, interaction):
        await answer_privately(interaction, msg("cancel_button_not_allowed"))
        return
    if own:
        await cancel_for_member(bot, interaction, job)
        return
    if await refused_as_outranked(bot, interaction, job.requester.user_id):
        return
    outcome = await cancel_or_say_why_not(
        bot, interaction, job, reason_key="cancelled_by_moderator", member_told=False
    )
    if outcome is None:
        return
    log.info(
        "Job %d cancelled from its status message by moderator %d (%s)",
        job.id,
        interaction.user.id,
        outcome.value,
    )
    await _moderator_cancelled(bot, interaction, job, outcome)
    await show_final_status(bot, job.id, outcome)


async def _moderator_cancelled(
    bot: VideoBot, interaction: discord.Interaction[Any], job: Job, outcome: CancelOutcome
) -> None:
    """Like `/videomod cancel`: audited, in the mod-log, and the member is told in the channel."""
    assert interaction.guild_id is not None
    actor = Actor(interaction.guild_id, interaction.user.id)
    change = msg(
        MODERATOR_CANCEL_KEYS[outcome],
        moderator=actor.mention,
        job_id=job.id,
        member=f"<@{job.requester.user_id}>",
    )
    await bot.moderation.store.record(actor, change)
    await answer_privately(interaction, change)
    bot.moderation.feed.emit(interaction.guild_id, change)
    bot.poller.wake()  # posts the member's notice


def status_controls(job: Job) -> discord.ui.View | None:
    """The Cancel button while the job can still be cancelled; nothing once it is over. A
    render given up on but still followed can be: its late video would be posted after all."""
    followed = job.followed_after_giving_up
    if job.cancelled or (job.state not in CANCELLABLE_STATES and not followed):
        return None
    view = discord.ui.View(timeout=None)
    # APIMart has it (or had it, given up on): a cancel never makes it free.
    counts = job.state in ACTIVE_STATES or followed
    view.add_item(CancelButton(job.id, locale=job.requester.locale, counts=counts))
    return view


class StatusControls(commands.Cog):
    """Registers the Cancel button and lends the status messages its view."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Match clicks on any status message, also ones posted before a restart."""
        self.bot.add_dynamic_items(CancelButton)
        self.bot.status_messages.controls = status_controls

    async def cog_unload(self) -> None:
        """Stop matching them; status messages edited from now on carry none."""
        self.bot.remove_dynamic_items(CancelButton)
        self.bot.status_messages.controls = None


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(StatusControls(bot))
