"""A result's Delete button: asked once more, privately, then the post is deleted.

A video is deleted for everyone in the channel and the click cannot be undone: a misclick
beside Regenerate must not take it away. The question's buttons carry the job and the post,
so a press works after a restart too, in whichever process hears it.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Self

import discord

from bot.i18n import msg, t
from bot.jobs.models import Job, JobState
from bot.text import MESSAGE_CONTENT, NO_MENTIONS, fit
from cogs._errors import report_failure
from cogs._queue import acknowledge_first, answer_privately

log = logging.getLogger(__name__)

Button = discord.ui.Button[discord.ui.View]


def _about(key: str, job: Job, message_id: int) -> str:
    """`key`, or its `_notice` form for a post that carries no video: a failure's notice, or a
    "took too long" one whose video came later as a post of its own."""
    video = (
        job.state is JobState.COMPLETED
        and not job.cancelled
        and job.delivery_message_id == message_id
    )
    return key if video else f"{key}_notice"


def may_delete(interaction: discord.Interaction[Any], job: Job) -> bool:
    """The requester, or anyone who may manage messages here (checked again on every click)."""
    if interaction.user.id == job.requester.user_id:
        return True
    return interaction.permissions.manage_messages


async def ask_to_delete(interaction: discord.Interaction[Any], job: Job) -> None:
    """The Delete click: ask the clicker privately, with the post to delete in the buttons."""
    if not may_delete(interaction, job):
        await answer_privately(interaction, msg("delete_not_allowed"))
        return
    if interaction.message is None:
        return
    locale = str(interaction.locale)
    view = discord.ui.View(timeout=None)
    for answer in ("yes", "no"):
        view.add_item(DeleteAnswer(answer, job.id, interaction.message.id, locale=locale))
    await interaction.followup.send(
        fit(
            t(_about("delete_question", job, interaction.message.id), locale, job_id=job.id),
            MESSAGE_CONTENT,
        ),
        view=view,
        ephemeral=True,
        allowed_mentions=NO_MENTIONS,
    )


class DeleteAnswer(
    discord.ui.DynamicItem[Button],
    template=r"video:delete-(?P<answer>yes|no):(?P<job_id>\d+):(?P<message_id>\d+)",
):
    """Delete, or keep, the post the question is about."""

    def __init__(self, answer: str, job_id: int, message_id: int, *, locale: str = "en-US") -> None:
        yes = answer == "yes"
        super().__init__(
            discord.ui.Button(
                label=t("button_delete_yes" if yes else "button_delete_no", locale),
                style=discord.ButtonStyle.danger if yes else discord.ButtonStyle.secondary,
                custom_id=f"video:delete-{answer}:{job_id}:{message_id}",
            )
        )
        self.answer = answer
        self.job_id = job_id
        self.message_id = message_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its custom id."""
        return cls(match["answer"], int(match["job_id"]), int(match["message_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Answer in place of the question; a failure goes through the funnel."""
        # discord.py only logs what a dynamic item's callback raises, so catch it here.
        try:
            await self._answer(interaction)
        except Exception as error:
            await report_failure(interaction, error, what="Button delete", job_id=self.job_id)

    async def _answer(self, interaction: discord.Interaction[Any]) -> None:
        # A deferred update: the question is then edited into the answer.
        if not await acknowledge_first(interaction, press=True):
            return
        job = await interaction.client.store.get(self.job_id)
        if job is None:
            await self._say(interaction, "job_not_found")
            return
        if self.answer == "no":
            # Another question on the same post may have been answered "Delete it" meanwhile.
            if await self._gone(interaction):
                # Its video, whether or not the deletion was written down yet.
                key = "delete_gone" if job.result_deleted else "delete_gone_notice"
                if not job.result_deleted:
                    key = _about("delete_gone", job, self.message_id)
                await self._say(interaction, key)
                return
            await self._say(interaction, _about("delete_kept", job, self.message_id))
            return
        if not may_delete(interaction, job):
            # Asked of someone who could, then pressed when they no longer can (a role taken).
            await self._say(interaction, "delete_not_allowed")
            return
        if interaction.channel_id is None:
            return
        channel = interaction.client.get_partial_messageable(interaction.channel_id)
        try:
            await channel.get_partial_message(self.message_id).delete()
        except discord.NotFound:
            pass  # already gone
        except discord.HTTPException as error:
            # Deleted first, then told: a delete Discord refuses must not read as done.
            log.warning("Job %d: could not delete the result (%s)", job.id, error)
            await self._say(interaction, _about("delete_failed", job, self.message_id))
            return
        await self._say(interaction, _about("deleted", job, self.message_id))
        log.info("Job %d's result deleted by user %d", job.id, interaction.user.id)

    async def _gone(self, interaction: discord.Interaction[Any]) -> bool:
        """Whether the post was deleted already (unsure, say when it cannot be read: no)."""
        if interaction.channel_id is None:
            return False
        channel = interaction.client.get_partial_messageable(interaction.channel_id)
        try:
            await channel.fetch_message(self.message_id)
        except discord.NotFound:
            return True
        except discord.HTTPException:
            return False
        return False

    @staticmethod
    async def _say(interaction: discord.Interaction[Any], key: str) -> None:
        """Put the answer in place of the question, its buttons gone."""
        # Deferred, then edited: discord.py's one-step `edit_message` sends a `tts` field that
        # Discord's schema for a message update does not have.
        await interaction.edit_original_response(content=t(key, str(interaction.locale)), view=None)
