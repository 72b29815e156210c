"""The /video slash command: parse, validate, hand to the job service, answer."""

from __future__ import annotations

import dataclasses
import logging
from types import MappingProxyType
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.apimart.models import DURATIONS
from bot.i18n import Message, msg, t
from bot.jobs.flags import with_prompt_flags
from bot.jobs.media import (
    by_kind,
)
from bot.jobs.models import JobRefused, MediaInput
from bot.jobs.validation import (
    MAX_PROMPT_LENGTH,
    VideoOptions,
    generation_mode,
)
from cogs._answers import answered
from cogs._before_recording import refused_with_what_was_collected, usable
from cogs._cut_short import answered_if_cut_short
from cogs._errors import report_failure
from cogs._forms import give_prompt_back
from cogs._from_discord import media_from_attachment
from cogs._names import typed_prompt_spoken
from cogs._origins import InteractionOrigin
from cogs._prompt_links import read_prompt_links
from cogs._queue import queue_video

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

Choice = app_commands.Choice

# A refused prompt is given back when it is longer than this, or written over several lines:
# about what the command box shows on one line, past which typing it again is real work (and
# easy to get wrong). A shorter one is quicker typed again than copied out of a code block, and
# a second message for it would only crowd the refusal.
GIVE_BACK_OVER = 80

# What a refusal says from /video, where its advice for a reply (attach the missing images to
# it) cannot be followed.
COMMAND_WORDING = MappingProxyType({"wrong_image_count": "wrong_image_count_command"})


class CommandOrigin(InteractionOrigin):
    """/video's command: Discord clears the member's command box once it is sent, so a refusal
    or an unexpected failure before anything is kept gives the prompt back (`give_back`) as it
    was typed."""

    def __init__(self, interaction: discord.Interaction[VideoBot], typed: str) -> None:
        super().__init__(interaction)
        # Before its flags were taken out and its mentions named: what the member would paste.
        self.typed = typed
        self.wording = COMMAND_WORDING

    async def tell(self, message: Message) -> None:
        """An ephemeral answer; as the first one, Discord refusing it (already answered) makes
        this process the echo, which the other process's answer stands for."""
        first = not (self.acknowledged or answered(self.interaction))
        await super().tell(message)
        if first and not answered(self.interaction):
            # A deploy overlap gave this command to two processes too: the other one answered
            # first, so it tells the refusal, and gives the prompt back.
            self.echo = True

    async def give_back(self) -> None:
        """The typed prompt, privately, after a refusal (or an apology) this process told: not
        when the job was recorded or its cost question asked (they keep the prompt), nor for a
        short one."""
        if not self.told or self.kept or self.echo:
            return
        if len(self.typed) <= GIVE_BACK_OVER and "\n" not in self.typed:
            return
        try:
            await give_prompt_back(
                self.interaction, self.typed, lead=t("video_prompt_back", self.locale)
            )
        except discord.HTTPException as error:
            # An aside after the refusal, which the member has read: not a failure of /video.
            log.warning("Could not give a refused /video's prompt back (%s)", error)


def with_files_sorted(
    options: VideoOptions, images: list[MediaInput], videos: list[MediaInput]
) -> VideoOptions:
    """`options` with the files of the image and video options, each used for what it is
    (`by_kind`); a clip from an image option is remembered, for a refusal to name."""
    if options.mode is not None:
        # With a mode, the images are for it: a clip among them is named as no image. A
        # picture in the video option is still an image (the mode says it was meant so).
        pictures, clips = by_kind([], videos)
        return dataclasses.replace(options, images=(*images, *pictures), videos=clips)
    pictures, clips = by_kind(images, videos)
    moved = tuple(clip for clip in clips if clip in images)
    return dataclasses.replace(
        options, images=pictures, videos=clips, clips_from_image_options=moved
    )


class VideoCog(commands.Cog):
    """Members make videos here."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot

    @app_commands.command(name="video", description="Make a short video from a prompt")
    # Servers that added the bot, and anywhere a member who installed it is (issue 17).
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
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
        """Validate, record and submit a video job, then say it is queued; a refusal, or an
        unexpected failure before the job was kept, gives a long prompt back."""
        origin = CommandOrigin(interaction, typed=prompt)
        images = [media_from_attachment(a) for a in (image, image2, image3) if a is not None]
        videos = [media_from_attachment(video)] if video is not None else []
        options = VideoOptions(
            prompt=prompt,
            duration=duration,
            resolution=resolution,
            aspect_ratio=aspect_ratio,
            mode=generation_mode(mode),
        )
        options = with_files_sorted(options, images, videos)
        if self.bot.closing:
            await origin.tell(msg("bot_restarting"))
            await origin.give_back()
            return
        # From the deferral on: a stop lets it finish (links read, job saved), within its
        # grace, or cuts it short and says so.
        async with answered_if_cut_short(self.bot, origin):
            try:
                await self._make(origin, options)
            except Exception as error:
                # The funnel's record and apology, here so that the prompt can follow: "please
                # try again" once Discord cleared the command box would have it all typed again.
                # Told as the origin's answer: a deploy overlap's echo stays silent, as for a
                # refusal.
                await report_failure(interaction, error, tell=origin.tell)
            await origin.give_back()

    async def _make(self, origin: InteractionOrigin, options: VideoOptions) -> None:
        """From the command's options to a queued job, or a refusal told."""
        try:
            # Members who learned `--duration 8` from mentions type it here too.
            options = with_prompt_flags(options)
        except JobRefused as error:
            await origin.tell(error.user_message)
            return
        options = typed_prompt_spoken(options, origin.interaction.user)
        # Links in the prompt are references, as in a mention.
        read = await read_prompt_links(self.bot, origin, options)
        if read is None:
            return
        options = read.options
        if read.linked is not None:
            # Refused with what the links added, then which links were lost.
            if await refused_with_what_was_collected(
                self.bot, origin, options, read.everything.skipped
            ):
                return
            if not await usable(origin, read.everything, in_prompt=True):
                return
        await queue_video(self.bot, origin, options)


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(VideoCog(bot))
