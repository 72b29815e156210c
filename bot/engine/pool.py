"""One stage of the engine: a loop that leases due jobs and works on each in a bounded pool.

A slow job holds one worker, never the loop; a stage's loop never waits on another stage. While
a worker runs, its lease is renewed; whatever the handler raises, the job is given back (or, for
a submit whose outcome is unknown, left to lapse into `submit_unknown`): no job stays claimed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable, Collection

from bot.engine.supervisor import working
from bot.jobs.claims import holding
from bot.jobs.kept_tasks import AnswerKept
from bot.jobs.models import Job, JobState
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.log_context import bound
from bot.storage import in_one_line, unreachable

log = logging.getLogger(__name__)

Handler = Callable[[Job], Awaitable[None]]
Hook = Callable[[], Awaitable[None]]
# A pool size, fixed or read afresh before each claim (the poll stage's follows the budget).
Workers = int | Callable[[], int]
# Below saturation, a stage looks at the database at most once per this many seconds of the
# event loop's time. Every finished job wakes every stage; without it each wake cost a claim
# and a due-time read per stage (about seven statements per status check at low load).
# Jobs a handler sets due again are due seconds later, so waiting this long delays none.
SETTLE = 0.1


async def _nothing() -> None:
    return None


# How long cancelled work may take to unwind. Its clean-up (a rollback, a connection given back)
# talks to the database, and one that stopped answering (a partition) would hold a stop for ever:
# `docker stop` kills 10 s after SIGTERM. The job's lease brings it back to whoever runs next.
CANCELLED_WAIT = 0.25
# A command cut short by a stop may take this long to tell its member their job is saved.
LAST_WORD = 0.5


async def repeat_every(
    work: Callable[[], Awaitable[object]], every: float, what: str, logger: logging.Logger
) -> None:
    """`work` now, then every `every` seconds, until cancelled: a round that fails (the
    database or Discord failing now) is logged on `logger` as `what` failing, and the next
    round comes all the same. The database unreachable is one line a round, no traceback,
    and one more line once a round works again."""
    outage = False
    while True:
        try:
            await work()
        except Exception as error:
            if not unreachable(error):
                logger.exception("%s failed; trying again in %.0f s", what, every)
            else:
                outage = True
                logger.warning(
                    "%s failed: the database could not be reached (%s); trying again in %.0f s",
                    what,
                    in_one_line(error),
                    every,
                )
        else:
            if outage:
                outage = False
                logger.info("%s works again: the database answered", what)
        await asyncio.sleep(every)


async def settle_cancelled(
    tasks: Collection[asyncio.Task[None]], what: str, *, last_word: float = 0.0
) -> None:
    """Wait (bounded) for cancelled tasks to unwind (`last_word`: and to say one more thing);
    those that do not are left behind."""
    if not tasks:
        return
    _, stuck = await asyncio.wait(tasks, timeout=CANCELLED_WAIT + last_word)
    if stuck:
        log.warning("%s: %d tasks still unwinding after cancel, left behind", what, len(stuck))


class StageLoop:
    """Claims jobs due for one stage and runs `handler` on each, at most `workers` at once."""

    def __init__(
        self,
        stage: Stage,
        store: JobStore,
        handler: Handler,
        *,
        workers: Workers,
        clock: Callable[[], float],
        idle_wait: float = 300.0,
        crash_retry: float = 30.0,
        before_claim: Hook | None = None,
        on_release: Callable[[], None] | None = None,
        claim_share: float = 0.0,
        settle: float = SETTLE,
        reach: float | None = None,
        servers_ready: Callable[[], bool] | None = None,
    ) -> None:
        if isinstance(workers, int) and workers < 1:
            raise ValueError("a stage needs at least one worker")
        if not 0 <= claim_share <= 1:
            raise ValueError("claim_share must be within [0, 1]")
        self.stage = stage
        self._store = store
        self._handler = handler
        self._size = workers
        # Claim only once this share of the pool is free (while some work is in flight): one
        # claim round trip serves several jobs instead of one per finished worker.
        self._claim_share = claim_share
        self._clock = clock
        self._idle_wait = idle_wait
        self._crash_retry = crash_retry
        self._before_claim = before_claim or _nothing
        # A job let go here may be due for another stage now (a cancel notice, say): tell it.
        self._on_release = on_release
        self._wake = asyncio.Event()
        self._settle = settle
        # How far ahead this stage makes a job due, at most (`JobStore.claim_due`).
        self._reach = reach
        # False while jobs made in servers must wait (`Poller`): the others are claimed alone.
        self._servers_ready = servers_ready or (lambda: True)
        self._looked_at = -math.inf  # event-loop time of the last look at the database
        self._inflight: set[asyncio.Task[None]] = set()
        self._stopping = False
        # True while `run` is looping: False once it returned or crashed (health checks).
        self.running = False

    def wake(self) -> None:
        """Look for due jobs now."""
        self._wake.set()

    @property
    def workers(self) -> int:
        """The pool's size now (at least one)."""
        size = self._size if isinstance(self._size, int) else self._size()
        return max(1, size)

    async def run_once(self, limit: int = 10_000) -> None:
        """Work through the jobs due now, at most `workers` at once, and return (tests, benches)."""
        await self._before_claim()
        jobs = await self._store.claim_due(
            self.stage, limit, reach=self._reach, servers=self._servers_ready()
        )
        pool = asyncio.Semaphore(self.workers)

        async def work(job: Job) -> None:
            async with pool:
                await self._work(job)

        await asyncio.gather(*(work(job) for job in jobs))

    async def run(self) -> None:
        """The stage's loop; returns once `stop()` was called and in-flight work handed back."""
        self.running = True
        try:
            await self._loop()
        finally:
            self.running = False

    async def _loop(self) -> None:
        caught_up = False  # the last claim found fewer due jobs than it had room for
        while not self._stopping:
            if caught_up:
                await self._settle_down()
                if self._stopping:
                    break  # a stop came while settling: no more looks at the database
            self._wake.clear()
            self._looked_at = asyncio.get_running_loop().time()
            await self._before_claim()
            if self._stopping:
                break
            workers = self.workers
            free = workers - len(self._inflight)
            batch = max(1, math.ceil(self._claim_share * workers))
            if free < batch and self._inflight:
                free = 0  # wait until enough workers are free to claim for several at once
            servers = self._servers_ready()
            claimed = (
                await self._store.claim_due(self.stage, free, reach=self._reach, servers=servers)
                if free > 0
                else []
            )
            working()  # the database answered: a stage an outage stopped says it is back
            if self._stopping:
                # The stop came during the claim: give the jobs back unworked (nothing was sent
                # for them), rather than start work the drain no longer waits for.
                for job in claimed:
                    await self._store.release(job, self.stage)
                break
            for job in claimed:
                self._spawn(job)
            if free > 0 and len(claimed) == free:
                caught_up = False
                continue  # the pool filled up; more may be due as soon as a worker frees
            # While the pool waits for free workers, it looks again as soon as they are.
            caught_up = free > 0
            delay = self._idle_wait if free <= 0 else await self._idle_delay(servers)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def drain(self, grace: float) -> None:
        """Stop claiming; let in-flight work finish for up to `grace` seconds, then cancel it."""
        self._stopping = True
        self._wake.set()
        if not self._inflight:
            return
        _, pending = await asyncio.wait(set(self._inflight), timeout=grace)
        for task in pending:
            task.cancel()
        if pending:
            log.warning("%s stage: %d jobs cut short by shutdown", self.stage, len(pending))
            await settle_cancelled(pending, f"{self.stage} stage")

    async def _settle_down(self) -> None:
        """Wait out what is left of the settle window since the last look (not on shutdown)."""
        left = self._looked_at + self._settle - asyncio.get_running_loop().time()
        if left > 0 and not self._stopping:
            await asyncio.sleep(left)

    def _spawn(self, job: Job) -> None:
        task = asyncio.create_task(self._work(job), name=f"{self.stage}-job-{job.id}")
        self._inflight.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._inflight.discard(task)
        self._wake.set()  # a worker is free
        if self._on_release is not None:
            self._on_release()

    async def _idle_delay(self, servers: bool) -> float:
        # Servers' jobs held back are not waited for: the stage is woken when they may go.
        due = await self._store.next_due(self.stage, servers=servers)
        if due is None:
            return self._idle_wait
        return min(max(due - self._clock(), 0.01), self._idle_wait)

    async def _work(self, job: Job) -> None:
        # Every line logged for this job, here and in tasks started for it, names the job.
        with bound(
            job_id=job.id,
            task_id=job.task_id,
            guild_id=job.requester.guild_id,
            user_id=job.requester.user_id,
        ):
            async with holding(self._store, job, self.stage):
                try:
                    await self._handler(job)
                except asyncio.CancelledError:
                    await self._hand_back(job)
                    raise
                except Exception as error:
                    await self._recover(job, error)

    async def _hand_back(self, job: Job) -> None:
        """Shutdown cut the work short: give the claim back now, so nobody waits for it to lapse.

        Not a submit's: its request may have left, so its claim lapses into `submit_unknown`.
        """
        if job.state is JobState.SUBMITTING:
            return
        try:
            await self._store.release(job, self.stage)
        except Exception:
            log.warning("Job %d: could not give its %s claim back; it lapses", job.id, self.stage)

    async def _recover(self, job: Job, error: Exception) -> None:
        if job.state is JobState.SUBMITTING:
            await self._recover_submit(job, error)
            return
        if unreachable(error):
            # The database (or Discord, APIMart) away: its words say it all, and an outage
            # would repeat the same traceback for every job in flight.
            log.warning(
                "Job %d: %s failed, a connection failing (%s); trying again in %.0fs",
                job.id,
                self.stage,
                in_one_line(error),
                self._crash_retry,
            )
        else:
            log.error(
                "Job %d: %s failed unexpectedly; trying again in %.0fs",
                job.id,
                self.stage,
                self._crash_retry,
                exc_info=error,
            )
        try:
            await self._store.release(job, self.stage, retry_at=self._clock() + self._crash_retry)
        except Exception as failed:
            if not unreachable(failed):
                log.exception("Job %d: could not give its claim back; it lapses instead", job.id)
                return
            log.warning(
                "Job %d: could not give its claim back, the database could not be reached (%s);"
                " it lapses instead",
                job.id,
                in_one_line(failed),
            )

    async def _recover_submit(self, job: Job, error: Exception) -> None:
        """A submit that raised, judged by what the database says of it now, not by the state
        it was claimed in: unsent, it waits to be sent again after the crash pause; written
        (queued, held, refused), it goes on from there; only a request that may have left
        without its answer written is left to lapse into `submit_unknown` (never resent); one
        whose answer is kept on disk lapses too, and that answer is handed to it later."""
        if isinstance(error, AnswerKept):
            log.error(
                "Job %d: APIMart's answer could not be written down; kept on disk, it is handed"
                " to the job once the database takes it",
                job.id,
                exc_info=error,
            )
            return
        try:
            if await self._store.give_back_unsent(job, retry_at=self._clock() + self._crash_retry):
                log.error(
                    "Job %d: submit failed unexpectedly before its request left; trying again"
                    " in %.0fs",
                    job.id,
                    self._crash_retry,
                    exc_info=error,
                )
                return
            stored = await self._store.get(job.id)
        except Exception:
            stored = None  # the database failing too: whether it left cannot be read
        if stored is not None and (
            stored.version != job.version or stored.state is not JobState.SUBMITTING
        ):
            log.error(
                "Job %d: submit failed unexpectedly after APIMart's answer was written (the"
                " job is %s); it goes on from there",
                job.id,
                stored.state,
                exc_info=error,
            )
            return
        # The request may have left: never resend. The lapsed claim becomes submit_unknown.
        log.error(
            "Job %d: submit failed unexpectedly; its outcome is unknown", job.id, exc_info=error
        )
