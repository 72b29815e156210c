"""The /video slash command: parse, validate, hand to the job service, answer."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.apimart.models import DURATIONS, GenerationType
from bot.delivery import truncate
from bot.i18n import Message, msg
from bot.jobs.models import JobRefused, JobState, MediaInput, Requester
from bot.jobs.validation import MAX_PROMPT_LENGTH, InvalidVideoRequest, VideoOptions, validate

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

STATUS_PROMPT_CHARS = 300
NO_MENTIONS = discord.AllowedMentions.none()
Choice = app_commands.Choice
GENERATION_MODES: dict[str, GenerationType] = {"frame": "frame", "reference": "reference"}


def media_from_attachment(attachment: discord.Attachment) -> MediaInput:
    """Describe a Discord attachment in the core's own terms."""
    return MediaInput(
        url=attachment.url,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
    )


def missing_channel_permissions(interaction: discord.Interaction[VideoBot]) -> list[str]:
    """What the bot lacks in this channel to post a result, by permission name."""
    permissions = interaction.app_permissions
    in_thread = isinstance(interaction.channel, discord.Thread)
    send = permissions.send_messages_in_threads if in_thread else permissions.send_messages
    needed = {
        "Send Messages": send,
        "Embed Links": permissions.embed_links,
        "Attach Files": permissions.attach_files,
    }
    return [name for name, granted in needed.items() if not granted]


async def answer_privately(
    interaction: discord.Interaction[discord.Client], message: Message
) -> None:
    """Reply in the member's language, only to them, acknowledged yet or not."""
    text = message.render(str(interaction.locale))
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


class VideoCog(commands.Cog):
    """Members make videos here."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot

    @app_commands.command(name="video", description="Make a short video from a prompt")
    @app_commands.guild_only()
    @app_commands.describe(
        prompt="Describe the scene, subject, action, camera, style and sound",
        duration="Length of the video (not used with a reference video)",
        resolution="Picture quality (higher takes longer)",
        aspect_ratio="Landscape or portrait",
        image="An image: the first frame, or a reference",
        image2="Second reference image (use three images to fuse them)",
        image3="Third reference image",
        mode="How to use one image: as the first frame, or as a reference",
        video="A reference video for motion (sets the length)",
    )
    @app_commands.choices(
        duration=[Choice(name=f"{seconds} seconds", value=seconds) for seconds in DURATIONS]
    )
    @app_commands.choices(
        resolution=[
            Choice(name="720p", value="720p"),
            Choice(name="1080p", value="1080p"),
            Choice(name="4K", value="4k"),
        ],
        aspect_ratio=[
            Choice(name="16:9 landscape", value="16:9"),
            Choice(name="9:16 portrait", value="9:16"),
        ],
        mode=[
            Choice(name="First frame", value="frame"),
            Choice(name="Reference", value="reference"),
        ],
    )
    async def video(
        self,
        interaction: discord.Interaction[VideoBot],
        prompt: app_commands.Range[str, 1, MAX_PROMPT_LENGTH],
        duration: int | None = None,
        resolution: str | None = None,
        aspect_ratio: str | None = None,
        image: discord.Attachment | None = None,
        image2: discord.Attachment | None = None,
        image3: discord.Attachment | None = None,
        mode: str | None = None,
        video: discord.Attachment | None = None,
    ) -> None:
        """Validate, record and submit a video job, then say it is queued."""
        options = VideoOptions(
            prompt=prompt,
            duration=duration,
            resolution=resolution,
            aspect_ratio=aspect_ratio,
            mode=GENERATION_MODES.get(mode or ""),
            images=[media_from_attachment(a) for a in (image, image2, image3) if a is not None],
            videos=[media_from_attachment(video)] if video is not None else [],
        )
        await self.queue_video(interaction, options)

    async def queue_video(
        self, interaction: discord.Interaction[VideoBot], options: VideoOptions
    ) -> None:
        """The shared path of every entry point, from options to a queued job."""
        try:
            request = validate(options, max_file_bytes=self.bot.settings.max_reference_bytes)
        except InvalidVideoRequest as error:
            await answer_privately(interaction, error.user_message)
            return
        missing = missing_channel_permissions(interaction)
        if missing:
            await answer_privately(
                interaction, msg("missing_channel_permissions", missing=", ".join(missing))
            )
            return
        # Everything slow happens after this acknowledgement, well inside Discord's 3 seconds.
        await interaction.response.defer(ephemeral=True, thinking=True)
        requester = Requester(
            user_id=interaction.user.id,
            channel_id=interaction.channel_id or 0,
            guild_id=interaction.guild_id,
            locale=str(interaction.locale),
        )
        try:
            report = await self.bot.jobs.create_and_submit(requester, request)
        except JobRefused as refusal:
            await answer_privately(interaction, refusal.user_message)
            return
        if report.state in (JobState.QUEUED, JobState.RECORDED):
            await self._post_status(interaction, report.job.id, request.prompt, report.state)
        await answer_privately(interaction, report.member_message)

    async def _post_status(
        self,
        interaction: discord.Interaction[VideoBot],
        job_id: int,
        prompt: str,
        state: JobState,
    ) -> None:
        """Announce the job in the channel with the bot's own token, which never expires."""
        channel = interaction.channel
        if not isinstance(channel, discord.abc.Messageable):
            return
        key = "status_queued" if state is JobState.QUEUED else "status_waiting"
        preview = discord.utils.escape_markdown(
            truncate(" ".join(prompt.split()), STATUS_PROMPT_CHARS)
        )
        content = msg(key, mention=interaction.user.mention, prompt=preview, job_id=job_id).render(
            str(interaction.locale)
        )
        try:
            message = await channel.send(content, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            log.warning("Job %d: could not post the status message (%s)", job_id, error)
            return
        await self.bot.store.set_status_message(job_id, message.id)

    async def cog_app_command_error(
        self, interaction: discord.Interaction[discord.Client], error: app_commands.AppCommandError
    ) -> None:
        """Apologise to the member and log the full story for the operator."""
        original = getattr(error, "original", error)
        log.error(
            "/%s failed for user %d in guild %s channel %s",
            interaction.command.qualified_name if interaction.command else "?",
            interaction.user.id,
            interaction.guild_id,
            interaction.channel_id,
            exc_info=original,
        )
        try:
            await answer_privately(interaction, msg("unexpected_error"))
        except discord.HTTPException:
            log.warning("Could not tell user %d about the error", interaction.user.id)


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(VideoCog(bot))
