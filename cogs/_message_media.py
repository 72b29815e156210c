"""What a message offers to make a video from, read in the core's terms (`MessageMedia`).

Its attachments, the pictures it shows as its own (an image link's preview, a GIF's still, a
bot's embedded picture, another app's layout), the links a result's layout plays, and a
forwarded message's own (in its snapshot); and where to find the message again later.

A picture an embed or another app's layout shows is taken by Discord's copy of it only
(`bot.media.discord_served`): their links are whoever posted the message's to choose. An
article's or a video page's preview picture is decoration, not a picture the member posted.
"""

from __future__ import annotations

import discord

from bot.jobs.media import MessageMedia
from bot.jobs.models import MessageRef
from bot.media.discord_served import discord_copy
from bot.media_refresh import attachment_id
from bot.result_layout import components_of
from cogs._from_discord import media_from_attachment

Part = discord.Message | discord.MessageSnapshot

# What a refusal of a message's files says where the member cannot change them (the menu on a
# message, a reply to another member's that alone holds too many): they can take no file out
# of another's message, and adding files only adds to the count. They are pointed to /video,
# where they choose the files.
FIXED_FILES_WORDING = {
    "wrong_image_count": "wrong_image_count_menu",
    "too_many_videos": "too_many_videos_menu",
}

# A reply to another member's message that can still be mended by what the reply holds: its
# two pictures (one more in the reply makes three), its three (the reply must add none), its
# clip (the reply must add no other). "Remove" or "keep just one" would offer what the member
# cannot do: take a file out of another's message.
REPLY_TO_TWO_PICTURES_WORDING = {"wrong_image_count": "wrong_image_count_reply_two"}
REPLY_TO_THREE_PICTURES_WORDING = {"wrong_image_count": "wrong_image_count_reply_three"}
REPLY_TO_A_CLIP_WORDING = {"too_many_videos": "too_many_videos_reply"}


def _embed_picture(embed: discord.Embed, origins: frozenset[str]) -> str | None:
    """Discord's copy of the picture an embed shows as the message's: an image link's, a
    GIF's still, a rich embed's image (a bot's); None for a link's preview (an article, a
    video page), or a picture Discord keeps no copy of."""
    if embed.type in ("image", "gifv"):
        # A bare image link shows as an "image" embed whose thumbnail is the picture; a Tenor
        # or Giphy GIF plays as a looping video whose thumbnail is a still of it.
        return discord_copy(embed.thumbnail.proxy_url, origins)
    if embed.type == "rich":
        return discord_copy(embed.image.proxy_url, origins)
    return None


def embed_image_urls(message: Part, origins: frozenset[str]) -> tuple[str, ...]:
    """Pictures shown by the message's embeds, by Discord's copies (`origins`: where Discord
    serves attachments)."""
    return tuple(url for embed in message.embeds if (url := _embed_picture(embed, origins)))


def pictured_pages(message: Part, origins: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """Links whose embed shows their picture (a GIF's Tenor page), each with that picture,
    which stands for it."""
    return tuple(
        (embed.url, picture)
        for embed in message.embeds
        if embed.url and (picture := _embed_picture(embed, origins))
    )


def _posted_by_the_bot(part: Part) -> bool:
    """Whether the bot posted it (a forward's snapshot names no author)."""
    return isinstance(part, discord.Message) and part.author.id == part._state.self_id


def layout_links(part: Part, origins: frozenset[str]) -> tuple[str, ...]:
    """Pictures and videos a layout shows that are not the message's own uploads (those count
    as attachments): another app's media gallery and thumbnails, by Discord's copies; in the
    bot's own, the links its gallery plays (a result over the upload limit is posted as the
    service's link, `bot.result_layout`), not its thumbnails (the references it was made from)."""
    own = _posted_by_the_bot(part)
    media: list[discord.UnfurledMediaItem] = []
    for component in components_of(part):
        if isinstance(component, discord.components.MediaGalleryComponent):
            media += [item.media for item in component.items]
        elif isinstance(component, discord.components.ThumbnailComponent) and not own:
            media.append(component.media)
    links = (
        item.url if own else discord_copy(item.proxy_url, origins)
        for item in media
        if item.attachment_id is None
    )
    return tuple(link for link in links if link)


def message_media(
    message: discord.Message, origins: frozenset[str], *, stickers: bool = False
) -> MessageMedia:
    """A message's attachments, embedded pictures and text, in the core's terms; a forwarded
    message's are in its snapshot (its own fields are empty), so they count as its own.
    `stickers`: its stickers too, for a message whose pictures the member points at (the one
    replied to), where a sticker must be named as unusable rather than quietly ignored.
    `origins`: where Discord serves attachments (its copies of pictures shown are read from
    there or its media proxy only)."""
    parts: list[Part] = [
        message,
        *message.message_snapshots,
    ]
    return MessageMedia(
        attachments=tuple(
            media_from_attachment(item) for part in parts for item in part.attachments
        ),
        shown_urls=tuple(
            url
            for part in parts
            for url in (*embed_image_urls(part, origins), *layout_links(part, origins))
            if not _own_upload(part, url)
        ),
        content="\n".join(part.content for part in parts if part.content),
        pictured_pages=tuple(pair for part in parts for pair in pictured_pages(part, origins)),
        stickers=(
            tuple(sticker.name for part in parts for sticker in part.stickers) if stickers else ()
        ),
    )


def _own_upload(part: Part, url: str) -> bool:
    """Whether `url` shows one of the message's own attachments (a bot's embed showing its
    upload, `attachment://cat.png`): that picture is counted once, as the attachment."""
    shown = attachment_id(url)
    return shown is not None and any(item.id == shown for item in part.attachments)


def message_ref(message: discord.Message) -> MessageRef:
    """Where to fetch the message again later."""
    return MessageRef(channel_id=message.channel.id, message_id=message.id)


def replied_to_ref(reference: discord.MessageReference, message: discord.Message) -> MessageRef:
    """Where to fetch a replied-to `message` again: in the channel the reply's `reference`
    names. A reply in a thread to the message the thread was started from (shown at its top)
    names the channel that message lives in, where discord.py gives it the thread."""
    return MessageRef(channel_id=reference.channel_id or message.channel.id, message_id=message.id)


def media_count(media: MessageMedia) -> int:
    """How many pictures, videos and links a message offers."""
    return len(media.attachments) + len(media.shown_urls) + len(media.link_urls())


def attachment_ids(message: discord.Message) -> tuple[int, ...]:
    """What a message carries, by id: an edit that removes an attachment changes it."""
    return tuple(attachment.id for attachment in message.attachments)
