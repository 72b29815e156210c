"""Recording and submitting jobs: the one path from a valid request to an APIMart task."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from bot.apimart import (
    APIMartClient,
    APIMartError,
    AuthenticationError,
    InvalidRequestError,
    PaymentRequiredError,
    RateLimitError,
    ServerError,
    SubmitOutcomeUnknownError,
    VideoRequest,
)
from bot.i18n import Message, msg
from bot.jobs.admission import Admission
from bot.jobs.budget import RequestBudget, SubmitHold
from bot.jobs.cancels import BanStopped, CancelOutcome
from bot.jobs.claims import holding, putting_off_takeover
from bot.jobs.failures import refusal_reason
from bot.jobs.kept_tasks import AnswerKept, Kept, KeptNothingMade, KeptTask, KeptTasks
from bot.jobs.models import Job, JobRefused, JobState, Requester
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.jobs.typical import first_check_delay, typical_for, usually_ready
from bot.log_context import bound
from bot.media_refresh import FETCH_MARGIN, RenewalCut, SourceUnanswered, earliest_expiry
from bot.observability.metrics import Metrics, SubmitOutcome
from bot.observability.repeated import RepeatedFailures
from bot.text import Quoted

log = logging.getLogger(__name__)

Clock = Callable[[], float]
# Gives a job fresh media URLs (Discord's signed URLs expire); raises JobRefused if it cannot.
# The job's request with media URLs that work until the given moment (Unix seconds).
MediaRefresher = Callable[[Job, float], Awaitable[VideoRequest]]
# Told whether the API account can pay, after a submit: False on an HTTP 402; True when it was
# accepted, with when its request left (one sent before a 402 says nothing of a top-up).
BalanceHook = Callable[[bool, float | None], Awaitable[None]]
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
# What a job the bot holds back waits for (catalog keys, kept in `error_key` while it waits).
HOLD_SLOW_DOWN = "status_hold_slow_down"  # APIMart answered 429: submits paused
HOLD_BUSY = "status_hold_busy"  # APIMart busy or unreachable: the submit is tried again later
HOLD_SLOT = "status_hold_slot"  # the server's videos-at-once rule: waits for one to finish
# Discord did not answer for a source message whose fresh links the job needs: tried later.
HOLD_DISCORD = "status_hold_discord"
HOLD_KEYS = frozenset({HOLD_SLOW_DOWN, HOLD_BUSY, HOLD_SLOT, HOLD_DISCORD})
# Where "queued" says the video will be posted (its `where`): the channel, unless the entry
# point, which sees it, knows it is a thread or a forum post (`cogs._origins`).
POSTED_HERE = msg("where_channel")
# What a write of APIMart's answer returns.
_Written = TypeVar("_Written")


def _named(answer: Kept) -> str:
    """APIMart's answer as the log lines about writing it down name it."""
    return f"its task id {answer.task_id}" if isinstance(answer, KeptTask) else "APIMart's answer"


def _refusal(job: Job, error: APIMartError) -> Message | None:
    """What the member is told of APIMart's refusal of `job` (nothing was made); None when
    the error may pass (busy, unreachable), so the job waits and is sent again."""
    if isinstance(error, AuthenticationError):
        return msg("service_misconfigured")
    if isinstance(error, PaymentRequiredError):
        # Outside servers no moderator will say it is back.
        return msg("service_unpaid" if job.requester.guild_id is not None else "personal_paused")
    if isinstance(error, InvalidRequestError):
        reason = refusal_reason(error.message, error.error_type, error.status)
        return msg("rejected_by_service", reason=reason)
    return None


def _reused_task(job_id: int, job_created_at: float | None) -> KeptNothingMade:
    """The kept answer of a job whose task id APIMart gave another job: it started nothing of
    its own, and is refused (`service_reused_task`)."""
    return KeptNothingMade(
        job_id,
        refused=True,
        key=msg("service_reused_task").key,
        detail=None,
        job_created_at=job_created_at,
    )


