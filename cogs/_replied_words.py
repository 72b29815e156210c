"""The words of a replied-to (or forwarded) message that offers nothing else, read as the scene
to film.

A reply that mentions the bot under a message of words alone (no picture, video, link nor
sticker) asks for a video of those words, directed by the reply's own (`bot.jobs.quoted`), as
the "Make a video" menu starts its form from a message's words; so does the comment that
mentions the bot sent with a forward of one (`cogs._forwards`). They are read as the member
saw them: the bot's mention is no word of the scene, nor is a flag (another member's `--res 4k`
is their choice, which costs more), nor words hidden behind a spoiler (the status would show
them uncovered), and mentions are names that ping nobody.
"""

from __future__ import annotations

import contextlib

import discord

from bot.jobs.flags import parse_flags
from bot.jobs.links import without_links
from bot.jobs.markup import spoken
from bot.jobs.media import MessageMedia
from bot.jobs.models import JobRefused
from bot.jobs.quoted import has_words, without_spoilers
from bot.jobs.validation import MAX_PROMPT_LENGTH
from cogs._addressing import addressed_text
from cogs._message_media import media_count
from cogs._names import Asking, names_seen


def words_alone(media: MessageMedia) -> bool:
    """Whether a message offers nothing to make a video from but its words (if any)."""
    return media_count(media) == 0 and not media.stickers


def replied_words(
    source: discord.Message, media: MessageMedia, me: discord.ClientUser, asking: Asking
) -> str:
    """`source`'s words (`media`: what it offers, a forward's in its snapshot) as a prompt for
    `asking`; empty when they say nothing but mentions, emoji and links, or cannot be read."""
    text = addressed_text(me, source.guild, media.content)
    # A flag it cannot read is no choice of the member's: its words are kept as written.
    with contextlib.suppress(JobRefused):
        text = parse_flags(text).prompt
    text = without_spoilers(without_links(text))
    if not has_words(text):
        return ""
    # A forward's mentions come as bare ids: its forwarded message or the member's server
    # may know them.
    return spoken(text, names_seen(source, asking), limit=MAX_PROMPT_LENGTH).strip()
