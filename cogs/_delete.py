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

from bot.i18n import Message, msg, t
from bot.jobs.models import Job, JobState
from bot.moderation.store import Actor
from bot.text import MESSAGE_CONTENT, NO_MENTIONS, fit
from cogs._answers import acknowledge_first, answer_privately
from cogs._errors import report_failure
from cogs._from_discord import in_bot_dm
from cogs._hierarchy import outranked
from cogs._moderators import is_moderator
from cogs._reach import place_of, rules_guild_id

log = logging.getLogger(__name__)

Button = discord.ui.Button[discord.ui.View]


def _about(key: str, job: Job | None, message_id: int) -> str:
    """`key`, or its `_notice` form for a post that carries no video: a failure's notice, or a
    "took too long" one whose video came later as a post of its own. A post whose job was
    pruned (`JOB_RETENTION_DAYS`) is spoken of as a post: what it holds is no longer known."""
    video = (
        job is not None
        and job.state is JobState.COMPLETED
        and not job.cancelled
        and job.delivery_message_id == message_id
    )
    return key if video else f"{key}_notice"


def _gone_key(job: Job | None, message_id: int) -> str:
    """The key saying the post was already deleted: a video's, whether or not its deletion
    was written down yet (which forgets the post's id), else as `_about` says it."""
    if job is not None and job.result_deleted:
        return "delete_gone"
    return _about("delete_gone", job, message_id)


def requester_of(job: Job | None, post: discord.Message | None) -> int | None:
    """Who asked for the post's video: its job says, and once the job was pruned
    (`JOB_RETENTION_DAYS`) the post does: a result pings its requester and nobody else
    (`bot.result_text.mentions_only`), whatever its prompt says. None: nobody known."""
    if job is not None:
        return job.requester.user_id
    mentioned = {user.id for user in post.mentions} if post is not None else set()
    return mentioned.pop() if len(mentioned) == 1 else None


async def delete_refusal(
    interaction: discord.Interaction[Any], requester_id: int | None
) -> Message | None:
    """Why the clicker may not delete the post; None if they may: the requester, anyone who may
    manage messages here (Discord lets them delete anyone's), or the server's video moderators
    (its moderator role, or Manage Server, as for /videomod): they may block a member, so they
    may take away the video of one they may block (`cogs._hierarchy`: not the owner's, nor one
    ranked at or above them). Checked again on every click (after the acknowledgement: the
    moderator role is read from the database)."""
    if interaction.user.id == requester_id or interaction.permissions.manage_messages:
        return None
    if not await is_moderator(interaction.client, interaction):
        return msg("delete_not_allowed")
    if requester_id is None or rules_guild_id(interaction) is None:
        # Nobody known to rank (a pruned job's post that cannot be read), or a server the bot
        # is not in (a member's own install): it knows no roles there to compare.
        return None
    return await outranked(interaction.client, interaction, requester_id)


def bot_gone_from_server(interaction: discord.Interaction[Any]) -> bool:
    """Whether the post is in a server that kicked the bot and kept its commands: the bot's
    token reaches it no more, so it can delete nothing there, now or later."""
    place = place_of(interaction)
    return place.guild_id is not None and not place.bot_in_server


async def ask_to_delete(interaction: discord.Interaction[Any], job: Job) -> None:
    """The Delete click: ask the clicker privately, with the post to delete in the buttons."""
    await _ask(interaction, job.id, job)


async def ask_to_delete_pruned(interaction: discord.Interaction[Any], job_id: int) -> None:
    """The Delete click on a post whose job was pruned: the post stays in the channel, and
    only this button (or Manage Messages) lets its member take it away."""
    await _ask(interaction, job_id, None)


