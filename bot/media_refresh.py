"""Fresh media URLs before a late submit: Discord's signed attachment URLs expire (about a day).

For each signed URL of a job, in order of preference:
1. the same attachment's current URL, read from its source message fetched again;
2. for an image, a copy re-hosted on APIMart's upload endpoint (kept 72 hours), downloaded
   from the old URL while it still works;
3. otherwise the job is refused with a message saying the links expired.
Links that are not signed (image links, earlier re-hosted copies) never expire and are kept.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping

import aiohttp
import yarl

from bot.apimart import APIMartClient, APIMartError, VideoRequest
from bot.i18n import msg
from bot.jobs.models import Job, JobRefused, MessageRef

log = logging.getLogger(__name__)

# Attachment id -> its current URL, for one message; empty when the message cannot be read.
AttachmentUrls = Callable[[MessageRef], Awaitable[Mapping[int, str]]]

_ATTACHMENT_PATH = re.compile(r"/attachments/\d+/(\d+)/")
_SIGNATURE_PARAMS = frozenset({"ex", "hm"})


def is_signed(url: str) -> bool:
    """Whether `url` is a signed Discord CDN URL that expires (`?ex=...&hm=...`)."""
    return set(yarl.URL(url).query) >= _SIGNATURE_PARAMS


def signed_url_expiry(url: str) -> float | None:
    """When a signed Discord URL stops working (its `ex` is a hex Unix time), if it says."""
    expiry = yarl.URL(url).query.get("ex")
    try:
        return float(int(expiry, 16)) if expiry else None
    except ValueError:
        return None


def earliest_expiry(request: VideoRequest) -> float | None:
    """The soonest moment one of the request's signed media URLs expires, if any does."""
    expiries = [
        expiry
        for url in (*request.image_urls, *request.video_urls)
        if (expiry := signed_url_expiry(url)) is not None
    ]
    return min(expiries, default=None)


def attachment_id(url: str) -> int | None:
    """The attachment id in a Discord CDN URL, which stays the same when the URL is re-signed."""
    match = _ATTACHMENT_PATH.search(yarl.URL(url).path + "/")
    return int(match.group(1)) if match else None


class _Unavailable(Exception):
    """An old URL could not be downloaded for re-hosting."""


class DiscordMediaRefresher:
    """The `MediaRefresher` hook of `JobService`: returns the job's request with fresh URLs."""

    def __init__(
        self,
        *,
        attachment_urls: AttachmentUrls,
        client: APIMartClient,
        session: aiohttp.ClientSession,
        max_bytes: int,
        timeout: float = 60.0,
    ) -> None:
        self._attachment_urls = attachment_urls
        self._client = client
        self._session = session
        self._max_bytes = max_bytes
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def __call__(self, job: Job) -> VideoRequest:
        """Fresh URLs for every signed one; raises `JobRefused` when one cannot be renewed."""
        request = job.request
        if not any(is_signed(url) for url in (*request.image_urls, *request.video_urls)):
            return request
        current: dict[int, str] = {}
        for source in job.requester.sources:
            current.update(await self._attachment_urls(source))
        images = [await self._fresh(job, url, current, image=True) for url in request.image_urls]
        videos = [await self._fresh(job, url, current, image=False) for url in request.video_urls]
        return request.model_copy(update={"image_urls": tuple(images), "video_urls": tuple(videos)})

    async def _fresh(self, job: Job, url: str, current: Mapping[int, str], *, image: bool) -> str:
        if not is_signed(url):
            return url
        found = current.get(attachment_id(url) or 0)
        if found is not None:
            return found
        if image:
            try:
                return await self._rehost(url)
            except (_Unavailable, APIMartError) as error:
                log.warning("Job %d: could not re-host an image (%s)", job.id, error)
        raise JobRefused(msg("media_expired"))

    async def _rehost(self, url: str) -> str:
        """Download the image from its old URL and upload it to APIMart."""
        try:
            async with self._session.get(url, timeout=self._timeout) as response:
                if response.status != 200:
                    raise _Unavailable(f"HTTP {response.status}")
                content_type = response.content_type.lower()
                if not content_type.startswith("image/"):
                    raise _Unavailable(f"not an image ({content_type})")
                data = await self._read_capped(response)
        except (aiohttp.ClientError, TimeoutError) as error:
            raise _Unavailable(type(error).__name__) from None
        name = yarl.URL(url).name or "image"
        return await self._client.upload_image(data, filename=name, content_type=content_type)

    async def _read_capped(self, response: aiohttp.ClientResponse) -> bytes:
        data = bytearray()
        async for chunk in response.content.iter_chunked(256 * 1024):
            data += chunk
            if len(data) > self._max_bytes:
                raise _Unavailable("larger than the reference size limit")
        return bytes(data)