def _detail(message: Message) -> str | None:
    """What is kept of a closing message's reason: the API's own words as they came (less a
    closing full stop; every message that shows them quotes them), or our own sentence's key."""
    reason = message.values.get("reason")
    detail = (
        reason.text
        if isinstance(reason, Quoted)
        else reason.key
        if isinstance(reason, Message)
        else reason
    )
    return str(detail) if detail is not None else None


def _per_count(key: str, count: int) -> str:
    """The catalog key for `count` things: `key_one` for one, `key` for more."""
    return f"{key}_one" if count == 1 else key


@dataclass(frozen=True)
class SubmitTiming:
    """When to look at a job after it is recorded or submitted."""

    first_poll_delay: float = 8.0
    # A recorded job still unsent after this long was orphaned by a crash: the poller sends it.
    orphan_grace: float = 60.0
    # ... put off this often while its command still announces it (a busy channel).
    orphan_put_off: float = 20.0
    submit_retry_delay: float = 60.0
    # Give up re-trying a submit the API keeps refusing as busy after this long.
    submit_give_up_after: float = 1800.0
    # Media URLs older than this are refreshed before a submit (Discord's last about a day),
    # and so are those expiring sooner than this (APIMart may fetch them that long after).
    media_max_age: float = FETCH_MARGIN
    # Storing an accepted task's id (or any other answer to a request that left) is retried
    # for this long (a locked or full disk, a database restarting or failing over), waiting
    # from 0.5 s up to 5 s between tries. An answer still not stored then (a task id, or that
    # APIMart made nothing) is kept in a local file (`KeptTasks`) and handed to its job once
    # the database takes it.
    store_task_for: float = 300.0
    store_task_backoff: float = 0.5
    store_task_max_backoff: float = 5.0

    def store_retry_wait(self, attempt: int) -> float:
        """The wait before writing APIMart's answer again, after `attempt` + 1 failed tries."""
        return min(self.store_task_backoff * 2.0**attempt, self.store_task_max_backoff)

    # A job waiting for a free slot of its server looks again this often (a finished render
    # of that server also calls it at once).
    slot_recheck: float = 30.0


@dataclass(frozen=True)
class SubmitReport:
    """How a submit went, and what the member should read about it."""

    job: Job
    state: JobState
    member_message: Message
    # How long jobs like it usually take here (None: nothing measured yet), for a queued job.
    typical: float | None = None
    # Why the bot kept the request back before it left (the metric's label); None: it left.
    kept_back: SubmitOutcome | None = None