async def _ask(interaction: discord.Interaction[Any], job_id: int, job: Job | None) -> None:
    post = interaction.message
    if bot_gone_from_server(interaction):
        # Asked to confirm a delete that cannot be done, the member would only be let down.
        message_id = post.id if post is not None else 0
        await answer_privately(interaction, msg(_about("delete_bot_not_here", job, message_id)))
        return
    refusal = await delete_refusal(interaction, requester_of(job, post))
    if refusal is not None:
        await answer_privately(interaction, refusal)
        return
    if post is None:
        return
    locale = str(interaction.locale)
    # In the member's DM with the bot nobody else reads it: deleted from our DM, not for
    # everyone here.
    question = _about("delete_question", job, post.id)
    if in_bot_dm(interaction.channel):
        question = f"{question}_dm"
    view = discord.ui.View(timeout=None)
    for answer in ("yes", "no"):
        view.add_item(DeleteAnswer(answer, job_id, post.id, locale=locale))
    await interaction.followup.send(
        fit(
            t(question, locale, job_id=job_id),
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
        post: discord.Message | None = None
        if job is None:
            # Pruned (`JOB_RETENTION_DAYS`): the post itself says whose it is.
            try:
                post = await self._read_post(interaction)
            except discord.NotFound:
                await self._say(interaction, "delete_gone_notice")
                return
        if self.answer == "no":
            # Another question on the same post may have been answered "Delete it" meanwhile
            # (a pruned job's post was read above).
            if job is not None and await self._gone(interaction):
                await self._say(interaction, _gone_key(job, self.message_id))
                return
            await self._say(interaction, _about("delete_kept", job, self.message_id))
            return
        requester_id = requester_of(job, post)
        refusal = await delete_refusal(interaction, requester_id)
        if refusal is not None:
            # Asked of someone who could, then pressed when they no longer can (a role taken).
            await self._say_message(interaction, refusal)
            return
        if interaction.channel_id is None:
            return
        if bot_gone_from_server(interaction):
            # Kicked since the question: not "just now", as if a retry could work.
            await self._say(interaction, _about("delete_bot_not_here", job, self.message_id))
            return
        channel = interaction.client.get_partial_messageable(interaction.channel_id)
        try:
            await channel.get_partial_message(self.message_id).delete()
        except discord.NotFound:
            # Deleted meanwhile (another question on it answered "Delete it", or by hand): not
            # by this press, so not said as done, nor put in the mod-log as this clicker's.
            await self._say(interaction, _gone_key(job, self.message_id))
            return
        except discord.HTTPException as error:
            # Deleted first, then told: a delete Discord refuses must not read as done.
            log.warning("Job %d: could not delete the result (%s)", self.job_id, error)
            await self._say(interaction, _about("delete_failed", job, self.message_id))
            return
        await self._say(interaction, _about("deleted", job, self.message_id))
        log.info("Job %d's result deleted by user %d", self.job_id, interaction.user.id)
        await self._tell_moderators(interaction, job, requester_id)

    async def _tell_moderators(
        self, interaction: discord.Interaction[Any], job: Job | None, requester_id: int | None
    ) -> None:
        """A member's post taken away by someone else (a moderator, or Manage Messages): in the
        audit and the mod-log, once. The bot deletes its own message, which Discord's audit log
        never shows, so this is the only trail of who did it."""
        if interaction.guild_id is None or interaction.user.id == requester_id:
            return
        actor = Actor(interaction.guild_id, interaction.user.id)
        if requester_id is None:
            change = msg(
                "change_result_deleted_unknown", moderator=actor.mention, job_id=self.job_id
            )
        else:
            change = msg(
                _about("change_result_deleted", job, self.message_id),
                moderator=actor.mention,
                member=f"<@{requester_id}>",
                job_id=self.job_id,
            )
        moderation = interaction.client.moderation
        await moderation.store.record(actor, change)
        moderation.feed.emit(interaction.guild_id, change)

    async def _read_post(self, interaction: discord.Interaction[Any]) -> discord.Message | None:
        """The post the question is about (None where it cannot be read); raises
        `discord.NotFound` once it was deleted."""
        if interaction.channel_id is None:
            return None
        channel = interaction.client.get_partial_messageable(interaction.channel_id)
        try:
            post: discord.Message = await channel.fetch_message(self.message_id)
        except discord.NotFound:
            raise
        except discord.HTTPException:
            return None
        return post

    async def _gone(self, interaction: discord.Interaction[Any]) -> bool:
        """Whether the post was deleted already (unsure, say when it cannot be read: no)."""
        try:
            await self._read_post(interaction)
        except discord.NotFound:
            return True
        return False

    @classmethod
    async def _say(cls, interaction: discord.Interaction[Any], key: str) -> None:
        """Put the answer in place of the question, its buttons gone."""
        await cls._say_message(interaction, msg(key))

    @staticmethod
    async def _say_message(interaction: discord.Interaction[Any], answer: Message) -> None:
        """Put `answer` in place of the question, its buttons gone, pinging no one it names."""
        # Deferred, then edited: discord.py's one-step `edit_message` sends a `tts` field that
        # Discord's schema for a message update does not have.
        await interaction.edit_original_response(
            content=fit(answer.render(str(interaction.locale)), MESSAGE_CONTENT),
            view=None,
            allowed_mentions=NO_MENTIONS,
        )
