"""Writing down APIMart's answer to a request that left (a task id, or that it made nothing):
retried while the database fails, kept on disk when it does not come back in time, handed to
its job later; and submits whose answer was lost (the part of `JobService` that does it)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

from bot.apimart import APIMartError, RateLimitError
from bot.jobs.apimart_answers import _detail, _named, _refusal, _reused_task
from bot.jobs.kept_tasks import AnswerKept, Kept, KeptNothingMade, KeptTask, KeptTasks
from bot.jobs.models import Job, JobState
from bot.jobs.submit_types import HOLD_BUSY, HOLD_SLOW_DOWN, SubmitReport
from bot.jobs.unsent import UnsentJobs

# Moved from bot/jobs/service.py: its lines keep that logger, which operators' filters name.
log = logging.getLogger("bot.jobs.service")

# What a write of APIMart's answer returns.
_Written = TypeVar("_Written")


class AnswerWrites(UnsentJobs):
    """APIMart's answers written down, or kept until they can be (`JobService` sets the
    attributes below)."""

    _answering: set[int]
    _kept_tasks: KeptTasks | None
    _started_at: float

    @contextlib.contextmanager
    def _answering_for(self, job: Job) -> Iterator[None]:
        """While APIMart's answer for `job` is written down (or kept on disk), its lapsed claim is
        not settled as "outcome unknown": the answer is known, and will be written."""
        self._answering.add(job.id)
        try:
            yield
        finally:
            self._answering.discard(job.id)

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
        self, job: Job, write: Callable[[Job], Awaitable[SubmitReport]], answer: KeptNothingMade
    ) -> SubmitReport:
        """`write` down APIMart's answer to a request that left, saying it made nothing (busy,
        refused), retrying a failing database as a task id's write is: a claim left to lapse
        after its request left reads as an answer lost ("outcome unknown": counted, never sent
        again), whatever APIMart said. Not written in time (a long outage, a stop), the
        `answer` is kept on disk and written once the database is back. (Each try repeats the
        whole handling: its writes are fenced by the claim, and its other effects, a pause or
        a balance read, are the same again.)

        A claim that lapsed while APIMart answered (the job settled as "outcome unknown" by
        another process, or about to be) is taken back to write the answer all the same, as a
        task id answering it is (`adopt_task`): the job made nothing, so it must not go on
        counting as a render that may exist."""

        # The claim the answer is written under: the one taken back, once it was, for every
        # later try too (a try as the lapsed one is turned down while ours holds the job).
        holder = job

        async def attempt(_attempt: int) -> SubmitReport:
            nonlocal holder
            report = await write(holder)
            if report.job.state not in (JobState.SUBMITTING, JobState.SUBMIT_UNKNOWN):
                return report  # written (or the job moved on otherwise)
            reclaimed = await self._store.reclaim_answered(job.id, now=self._clock())
            if reclaimed is None:
                return report
            holder = reclaimed
            log.warning(
                "Job %d: its claim lapsed while APIMart answered that it made nothing (%s);"
                " written down all the same",
                job.id,
                answer.key,
            )
            return await write(reclaimed)

        return await self._write_or_keep(job, attempt, answer)

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
