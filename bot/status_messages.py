"""The channel message that shows a job's progress, kept current with the bot's own token."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import discord

from bot.jobs.models import Job, JobState
from bot.jobs.store import JobStore
from bot.status import PROMPT_PREVIEW_CHARS, render_status
from bot.text import one_line

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
# Discord rate-limits edits per channel; one per job every 10 s keeps us far from it.
DEFAULT_MIN_EDIT_INTERVAL = 10.0


class StatusMessages:
    """Posts and edits status messages; throttled, and silent about messages that are gone."""

    def __init__(
        self,
        client: discord.Client,
        store: JobStore,
        *,
        clock: Callable[[], float] = time.time,
        min_edit_interval: float = DEFAULT_MIN_EDIT_INTERVAL,
    ) -> None:
        self._client = client
        self._store = store
        self._clock = clock
        self._min_interval = min_edit_interval
        self._last: dict[int, tuple[float, str]] = {}
        self._gone: set[int] = set()
        # Edits of one job go one at a time, and none after its final one: an edit made from an
        # older snapshot (the command's "accepted", a slow poll's progress) that lands after the
        # final edit would put the status back to "queued" for good.
        self._editing: dict[int, asyncio.Lock] = {}
        self._finished: set[int] = set()

    async def render(self, job: Job) -> str:
        """The status text for the job as it stands."""
        position = await self._store.queue_position(job) if job.state is JobState.QUEUED else None
        prompt = discord.utils.escape_markdown(one_line(job.request.prompt, PROMPT_PREVIEW_CHARS))
        return render_status(job, prompt_markdown=prompt, position=position, now=self._clock())

    async def announce(
        self, job: Job, send: Callable[[str], Awaitable[discord.Message | None]]
    ) -> int | None:
        """Post the first status with `send` (a channel message or a reply); returns its id."""
        content = await self.render(job)
        try:
            message = await send(content)
        except discord.HTTPException as error:
            log.warning("Job %d: could not post the status message (%s)", job.id, error)
            return None
        if message is None:
            return None
        await self._store.set_status_message(job.id, message.id)
        self._last[job.id] = (self._clock(), content)
        return message.id

    async def post(self, channel: discord.abc.Messageable, job: Job) -> int | None:
        """Announce a new job in the channel; returns the message id, or None if we cannot."""

        async def send(content: str) -> discord.Message:
            return await channel.send(content, allowed_mentions=NO_MENTIONS)

        return await self.announce(job, send)

    async def update(self, job: Job, *, final: bool = False, now_please: bool = False) -> None:
        """Edit the status message if it changed, at most once per interval unless `final` (the
        last edit) or `now_please` (a change the member is waiting to see, such as "accepted")."""
        message_id = job.status_message_id
        if message_id is None or job.id in self._gone:
            return
        async with self._editing.setdefault(job.id, asyncio.Lock()):
            if not final and job.id in self._finished:
                return
            await self._edit(job, message_id, final=final, now_please=now_please)
            if final:
                self._finished.add(job.id)
                self._editing.pop(job.id, None)

    async def _edit(self, job: Job, message_id: int, *, final: bool, now_please: bool) -> None:
        now = self._clock()
        last = self._last.get(job.id)
        # Throttle first: rendering may read the database, and most polls are too soon to edit.
        throttled = not (final or now_please)
        if throttled and last is not None and now - last[0] < self._min_interval:
            return
        content = await self.render(job)
        if last is not None and last[1] == content:
            return
        channel = self._client.get_partial_messageable(job.requester.channel_id)
        try:
            await channel.get_partial_message(message_id).edit(
                content=content, allowed_mentions=NO_MENTIONS
            )
        except (discord.NotFound, discord.Forbidden) as error:
            # Deleted, or access lost: never retry a refused edit (invalid requests get banned).
            log.info("Job %d: status message can no longer be edited (%s)", job.id, error)
            self._gone.add(job.id)
            return
        except discord.HTTPException as error:
            log.warning(
                "Job %d: status edit failed (%s); will try with the next change", job.id, error
            )
            return
        if final:
            self._last.pop(job.id, None)
        else:
            self._last[job.id] = (now, content)
