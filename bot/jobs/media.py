"""Collecting a message's reference media: attachments, image embeds, then image links, in order.

Attachments carry a content type from Discord and are taken as they are (a video type makes a
reference video, anything else is offered as an image, so validation can name a wrong type).
Links, from embeds or typed in the text, are only candidates: a link counts as an image when a
GET of it through the guarded fetcher (`bot.media.fetcher`: public addresses only, at most 3
http(s) redirects, a byte and a time cap) answers with an `image/*` content type. Other links
(web pages, say) are left out, not refused, but never silently: each one left out is returned
with its reason, so the member is told before anything is sent.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import Enum

import yarl

from bot.i18n import Listed, Message, msg, plural
from bot.jobs.models import MediaInput
from bot.media.fetcher import HTTP_SCHEMES, FetchError, GuardedFetcher, PrivateAddress
from bot.text import CODE_CHARS, code

log = logging.getLogger(__name__)

# More candidates than this per message are not looked at (4 images are already too many).
MAX_LINKS_PER_MESSAGE = 8
_LINK = re.compile(r"https?://[^\s<>\"'|]+", re.IGNORECASE)
# Prose and markdown punctuation that often follows a pasted link.
_TRAILING = ".,;:!?)]}*_~`"


class SkipReason(Enum):
    """Why a link was not used, in the words the member reads (`link_reason_*`)."""

    NOT_IMAGE = "not_image"
    UNREACHABLE = "unreachable"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class SkippedLink:
    """A link the member gave that is not used as a reference, and why."""

    url: str
    reason: SkipReason


Probe = Callable[[str], Awaitable[MediaInput | SkippedLink]]


@dataclass(frozen=True)
class MessageMedia:
    """What one message offers as references, described without Discord types."""

    attachments: tuple[MediaInput, ...] = ()
    embed_image_urls: tuple[str, ...] = ()
    content: str = ""

    def link_urls(self) -> list[str]:
        """Image embeds first, then links in the text; http(s) only, each once."""
        typed = (match.group().rstrip(_TRAILING) for match in _LINK.finditer(self.content))
        urls = [url for url in (*self.embed_image_urls, *typed) if is_http_url(url)]
        return list(dict.fromkeys(urls))[:MAX_LINKS_PER_MESSAGE]

    @property
    def is_blank(self) -> bool:
        """Nothing visible at all: what Discord sends without the Message Content intent."""
        return not (self.content or self.attachments or self.embed_image_urls)


@dataclass(frozen=True)
class CollectedMedia:
    """References in the order the member sees them."""

    images: tuple[MediaInput, ...] = ()
    videos: tuple[MediaInput, ...] = ()
    skipped: tuple[SkippedLink, ...] = ()


def is_http_url(url: str) -> bool:
    """Whether `url` is an absolute http(s) address."""
    try:
        parsed = yarl.URL(url)
    except ValueError:
        return False
    return parsed.scheme in HTTP_SCHEMES and bool(parsed.host)


def _is_video(media: MediaInput) -> bool:
    return (media.content_type or "").lower().startswith("video/")


def split_attachments(attachments: Sequence[MediaInput]) -> CollectedMedia:
    """Videos by content type; everything else is offered as an image (validation judges it)."""
    return CollectedMedia(
        images=tuple(item for item in attachments if not _is_video(item)),
        videos=tuple(item for item in attachments if _is_video(item)),
    )


async def collect(messages: Sequence[MessageMedia], probe: Probe) -> CollectedMedia:
    """Every message's attachments, image embeds and image links, message by message."""
    images: list[MediaInput] = []
    videos: list[MediaInput] = []
    skipped: list[SkippedLink] = []
    seen: set[str] = set()
    for message in messages:
        attached = split_attachments(message.attachments)
        images += attached.images
        videos += attached.videos
        links = [url for url in message.link_urls() if url not in seen]
        seen.update(links)
        found = await asyncio.gather(*(probe(url) for url in links))
        images += [item for item in found if isinstance(item, MediaInput)]
        skipped += [item for item in found if isinstance(item, SkippedLink)]
    return CollectedMedia(tuple(images), tuple(videos), tuple(skipped))


def skipped_note(skipped: Sequence[SkippedLink]) -> Message:
    """What the member reads about the links left out: each one, and why."""
    items = [
        msg(
            "link_skipped_item",
            link=code(_shown_link(item.url), CODE_CHARS),
            reason=msg(f"link_reason_{item.reason.value}"),
        )
        for item in skipped
    ]
    return msg("links_skipped", count=plural("count_links", len(skipped)), links=Listed(items))


def _shown_link(url: str) -> str:
    """The host, port and path, never the query (it may carry a signature) nor a password."""
    parsed = yarl.URL(url)
    port = f":{parsed.explicit_port}" if parsed.explicit_port is not None else ""
    return f"{parsed.host or ''}{port}{parsed.path}"


def _filename(url: yarl.URL) -> str:
    return url.name or url.host or "image"


class LinkProber:
    """Finds out whether a link is an image, its type and size, without trusting the name."""

    def __init__(self, fetcher: GuardedFetcher) -> None:
        self._fetcher = fetcher

    async def __call__(self, url: str) -> MediaInput | SkippedLink:
        """The link as an image reference, or why it is not one."""
        if not is_http_url(url):
            return SkippedLink(url, SkipReason.BLOCKED)
        try:
            fetched = await self._fetcher.fetch(url)
        except FetchError as error:
            # The host only: a link's query may carry a signature.
            log.info("Link on %s left out: %s", yarl.URL(url).host, error)
            blocked = isinstance(error, PrivateAddress)
            return SkippedLink(url, SkipReason.BLOCKED if blocked else SkipReason.UNREACHABLE)
        if fetched.status != 200:
            return SkippedLink(url, SkipReason.UNREACHABLE)
        if not fetched.content_type.startswith("image/"):
            return SkippedLink(url, SkipReason.NOT_IMAGE)
        final = yarl.URL(fetched.url)
        return MediaInput(
            url=fetched.url,
            filename=_filename(final),
            content_type=fetched.content_type,
            size=fetched.size,
        )
