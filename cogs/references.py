"""Videos from pictures already in the conversation: the "Make a video" menu and replies.

Both end in the same shared path as /video (`cogs._queue.queue_video`).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.apimart.models import DURATIONS, RESOLUTIONS
from bot.i18n import msg, t
from bot.jobs.flags import parse_flags
from bot.jobs.media import MessageMedia, collect, split_attachments
from bot.jobs.models import JobRefused, MessageRef
from bot.jobs.validation import (
    DEFAULT_ASPECT_RATIO,
    DEFAULT_DURATION,
    DEFAULT_RESOLUTION,
    MAX_PROMPT_LENGTH,
    VideoOptions,
    check_media,
    generation_mode,
)
from cogs._errors import FunnelledModal, log_failure
from cogs._queue import (
    InteractionOrigin,
    MessageOrigin,
    answer_privately,
    media_from_attachment,
    queue_video,
    refused_before_fetching,
)

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

MENU_NAME = "Make a video"
# An open form holds the message's media in memory; forget it after this long.
MODAL_TIMEOUT = 900.0


def embed_image_urls(message: discord.Message) -> tuple[str, ...]:
    """Pictures shown by the message's embeds: an image link's preview, or a rich embed's image."""
    urls: list[str] = []
    for embed in message.embeds:
        # Discord shows a bare image link as an "image" embed whose thumbnail is the picture.
        url = (embed.thumbnail.url or embed.url) if embed.type == "image" else embed.image.url
        if url:
            urls.append(url)
    return tuple(urls)


def message_media(message: discord.Message) -> MessageMedia:
    """A message's attachments, embedded pictures and text, in the core's terms."""
    return MessageMedia(
        attachments=tuple(media_from_attachment(item) for item in message.attachments),
        embed_image_urls=embed_image_urls(message),
        content=message.content,
    )


def message_ref(message: discord.Message) -> MessageRef:
    """Where to fetch the message again later."""
    return MessageRef(channel_id=message.channel.id, message_id=message.id)


def mention_pattern(user_id: int) -> re.Pattern[str]:
    """`<@id>` and the older `<@!id>` form."""
    return re.compile(rf"<@!?{user_id}>")


class VideoModal(FunnelledModal):
    """The prompt and the main options for a video from a message's media."""

    def __init__(
        self, bot: VideoBot, target: discord.Message, media: MessageMedia, locale: str
    ) -> None:
        super().__init__(title=t("modal_title", locale), timeout=MODAL_TIMEOUT)
        self.bot = bot
        self.target = target
        self.media = media
        attached = split_attachments(media.attachments)
        self.prompt: discord.ui.TextInput[VideoModal] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            placeholder=t("modal_prompt_placeholder", locale),
            max_length=MAX_PROMPT_LENGTH,
        )
        self.add_item(discord.ui.Label(text=t("modal_prompt_label", locale), component=self.prompt))
        self.duration: discord.ui.Select[VideoModal] | None = None
        if not attached.videos:
            # A reference video sets the length, so the choice is only offered without one.
            self.duration = self._choice(
                [(t("seconds_value", locale, seconds=s), str(s)) for s in DURATIONS],
                str(DEFAULT_DURATION),
            )
            self.add_item(
                discord.ui.Label(text=t("field_duration", locale), component=self.duration)
            )
        self.resolution = self._choice(
            [(value.upper() if value == "4k" else value, value) for value in RESOLUTIONS],
            DEFAULT_RESOLUTION,
        )
        self.add_item(
            discord.ui.Label(text=t("field_resolution", locale), component=self.resolution)
        )
        self.aspect_ratio = self._choice(
            [(t("option_landscape", locale), "16:9"), (t("option_portrait", locale), "9:16")],
            DEFAULT_ASPECT_RATIO,
        )
        self.add_item(
            discord.ui.Label(text=t("field_aspect_ratio", locale), component=self.aspect_ratio)
        )
        self.mode: discord.ui.Select[VideoModal] | None = None
        if attached.images or media.link_urls():
            self.mode = discord.ui.Select(
                placeholder=t("modal_mode_placeholder", locale),
                required=False,
                options=[
                    discord.SelectOption(label=t("option_frame", locale), value="frame"),
                    discord.SelectOption(label=t("option_reference", locale), value="reference"),
                ],
            )
            self.add_item(discord.ui.Label(text=t("modal_mode_label", locale), component=self.mode))

    @staticmethod
    def _choice(options: list[tuple[str, str]], default: str) -> discord.ui.Select[VideoModal]:
        return discord.ui.Select(
            options=[
                discord.SelectOption(label=label, value=value, default=value == default)
                for label, value in options
            ]
        )

    @staticmethod
    def _picked(select: discord.ui.Select[VideoModal] | None) -> str | None:
        return select.values[0] if select is not None and select.values else None

    async def on_submit(self, interaction: discord.Interaction[VideoBot]) -> None:  # type: ignore[override]
        """Read the links' types if there are any (slow: acknowledge first), then queue."""
        origin = InteractionOrigin(
            interaction, sources=(message_ref(self.target),), reply_to=self.target
        )
        if self.media.link_urls():
            if await refused_before_fetching(self.bot, origin):
                return
            await interaction.response.defer(ephemeral=True, thinking=True)
        collected = await collect([self.media], self.bot.link_prober)
        duration = self._picked(self.duration)
        options = VideoOptions(
            prompt=self.prompt.value,
            duration=int(duration) if duration is not None else None,
            resolution=self._picked(self.resolution),
            aspect_ratio=self._picked(self.aspect_ratio),
            mode=generation_mode(self._picked(self.mode)),
            images=collected.images,
            videos=collected.videos,
        )
        await queue_video(self.bot, origin, options)


