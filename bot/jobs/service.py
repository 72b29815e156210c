"""Recording and submitting jobs: the one path from a valid request to an APIMart task."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable

from bot.apimart import (
    APIMartClient,
    APIMartError,
    SubmitOutcomeUnknownError,
    VideoRequest,
)
from bot.i18n import Message, msg
from bot.jobs.admission import Admission
from bot.jobs.answer_writes import AnswerWrites
from bot.jobs.apimart_answers import _reused_task
from bot.jobs.budget import RequestBudget
from bot.jobs.cancels import BanStopped
from bot.jobs.claims import holding, putting_off_takeover
from bot.jobs.kept_tasks import KeptTasks
from bot.jobs.models import Job, JobRefused, JobState, Requester
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore

# Moved to bot/jobs/submit_types.py; still importable from here.
from bot.jobs.submit_types import (
    HOLD_BUSY,
    HOLD_DISCORD,
    HOLD_KEYS,
    HOLD_SLOT,
    HOLD_SLOW_DOWN,
    POSTED_HERE,
    BalanceHook,
    Clock,
    MediaRefresher,
    SubmitReport,
    SubmitTiming,
)
from bot.jobs.typical import first_check_delay, typical_for, usually_ready
from bot.log_context import bound
from bot.media_refresh import RenewalCut, SourceUnanswered, earliest_expiry
from bot.observability.metrics import Metrics, SubmitOutcome
from bot.observability.repeated import RepeatedFailures

__all__ = [
    "HOLD_BUSY",
    "HOLD_DISCORD",
    "HOLD_KEYS",
    "HOLD_SLOT",
    "HOLD_SLOW_DOWN",
    "POSTED_HERE",
    "BalanceHook",
    "Clock",
    "JobService",
    "MediaRefresher",
    "SubmitReport",
    "SubmitTiming",
]

log = logging.getLogger(__name__)

# How a submit attempt ended, by the state it left the job in (the `videobot_submits` label):
# for a request that left, APIMart's answer; for one this bot kept back, its own reason (a
# server's line or budget is no APIMart retry or rejection, and must not page as one).
_SUBMIT_OUTCOMES: dict[JobState, SubmitOutcome] = {
    JobState.QUEUED: "accepted",
    JobState.RECORDED: "retry",
    JobState.REJECTED: "rejected",
    JobState.SUBMIT_UNKNOWN: "unknown",
    JobState.CANCELLED: "cancelled",
}
_KEPT_BACK: dict[JobState, SubmitOutcome] = {
    JobState.RECORDED: "held",
    JobState.REJECTED: "refused_here",
    JobState.CANCELLED: "cancelled",
}


def _per_count(key: str, count: int) -> str:
    """The catalog key for `count` things: `key_one` for one, `key` for more."""
    return f"{key}_one" if count == 1 else key


class JobService(AnswerWrites):
    """Records a job first, then submits it; the database is updated at every step."""

    def __init__(
        self,
        store: JobStore,
        client: APIMartClient,
        *,
        clock: Clock,
        timing: SubmitTiming | None = None,
        on_change: Callable[[], None] = lambda: None,
        admission: Admission | None = None,
        refresh_media: MediaRefresher | None = None,
        on_balance: BalanceHook | None = None,
        on_key_refused: Callable[[], None] | None = None,
        budget: RequestBudget | None = None,
        metrics: Metrics | None = None,
        personal_budget: float | None = None,
        kept_tasks: KeptTasks | None = None,
        on_ban_stopped: BanStopped | None = None,
    ) -> None:
        self._store = store
        # A job stopped before its submit by its member's saved ban (the ban's own cancels
        # missed it): its audit and mod-log line (the moderation side; the engine knows none).
        self._on_ban_stopped = on_ban_stopped
        # Accepted task ids the database could not take in time; None: only logged (tests).
        self._kept_tasks = kept_tasks
        # Jobs whose APIMart answer this process is writing down: never "outcome unknown".
        self._answering: set[int] = set()
        # USER_INSTALL_MONTHLY_BUDGET: credits a month for all jobs made outside servers.
        self._personal_budget = personal_budget
        self._client = client
        self._clock = clock
        # Answers kept by an earlier version are only for jobs recorded before this moment.
        self._started_at = clock()
        self._timing = timing or SubmitTiming()
        self._on_change = on_change
        self._admission = admission
        self._refresh_media = refresh_media
        self._on_balance = on_balance
        # A 401: the balance read that tells /readyz (and the operator) is made at once.
        self._on_key_refused = on_key_refused
        # Submits share the fleet's request budget with polls; None means no limit (tests).
        self._budget = budget
        self._metrics = metrics if metrics is not None else Metrics()
        # On the service's clock: a minute of holds is a minute of its retries.
        self._holds = RepeatedFailures(log, clock=clock)

    @property
    def store(self) -> JobStore:
        """The job store this service writes to."""
        return self._store

    @property
    def timing(self) -> SubmitTiming:
        """When this service looks at a job again."""
        return self._timing

    @property
    def media_margin(self) -> float:
        """How long a job's links must still work when it is sent (a click checks the same)."""
        return self._timing.media_max_age

    async def record(self, requester: Requester, request: VideoRequest) -> Job:
        """Admit and record a job (nothing sent yet); raises `JobRefused` when a policy says no."""
        now = self._clock()
        job = await self._store.create(
            requester,
            request,
            now=now,
            submit_by=now + self._timing.orphan_grace,
            admission=self._admission,
        )
        # Its first line carries its id like every later one (`jq 'select(.job_id == N)'`).
        with bound(job_id=job.id):
            log.info(
                "Job %d recorded for user %d in guild %s",
                job.id,
                requester.user_id,
                requester.guild_id,
            )
        # The submit stage learns when this job falls due, should its command not send it.
        self._on_change()
        return job

    async def send_now(self, job_id: int) -> None:
        """A recorded job its command will not send (its save failed as it was made): the
        submit stage announces and sends it now, as a job left behind, not a grace later."""
        await self._store.due_now(job_id)
        self._on_change()

    async def slots_changed(self, guild_id: int) -> None:
        """A server's limit on videos rendering at once changed: its videos waiting for a slot
        look at the line again now (one the limit no longer holds back is sent at once, not at
        its next look half a minute later)."""
        if await self._store.call_held_now(guild_id, HOLD_SLOT, now=self._clock()):
            self._on_change()

    def announcing(self, job: Job) -> contextlib.AbstractAsyncContextManager[None]:
        """While a command announces its recorded job, the engine does not take it over as
        left behind (and announce it a second time)."""
        timing = self._timing
        return putting_off_takeover(
            self._store, job, timing.orphan_grace, every=timing.orphan_put_off
        )

    async def create_and_submit(self, requester: Requester, request: VideoRequest) -> SubmitReport:
        """Record the job, then send it at once (the member waits for the answer)."""
        job = await self.record(requester, request)
        return await self.submit(job, member_present=True)

    async def submit(self, job: Job, *, member_present: bool) -> SubmitReport:
        """Claim a recorded job and send it once; `member_present`: the member reads the answer."""
        claimed = await self._store.claim_for_submit(job.id)
        if claimed is None:
            return await self._as_it_stands(job, member_present)
        # No stage worker holds this claim for us: a long wait for the budget or a media
        # refresh must not let it lapse into `submit_unknown` while the request still leaves.
        async with holding(self._store, claimed, Stage.SUBMIT):
            return await self.submit_claimed(claimed, member_present=member_present)

    async def close_unsent(self, job: Job, told: Message, *, member_present: bool) -> SubmitReport:
        """Close a recorded job without sending it (nothing spent, nothing counted against the
        member): the place its news would go turned out closed to the bot, or the server's
        AutoMod blocked its prompt there. `told`: why, for the member."""
        claimed = await self._store.claim_for_submit(job.id)
        if claimed is None:
            return await self._as_it_stands(job, member_present)
        log.warning("Job %d: closed unsent, Discord refused its announcement for good", job.id)
        report = await self._close(claimed, JobState.REJECTED, told, member_present)
        # No APIMart series moves for it: an operator sees these videos not made here alone.
        self._metrics.submit_attempt("announce_refused")
        return report

    async def _as_it_stands(self, job: Job, member_present: bool) -> SubmitReport:
        """The job as another worker (or a lapse) left it: this one sends nothing."""
        current = await self._store.get(job.id) or job
        typical = await self._typical(current)
        if current.cancelled:
            # Cancelled before this could send it (the member's cancel, a block): say that,
            # and only here when the member reads this answer (not posted again).
            if member_present:
                await self._store.cancel_told(current.id, now=self._clock())
            return SubmitReport(current, current.state, current.public_cancel_notice(), typical)
        return SubmitReport(current, current.state, self._queued(current, typical), typical)

    async def submit_claimed(self, job: Job, *, member_present: bool) -> SubmitReport:
        """One attempt at sending a job this process holds the submit claim of; never sleeps."""
        try:
            report = await self._send(job, member_present=member_present)
        except Exception:
            self._metrics.submit_attempt("error")
            raise
        # No other state comes back from a send: were one to, it is counted where alerts look.
        outcome = report.kept_back or _SUBMIT_OUTCOMES.get(report.state, "error")
        self._metrics.submit_attempt(outcome)
        return report

    async def _prepare(
        self, job: Job, *, member_present: bool
    ) -> SubmitReport | tuple[Job, float | None]:
        """Everything before the request leaves: the job ready to send (with the usual render
        time of its kind), or the report of why it is not sent now."""
        if job.cancelled:
            return await self._cancel_unsent(job, member_present)
        limit = await self._store.slot_limit(job)
        if limit is not None:
            # The server's own rule: not sent (so not spent) until one of its renders ends.
            position = await self._store.held_position(job)
            key = "queued_waiting_for_slot" if position == 1 else "queued_waiting_in_line"
            told = msg(
                _per_count(key, limit),
                job_id=job.id,
                limit=limit,
                position=position,
                where=POSTED_HERE,
            )
            return await self._retry_later(
                job,
                f"the server allows {limit} at a time",
                self._timing.slot_recheck,
                member_present,
                HOLD_SLOT,
                told=told,
            )
        # Once it is next in the server's line (the videos ahead of it sent or closed), in the
        # month it was asked for: its credits count there, however late it is sent.
        over = await self._store.over_budget(job, personal_budget=self._personal_budget)
        if over:
            # Checked when it was accepted too; a job that waited (in the server's line, or
            # for APIMart) is not sent once the videos before it cost more than expected.
            log.info("Job %d: its monthly budget was used up while it waited; not sent", job.id)
            personal = job.requester.guild_id is None
            key = "unsent_personal_budget_spent" if personal else "unsent_budget_spent"
            return await self._close(job, JobState.REJECTED, msg(key), member_present)
        hold = self._budget.submit_hold() if self._budget is not None else None
        if hold is not None:
            # Before renewing its media too: a picture copied now is a request APIMart asked
            # us not to send, and its copy's days would run while the job waits.
            return await self._hold_for_pause(job, hold, member_present)
        try:
            job = await self._fresh_media(job)
        except JobRefused as refusal:
            log.warning("Job %d: media could not be refreshed (%s)", job.id, refusal)
            return await self._close(job, JobState.REJECTED, refusal.user_message, member_present)
        except APIMartError as error:
            # A passing fault is held as a busy submit is (given up on after 30 minutes); the
            # key or the balance refusing the upload is the operator's, as for a submit.
            return await self._refused_by_apimart(job, error, member_present)
        except SourceUnanswered as error:
            # Held the same way: the member's files may still be there, nothing was sent.
            return await self._retry_later(
                job,
                f"Discord did not answer ({error})",
                self._timing.submit_retry_delay,
                member_present,
                HOLD_DISCORD,
                told=msg("media_renewal_waiting", job_id=job.id, where=POSTED_HERE),
                gave_up=msg("media_renewal_gave_up"),
            )
        except Exception:
            log.exception("Job %d: could not prepare its media; will try again", job.id)
            return dataclasses.replace(
                await self._give_back(job, member_present), kept_back="error"
            )
        if self._budget is not None:
            # APIMart asked for a pause: nothing is sent before it ends, including a submit
            # that was waiting for its turn when the pause began; nor does one wait it out in
            # the budget's line, where its status would show a next try gone by.
            while (hold := self._budget.submit_hold()) is None:
                if await self._budget.acquire_unless_paused() is not None:
                    hold = self._budget.submit_hold()  # submits paused while it waited
                    break
            if hold is not None:
                return await self._hold_for_pause(job, hold, member_present)
        # Read before the request leaves: after it, nothing may stand between APIMart's answer
        # and storing the task id.
        typical = await self._typical(job)
        renewal = await self._store.renew_before_sending(job)
        if renewal is None:
            # The claim lapsed while this waited (and the job was settled as `submit_unknown`,
            # or taken by another process): sending now could make a render nobody follows.
            log.warning("Job %d: its submit claim lapsed before sending; not sent", job.id)
            stands = await self._as_it_stands(job, member_present)
            return dataclasses.replace(stands, kept_back="not_sent")
        renewed = renewal.job
        if renewed.cancelled:
            # A block landed during the waits above, or the member's saved ban reached it:
            # nothing leaves.
            report = await self._cancel_unsent(renewed, member_present)
            if renewal.ban_marked:
                await self._tell_ban_stopped(report.job)
            return report
        return renewed, typical

    async def _send(self, job: Job, *, member_present: bool) -> SubmitReport:
        try:
            ready = await self._prepare(job, member_present=member_present)
        except asyncio.CancelledError:
            # Shutdown came before the request left: the job waits to be sent by the next
            # process, rather than lapse into "outcome unknown" with nothing sent.
            with contextlib.suppress(Exception):
                await self._store.release(job, Stage.SUBMIT)
            raise
        except Exception:
            # A fault before the request left (a database read, say): nothing was sent.
            log.exception("Job %d: could not get ready to send; will try again", job.id)
            return dataclasses.replace(
                await self._give_back(job, member_present), kept_back="error"
            )
        if isinstance(ready, SubmitReport):
            kept_back = ready.kept_back or _KEPT_BACK.get(ready.state, "not_sent")
            return dataclasses.replace(ready, kept_back=kept_back)
        job, typical = ready
        sent_at = self._clock()
        try:
            # One request: APIMart refusing it for now (a 429, a connection never made) holds
            # the job in the database, so a cancel meanwhile finds it unsent (refunded at once)
            # and its next send goes through the budget and the cancel read above again. A
            # client sleeping out a 429 here would resend past both.
            result = await self._client.submit(job.request, once=True)
        except SubmitOutcomeUnknownError as error:
            log.warning("Job %d: submit outcome unknown (%s)", job.id, error.message)
            return await self._close(
                job, JobState.SUBMIT_UNKNOWN, msg("submit_unknown"), member_present
            )
        except APIMartError as error:
            answer = error
            with self._answering_for(job):
                return await self._write_down_answer(
                    job,
                    lambda holder: self._refused_by_apimart(holder, answer, member_present),
                    self._made_nothing(job, error),
                )
        now = self._clock()
        first_check = first_check_delay(typical, configured=self._timing.first_poll_delay)
        with self._answering_for(job):
            stored = await self._store_task_id(
                job, result.task_id, now, first_check, member_present
            )
            if not stored:
                # Two jobs cannot share a render (nor its id: the column is unique): this one
                # started none of its own.
                reused = msg("service_reused_task")
                return await self._write_down_answer(
                    job,
                    lambda holder: self._close(holder, JobState.REJECTED, reused, member_present),
                    _reused_task(job.id, job.created_at),
                )
        log.info("Job %d submitted as task %s", job.id, result.task_id)
        self._on_change()
        await self._tell_accepted(job, sent_at)
        submitted = await self._store.get(job.id) or job
        if submitted.cancelled:
            # Cancelled while the request was on its way: APIMart has it, so it counts, and it
            # is never posted.
            return SubmitReport(
                submitted,
                JobState.QUEUED,
                submitted.public_cancel_notice(),
            )
        return SubmitReport(submitted, JobState.QUEUED, self._queued(submitted, typical), typical)

    async def _tell_accepted(self, job: Job, sent_at: float) -> None:
        """Tell the balance hook a request was accepted (videos paused for a 402 resume). Its
        failure (a database blip) is no failure of the video, which APIMart makes and this job
        follows: the next accepted video tells it again."""
        if self._on_balance is None:
            return
        try:
            await self._on_balance(True, sent_at)
        except Exception:
            log.warning(
                "Job %d: accepted, but whether videos were paused could not be checked",
                job.id,
                exc_info=True,
            )

    async def _typical(self, job: Job) -> float | None:
        """The usual render time of jobs like `job` here; None when unknown or unreadable (a
        failed read must not fail the submit: the job would be left `submit_unknown`)."""
        try:
            return await typical_for(self._store, job.request)
        except Exception:
            log.warning("Job %d: could not read the usual render time", job.id, exc_info=True)
            return None

    @staticmethod
    def _queued(job: Job, typical: float | None) -> Message:
        """'Queued; usually ready in ...', from the renders of this kind measured here."""
        typical_wait = usually_ready(typical, job.request.resolution)
        return msg("queued", job_id=job.id, typical=typical_wait, where=POSTED_HERE)

    async def _fresh_media(self, job: Job) -> Job:
        """The job with media URLs young enough to survive until APIMart fetches them."""
        now = self._clock()
        if self._refresh_media is None or not (job.request.image_urls or job.request.video_urls):
            return job
        margin = self._timing.media_max_age
        expiry = earliest_expiry(job.request)
        # Old links, or links that say they expire soon (a regenerated job reuses old ones).
        stale = now - job.media_fetched_at >= margin
        expiring = expiry is not None and expiry - now < margin
        if not (stale or expiring):
            return job
        try:
            request = await self._refresh_media(job, now + margin)
        except RenewalCut as cut:
            # Keep the copies APIMart took (they say when they expire), still marked as old
            # media so the rest is renewed on the next try; then held as the upload's error says.
            await self._store.replace_media(job.id, cut.request, now=job.media_fetched_at)
            raise cut.error from None
        await self._store.replace_media(job.id, request, now=now)
        log.info("Job %d: refreshed its media URLs before submitting", job.id)
        return dataclasses.replace(job, request=request, media_fetched_at=now)
