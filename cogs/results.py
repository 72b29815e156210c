"""Buttons under a finished video: Regenerate, Edit prompt, Delete. They work after restarts.

Each button's custom id carries the job id (`discord.ui.DynamicItem`), so nothing about the
view has to live in memory: a click after a restart is matched by the template alone.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

import discord
from discord.ext import commands

from bot.apimart.models import VideoRequest
from bot.i18n import msg, t
from bot.jobs.models import Job, JobRefused, JobState
from bot.jobs.validation import MAX_PROMPT_LENGTH, clean_prompt
from cogs._errors import FunnelledModal, report_failure
from cogs._queue import InteractionOrigin, answer_privately, queue_request

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

Button = discord.ui.Button[discord.ui.View]


def _bot(interaction: discord.Interaction[Any]) -> VideoBot:
    bot: VideoBot = interaction.client
    return bot


async def _queue_again(
    interaction: discord.Interaction[Any], job: Job, request: VideoRequest
) -> None:
    """A new job for whoever clicked, with the original's media sources for fresh URLs."""
    origin = InteractionOrigin(interaction, sources=job.requester.sources)
    await queue_request(_bot(interaction), origin, request)


class EditPromptModal(FunnelledModal):
    """The original prompt, ready to change."""

    def __init__(self, job: Job, locale: str) -> None:
        super().__init__(title=t("edit_prompt_title", locale), timeout=600)
        self.job = job
        self.job_id = job.id
        self.prompt: discord.ui.TextInput[EditPromptModal] = discord.ui.TextInput(
            label=t("edit_prompt_label", locale),
            style=discord.TextStyle.paragraph,
            default=job.request.prompt[:MAX_PROMPT_LENGTH],
            max_length=MAX_PROMPT_LENGTH,
        )
        self.add_item(self.prompt)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Queue the job again with the edited prompt."""
        try:
            prompt = clean_prompt(self.prompt.value)
        except JobRefused as error:
            await answer_privately(interaction, error.user_message)
            return
        edited = self.job.request.model_copy(update={"prompt": prompt})
        await _queue_again(interaction, self.job, edited)


def may_delete(interaction: discord.Interaction[Any], job: Job) -> bool:
    """The requester, or anyone who may manage messages here (checked again on every click)."""
    if interaction.user.id == job.requester.user_id:
        return True
    return interaction.permissions.manage_messages


async def regenerate(interaction: discord.Interaction[Any], job: Job) -> None:
    """Make the same video again; it counts against the clicking member's limits."""
    await _queue_again(interaction, job, job.request)


async def edit_prompt(interaction: discord.Interaction[Any], job: Job) -> None:
    """Show the prefilled form (a modal must be the first answer to the click)."""
    await interaction.response.send_modal(EditPromptModal(job, str(interaction.locale)))


async def delete_result(interaction: discord.Interaction[Any], job: Job) -> None:
    """Delete the result the button is on, after checking who clicked."""
    if not may_delete(interaction, job):
        await answer_privately(interaction, msg("delete_not_allowed"))
        return
    await answer_privately(interaction, msg("deleted"))
    if interaction.message is not None:
        try:
            await interaction.message.delete()
        except discord.HTTPException as error:
            log.warning("Job %d: could not delete the result (%s)", job.id, error)
    log.info("Job %d's result deleted by user %d", job.id, interaction.user.id)


@dataclass(frozen=True)
class Action:
    """One button: how it looks and what a click does."""

    label_key: str
    emoji: str
    style: discord.ButtonStyle
    handle: Callable[[discord.Interaction[Any], Job], Awaitable[None]]


ACTIONS: dict[str, Action] = {
    "regen": Action("button_regenerate", "🔁", discord.ButtonStyle.primary, regenerate),
    "edit": Action("button_edit_prompt", "✏️", discord.ButtonStyle.secondary, edit_prompt),
    "delete": Action("button_delete", "🗑️", discord.ButtonStyle.danger, delete_result),
}


class ResultButton(
    discord.ui.DynamicItem[Button], template=r"video:(?P<action>regen|edit|delete):(?P<job_id>\d+)"
):
    """A button whose custom id says what to do and to which job."""

    def __init__(self, action: str, job_id: int, *, locale: str = "en-US") -> None:
        spec = ACTIONS[action]
        super().__init__(
            discord.ui.Button(
                label=t(spec.label_key, locale),
                emoji=spec.emoji,
                style=spec.style,
                custom_id=f"video:{action}:{job_id}",
            )
        )
        self.action = action
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its custom id."""
        return cls(match["action"], int(match["job_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Find the job, then do what the button says; a failure goes through the funnel."""
        # discord.py only logs what a dynamic item's callback raises, so catch it here.
        try:
            job = await _bot(interaction).store.get(self.job_id)
            if job is None:
                await answer_privately(interaction, msg("job_not_found"))
                return
            await ACTIONS[self.action].handle(interaction, job)
        except Exception as error:
            what = f"Button {self.action!r}"
            await report_failure(interaction, error, what=what, job_id=self.job_id)


# Results worth making again; a refused or lost submit is answered without buttons.
RETRYABLE_RESULTS = frozenset({JobState.COMPLETED, JobState.FAILED, JobState.TIMED_OUT})


def result_view(job: Job) -> discord.ui.View | None:
    """The buttons for a delivered job, labelled in the requester's language."""
    if job.state not in RETRYABLE_RESULTS:
        return None
    view = discord.ui.View(timeout=None)
    for action in ACTIONS:
        view.add_item(ResultButton(action, job.id, locale=job.requester.locale))
    return view


class ResultButtons(commands.Cog):
    """Registers the result buttons so clicks work whenever they come."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        """Match clicks on any result, including ones posted before a restart; lend delivery
        the buttons to attach (the core never imports a cog)."""
        self.bot.add_dynamic_items(ResultButton)
        self.bot.result_view = result_view

    async def cog_unload(self) -> None:
        """Stop matching them; results posted from now on carry none."""
        self.bot.remove_dynamic_items(ResultButton)
        self.bot.result_view = None


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(ResultButtons(bot))
