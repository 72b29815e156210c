"""The channel message that shows a job's progress, kept current with the bot's own token."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence

import aiohttp
import discord

from bot.discord_pacing import Lanes, giving_way
from bot.discord_refusals import (
    access_refused,
    blocked_by_automod,
    edit_refused_for_now,
    nothing_left_to_edit,
)
from bot.engine.pool import settle_cancelled
from bot.i18n import Message
from bot.jobs.models import Job, JobState
from bot.jobs.pricing import Pricing, expected_cost
from bot.jobs.service import HOLD_KEYS, HOLD_SLOT
from bot.jobs.status_marks import StatusMarks
from bot.jobs.store import JobStore
from bot.jobs.typical import UsualWait, usual_wait_for
from bot.status import on_its_way, render_status
from bot.text import NO_MENTIONS

log = logging.getLogger(__name__)

# Discord rate-limits edits per channel; one per job every 10 s keeps us far from it.
DEFAULT_MIN_EDIT_INTERVAL = 10.0
# Edits in flight at once across all channels (one per channel at a time).
DEFAULT_EDIT_WORKERS = 8
# The longest an edit keeps one of those places. discord.py waits out a 429 inside the edit (30 s
# or more); an edit still going after this goes on in its own channel's lane, its place handed
# to another channel's edit: a few channels Discord slows down must not hold every place.
SLOT_HELD_AT_MOST = 1.0
# A job this process has not shown for this long ended long ago, or in another process (one
# that took its checks over): what is kept about it is dropped, so memory follows the jobs in
# flight, not every job the process ever showed.
FORGET_AFTER = 3600.0
# How many jobs each table of endings remembers (see `StatusMessages._gone`): about 18 MB for
# the three tables at most.
REMEMBERED_ENDINGS = 50_000
_SWEEP_EVERY = 60.0
# A job's last edit that failed (a 503, a dropped connection) is tried again after these
# waits: no later change would come to show it, and the status would say "rendering" for good.
FINAL_RETRY_WAITS = (5.0, 30.0, 120.0)
# Posts a job's first status with this nonce, returning the message (None: nowhere to post).
Announce = Callable[[str, str], Awaitable[discord.Message | None]]


def status_nonce(job: Job) -> str:
    """The nonce of the job's status message. Discord answers a nonce it saw in the last few
    minutes with that first message instead of posting: a post that went out but whose id was
    never written down (a locked database, a crash, a lost answer) is found by the next try,
    not joined by a second status that nothing would ever edit. (Results have their own.)"""
    return f"video-job-{job.id}-s"


class _Edit(enum.Enum):
    """How an edit went."""

    MADE = "made"
    TOO_SOON = "too soon"  # within the interval of the last edit: made once it has passed
    SKIPPED = "skipped"  # unchanged, or refused for good
    REFUSED = "refused"  # the last edit, its thread archived: left for a later sweep
    FAILED = "failed"  # Discord or the network failed it: worth another try


def _phase(job: Job) -> str:
    """What a change must alter to be shown at once: the state, or what a held job waits for."""
    hold = job.error_key if job.state is JobState.RECORDED and job.error_key in HOLD_KEYS else ""
    return f"{job.state.value}:{hold}"


class StatusMessages:
    """Posts and edits status messages; throttled, and silent about messages that are gone."""

    def __init__(
        self,
        client: discord.Client,
        store: JobStore,
        marks: StatusMarks,
        *,
        clock: Callable[[], float] = time.time,
        min_edit_interval: float = DEFAULT_MIN_EDIT_INTERVAL,
        edit_workers: int = DEFAULT_EDIT_WORKERS,
        pricing: Pricing | None = None,
        final_retry_waits: Sequence[float] = FINAL_RETRY_WAITS,
        waits_for: float | None = None,
        slot_held_at_most: float = SLOT_HELD_AT_MOST,
    ) -> None:
        self._client = client
        self._slot_held_at_most = slot_held_at_most
        # How long after its submit a render is given up on (`TASK_TIMEOUT`): no time left
        # past it is promised.
        self._waits_for = waits_for
        self._final_retry_waits = tuple(final_retry_waits)
        # Last edits that failed, waiting to be tried again (see `FINAL_RETRY_WAITS`), and how
        # many times each was tried again so far.
        self._retries: dict[int, asyncio.Task[None]] = {}
        self._final_attempts: dict[int, int] = {}
        # Says what a job on its way is expected to cost (a mention's member has no private
        # note to read it in): the figure kept with the job, so nothing to remember here.
        self._pricing = pricing
        self._store = store
        self._marks = marks
        self._clock = clock
        self._min_interval = min_edit_interval
        # Per job: when it was last edited, to what, and in which phase (`_phase`).
        self._last: dict[int, tuple[float, str, str]] = {}
        # Jobs whose message is gone, or was edited for the last time: kept past
        # `FORGET_AFTER` (a late edit must still be refused), the oldest dropped past a bound.
        self._gone: OrderedDict[int, None] = OrderedDict()
        # Jobs whose status Discord refused to edit (403: the bot's access was taken, perhaps
        # only for a while; or its thread archived): no more progress edits, each a refusal
        # Discord counts against the bot, but the last edit is still tried once, or the status
        # would say "rendering" for good (refused 403 too, it is given up).
        self._refused: OrderedDict[int, None] = OrderedDict()
        # Jobs whose status the server's AutoMod refused for quoting the prompt: shown without
        # it from then on (the same text would be refused at every edit).
        self._prompt_hidden: OrderedDict[int, None] = OrderedDict()
        # Background edits: the latest wanted state per job (older ones are dropped), one
        # editor task per job with news, one edit at a time per channel, a few at once overall.
        self._wanted: dict[int, tuple[Job, bool]] = {}
        self._editors: dict[int, asyncio.Task[None]] = {}
        # Changes that came too soon after the job's last edit, the newest per job, and the
        # timers that schedule them once the interval has passed: the engine sends some news
        # only once ("no news from the video service"), and it must not be lost to the throttle.
        self._too_soon: dict[int, Job] = {}
        self._catch_ups: dict[int, asyncio.Task[None]] = {}
        # Set by `close`: the HTTP session is about to go; a later change is not shown.
        self._closed = False
        # One edit at a time per channel; a channel's lane goes once its edits are made.
        self._channels = Lanes(width=1)
        self._slots = asyncio.Semaphore(edit_workers)
        # Edits of one job go one at a time, and none after its final one: an edit made from an
        # older snapshot (the command's "accepted", a slow poll's progress) that lands after the
        # final edit would put the status back to "queued" for good.
        self._editing: dict[int, asyncio.Lock] = {}
        self._finished: OrderedDict[int, None] = OrderedDict()
        # Set by `cogs.controls` while it is loaded: the Cancel button for a job still running
        # or still followed (the core never imports a cog). The edit that ends it takes it away.
        self.controls: Callable[[Job], discord.ui.View | None] | None = None
        # When each job was last shown, least recent first (see `FORGET_AFTER`).
        self._touched: dict[int, float] = {}
        self._next_sweep = -math.inf

    async def render(self, job: Job, *, typical: UsualWait | None = None) -> str:
        """The status text for the job as it stands; `typical` is the usual render time when
        the caller has just read it (read here otherwise): the queued line says it, and a
        render's time left starts from it."""
        position = slots = None
        if job.state not in (JobState.QUEUED, JobState.PROCESSING):
            typical = None
        elif typical is None:
            typical = await usual_wait_for(self._store, job.request)
        if job.state is JobState.RECORDED and job.error_key in HOLD_KEYS:
            position = await self._store.held_position(job)
            if job.error_key == HOLD_SLOT:
                slots = await self._store.max_rendering(job.requester.guild_id)
        return render_status(
            job,
            position=position,
            now=self._clock(),
            typical=typical,
            slots=slots,
            cost=await self._expected_cost(job),
            waits_for=self._waits_for,
            prompt_hidden=job.id in self._prompt_hidden,
        )

    async def _expected_cost(self, job: Job) -> Message | None:
        if self._pricing is None or not on_its_way(job):
            return None
        try:
            # No read for a job that kept its quote; one recorded before, as learned now.
            return expected_cost(await self._pricing.quoted(job))
        except Exception:
            # The status is worth more than its cost line: shown without it this time.
            log.exception("Job %d: could not read its expected cost", job.id)
            return None

    async def announce(self, job: Job, send: Announce) -> int | None:
        """Post the first status with `send` (a channel message or a reply); returns its id."""
        content = await self.render(job)
        try:
            message = await send(content, status_nonce(job))
        except discord.HTTPException as error:
            # AutoMod's refusal is the member's prompt meeting the server's rule, no fault of
            # ours (the caller says so to the member).
            level = logging.INFO if blocked_by_automod(error) else logging.WARNING
            log.log(level, "Job %d: could not post the status message (%s)", job.id, error)
            return None
        if message is None:
            return None
        await self._marks.set_status_message(job.id, message.id)
        self._touch(job.id)
        # Posted without the Cancel button: the next edit adds it, unthrottled (a job held back
        # in the same state may see no other edit for a long time).
        self._last[job.id] = (-math.inf, _shown(content, None), _phase(job))
        return message.id

    async def post(self, channel: discord.abc.Messageable, job: Job) -> int | None:
        """Announce a new job in the channel; returns the message id, or None if we cannot."""

        async def send(content: str, nonce: str) -> discord.Message:
            return await channel.send(content, allowed_mentions=NO_MENTIONS, nonce=nonce)

        return await self.announce(job, send)

    async def update(self, job: Job, *, final: bool = False) -> None:
        """Edit the status message if it changed: a new state at once, progress within a state
        at most once per interval (the newest change that came too soon is made once it has
        passed), and `final` (the last edit) always."""
        message_id = job.status_message_id
        if message_id is None:
            return
        self._touch(job.id)
        if job.status_deleted:
            # Deleted, as another process (or this one before a restart) found or heard.
            _remember(self._gone, job.id)
        if job.id in self._gone:
            self._final_attempts.pop(job.id, None)
            if final:
                await self._written_down(job.id, shown=True)
            return
        async with self._editing.setdefault(job.id, asyncio.Lock()):
            if not final and job.id in self._refused:
                return
            if not final and job.id in self._finished:
                if not await self._taken_up_again(job):
                    return
                del self._finished[job.id]
            edited = await self._edit(job, message_id, final=final)
            if edited is _Edit.TOO_SOON:
                if job.id not in self._wanted:
                    self._show_when_due(job)
                # Otherwise a newer change, scheduled while this one waited its turn, is next:
                # held back, this one would come due after it and cover it.
            else:
                self._caught_up(job.id)  # this change is newer than any held back
            # A failed edit may have landed too (its answer lost on the way back, or a 5xx
            # after Discord made it): it is looked after as one made.
            if edited in (_Edit.MADE, _Edit.FAILED) and not final:
                # Another process may have ended the job (and made its last edit) while this
                # edit waited for its channel or a 429: the older status must not stand.
                # Race-free: a last edit is made only once the end it shows is written down
                # (the poller marks a delivery first), so an edit of ours that landed after it
                # was answered after that, and this look, made after the answer, sees the end.
                # (Discord has no conditional edit: a look before ours could not tell what
                # lands while it waits out a 429.)
                ended = await self.ended(job.id)
                if ended is not None:
                    job, final = ended, True
                    edited = await self._edit(job, message_id, final=True)
            if final:
                _remember(self._finished, job.id)
                self._editing.pop(job.id, None)
                if edited is _Edit.FAILED:
                    self._try_again_later(job)
                else:
                    self._final_attempts.pop(job.id, None)
                shown = edited is not _Edit.FAILED and edited is not _Edit.REFUSED
                await self._written_down(job.id, shown=shown)

    def deleted(self, job_id: int) -> None:
        """The job's status message was deleted (as stored by `JobStore.forget_deleted_messages`):
        no edit of it is tried again, however old the snapshot it is asked with."""
        _remember(self._gone, job_id)

    async def _deleted(self, job_id: int) -> None:
        try:
            await self._marks.status_message_deleted(job_id)
        except Exception:
            # This process still never edits it (`_gone`); another might try once, and store it.
            log.warning("Job %d: could not note its status message deleted", job_id, exc_info=True)

    def _show_when_due(self, job: Job) -> None:
        """Keep `job` as the job's newest change held back, shown once its interval has passed."""
        self._too_soon[job.id] = job
        if job.id in self._catch_ups or self._closed:
            return
        last = self._last[job.id]
        wait = max(0.0, last[0] + self._min_interval - self._clock())

        async def catch_up() -> None:
            await asyncio.sleep(wait)
            # Any process may check a job: another may have read newer progress since, and shown
            # it. (A newer change of this process's own, come meanwhile, is looked at in turn.)
            overtaken = False
            while (held_back := self._too_soon.get(job.id)) is not None:
                if held_back.id in self._finished:
                    break
                overtaken = await self._overtaken(held_back)
                if self._too_soon.get(job.id) is held_back:
                    break
            self._catch_ups.pop(job.id, None)
            held_back = self._too_soon.pop(job.id, None)
            if held_back is not None and held_back.id not in self._finished and not overtaken:
                self._enqueue(held_back, final=False)

        self._catch_ups[job.id] = asyncio.create_task(catch_up(), name=f"status-due-{job.id}")

    async def _overtaken(self, job: Job) -> bool:
        """Whether a change held back here is older than the job as stored: another process
        read newer progress, or the news it brings (a new state, a cancel, no more news from
        the video service, or news again), and shows that itself. Shown late, this one would
        put the member's bar back. (Compared by what it shows, not by when each process read
        it: their clocks differ.)"""
        try:
            stored = await self._store.get(job.id)
        except Exception:
            # Not worth losing the change for: shown, as it would be in a process of its own.
            log.warning(
                "Job %d: could not re-read it before a held-back edit", job.id, exc_info=True
            )
            return False
        return stored is None or (
            _phase(stored) != _phase(job)
            or stored.cancelled != job.cancelled
            or stored.without_news != job.without_news
            or stored.shown_progress > job.shown_progress
            or stored.progress > job.progress
        )

    def _caught_up(self, job_id: int) -> None:
        """A newer change was dealt with: what was held back is out of date."""
        self._too_soon.pop(job_id, None)
        timer = self._catch_ups.pop(job_id, None)
        if timer is not None:
            timer.cancel()

    async def _taken_up_again(self, job: Job) -> bool:
        """Whether a job whose last status was shown is rendering again: one whose submit's
        answer came after its "outcome unknown" (`JobStore.adopt_task`). Otherwise `job` is
        an older snapshot come late, and must not undo the last status."""
        if not job.state.is_active:
            return False
        stored = await self._store.get(job.id)
        return stored is not None and stored.state.is_active and not stored.cancelled

    async def _written_down(self, job_id: int, *, shown: bool) -> None:
        """Note whether the job's last status is shown: a missed one is made by a later sweep
        (`bot.status_sweep`), in whichever process runs then."""
        try:
            if shown:
                await self._marks.last_status_shown(job_id, now=self._clock())
            else:
                await self._marks.last_status_missed(job_id)
        except Exception:
            # At worst the sweep makes the same edit again: not worth failing the caller for.
            log.warning("Job %d: could not note its last status edit", job_id, exc_info=True)

    def _try_again_later(self, job: Job) -> None:
        """A last edit failed: try it again after the next of `FINAL_RETRY_WAITS`, if any."""
        attempt = self._final_attempts.get(job.id, 0)
        if self._closed or attempt >= len(self._final_retry_waits):
            self._final_attempts.pop(job.id, None)
            return
        self._final_attempts[job.id] = attempt + 1
        wait = self._final_retry_waits[attempt]

        async def again() -> None:
            await asyncio.sleep(wait)
            self._retries.pop(job.id, None)
            self.schedule(job, final=True)

        self._retries[job.id] = asyncio.create_task(again(), name=f"status-retry-{job.id}")

    async def ended(self, job_id: int) -> Job | None:
        """The job as stored if its last status is due (told, cancelled, its result deleted)."""
        job = await self._store.get(job_id)
        return job if job is not None and job.last_status_due else None

    async def _edit(self, job: Job, message_id: int, *, final: bool) -> _Edit:
        """Edit the message to show `job`: made, too soon (throttled), skipped (the same,
        refused for good), or failed."""
        now = self._clock()
        last = self._last.get(job.id)
        # Throttle first: rendering may read the database, and most polls are too soon to edit.
        # A new state (accepted, rendering) is always shown; progress within one is throttled.
        # A job waiting in line has no progress: an edit there is a new place, shown at once.
        if (
            not final
            and job.state is not JobState.RECORDED
            and last is not None
            and last[2] == _phase(job)
            and now - last[0] < self._min_interval
        ):
            return _Edit.TOO_SOON
        content = await self.render(job)
        # A last edit takes the buttons away, but for a render given up on and still followed:
        # its late video would be posted, and a cancel still stops that.
        view = None
        if self.controls is not None and (not final or job.followed_after_giving_up):
            view = self.controls(job)
        shown = _shown(content, view)
        if last is not None and last[1] == shown:
            return _Edit.SKIPPED
        channel = self._client.get_partial_messageable(job.requester.channel_id)
        message = channel.get_partial_message(message_id)
        try:
            # Progress waits while videos and announcements go out; a job's last status (one
            # per job, like its result; some callers wait on it) does not.
            with contextlib.nullcontext() if final else giving_way():
                try:
                    await message.edit(content=content, allowed_mentions=NO_MENTIONS, view=view)
                except discord.HTTPException as error:
                    if not blocked_by_automod(error) or job.id in self._prompt_hidden:
                        raise
                    # A rule set while it rendered blocks a word of the prompt (most likely):
                    # shown without it from now on, this edit too.
                    log.info(
                        "Job %d: the server's AutoMod blocked its status; shown without the prompt",
                        job.id,
                    )
                    _remember(self._prompt_hidden, job.id)
                    content = await self.render(job)
                    shown = _shown(content, view)
                    await message.edit(content=content, allowed_mentions=NO_MENTIONS, view=view)
        except discord.HTTPException as error:
            if blocked_by_automod(error):
                # Blocked without the prompt too (a word of ours): every edit would be refused
                # the same way. Left as it is, like a deleted one.
                log.warning(
                    "Job %d: the server's AutoMod blocks its status even without the prompt; "
                    "not edited again",
                    job.id,
                )
                _remember(self._gone, job.id)
                return _Edit.SKIPPED
            if nothing_left_to_edit(error):
                # Deleted, or the thread locked: never retry a refused edit (invalid requests
                # get banned).
                log.info("Job %d: status message can no longer be edited (%s)", job.id, error)
                _remember(self._gone, job.id)
                if isinstance(error, discord.NotFound):
                    # Deleted (unheard: a purge while disconnected, say): stored, so that no
                    # process edits or links it again, after a restart too. (A closed thread's
                    # message is still there to read.)
                    await self._deleted(job.id)
                return _Edit.SKIPPED
            if final and access_refused(error):
                # The last edit refused access too (403): given up, written down as made. A
                # sweep asking again every few hours would only be refused, each refusal
                # counting toward Discord's ban of invalid requests, until a moderator's change
                # that nothing tells the bot of (a server that removed the bot, for good).
                log.info("Job %d: Discord refused its last status edit (%s)", job.id, error)
                _remember(self._gone, job.id)
                return _Edit.SKIPPED
            if edit_refused_for_now(error):
                # Access taken, or the thread archived, perhaps only for a while (a moderator's
                # change; the video posted reopens the thread): the last edit is still made, or
                # the status would say "rendering" beside the posted video.
                log.info("Job %d: Discord refused its status edit (%s)", job.id, error)
                _remember(self._refused, job.id)
                return _Edit.REFUSED if final else _Edit.SKIPPED
            log.warning("Job %d: status edit failed (%s); will try again", job.id, error)
            return _Edit.FAILED
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Job %d: status edit failed (%r); will try again", job.id, error)
            return _Edit.FAILED
        # Kept after the last edit too: the same last status asked for again (by the re-read
        # after a late edit, then by the edit that was queued for it) is not sent twice.
        self._last[job.id] = (now, shown, _phase(job))
        return _Edit.MADE

    def tracked(self) -> int:
        """How many jobs this process keeps anything about."""
        return len(self._touched)

    def channels_editing(self) -> int:
        """How many channels have status edits waiting or under way."""
        return len(self._channels)

    def _touch(self, job_id: int) -> None:
        now = self._clock()
        self._touched.pop(job_id, None)
        self._touched[job_id] = now
        if now >= self._next_sweep:
            self._next_sweep = now + _SWEEP_EVERY
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        """Drop what is kept about jobs not shown for `FORGET_AFTER` seconds."""
        while self._touched:
            job_id, touched = next(iter(self._touched.items()))
            if now - touched < FORGET_AFTER:
                return
            del self._touched[job_id]
            for table in (self._last, self._editing, self._prompt_hidden):
                table.pop(job_id, None)

    def schedule(self, job: Job, *, final: bool = False) -> None:
        """Edit the status message in the background; never waits on Discord.

        A channel that Discord slows down (429s, 5xx) delays only its own edits, never a poll,
        a delivery or another channel's edits; a burst of changes to one job becomes one edit.
        """
        if self._closed:
            return  # shutting down: the next process shows it (the job is in the database)
        # This change is newer than any held back for its interval: the older one must not
        # come due while this one waits its turn (behind another job's 429 in the channel,
        # say) and take its place, or news said only once ("no news from the video service")
        # would be lost.
        self._caught_up(job.id)
        self._enqueue(job, final=final)

    def _enqueue(self, job: Job, *, final: bool) -> None:
        """Make `job` the job's next background edit (unless a last edit waits its turn)."""
        if self._closed:
            return
        _, was_final = self._wanted.get(job.id, (job, False))
        if was_final and not final:
            # A last edit waiting its turn is never replaced by an older snapshot (a slow check's
            # progress handed in late): the last edit is written down as shown, and no sweep
            # would correct "rendering 40%" left beside the posted video. (A change held back
            # for its interval never gets here: `schedule` let it go.)
            return
        self._wanted[job.id] = (job, final or was_final)
        if job.id not in self._editors:
            self._editors[job.id] = asyncio.create_task(
                self._edit_latest(job.id), name=f"status-edit-{job.id}"
            )

    async def progress(self, job: Job) -> None:
        """The engine's progress listener: a background edit."""
        self.schedule(job)

    async def drain(self, timeout: float | None = None) -> None:  # noqa: ASYNC109
        """Wait for scheduled edits to be made (for up to `timeout` seconds, if given)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while self._editors:
                    await asyncio.gather(*self._editors.values(), return_exceptions=True)

    async def close(self, grace: float) -> None:
        """Make the scheduled edits for up to `grace` seconds, then drop the rest."""
        self._closed = True
        timers = [*self._retries.values(), *self._catch_ups.values()]
        for timer in timers:
            timer.cancel()
        await asyncio.gather(*timers, return_exceptions=True)
        self._retries.clear()
        self._catch_ups.clear()
        self._too_soon.clear()
        await self.drain(timeout=grace)
        editors = list(self._editors.values())
        for editor in editors:
            editor.cancel()
        # Bounded: an edit's note cut off on a silent database may never finish unwinding.
        await settle_cancelled(editors, "Status edits")
        self._wanted.clear()

    async def _edit_latest(self, job_id: int) -> None:
        try:
            while job_id in self._wanted:
                job, final = self._wanted.pop(job_id)
                async with self._channels.held(str(job.requester.channel_id)):
                    await self._update_in_a_slot(job, final=final)
        finally:
            self._editors.pop(job_id, None)

    async def _update_in_a_slot(self, job: Job, *, final: bool) -> None:
        """`update`, holding one of the shared places for at most `SLOT_HELD_AT_MOST`."""
        edit: asyncio.Task[None] | None = None
        try:
            async with self._slots:
                edit = asyncio.create_task(self._update_logged(job, final=final))
                # Waiting here never cancels the edit: past the time it goes on without a place.
                await asyncio.wait({edit}, timeout=self._slot_held_at_most)
            await edit
        finally:
            if edit is not None and not edit.done():
                # Closing: the edit goes with its editor (`close` bounds how long that takes).
                edit.cancel()
                await asyncio.wait({edit})

    async def _update_logged(self, job: Job, *, final: bool) -> None:
        try:
            await self.update(job, final=final)
        except Exception:
            log.exception("Job %d: status edit failed unexpectedly", job.id)


def _remember(table: OrderedDict[int, None], job_id: int) -> None:
    """Add to an insertion-ordered table of ended jobs, dropping the oldest past the bound."""
    table[job_id] = None
    if len(table) > REMEMBERED_ENDINGS:
        table.popitem(last=False)


def _shown(content: str, view: discord.ui.View | None) -> str:
    """What a status message shows: its text, and which buttons (compared to skip edits)."""
    buttons = view.to_components() if view is not None else []
    return f"{content}\x00{buttons}"
