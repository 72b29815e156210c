"""What a message offers to make a video from, read in the core's terms (`MessageMedia`).

Its attachments, the pictures its embeds show (an image link's preview, a GIF's still), the
links a result's layout plays, and a forwarded message's own (in its snapshot); and where to
find the message again later.
"""

from __future__ import annotations

import discord

from bot.jobs.media import MessageMedia
from bot.jobs.models import MessageRef
from bot.media_refresh import attachment_id
from bot.result_layout import components_of
from cogs._from_discord import media_from_attachment


def _embed_picture(embed: discord.Embed) -> str | None:
    """The picture an embed shows: an image link's preview, a GIF's still, a rich embed's image."""
    if embed.type == "image":
        # Discord shows a bare image link as an "image" embed whose thumbnail is the picture.
        return embed.thumbnail.url or embed.url
    if embed.type == "gifv":
        # A Tenor or Giphy GIF plays as a looping video; its thumbnail is a still of it.
        return embed.thumbnail.url
    return embed.image.url


def embed_image_urls(message: discord.Message | discord.MessageSnapshot) -> tuple[str, ...]:
    """Pictures shown by the message's embeds."""
    return tuple(url for embed in message.embeds if (url := _embed_picture(embed)))


def pictured_pages(message: discord.Message | discord.MessageSnapshot) -> tuple[str, ...]:
    """Links whose embed shows their picture (a GIF's Tenor page): that picture stands for them."""
    return tuple(embed.url for embed in message.embeds if embed.url and _embed_picture(embed))


def gallery_links(message: discord.Message | discord.MessageSnapshot) -> tuple[str, ...]:
    """Links a layout's media galleries play that are not the message's own uploads: a result
    over the upload limit is posted as the service's link (`bot.result_layout`)."""
    return tuple(
        item.media.url
        for component in components_of(message)
        if isinstance(component, discord.components.MediaGalleryComponent)
        for item in component.items
        if item.media.attachment_id is None
    )


def message_media(message: discord.Message, *, stickers: bool = False) -> MessageMedia:
    """A message's attachments, embedded pictures and text, in the core's terms; a forwarded
    message's are in its snapshot (its own fields are empty), so they count as its own.
    `stickers`: its stickers too, for a message whose pictures the member points at (the one
    replied to), where a sticker must be named as unusable rather than quietly ignored."""
    parts: list[discord.Message | discord.MessageSnapshot] = [
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
            for url in (*embed_image_urls(part), *gallery_links(part))
            if not _own_upload(part, url)
        ),
        content="\n".join(part.content for part in parts if part.content),
        pictured_pages=tuple(url for part in parts for url in pictured_pages(part)),
        stickers=(
            tuple(sticker.name for part in parts for sticker in part.stickers) if stickers else ()
        ),
    )


def _own_upload(part: discord.Message | discord.MessageSnapshot, url: str) -> bool:
    """Whether `url` shows one of the message's own attachments (a bot's embed showing its
    upload, `attachment://cat.png`): that picture is counted once, as the attachment."""
    shown = attachment_id(url)
    return shown is not None and any(item.id == shown for item in part.attachments)


def message_ref(message: discord.Message) -> MessageRef:
    """Where to fetch the message again later."""
    return MessageRef(channel_id=message.channel.id, message_id=message.id)


def media_count(media: MessageMedia) -> int:
    """How many pictures, videos and links a message offers."""
    return len(media.attachments) + len(media.shown_urls) + len(media.link_urls())


def attachment_ids(message: discord.Message) -> tuple[int, ...]:
    """What a message carries, by id: an edit that removes an attachment changes it."""
    return tuple(attachment.id for attachment in message.attachments)
