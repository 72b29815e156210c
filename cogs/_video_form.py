"""The "Make a video" form: its fields, its custom id, and what its options open on.

Its custom id names the message and how much media it showed, so a form opened before a
restart is still answered after it (`cogs._forms`).
"""

from __future__ import annotations

import re

import discord

from bot.i18n import Message, msg, t
from bot.jobs.flags import parse_flags
from bot.jobs.media import MessageMedia, split_attachments
from bot.jobs.validation import (
    DEFAULT_ASPECT_RATIO,
    DEFAULT_DURATION,
    DEFAULT_RESOLUTION,
    MAX_PROMPT_LENGTH,
    VideoOptions,
)
from cogs._forms import aspect_ratio_select, duration_select, labelled, resolution_select
from cogs._message_media import media_count

# A "Make a video" form names the message and how much media it showed when opened.
MAKE_FORM = re.compile(
    r"video:makeform:(?P<channel_id>\d+):(?P<message_id>\d+):(?P<media_count>\d+)"
)


def form_id(target: discord.Message, media: MessageMedia) -> str:
    """The form's custom id: enough to find the message again after a restart."""
    return f"video:makeform:{target.channel.id}:{target.id}:{media_count(media)}"


# What `VideoModal`'s selects open on (the duration only where it is offered: for a message
# without an attached video).
FORM_OPENS_ON = VideoOptions(
    prompt="",
    duration=DEFAULT_DURATION,
    resolution=DEFAULT_RESOLUTION,
    aspect_ratio=DEFAULT_ASPECT_RATIO,
)


def length_refused(
    submitted: VideoOptions, *, opened: int | None = FORM_OPENS_ON.duration
) -> Message | None:
    """Why a form sent beside a reference video cannot go ahead, if a length was chosen: a
    video sets its own (longer, dearer) one, so a pick is asked about, never overruled. The
    Duration select (offered for a link, whose kind is known only once the form is sent) on
    another value than it `opened` on is a pick, and so is a `--dur` flag typed in the prompt
    (a form is filled from a message's words only when it has no media)."""
    picked = submitted.duration
    if picked is not None and picked != opened:
        return msg("duration_chosen_with_video_link", seconds=picked)
    flagged = parse_flags(submitted.prompt).duration
    if flagged is not None:
        return msg("duration_flag_beside_video", seconds=flagged)
    return None


class VideoModal(discord.ui.Modal):
    """The prompt and the main options for a video from a message's media.

    Submitted through `ReferencesCog.on_interaction`, before or after a restart.
    """

    def __init__(
        self, custom_id: str, media: MessageMedia, locale: str, *, prompt: str | None = None
    ) -> None:
        super().__init__(title=t("modal_title", locale), custom_id=custom_id)
        attached = split_attachments(media.attachments)
        self.prompt: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(
            custom_id="prompt",
            style=discord.TextStyle.paragraph,
            placeholder=t("modal_prompt_placeholder", locale),
            default=prompt,
            max_length=MAX_PROMPT_LENGTH,
        )
        self.add_item(labelled(t("modal_prompt_label", locale), self.prompt))
        if not attached.videos:
            # A reference video sets the length, so the choice is only offered without one.
            duration = duration_select(locale, DEFAULT_DURATION)
            self.add_item(labelled(t("field_duration", locale), duration))
        self.add_item(
            labelled(t("field_resolution", locale), resolution_select(DEFAULT_RESOLUTION))
        )
        self.add_item(
            labelled(
                t("field_aspect_ratio", locale),
                aspect_ratio_select(locale, DEFAULT_ASPECT_RATIO),
            )
        )
        if attached.images or media.link_urls():
            mode: discord.ui.Select[discord.ui.Modal] = discord.ui.Select(
                custom_id="mode",
                placeholder=t("modal_mode_placeholder", locale),
                required=False,
                options=[
                    discord.SelectOption(label=t("option_frame", locale), value="frame"),
                    discord.SelectOption(label=t("option_reference", locale), value="reference"),
                ],
            )
            self.add_item(labelled(t("modal_mode_label", locale), mode))
