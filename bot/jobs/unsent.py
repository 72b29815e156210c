"""A job not sent now: closed, cancelled, refused by APIMart or held back to be sent later
(the part of `JobService` that answers for a request that did not leave, or made nothing)."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from bot.apimart import (
    APIMartError,
    AuthenticationError,
    PaymentRequiredError,
    RateLimitError,
    ServerError,
)
from bot.i18n import Message, msg
from bot.jobs.apimart_answers import _detail, _refusal
from bot.jobs.budget import RequestBudget, SubmitHold
from bot.jobs.cancels import BanStopped, CancelOutcome
from bot.jobs.models import Job, JobState
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.jobs.submit_types import (
    HOLD_BUSY,
    HOLD_SLOT,
    HOLD_SLOW_DOWN,
    POSTED_HERE,
    BalanceHook,
    Clock,
    SubmitReport,
    SubmitTiming,
)
from bot.observability.repeated import RepeatedFailures

# Moved from bot/jobs/service.py: its lines keep that logger, which operators' filters name.
log = logging.getLogger("bot.jobs.service")


class UnsentJobs:
    """Closing, cancelling or holding back a job before its request leaves (`JobService` sets
    the attributes below)."""

    _store: JobStore
    _clock: Clock
    _timing: SubmitTiming
    _on_change: Callable[[], None]
    _budget: RequestBudget | None
    _holds: RepeatedFailures
    _on_ban_stopped: BanStopped | None
    _on_key_refused: Callable[[], None] | None
    _on_balance: BalanceHook | None

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