class JobService:
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
        """Close a recorded job without sending it (nothing spent, nothing counted): the place
        its news would go turned out closed to the bot. `told`: why, for the member."""
        claimed = await self._store.claim_for_submit(job.id)
        if claimed is None:
            return await self._as_it_stands(job, member_present)
        log.warning("Job %d: closed unsent, its channel refuses the bot's posts", job.id)
        return await self._close(claimed, JobState.REJECTED, told, member_present)

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

    async def _tell_ban_stopped(self, job: Job) -> None:
        """The audit and mod-log line of a job its member's saved ban stopped before it was
        sent; a failure to write it stops nothing (the job is cancelled, and refunded)."""
        if self._on_ban_stopped is None:
            return
        try:
            await self._on_ban_stopped(job, CancelOutcome.REFUNDED)
        except Exception:
            log.exception("Job %d: its ban's audit or mod-log line failed", job.id)

    async def _cancelled_meanwhile(self, job: Job) -> Job | None:
        """`job` with its cancel mark, if someone cancelled it while it was being sent (the
        mark waits for the sender to honour it); None if nobody did."""
        current = await self._store.get(job.id)
        if current is None or not current.cancelled:
            return None
        return dataclasses.replace(
            job, cancelled_at=current.cancelled_at, cancel_reason_key=current.cancel_reason_key
        )

    async def _give_back(self, job: Job, member_present: bool) -> SubmitReport:
        """Nothing was sent: the job is tried again later, never stranded (nor left to lapse
        into "outcome unknown", which would count a render that does not exist). Cancelled
        meanwhile: nothing was made, so it is refunded now."""
        marked = await self._cancelled_meanwhile(job)
        if marked is not None:
            return await self._cancel_unsent(marked, member_present)
        await self._store.release(
            job, Stage.SUBMIT, retry_at=self._clock() + self._timing.submit_retry_delay
        )
        self._on_change()
        waiting = await self._store.get(job.id) or job
        return SubmitReport(
            waiting, JobState.RECORDED, msg("service_busy", job_id=job.id, where=POSTED_HERE)
        )

    async def _cancel_unsent(self, job: Job, member_present: bool) -> SubmitReport:
        """Cancelled (by a block) before it was sent: it stops counting; the member is told."""
        log.info("Job %d: cancelled before it was sent (%s)", job.id, job.cancel_reason_key)
        await self._store.cancel_unsent(job, now=self._clock(), member_told=member_present)
        await self._leave_line(job)
        closed = await self._store.get(job.id) or job
        # Answered where the member asked, which for a mention or reply is public.
        notice = closed.public_cancel_notice()
        return SubmitReport(closed, JobState.CANCELLED, notice)

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
            refused = functools.partial(self._refused_by_apimart, job, error, member_present)
            with self._answering_for(job):
                return await self._write_down_answer(job, refused, self._made_nothing(job, error))
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
                    lambda: self._close(job, JobState.REJECTED, reused, member_present),
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

    @contextlib.contextmanager
    def _answering_for(self, job: Job) -> Iterator[None]:
        """While APIMart's answer for `job` is written down (or kept on disk), its lapsed claim is
        not settled as "outcome unknown": the answer is known, and will be written."""
        self._answering.add(job.id)
        try:
            yield
        finally:
            self._answering.discard(job.id)

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

    async def _refused_by_apimart(
        self, job: Job, error: APIMartError, member_present: bool
    ) -> SubmitReport:
        """APIMart refused a submit (or the upload before it): nothing was made. The key or
        the balance is the operator's to fix; a refusal of the request is told to the member;
        anything else may pass, so the job waits and is sent again."""
        refusal = _refusal(job, error)
        if refusal is None:
            return await self._hold_for_apimart(job, error, member_present)
        if isinstance(error, AuthenticationError):
            log.error("APIMart rejected the API key (job %d): check APIMART_API_KEY", job.id)
            if self._on_key_refused is not None:
                self._on_key_refused()
        elif isinstance(error, PaymentRequiredError):
            log.error("APIMart balance is empty (job %d): top up the account", job.id)
            if self._on_balance is not None:
                await self._on_balance(False, None)
        else:
            log.warning(
                "Job %d refused by APIMart (HTTP %s): %s (%s)",
                job.id,
                error.status,
                error.message,
                error.error_type,
            )
        return await self._close(job, JobState.REJECTED, refusal, member_present)

    @staticmethod
    def _made_nothing(job: Job, error: APIMartError) -> KeptNothingMade:
        """APIMart's answer that it made nothing, as kept on disk should the database not take
        it in time: the refusal the member is told, or the hold the job waits in."""
        refusal = _refusal(job, error)
        if refusal is not None:
            return KeptNothingMade(
                job.id,
                refused=True,
                key=refusal.key,
                detail=_detail(refusal),
                job_created_at=job.created_at,
            )
        hold = HOLD_SLOW_DOWN if isinstance(error, RateLimitError) else HOLD_BUSY
        return KeptNothingMade(
            job.id, refused=False, key=hold, detail=error.message, job_created_at=job.created_at
        )

    async def _write_down_answer(
        self, job: Job, write: Callable[[], Awaitable[SubmitReport]], answer: KeptNothingMade
    ) -> SubmitReport:
        """`write` down APIMart's answer to a request that left, saying it made nothing (busy,
        refused), retrying a failing database as a task id's write is: a claim left to lapse
        after its request left reads as an answer lost ("outcome unknown": counted, never sent
        again), whatever APIMart said. Not written in time (a long outage, a stop), the
        `answer` is kept on disk and written once the database is back. (Each try repeats the
        whole handling: its writes are fenced by the claim, and its other effects, a pause or
        a balance read, are the same again.)"""
        return await self._write_or_keep(job, lambda _attempt: write(), answer)

    async def _write_or_keep(
        self, job: Job, write: Callable[[int], Awaitable[_Written]], answer: Kept
    ) -> _Written:
        """`write` (told how many tries failed before) APIMart's `answer` down, retrying a
        failing database (`_retry_write`). Not written by then (a long outage), or cut short by
        a stop (whether it landed is unknown), the answer is kept on disk for the next process,
        which drops it if it did land, and logged."""
        what = _named(answer)
        try:
            return await self._retry_write(job, write, what)
        except asyncio.CancelledError:
            log.error("Job %d: stopped before %s was written down", job.id, what)
            self._keep(answer)
            raise
        except Exception as error:
            # The claim lapses; the kept answer follows the job from there once the database
            # is back.
            if self._keep(answer):
                raise AnswerKept(job.id) from error
            raise

    async def _retry_write(
        self, job: Job, write: Callable[[int], Awaitable[_Written]], what: str
    ) -> _Written:
        """`write` until it returns (told how many tries failed before), for `store_task_for`
        seconds, waiting longer after each failure; then its last error is raised."""
        timing = self._timing
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + timing.store_task_for
        attempt = 0
        while True:
            try:
                return await write(attempt)
            except Exception:
                if loop.time() >= give_up_at:
                    log.exception("Job %d: could not write down %s", job.id, what)
                    raise
                log.warning("Job %d: writing down %s failed; retrying", job.id, what)
            await asyncio.sleep(timing.store_retry_wait(attempt))
            attempt += 1

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

    async def _store_task_id(
        self, job: Job, task_id: str, now: float, first_check: float, member_told: bool
    ) -> bool:
        """Keep an accepted task's id, retrying a failing write: losing it loses a paid render.
        False when another job already holds that id (APIMart answered with its task)."""
        write = functools.partial(self._write_task_id, job, task_id, now, first_check, member_told)
        return await self._write_or_keep(job, write, KeptTask(job.id, task_id, job.created_at))

    def _keep(self, answer: Kept) -> bool:
        """Keep APIMart's answer the database has not taken in a local file (synced); whether
        it was kept."""
        kept = self._kept_tasks
        if kept is None or not kept.keep(answer):
            return False
        what = answer.task_id if isinstance(answer, KeptTask) else answer.key
        log.warning(
            "Job %d: APIMart's answer (%s) kept in %s until the database takes it",
            answer.job_id,
            what,
            kept.path,
        )
        return True

    async def _kept_answers(self) -> list[Kept]:
        """The answers kept on disk, oldest first: one look at the file (a stat) when it is
        empty, which it is but after a long outage; read off the event loop (its lock may wait
        for another process's sync)."""
        kept = self._kept_tasks
        if kept is None or not kept.waiting:
            return []
        return await asyncio.to_thread(kept.pending)

    async def _adopt_kept(self, answers: list[Kept]) -> int:
        """Hand the kept `answers` to their jobs, where the database takes them now; how many
        jobs moved on (renders followed again, jobs waiting again or refused). An answer whose
        job is still being sent waits for its claim to lapse."""
        kept = self._kept_tasks
        if kept is None or not answers:
            return 0
        done: list[Kept] = []
        adopted = 0
        try:
            for task in answers:
                settled = await self._settle_kept(task)
                if settled is not None:
                    done.append(task)
                    adopted += settled
        except Exception:
            log.warning("Kept task ids could not be handed over yet; trying again", exc_info=True)
        if done:
            await asyncio.to_thread(kept.forget, done)
        if adopted:
            self._on_change()
        return adopted

    async def _settle_kept(self, kept: Kept) -> bool | None:
        """Whether `kept` was handed to its job now (True), or is no longer needed (False);
        None: not yet (its job is still being sent)."""
        if kept.job_id in self._answering:
            return None  # this process still writes it down
        job = await self._store.get(kept.job_id)
        if job is not None and not self._kept_for(kept, job):
            # The database was restored from an older backup, and handed the id out again:
            # this is another member's job, which must never get that answer (their video).
            log.error(
                "Job %d: kept answer %s was given to an earlier job with this id (a restored"
                " database); dropped, not handed to this one",
                kept.job_id,
                kept.task_id if isinstance(kept, KeptTask) else kept.key,
            )
            return False
        if isinstance(kept, KeptNothingMade):
            return await self._settle_nothing_made(kept)
        if job is not None and job.task_id == kept.task_id:
            return False  # the write landed after all
        holder = await self._other_holder(kept.job_id, kept.task_id)
        if holder is not None:
            # APIMart answered with another job's task, as when the write fails at once: this
            # job started nothing of its own. Refused, not counted, never "outcome unknown".
            log.error("Job %d: kept task %s is job %d's", kept.job_id, kept.task_id, holder)
            return await self._settle_nothing_made(_reused_task(kept.job_id, kept.job_created_at))
        now = self._clock()
        first_poll_at = now + self._timing.first_poll_delay
        if job is not None and await self._store.adopt_task(
            job.id, kept.task_id, now=now, first_poll_at=first_poll_at
        ):
            log.warning(
                "Job %d: kept task %s handed over; its render is followed again",
                job.id,
                kept.task_id,
            )
            return True
        return await self._not_handed_over(kept)

    def _kept_for(self, kept: Kept, job: Job) -> bool:
        """Whether `kept` was APIMart's answer for `job`, not for an earlier job given the same
        id before the database was restored from a backup."""
        if kept.job_created_at is None:
            # Kept by an earlier version, without the job's `created_at`: a job recorded before
            # this process started (no restore hands out an id while it runs).
            return job.created_at < self._started_at
        return kept.job_created_at == job.created_at

    async def _settle_nothing_made(self, kept: KeptNothingMade) -> bool | None:
        """Write down APIMart's kept answer that it made nothing: the job waits to be sent
        again (busy), or is refused, as it would have been had the database taken it then."""
        job = await self._store.reclaim_answered(kept.job_id, now=self._clock())
        if job is None:
            return await self._not_handed_over(kept)
        log.warning("Job %d: APIMart's kept answer (%s) written down", job.id, kept.key)
        if kept.refused:
            await self._store.mark_unsubmitted(
                job,
                JobState.REJECTED,
                kept.key,
                detail=kept.detail,
                now=self._clock(),
                member_told=False,
            )
            await self._leave_line(job)
        else:
            # The database is back: it is sent again now (APIMart's wait is long over), even if
            # the outage outlasted the holds' window: the bot's own outage is no APIMart hold.
            # The next answer decides, as for every job held through the outage.
            await self._retry_later(
                job, kept.detail or kept.key, 0.0, False, kept.key, may_give_up=False
            )
        return True

    async def _not_handed_over(self, kept: Kept) -> bool | None:
        """`kept`'s job did not take it: still being sent (None, not yet), or gone on
        otherwise (False: the answer is dropped)."""
        job = await self._store.get(kept.job_id)
        if job is not None and job.state is JobState.SUBMITTING:
            return None
        log.error(
            "Job %d: kept answer %s could not be handed over (the job is %s)",
            kept.job_id,
            kept.task_id if isinstance(kept, KeptTask) else kept.key,
            job.state if job is not None else "deleted",
        )
        return False

    async def _write_task_id(
        self,
        job: Job,
        task_id: str,
        now: float,
        first_check: float,
        member_told: bool,
        attempt: int,
    ) -> bool:
        """One try at storing `task_id` (`attempt`: how many failed before); False when
        another job already holds it."""
        try:
            stored = await self._store.mark_submitted(
                job, task_id, now=now, first_poll_at=now + first_check, member_told=member_told
            )
            if not stored and attempt > 0 and await self._holds_task(job.id, task_id):
                # An earlier try committed and only its answer was lost (a dropped connection):
                # the job moved on with this very id.
                return True
            if not stored and await self._store.adopt_task(
                job.id, task_id, now=now, first_poll_at=now + first_check
            ):
                log.warning(
                    "Job %d: its claim lapsed while APIMart accepted it; task %s kept",
                    job.id,
                    task_id,
                )
                return True
            if not stored:
                # Only if the claim was lost despite its renewals (the database unreachable
                # for a whole lease): the job ended `submit_unknown`; the id is for operators.
                log.error("Job %d: claim lost before its task id %s was stored", job.id, task_id)
            return True
        except Exception:
            holder = await self._other_holder(job.id, task_id)
            if holder is None:
                raise  # tried again, or given up on (`_retry_write`)
            log.error(
                "Job %d: APIMart answered with task %s, which job %d already has",
                job.id,
                task_id,
                holder,
            )
            return False

    async def _other_holder(self, job_id: int, task_id: str) -> int | None:
        """Another job holding `task_id` (the write of it failed), if one can be read."""
        try:
            holder = await self._store.job_of_task(task_id)
        except Exception:
            return None  # the database itself failing: the write is tried again
        return holder if holder != job_id else None

    async def _holds_task(self, job_id: int, task_id: str) -> bool:
        stored = await self._store.get(job_id)
        return stored is not None and stored.task_id == task_id

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

    async def _close(
        self, job: Job, state: JobState, message: Message, member_present: bool
    ) -> SubmitReport:
        await self._store.mark_unsubmitted(
            job,
            state,
            message.key,
            detail=_detail(message),
            now=self._clock(),
            member_told=member_present,
        )
        await self._leave_line(job)
        closed = await self._store.get(job.id) or job
        return SubmitReport(closed, state, message)

    async def _leave_line(self, job: Job) -> None:
        """A job closed before it was sent leaves its server's line: the next one waiting for
        a slot is due now, not at its recheck."""
        await self._store.call_held_now(job.requester.guild_id, HOLD_SLOT, now=self._clock())
        self._on_change()

    async def _hold_for_apimart(
        self, job: Job, error: APIMartError, member_present: bool
    ) -> SubmitReport:
        """APIMart busy or slowing us down (its submit, or an upload before it): tried later."""
        # APIMart's own wait, when it gives one (a 429's, or a 503's pause for upkeep: a 503
        # held here made nothing), is the row's next due time: nobody sleeps.
        hint = error.retry_after if isinstance(error, RateLimitError | ServerError) else None
        if hint is not None and hint > 0 and self._budget is not None:
            # The other submits wait it out too (status checks go on: they have their own), and
            # this one no longer than they do: it keeps its place in line.
            hint = self._budget.refuse_submits(hint, down=not isinstance(error, RateLimitError))
        delay = hint if hint is not None and hint > 0 else self._timing.submit_retry_delay
        hold = HOLD_SLOW_DOWN if isinstance(error, RateLimitError) else HOLD_BUSY
        return await self._retry_later(job, error.message, delay, member_present, hold)

    async def _hold_for_pause(
        self, job: Job, hold: SubmitHold, member_present: bool
    ) -> SubmitReport:
        """Held until the end of a pause APIMart asked for, in its words: down (a 503) reads
        "busy", a 429 "asked us to slow down"."""
        if hold.down:
            reason, key = "APIMart down for upkeep", HOLD_BUSY
        else:
            reason, key = "APIMart asked for a pause", HOLD_SLOW_DOWN
        return await self._retry_later(job, reason, hold.seconds, member_present, key)

    async def _retry_later(
        self,
        job: Job,
        reason: str,
        delay: float,
        member_present: bool,
        hold_key: str = HOLD_BUSY,
        *,
        told: Message | None = None,
        gave_up: Message | None = None,
        may_give_up: bool = True,
    ) -> SubmitReport:
        # Cancelled while it was being sent, and held back with nothing sent: APIMart made
        # nothing, so it is refunded now, not kept in line counting.
        marked = await self._cancelled_meanwhile(job)
        if marked is not None:
            return await self._cancel_unsent(marked, member_present)
        now = self._clock()
        # A wait for the server's own slot is a line, not a failure: it is never given up. APIMart
        # holding it back is, after a run of such holds (not after a long wait before them).
        slot = hold_key == HOLD_SLOT
        held_since = job.held_since if job.held_since is not None else now
        if may_give_up and not slot and now - held_since >= self._timing.submit_give_up_after:
            # An outage gives every held job up at about the same moment: one line a minute.
            self._holds.log(
                "gave_up",
                logging.WARNING,
                "Job %d: giving up submitting after repeated errors (%s)",
                job.id,
                reason,
            )
            closed = await self._close(
                job, JobState.REJECTED, gave_up or msg("service_gave_up"), member_present
            )
            # Counted apart from APIMart's refusals: nothing was refused, it never got through.
            return dataclasses.replace(closed, kept_back="gave_up")
        self._log_hold(job, reason, delay, hold_key)
        await self._store.release_for_retry(
            job, reason, retry_at=now + delay, hold_key=hold_key, slot=slot
        )
        if slot and await self._store.slot_limit(job) is None:
            # A render ended while this was read (in another process, say): its call to the
            # line found this job still being sent. The line is called now, not at the recheck.
            await self._store.call_held_now(job.requester.guild_id, HOLD_SLOT, now=self._clock())
        self._on_change()
        waiting = await self._store.get(job.id) or job
        message = told or msg("service_busy", job_id=job.id, where=POSTED_HERE)
        return SubmitReport(waiting, JobState.RECORDED, message)

    def _log_hold(self, job: Job, reason: str, delay: float, hold_key: str) -> None:
        """A hold is logged so that many jobs held for long stay a few lines: an APIMart
        outage or pause holds every job again each minute (one line a minute per kind, which
        counts the rest; each one at DEBUG), and a job in its server's line is rechecked every
        30 s (a line as it joins the line, its rechecks at DEBUG)."""
        message = "Job %d: held back (%s); will try the submit in %.0fs"
        if hold_key != HOLD_SLOT:
            self._holds.log(hold_key, logging.WARNING, message, job.id, reason, delay)
            return
        joins = job.error_key != HOLD_SLOT
        log.log(logging.INFO if joins else logging.DEBUG, message, job.id, reason, delay)

    async def settle_lost_submits(self, *, at_start: bool = False) -> int:
        """Submits whose claim lapsed (their process died mid-send) may exist at APIMart: say so.

        `at_start` (one process on SQLite): every `submitting` job was left by a dead process.
        """
        # Answers known (being written here, or kept on disk) are no unknown: left for their
        # write, and for the hand-over below. At start no stage delivers yet: all are settled,
        # then answered at once, whoever's claim they were.
        answers = await self._kept_answers()
        known = {answer.job_id for answer in answers}
        spare = () if at_start else {*self._answering, *known}
        jobs = await self._store.expire_lost_submits(
            now=self._clock(), everything=at_start, spare=spare
        )
        for job in jobs:
            if job.id in known:
                # At start: settled with the rest, and answered just below.
                log.info("Job %d: its submit's answer, kept on disk, is written down", job.id)
                continue
            log.warning(
                "Job %d was being submitted when its worker stopped; outcome unknown", job.id
            )
        # At once: a kept task id answers its job's "outcome unknown" before that is posted.
        await self._adopt_kept(answers)
        if jobs:
            self._on_change()
        return len(jobs)