class ReferencesCog(commands.Cog):
    """Pictures in the conversation become references: by context menu, or by reply."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(
            name=MENU_NAME,
            callback=self.make_video,
            # Wherever /video can be used, for server installs and user installs (issue 17).
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=True, private_channel=True
            ),
        )

    async def cog_load(self) -> None:
        """Register the context menu (a cog cannot declare one as a method)."""
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        """Remove the context menu."""
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def make_video(
        self, interaction: discord.Interaction[VideoBot], message: discord.Message
    ) -> None:
        """Check the message's media, then ask for the prompt in a form (the first answer)."""
        media = message_media(message)
        if not media.link_urls():
            # Everything is known without fetching a link: refuse now rather than after typing.
            attached = split_attachments(media.attachments)
            try:
                check_media(
                    attached.images,
                    attached.videos,
                    max_file_bytes=self.bot.settings.max_reference_bytes,
                )
            except JobRefused as error:
                await answer_privately(interaction, error.user_message)
                return
        locale = str(interaction.locale)
        await interaction.response.send_modal(VideoModal(self.bot, message, media, locale))

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A reply that mentions the bot asks for a video from the replied-to message."""
        me = self.bot.user
        # Replies are message events: they reach the bot only where it is present, a server
        # that added it or its own DM (not group DMs, nor servers reached by a user install).
        present = message.guild is not None or isinstance(message.channel, discord.DMChannel)
        if (
            me is None
            or message.author.bot
            or not present
            or message.reference is None
            or message.reference.type is not discord.MessageReferenceType.reply
            or not mention_pattern(me.id).search(message.content)
        ):
            return
        try:
            await self._from_reply(message, me.id)
        except Exception as error:
            guild_id = message.guild.id if message.guild is not None else None
            log_failure(error, what="A reply", user_id=message.author.id, guild_id=guild_id)
            await MessageOrigin(message).tell(msg("unexpected_error"))

    async def _from_reply(self, message: discord.Message, my_id: int) -> None:
        origin = MessageOrigin(message)
        try:
            options = parse_flags(mention_pattern(my_id).sub(" ", message.content))
        except JobRefused as error:
            await origin.tell(error.user_message)
            return
        source = await self._replied_to(message)
        if source is None:
            await origin.tell(msg("reply_source_unreadable"))
            return
        source_media = message_media(source)
        if (
            source_media.is_blank
            and not self.bot.settings.message_content_intent
            and source.author.id != my_id
        ):
            # Without the intent Discord hides the replied-to message; say so, never guess.
            await origin.tell(msg("reply_needs_intent"))
            return
        medias = [source_media, message_media(message)]
        if any(media.link_urls() for media in medias) and await refused_before_fetching(
            self.bot, origin
        ):
            return
        collected = await collect(medias, self.bot.link_prober)
        origin = MessageOrigin(message, sources=(message_ref(source), message_ref(message)))
        options = dataclasses.replace(options, images=collected.images, videos=collected.videos)
        await queue_video(self.bot, origin, options)

    async def _replied_to(self, message: discord.Message) -> discord.Message | None:
        """The replied-to message as delivered with the reply, else fetched; None if gone."""
        reference = message.reference
        if reference is None:
            return None
        if isinstance(reference.resolved, discord.Message):
            return reference.resolved
        if reference.message_id is None:
            return None
        channel = self.bot.get_partial_messageable(
            reference.channel_id, guild_id=reference.guild_id
        )
        try:
            return await channel.fetch_message(reference.message_id)
        except discord.HTTPException as error:
            log.info("Replied-to message %d cannot be read (%s)", reference.message_id, error)
            return None


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(ReferencesCog(bot))
