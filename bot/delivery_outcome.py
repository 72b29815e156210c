"""What a delivery attempt comes to: the result posted (and how to delete it again), or nothing
posted and the whole delivery tried again later (part of `bot.delivery`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import aiohttp
import discord

from bot.jobs.models import Job, JobState
from bot.jobs.poller import DeliveryOutcome, DeliveryResult

# The name its lines had before bot/delivery.py was split (operators' filters know it).
log = logging.getLogger("bot.delivery")

Messageable = discord.abc.Messageable


def delivered(
    job: Job, message: discord.Message, *, started_at: float | None = None
) -> DeliveryResult:
    """The result posted as `message` by an attempt begun at `started_at` (None: an earlier
    attempt's, written down with the job); a finished video with no file there is APIMart's
    link; one without Discord's layout flag is plain text and a card."""
    linked = job.state is JobState.COMPLETED and not message.attachments
    return DeliveryResult(
        DeliveryOutcome.DELIVERED,
        message.id,
        linked=linked,
        plain=not message.flags.components_v2,
        started_at=started_at,
        withdraw=_withdrawal(message),
    )


def _withdrawal(message: discord.Message) -> Callable[[], Awaitable[bool]]:
    """Deleting `message` again; whether it is gone."""

    async def withdraw() -> bool:
        try:
            await message.delete()
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            log.warning("Could not delete message %d (%s)", message.id, error)
            return False
        return True

    return withdraw


class _Retry(Exception):
    """Nothing was posted; try the whole delivery again later."""

    def __init__(self, *, download_failed: bool = False) -> None:
        super().__init__()
        self.download_failed = download_failed
