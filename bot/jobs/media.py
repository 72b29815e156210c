"""Collecting a message's reference media: attachments, image embeds, then image links, in order.

Attachments carry a content type from Discord and are taken as they are (a video type makes a
reference video, anything else is offered as an image, so validation can name a wrong type).
Links, from embeds or typed in the text, are only candidates: a link counts as an image when a
GET of it (redirects followed by hand, http(s) only, public addresses only) answers with an
`image/*` content type. Other links (web pages, say) are left out, not refused.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import aiohttp
import yarl

from bot.jobs.models import MediaInput

log = logging.getLogger(__name__)

HTTP_SCHEMES = frozenset({"http", "https"})
# More candidates than this per message are not looked at (4 images are already too many).
MAX_LINKS_PER_MESSAGE = 8
MAX_REDIRECTS = 3
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_LINK = re.compile(r"https?://[^\s<>\"'|]+", re.IGNORECASE)
# Prose and markdown punctuation that often follows a pasted link.
_TRAILING = ".,;:!?)]}*_~`"

Probe = Callable[[str], Awaitable[MediaInput | None]]


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
    seen: set[str] = set()
    for message in messages:
        attached = split_attachments(message.attachments)
        images += attached.images
        videos += attached.videos
        links = [url for url in message.link_urls() if url not in seen]
        seen.update(links)
        found = await asyncio.gather(*(probe(url) for url in links))
        images += [item for item in found if item is not None]
    return CollectedMedia(tuple(images), tuple(videos))


def _filename(url: yarl.URL) -> str:
    return url.name or url.host or "image"


async def _is_public(host: str, port: int | None) -> bool:
    """Whether every address `host` resolves to is on the public internet."""
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        pass
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_global for info in infos)


class LinkProber:
    """Finds out whether a link is an image, its type and size, without trusting the name."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        max_bytes: int,
        allow_private: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self._session = session
        self._max_bytes = max_bytes
        # Off in production: a member's link must not make the bot reach into its own network.
        self._allow_private = allow_private
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def __call__(self, url: str) -> MediaInput | None:
        """The link as an image reference, or None if it is not a readable image."""
        if not is_http_url(url):
            return None
        try:
            return await self._probe(yarl.URL(url))
        except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as error:
            # The host only: a link's query may carry a signature.
            log.info("Link on %s is unreadable (%s)", yarl.URL(url).host, type(error).__name__)
            return None

    async def _probe(self, url: yarl.URL) -> MediaInput | None:
        for _ in range(MAX_REDIRECTS + 1):
            if url.scheme not in HTTP_SCHEMES or not url.host:
                return None
            if not self._allow_private and not await _is_public(url.host, url.port):
                log.info("Link to %s refused: not a public address", url.host)
                return None
            async with self._session.get(
                url, allow_redirects=False, timeout=self._timeout
            ) as response:
                if response.status in _REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        return None
                    url = url.join(yarl.URL(location))
                    continue
                if response.status != 200:
                    return None
                content_type = response.content_type.lower()
                if not content_type.startswith("image/"):
                    return None
                size = response.content_length
                if size is None:
                    size = await self._count_bytes(response)
                return MediaInput(
                    url=str(url), filename=_filename(url), content_type=content_type, size=size
                )
        return None

    async def _count_bytes(self, response: aiohttp.ClientResponse) -> int:
        """The body's size; counting stops just past the limit, enough to refuse it."""
        size = 0
        async for chunk in response.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > self._max_bytes:
                break
        return size
