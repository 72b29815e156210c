"""Fetching a finished job's video for its upload (part of `bot.delivery`): streamed into a
spooled temporary file within the upload limit of where it goes, retried a few times, else its
link is posted."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable
from typing import IO

import aiohttp
import discord

from bot.delivery_outcome import Messageable, _Retry
from bot.expiring import keep_until
from bot.jobs.models import Job
from bot.media.fetcher import FetchError, GuardedFetcher, Refused

# The name its lines had before bot/delivery.py was split (operators' filters know it).
log = logging.getLogger("bot.delivery")

_DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=300, sock_read=60)
# Downloads are kept in memory up to this size, then spill to a temporary file: 32 delivery
# workers hold at most 64 MiB in memory.
_SPOOL_IN_MEMORY = 2 * 1024 * 1024
_CHUNK = 256 * 1024
# A result that cannot be fetched this many times is reported with its link, honestly.
DOWNLOAD_ATTEMPTS = 3
_VIDEO_TYPES = ("video/", "application/mp4", "application/octet-stream", "binary/octet-stream")
# A server's upload limit read over REST is used this long (boosts change rarely).
SERVER_LIMIT_KEPT = 600.0
# What a server at the highest boost level accepts: assumed when its limit cannot be read, so
# a moment's failure never turns a boosted server's video into a link (Discord's 413 does
# that where it is too large after all).
_LARGEST_SERVER_UPLOAD = 100 * 1024 * 1024


class DownloadFailed(Exception):
    """The result could not be fetched whole (an error status, not a video, cut short)."""


class TooLarge(Exception):
    """The result is over the upload limit: post its link instead."""


class _Fetching:
    """`Delivery`'s fetching of the result file."""

    _client: discord.Client
    _clock: Callable[[], float]
    _downloads: GuardedFetcher
    _download_timeout: aiohttp.ClientTimeout
    _server_limits: dict[int, tuple[int, float]]

    async def fetch_video(self, job: Job, limit: int) -> tuple[IO[bytes] | None, bool]:
        """The video to upload within `limit` bytes (None: post its link), and whether it
        could not be fetched; a failed download worth another attempt retries the delivery."""
        return await self._fetch_within(job, limit)

    async def _fetch_result(self, job: Job, target: Messageable) -> tuple[IO[bytes] | None, bool]:
        """The video to upload (None: post its link), and whether it could not be fetched.

        Raises `_Retry` while a broken download may still be worth another attempt.
        """
        return await self._fetch_within(job, await self._upload_limit(target))

    async def _fetch_within(self, job: Job, limit: int) -> tuple[IO[bytes] | None, bool]:
        assert job.result_url is not None
        try:
            return await self._download(job.result_url, limit), False
        except TooLarge:
            return None, False
        except Refused as error:
            # Not a link the bot fetches (a private address, or a redirect to one): no retry.
            log.warning("Job %d: result link refused (%s); posting the link", job.id, error)
            return None, True
        except DownloadFailed as error:
            if job.download_failures + 1 < DOWNLOAD_ATTEMPTS:
                log.warning("Job %d: result download failed (%s); will retry", job.id, error)
                raise _Retry(download_failed=True) from None
            log.error("Job %d: result download kept failing (%s); posting the link", job.id, error)
            return None, True

    async def _upload_limit(self, target: Messageable) -> int:
        """What Discord accepts in the target's server (more in a boosted one), else its base.

        A server this process has not seen on the gateway yet (right after a start, whose
        first deliveries come before the servers do) or not at all (on another process's
        shard) is read over REST, once a while: its channel alone says nothing of its boosts.
        Nor does the stub READY leaves in the cache until the server's GUILD_CREATE (an
        unavailable server, at boost level 0 whatever its boosts). A read that fails assumes
        the largest limit, and leaves a video too large there to Discord's 413.
        """
        guild = getattr(target, "guild", None)
        if not isinstance(guild, discord.Guild):
            return discord.utils.DEFAULT_FILE_SIZE_LIMIT_BYTES
        cached = self._client.get_guild(guild.id)
        if cached is not None and not cached.unavailable:
            return cached.filesize_limit
        known = self._server_limits.get(guild.id)
        now = self._clock()
        if known is not None and now < known[1]:
            return known[0]
        try:
            limit = (await self._client.fetch_guild(guild.id, with_counts=False)).filesize_limit
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            # Not kept: the next delivery there reads it again. The post itself says if the
            # server is gone.
            log.info(
                "Server %d: upload limit not read (%s); trying the largest upload", guild.id, error
            )
            return _LARGEST_SERVER_UPLOAD
        # A server on another process's shard is read once a while, and over weeks every
        # server is: the table holds only the last `SERVER_LIMIT_KEPT` seconds' servers.
        keep_until(self._server_limits, guild.id, limit, now + SERVER_LIMIT_KEPT, now)
        return limit

    async def _download(self, url: str, limit: int) -> IO[bytes]:
        """The whole video in a spooled temporary file (memory, then disk), checked.

        Raises `TooLarge` when it is over `limit` (known from Content-Length before reading, when
        given), `DownloadFailed` for an error status, a body that is not a video, a body cut
        short or any other failure, and `Refused` for a link the guard will not fetch.
        """
        try:
            # APIMart names the link, so it is fetched like a member's: public addresses only
            # (and APIMart's own origin), no Authorization header, redirects checked hop by hop.
            # The time limit is the whole try's, not each hop's: slow redirects add up.
            async with (
                asyncio.timeout(self._download_timeout.total),
                self._downloads.open(url, per_hop=self._download_timeout) as response,
            ):
                if response.status != 200:
                    raise DownloadFailed(f"HTTP {response.status}")
                if not response.content_type.lower().startswith(_VIDEO_TYPES):
                    raise DownloadFailed(f"not a video ({response.content_type})")
                # A compressed body's Content-Length is its packed size: the video read is
                # the unpacked one, so only a plain body's length says when it was cut short.
                encoding = response.headers.get(aiohttp.hdrs.CONTENT_ENCODING, "").lower()
                plain = encoding in ("", "identity")
                expected = response.content_length if plain else None
                if expected is not None and expected > limit:
                    raise TooLarge
                spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
                try:
                    size = 0
                    async for chunk in response.content.iter_chunked(_CHUNK):
                        size += len(chunk)
                        if size > limit:
                            raise TooLarge
                        spool.write(chunk)
                    if size == 0 or (expected is not None and size != expected):
                        raise DownloadFailed(f"body cut short ({size} of {expected} bytes)")
                except BaseException:
                    spool.close()
                    raise
                spool.seek(0)
                return spool
        except (Refused, TooLarge, DownloadFailed):
            raise
        except FetchError as error:
            raise DownloadFailed(str(error)) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DownloadFailed(type(error).__name__) from None
        except Exception as error:
            # Whatever else the download raised (an odd link meeting a library's own error)
            # fails this try like any broken download: the member gets the link in the end,
            # not a delivery that crashes on every try.
            log.exception("Result download failed unexpectedly")
            raise DownloadFailed(type(error).__name__) from None
