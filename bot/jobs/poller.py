"""The background engine: three stages that never wait on each other.

Submitting, polling and delivering each run as their own supervised loop over leased jobs with
their own bounded pool of workers (`bot.engine.pool`), so a submit waiting out a 429 or a slow
100 MB delivery holds one worker of its own stage and delays nobody else.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.apimart import (
    APIMartClient,
    APIMartError,
    AuthenticationError,
    PaymentRequiredError,
    RateLimitError,
    ServerError,
    TaskNotFoundError,
)
from bot.apimart.models import TaskInfo, TaskStatus
from bot.engine.clock import OFF_WARNING
from bot.engine.pool import SETTLE, StageLoop, Workers, settle_cancelled
from bot.engine.supervisor import supervise
from bot.jobs.budget import RequestBudget
from bot.jobs.cancels import BanStopped, CancelOutcome
from bot.jobs.failures import apimart_language
from bot.jobs.inflight import RoundTrip, checks_in_flight
from bot.jobs.models import FOLLOW_UP_LIMIT, NO_NEWS_AFTER, TIMED_OUT_REASON, Job, JobState
from bot.jobs.schedule import PollSchedule, Reading, ScheduleMode
from bot.jobs.service import HOLD_SLOT, Clock, JobService
from bot.jobs.stages import Stage
from bot.jobs.store import JobStore
from bot.observability.metrics import Metrics, RenderOutcome
from bot.observability.repeated import RepeatedFailures

log = logging.getLogger(__name__)

_FINAL_STATE_FOR_STATUS = {
    TaskStatus.COMPLETED: JobState.COMPLETED,
    TaskStatus.FAILED: JobState.FAILED,
    TaskStatus.CANCELLED: JobState.CANCELLED,
}

# How a render's end is counted (`videobot_renders_total`); a give-up (timed out) is no end.
_RENDER_OUTCOME: dict[JobState, RenderOutcome] = {
    JobState.COMPLETED: "completed",
    JobState.FAILED: "failed",
    JobState.CANCELLED: "cancelled",
}


def _ending(info: TaskInfo) -> tuple[JobState, str | None]:
    """How a finished task ends its job, and why when it failed here: "completed" without a
    video is a failure (as `JobStore.record_late_end` stores a late one too)."""
    state = _FINAL_STATE_FOR_STATUS[info.status]
    if state is JobState.COMPLETED and not info.video_url:
        return JobState.FAILED, "task_no_video"
    return state, None


# The most of APIMart's reason a job's last log line quotes: enough to tell causes apart.
_REASON_LOGGED = 200


def _why_ended(info: TaskInfo | None, reason_key: str | None) -> str:
    """Why a job ended, for its log line: APIMart's reason (on one line, cut short: its free
    text may be a page), else the bot's own key; nothing for a render that went well."""
    said = info.error_message if info is not None else None
    if said:
        line = " ".join(said.split())
        if len(line) > _REASON_LOGGED:
            line = line[: _REASON_LOGGED - 1] + "…"
        return f': APIMart said "{line}"'
    return f": {reason_key}" if reason_key else ""


class DeliveryOutcome(enum.Enum):
    """What happened when the poller handed a finished job to delivery."""

    DELIVERED = "delivered"
    RETRY = "retry"  # a transient failure: try again later
    UNREACHABLE = "unreachable"  # nowhere left to post: stop trying


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome, and the message that carries the news when there is one."""

    outcome: DeliveryOutcome
    message_id: int | None = None
    # The post carries APIMart's link, not the video file: it stops working when that expires.
    linked: bool = False
    # A retry because the result could not be downloaded (not because Discord failed).
    download_failed: bool = False
    # When the attempt that posted it began (what its post said was decided by then).
    started_at: float | None = None
    # Deletes the post again; whether it is gone (None: it cannot be deleted).
    withdraw: Callable[[], Awaitable[bool]] | None = field(default=None, compare=False, repr=False)
    # The status's last edit ("is done", "sent by DM"), made once the outcome is written down
    # (`Poller`). Made before, another process's progress edit landing after it could re-read
    # the job as not yet told and stand over it for good (its re-read is what puts it right).
    last_status: Callable[[], Awaitable[None]] | None = field(
        default=None, compare=False, repr=False
    )


Deliver = Callable[[Job], Awaitable[DeliveryResult]]
# What is left once a job's delivery failed `max_delivery_attempts` times for now (Discord
# failing its channel for hours): another way to the member (`Delivery.given_up`), the result
# to write down with the status's last edit; None: nothing more, it reached them nowhere.
GiveUp = Callable[[Job], Awaitable[DeliveryResult | None]]
ProgressListener = Callable[[Job], Awaitable[None]]
# Posts the status message of a job that has none (its command died before announcing it).
Announcer = Callable[[Job], Awaitable[None]]


# How long a post made after its claim was lost waits for the process that took the job over
# to write down its own post (an upload of a large video takes seconds), and how often it looks.
_OTHER_POST_WAIT = 60.0
_OTHER_POST_RECHECK = 0.5


async def _ignore_progress(_job: Job) -> None:
    return None


@dataclass(frozen=True)
class PollerConfig:
    """Timing and limits of the loop; tests shrink them."""

    poll_interval: float = 8.0
    task_timeout: float = 1800.0
    # The most status checks in flight; within it, as many as spend the budget (see
    # `Poller.poll_workers`). Without a budget, always this many.
    concurrency: int = 256
    submit_workers: int = 4
    delivery_workers: int = 32
    max_idle_wait: float = 300.0
    max_poll_backoff: float = 300.0
    delivery_retry_base: float = 15.0
    max_delivery_backoff: float = 600.0
    max_delivery_attempts: int = 50
    # How long shutdown waits for in-flight work (a submit, a delivery) to finish.
    stop_timeout: float = 8.0
    # A job whose worker raised unexpectedly is looked at again after this long.
    crash_retry: float = 30.0
    # A task given up on (`task_timeout`) may still be finished, and billed, by APIMart: it is
    # looked at this often, quietly, until APIMart says how it ended or `follow_up_limit`
    # seconds after it was sent, so its credits reach the server's budget.
    follow_up_interval: float = 300.0
    follow_up_limit: float = FOLLOW_UP_LIMIT
    # A crashed loop (or start-up recovery) restarts after this, doubling up to the maximum.
    restart_backoff: float = 1.0
    max_restart_backoff: float = 60.0
    # How running tasks are spaced; None keeps the plain `poll_interval` rhythm.
    schedule: PollSchedule | None = None
    # Jobs made in servers are sent only once this process's shards are ready and their
    # servers checked (`Poller`), or this many seconds after the engine started at most.
    servers_ready_cap: float = 60.0
    # Jitters the backoff after a failed status check (a seeded one in tests).
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def poll_schedule(self) -> PollSchedule:
        """The schedule in force."""
        if self.schedule is not None:
            return self.schedule
        return PollSchedule(
            interval=self.poll_interval, max_gap=self.poll_interval, mode=ScheduleMode.FIXED
        )


# A delivery put off because its channel already has its share of workers waits this long.
_CHANNEL_BUSY_RETRY = 1.0
# A video held while a start-up catches up the bans it missed looks again this often (the
# process catching up may be another one: nothing wakes this one when it is done).
_BAN_CATCH_UP_RECHECK = 1.0
# When a job leaves its server's line, the statuses of this many behind it show their new
# places at once (the rest at their next look at the line, every 30 s).
_PLACES_SHOWN = 10
# The poll stage claims once a quarter of its pool is free: one claim for several checks.
_POLL_CLAIM_SHARE = 0.25
# A task APIMart answers "not found" this many checks in a row is taken as lost: failed, and
# it stops counting. The checks are `NOT_FOUND_RECHECK` s, then twice that, apart (3 minutes in
# all): a deploy or a proxy answering 404 for a minute must not refund a render that goes on.
NOT_FOUND_ANSWERS = 3
NOT_FOUND_RECHECK = 60.0


def _a_video_for_a_server(job: Job) -> bool:
    """Whether the job's delivery would post its video (not a notice, nor a post already
    written down), for a server (a ban reaches it: not a DM's, nor a member's own install's)."""
    return (
        not job.cancelled
        and job.state is JobState.COMPLETED
        and job.delivered_at is None
        and job.requester.guild_id is not None
    )


def _started(job: Job) -> float:
    """When the API got the job (or, for one never sent, when it was recorded)."""
    return job.submitted_at if job.submitted_at is not None else job.created_at


class Poller:
    """The engine: owns the three stage loops; `wake()` makes them look again at once."""

    def __init__(
        self,
        store: JobStore,
        client: APIMartClient,
        service: JobService,
        deliver: Deliver,
        *,
        clock: Clock,
        config: PollerConfig | None = None,
        on_progress: ProgressListener = _ignore_progress,
        budget: RequestBudget | None = None,
        recover_at_start: bool = True,
        announce: Announcer | None = None,
        metrics: Metrics | None = None,
        on_account_refused: Callable[[], None] | None = None,
        servers_ready: asyncio.Event | None = None,
        on_ban_stopped: BanStopped | None = None,
        give_up: GiveUp | None = None,
    ) -> None:
        self._store = store
        self._delivery_way_out = give_up
        # A video withheld for its member's saved ban: its audit and mod-log line, as the ban's
        # cancels would have written (the moderation side; the engine knows no mod-log).
        self._on_ban_stopped = on_ban_stopped
        # Set once every shard of this process had its first READY and the removals it missed
        # while the bot was down were caught up (`cogs.server_changes`): until then, a job made in
        # a server is not sent (it may be one that removed the bot: nothing is billed there).
        # The others (DMs, a member's own install) go at once. None: no wait (tests, benches).
        self._servers_ready = servers_ready
        self._servers_wait: asyncio.Task[None] | None = None
        # A status check answered 401 (the key) or 402 (no balance): have the balance read,
        # which tells the operator and /readyz.
        self._on_account_refused = on_account_refused
        self._client = client
        self._service = service
        self._deliver = deliver
        self._on_progress = on_progress
        self._clock = clock
        self._config = config or PollerConfig()
        self._failures = RepeatedFailures(log)
        self._schedule = self._config.poll_schedule()
        # Every API call the engine makes waits its turn here; None means no limit (tests).
        self._budget = budget
        # One process on SQLite: every claim found at start was left by a dead process.
        self._recover_at_start = recover_at_start
        self._announce = announce
        self._metrics = metrics if metrics is not None else Metrics()
        self._tasks: list[asyncio.Task[None]] = []
        # The start-up recovery's last run crashed (its supervisor will run it again).
        self._recovery_failed = False
        # APIMart's answer time to a status check: it sizes the poll stage's pool.
        self.round_trip = RoundTrip()
        config = self._config
        # Deliveries in flight per channel: one slow channel may use at most half the workers.
        self._delivering: dict[int, int] = {}
        self._per_channel = max(1, config.delivery_workers // 2)
        self._stages = (
            self._stage(
                Stage.SUBMIT,
                self._submit,
                config.submit_workers,
                before_claim=self._settle_lost_submits,
                servers_ready=servers_ready.is_set if servers_ready is not None else None,
            ),
            self._stage(Stage.POLL, self._poll, self.poll_workers, claim_share=_POLL_CLAIM_SHARE),
            self._stage(Stage.DELIVER, self._deliver_one, config.delivery_workers),
        )

    def _stage(
        self,
        stage: Stage,
        handler: Callable[[Job], Awaitable[None]],
        workers: Workers,
        *,
        before_claim: Callable[[], Awaitable[None]] | None = None,
        claim_share: float = 0.0,
        servers_ready: Callable[[], bool] | None = None,
    ) -> StageLoop:
        return StageLoop(
            stage,
            self._store,
            handler,
            workers=workers,
            clock=self._clock,
            idle_wait=self._config.max_idle_wait,
            crash_retry=self._config.crash_retry,
            on_release=self.wake,
            claim_share=claim_share,
            before_claim=before_claim,
            # At most a tenth of the shortest gap between two checks of a job: a job wanted by
            # two stages (a cancelled render still followed for its cost, whose notice is due)
            # is free between checks for far longer than another stage may wait to look.
            settle=min(SETTLE, self._schedule.shortest / 10),
            reach=self.reach(stage),
            servers_ready=servers_ready,
        )

    def reach(self, stage: Stage) -> float:
        """How far ahead of now this engine makes a job due for `stage`, at most: one due
        further ahead was set by a clock that ran ahead since set back (`JobStore.claim_due`)."""
        config, timing = self._config, self._service.timing
        waits = {
            Stage.SUBMIT: (
                timing.orphan_grace,
                timing.submit_retry_delay,
                timing.slot_recheck,
                self._budget.max_pause if self._budget is not None else 0.0,
            ),
            Stage.POLL: (
                timing.first_poll_delay,
                self._schedule.max_gap,
                config.follow_up_interval,
                NOT_FOUND_RECHECK * 2 ** (NOT_FOUND_ANSWERS - 2),
            ),
            Stage.DELIVER: (config.max_delivery_backoff, _CHANNEL_BUSY_RETRY),
        }[stage]
        return max(config.crash_retry, *waits)

    def poll_workers(self) -> int:
        """Status checks to keep in flight: enough to spend the budget at the round trip."""
        rate = self._budget.rate() if self._budget is not None else None
        return checks_in_flight(rate, self.round_trip.seconds, self._config.concurrency)

    def wake(self) -> None:
        """Something changed (a new job, say): every stage looks at the database now."""
        for stage in self._stages:
            stage.wake()

    def start(self) -> None:
        """Start the supervised start-up recovery, then each stage's loop (once)."""
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._run(), name="video-job-engine")]
            if self._servers_ready is not None and self._servers_wait is None:
                self._servers_wait = asyncio.create_task(
                    self._cap_servers_wait(self._servers_ready), name="servers-ready-cap"
                )

    async def _cap_servers_wait(self, ready: asyncio.Event) -> None:
        """Send servers' jobs once `ready`, or after `servers_ready_cap` seconds all the same:
        a gateway that cannot connect must not hold paid work for ever."""
        cap = self._config.servers_ready_cap
        try:
            await asyncio.wait_for(ready.wait(), cap)
        except TimeoutError:
            log.warning(
                "Start-up: not every shard of this process was ready within %.0f s; videos"
                " waiting in servers are sent anyway (one in a server that removed the bot"
                " while it was down is sent, and comes by DM)",
                cap,
            )
            ready.set()
        self.wake()

    def loop_states(self) -> dict[str, bool]:
        """Each stage loop's name and whether it runs; during start-up recovery, whether that
        is still well ("recovery": no stage runs until it succeeds); empty while nothing should
        run (not started, stopping)."""
        if len(self._tasks) <= 1:
            if not self._tasks:
                return {}
            if self._tasks[0].done():
                return {"engine": False}
            return {"recovery": not self._recovery_failed}
        return {"recovery": True, **{str(stage.stage): stage.running for stage in self._stages}}

    def dead_loops(self) -> list[str]:
        """The loops that should be running and are not (crashed, or ended)."""
        return [name for name, running in self.loop_states().items() if not running]

    async def _run(self) -> None:
        await self._supervise("Engine start-up recovery", self._recover)
        loops = [
            asyncio.create_task(self._supervise(f"The {stage.stage} stage", stage.run))
            for stage in self._stages
        ]
        self._tasks.extend(loops)
        await asyncio.gather(*loops)

    async def _supervise(self, name: str, body: Callable[[], Awaitable[None]]) -> None:
        config = self._config
        await supervise(
            name,
            body,
            first_backoff=config.restart_backoff,
            max_backoff=config.max_restart_backoff,
        )

    async def _recover(self) -> None:
        await self._warn_of_a_clock_set_back()
        if not self._recover_at_start:
            return
        try:
            released = await self._store.release_all_leases()
            settled = await self._service.settle_lost_submits(at_start=True)
        except Exception:
            self._recovery_failed = True
            raise
        self._recovery_failed = False
        if released or settled:
            log.info("Start-up: %d claims released, %d lost submits settled", released, settled)

    async def _warn_of_a_clock_set_back(self) -> None:
        """Tell the operator when the newest job was recorded ahead of this clock: the clock
        (this host's, or the database server's) was set back since."""
        recorded_at = await self._store.newest_recorded_at()
        ahead = recorded_at - self._clock() if recorded_at is not None else 0.0
        if ahead > OFF_WARNING:
            log.warning(
                "Start-up: the newest job was recorded %.0f s ahead of this clock, which was set"
                " back since (NTP, an operator); jobs due or claimed further ahead than the"
                " engine ever schedules are taken as due now",
                ahead,
            )

    async def stop(self, grace: float | None = None) -> None:
        """Stop claiming work, let in-flight work finish for up to `grace` seconds (the
        configured `stop_timeout` by default), then end the loops."""
        if self._servers_wait is not None:
            self._servers_wait.cancel()
        tasks, self._tasks = self._tasks, []
        if not tasks:
            return
        grace = self._config.stop_timeout if grace is None else grace
        await asyncio.gather(*(stage.drain(grace) for stage in self._stages))
        # The loops end at once after a drain: the bound is for a bug, or a database that
        # stopped answering, not a wait. It leaves a slow claim time to give its jobs back
        # (cut off, a claimed submit would lapse into "outcome unknown" with nothing sent).
        _, pending = await asyncio.wait(tasks, timeout=min(1.0, max(grace, 0.1)))
        for task in pending:
            task.cancel()
        await settle_cancelled(tasks, "engine loops")

    async def run_once(self) -> None:
        """One round of every stage, one after the other, each to completion (tests, benches)."""
        for stage in self._stages:
            await stage.run_once()

    async def _settle_lost_submits(self) -> None:
        await self._service.settle_lost_submits()

    async def _submit(self, job: Job) -> None:
        if job.status_message_id is None and self._announce is not None:
            # Announce, then submit, even for a job whose command was cut short.
            try:
                await self._announce(job)
                announced = await self._store.get(job.id) or job
            except asyncio.CancelledError:
                # Shutdown while the channel made the post wait: nothing was sent, so the claim
                # goes back for the next process (kept, it would lapse into "outcome unknown").
                try:
                    await self._store.release(job, Stage.SUBMIT)
                except Exception:
                    log.warning("Job %d: could not give its submit claim back; it lapses", job.id)
                raise
            except Exception:
                # Nothing was sent yet: give the job back to try later, never "outcome unknown".
                log.exception("Job %d: could not announce it; will try again", job.id)
                await self._store.release(
                    job, Stage.SUBMIT, retry_at=self._clock() + self._config.crash_retry
                )
                return
            if announced.version != job.version:
                # The claim lapsed while the post waited (the process paused) and another
                # process took the job over, maybe sent it: the row read back is its claim,
                # and a write made with it would not be fenced off. Nothing is done here.
                log.warning("Job %d: its submit claim was taken over while announcing", job.id)
                return
            job = announced
        report = await self._service.submit_claimed(job, member_present=False)
        if report.state in (JobState.QUEUED, JobState.RECORDED):
            # The status message says it was accepted, or (held back again) what it waits for.
            await self._on_progress(report.job)
        if report.state is not JobState.RECORDED:
            await self.show_places_behind(job)

    async def show_places_behind(self, job: Job) -> None:
        """`job` left its line (sent, closed, or cancelled while it waited): the jobs waiting
        after it show their new places now, not at their next look at the line."""
        for behind in await self._store.held_behind(job, limit=_PLACES_SHOWN):
            await self._on_progress(behind)

    async def _take_turn(self) -> float:
        """Wait for the request budget; returns the grant time, on the budget's own clock."""
        return await self._budget.acquire() if self._budget is not None else 0.0

    def _next_poll_delay(self, job: Job, info: TaskInfo, now: float) -> float:
        started = _started(job)
        # The reading stored by the previous check: with this one, the render's recent speed.
        previous = (
            Reading(age=job.progress_at - started, progress=job.progress)
            if job.progress_at is not None
            else None
        )
        return self._schedule.next_delay(
            age=now - started,
            progress=info.progress,
            estimated_time=info.estimated_time or job.estimated_time,
            previous=previous,
        )

    async def _poll(self, job: Job) -> None:
        assert job.task_id is not None
        if job.state is JobState.TIMED_OUT:
            await self._follow_up(job)
            return
        sent_at = await self._take_turn()
        asked_at = self._clock()
        try:
            info = await self._client.get_task(
                job.task_id, language=apimart_language(job.requester.locale)
            )
            self.round_trip.measured(self._clock() - asked_at)
        except TaskNotFoundError as error:
            self._metrics.poll_done("not_found")
            if job.not_found_answers + 1 < NOT_FOUND_ANSWERS:
                # A 404 may be a moment's glitch (a deploy, a proxy): the render may go on,
                # and be billed; ending it now would refund it and stop following it.
                await self._poll_failed(job, error, not_found=True)
                return
            log.warning("Job %d: APIMart does not know task %s", job.id, job.task_id)
            await self._finish(job, JobState.FAILED, reason_key="task_unknown_to_service")
            return
        except APIMartError as error:
            self._check_refused(error, sent_at)
            await self._poll_failed(job, error)
            return
        now = self._clock()
        if info.status.is_final:
            self._metrics.poll_done("finished")
            await self._finish_from_info(job, info)
        elif self._timed_out(job, now):
            self._metrics.poll_done("timed_out")
            await self._give_up(job)
        else:
            self._metrics.poll_done("running")
            updated = await self._store.record_progress(
                job, info, next_poll_at=now + self._next_poll_delay(job, info, now), read_at=now
            )
            # A cancelled job is followed quietly: its status message already says cancelled.
            if updated is not None and not updated.cancelled:
                await self._on_progress(updated)

    def _check_refused(self, error: APIMartError, sent_at: float) -> None:
        """A status check APIMart answered with an error: counted; a 429 slows the budget, a
        503's pause (down for upkeep) pauses it."""
        limited = isinstance(error, RateLimitError)
        self._metrics.poll_done("rate_limited" if limited else "error")
        if isinstance(error, RateLimitError) and self._budget is not None:
            self._budget.rate_limited(sent_at=sent_at, retry_after=error.retry_after)
        elif isinstance(error, ServerError) and error.retry_after is not None and self._budget:
            # Every other check and submit would get its own 503: they wait it out too.
            self._budget.unavailable(error.retry_after)

    async def _poll_failed(self, job: Job, error: APIMartError, *, not_found: bool = False) -> None:
        # Such a failure usually hits every job's check at once (a refused key, no balance, an
        # outage): one line per kind and minute, not one per check.
        if isinstance(error, AuthenticationError):
            self._failures.log(
                "key",
                logging.ERROR,
                "APIMart rejected the API key while polling job %d: check APIMART_API_KEY",
                job.id,
            )
            if self._on_account_refused is not None:
                self._on_account_refused()
        elif isinstance(error, PaymentRequiredError):
            # Not a pause: that follows a submit's 402, and a member's next submit tells.
            self._failures.log(
                "balance",
                logging.ERROR,
                "APIMart answered job %d's status check with 402 (no balance)",
                job.id,
            )
            if self._on_account_refused is not None:
                self._on_account_refused()
        else:
            self._failures.log(
                type(error).__name__,
                logging.WARNING,
                "Job %d: poll of task %s failed (%s)",
                job.id,
                job.task_id,
                error.message,
            )
        now = self._clock()
        if self._timed_out(job, now):
            await self._give_up(job)
            return
        if not_found:
            backoff = NOT_FOUND_RECHECK * 2**job.not_found_answers
        elif isinstance(error, RateLimitError):
            # Too many checks at once, not a fault of this job's: the budget slows every check
            # down; this one comes after APIMart's wait (or the usual pace), never pushed back
            # further at each 429, which would hold a finished video for minutes after a storm.
            backoff = min(
                max(error.retry_after or 0.0, self._config.poll_interval),
                self._schedule.max_gap,
            )
        elif isinstance(error, ServerError) and error.retry_after is not None:
            # APIMart asking for a pause (a 503's Retry-After, down for upkeep): not checked
            # again before it ends, nor later than the longest gap between two checks.
            backoff = min(
                max(error.retry_after, self._failure_backoff(job)), self._schedule.max_gap
            )
        else:
            backoff = self._failure_backoff(job)
        recorded = await self._store.record_poll_failure(
            job, next_poll_at=now + backoff, not_found=not_found
        )
        news_stops = job.poll_failures + 1 == NO_NEWS_AFTER and job.state.is_active
        if recorded and news_stops and not job.cancelled:
            # Once, as the news stops: the status no longer shows its old time left.
            failed = dataclasses.replace(
                job, poll_failures=job.poll_failures + 1, next_poll_at=now + backoff
            )
            await self._on_progress(failed)

    def _failure_backoff(self, job: Job) -> float:
        """The wait after a status check APIMart failed (a 5xx, no answer): doubling with each
        failure in a row, never past the longest gap between two checks (POLL_MAX_GAP), so a
        render that finished during an outage is found within it once APIMart is back; jittered
        (equal jitter, as `RetryPolicy`'s), so the jobs one outage hit are not all checked again
        in the same second, yet never sooner than the usual pace."""
        ceiling = min(
            self._config.poll_interval * 2 ** (job.poll_failures + 1),
            self._config.max_poll_backoff,
            self._schedule.max_gap,
        )
        lowest = max(ceiling / 2, min(self._config.poll_interval, ceiling))
        return self._config.rng.uniform(lowest, ceiling)

    def _timed_out(self, job: Job, now: float) -> bool:
        return now - _started(job) > self._config.task_timeout

    def _next_follow_up(self, job: Job, now: float) -> float | None:
        """When to look at a timed-out task again; None once it is not worth it any more."""
        due = now + self._config.follow_up_interval
        return due if due - _started(job) <= self._config.follow_up_limit else None

    async def _give_up(self, job: Job) -> None:
        """Tell the member it took too long; keep following it, since APIMart may finish it."""
        await self._finish(
            job,
            JobState.TIMED_OUT,
            reason_key=TIMED_OUT_REASON,
            follow_up_at=self._next_follow_up(job, self._clock()),
        )

    async def _follow_up(self, job: Job) -> None:
        """One quiet look at a timed-out task: record how it ended, or look again later."""
        assert job.task_id is not None
        sent_at = await self._take_turn()
        try:
            info = await self._client.get_task(
                job.task_id, language=apimart_language(job.requester.locale)
            )
        except TaskNotFoundError:
            self._metrics.poll_done("not_found")
            # As for a running task: one 404 may be a glitch, several in a row are an answer.
            if job.not_found_answers + 1 >= NOT_FOUND_ANSWERS:
                log.warning(
                    "Job %d: APIMart no longer knows timed-out task %s; it stops counting",
                    job.id,
                    job.task_id,
                )
                # Lost, as a running task answered so is: failed unbilled, so refunded (quietly,
                # as a late failure is).
                lost = TaskInfo(task_id=job.task_id, status=TaskStatus.FAILED)
                await self._store.record_late_end(job, lost, now=self._clock())
                return
            await self._store.follow_up_later(
                job, next_poll_at=self._next_follow_up(job, self._clock()), not_found=True
            )
            return
        except APIMartError as error:
            self._check_refused(error, sent_at)
            # An outage fails every timed-out task's look at once, as it fails every poll: one
            # line per kind and minute (each one at DEBUG), not one per job every few minutes.
            self._failures.log(
                f"follow-up {type(error).__name__}",
                logging.INFO,
                "Job %d: follow-up of task %s failed (%s)",
                job.id,
                job.task_id,
                error,
            )
            info = None
        if info is not None:
            self._metrics.poll_done("finished" if info.status.is_final else "running")
        if info is not None and info.status.is_final:
            now = self._clock()
            if await self._store.record_late_end(job, info, now=now):
                # Timed too: the longest renders are the tail an operator must see.
                self._count_end(job, _ending(info)[0], info, now)
            else:
                await self._store.end_lost_claim(job, None)
            log.info(
                "Job %d: timed-out task %s ended as %s (%s credits)%s",
                job.id,
                job.task_id,
                info.status.value,
                info.credits_cost,
                _why_ended(info, None),
            )
            return
        next_at = self._next_follow_up(job, self._clock())
        if next_at is None:
            log.info("Job %d: stopped following timed-out task %s", job.id, job.task_id)
        if not await self._store.follow_up_later(job, next_poll_at=next_at):
            await self._store.end_lost_claim(job, None)

    async def _finish_from_info(self, job: Job, info: TaskInfo) -> None:
        state, reason_key = _ending(info)
        await self._finish(job, state, info=info, reason_key=reason_key)

    async def _finish(
        self,
        job: Job,
        state: JobState,
        *,
        info: TaskInfo | None = None,
        reason_key: str | None = None,
        follow_up_at: float | None = None,
    ) -> None:
        now = self._clock()
        if await self._store.finish(
            job,
            state,
            now=now,
            info=info,
            reason_key=reason_key,
            follow_up_at=follow_up_at,
        ):
            self._count_end(job, state, info, now)
            log.info(
                "Job %d (task %s) ended as %s%s%s",
                job.id,
                job.task_id,
                state.value,
                _why_ended(info, reason_key),
                " (cancelled: not posted)" if job.cancelled else "",
            )
            # Its server's slot is free: a job waiting for one is sent now, not at its recheck.
            now = self._clock()
            if await self._store.call_held_now(job.requester.guild_id, HOLD_SLOT, now=now):
                self.wake()

    def _count_end(self, job: Job, state: JobState, info: TaskInfo | None, now: float) -> None:
        """A task's end, counted once (only the write that recorded it gets here)."""
        outcome = _RENDER_OUTCOME.get(state)
        if outcome is not None:
            self._metrics.render_ended(outcome)
        if info is not None:
            self._metrics.credits_spent(info.credits_cost)
        if state is JobState.COMPLETED and job.submitted_at is not None:
            self._metrics.render_finished(
                resolution=job.request.resolution,
                duration=job.request.duration,
                seconds=now - job.submitted_at,
            )

    async def _deliver_one(self, job: Job) -> None:
        # The catch-up first: one that writes the ban down and ends between the two reads
        # would otherwise let the video through.
        if await self._held_for_ban_catch_up(job) or await self._withheld_for_ban(job):
            return
        channel = job.requester.channel_id
        if self._delivering.get(channel, 0) >= self._per_channel:
            # That channel is slow (Discord 429s, say): leave workers for the other channels.
            await self._store.release(
                job, Stage.DELIVER, retry_at=self._clock() + _CHANNEL_BUSY_RETRY
            )
            return
        self._delivering[channel] = self._delivering.get(channel, 0) + 1
        try:
            result = await self._deliver(job)
        except Exception:
            log.exception("Job %d: delivery crashed; will retry", job.id)
            result = DeliveryResult(DeliveryOutcome.RETRY)
        finally:
            self._delivering[channel] -= 1
            if not self._delivering[channel]:
                del self._delivering[channel]
        attempts = job.delivery_attempts + 1
        retried = (
            result.outcome is DeliveryOutcome.RETRY
            and attempts < self._config.max_delivery_attempts
        )
        if result.outcome is DeliveryOutcome.RETRY and not retried:
            result = await self._given_up(job, result)
        now = self._clock()
        posted = result.outcome is DeliveryOutcome.DELIVERED
        # A moderator's cancel of a render given up on tells of no end (it came long after).
        tells_an_end = not job.cancelled_after_giving_up
        finished_at = job.finished_at if posted and tells_an_end else None
        # Counted as what happens now: a failure on the last attempt is given up, not retried.
        outcome = result.outcome
        if outcome is DeliveryOutcome.RETRY and not retried:
            outcome = DeliveryOutcome.UNREACHABLE
        self._metrics.delivery_done(
            outcome.value, delay=now - finished_at if finished_at is not None else None
        )
        if retried:
            backoff = min(
                self._config.delivery_retry_base * 2 ** (attempts - 1),
                self._config.max_delivery_backoff,
            )
            log.warning(
                "Job %d: delivery failed (attempt %d); retrying in %.0fs", job.id, attempts, backoff
            )
            if not await self._store.retry_delivery_at(
                job, now + backoff, download_failed=result.download_failed
            ):
                # Changed meanwhile (a block withheld its video): its status is that change's.
                await self._store.end_lost_claim(job, None)
                return
            if job.state.is_final and not job.cancelled:
                # The status still shows the last progress reading (and a Cancel button): it is
                # done, its post on its way, or it failed, its reason on its way (not "the
                # member was told why" before they were).
                await self._on_progress(job)
            return
        if result.outcome is not DeliveryOutcome.DELIVERED:
            log.error(
                "Job %d: could not reach user %d anywhere; giving up delivery",
                job.id,
                job.requester.user_id,
            )
        marked = await self._store.mark_delivered(
            job, now=now, message_id=result.message_id, linked=result.linked
        )
        await self._show_last_status(job, result)
        if not marked:
            log.warning("Job %d: delivery claim was lost before it was marked", job.id)
            if posted and await self._withdrawn_as_a_second_post(job, result):
                return
            if posted and await self._withdrawn_as_withheld(job, result):
                posted = False
            await self._store.end_lost_claim(job, result.message_id if posted else None)

    async def _given_up(self, job: Job, result: DeliveryResult) -> DeliveryResult:
        """`job`'s delivery, failed `max_delivery_attempts` times for now and given up: what
        another way to the member (`give_up`) made of it, else `result`."""
        if self._delivery_way_out is None:
            return result
        try:
            other = await self._delivery_way_out(job)
        except Exception:
            log.exception("Job %d: its delivery's last way out crashed", job.id)
            return result
        return result if other is None else other

    async def _withheld_for_ban(self, job: Job) -> bool:
        """Whether the job's video, about to be posted, was withheld because its member's ban
        (as saved) reaches it: one the ban's cancels missed (the process stopped between the
        ban's write and theirs, or the database failed them). Withheld as the ban's cancel
        would have (`JobStore.cancel`'s `unposted_too`): never posted, still counted, and its
        notice posted instead, by the next claim."""
        if not _a_video_for_a_server(job) or not await self._store.ban_reaches(job):
            return False
        outcome = await self._store.cancel(
            job.id,
            reason_key="cancelled_by_ban",
            now=self._clock(),
            member_told=False,
            unposted_too=True,
        )
        if outcome is None:
            return False  # cancelled meanwhile: this claim is lost, and its delivery says so
        log.info("Job %d: its member's ban reaches it; its video is withheld", job.id)
        await self._store.end_lost_claim(job, None)
        self.wake()
        if self._on_ban_stopped is not None:
            try:
                await self._on_ban_stopped(job, CancelOutcome.WITHHELD)
            except Exception:
                log.exception("Job %d: its ban's audit or mod-log line failed", job.id)
        return True

    async def _held_for_ban_catch_up(self, job: Job) -> bool:
        """Whether the job's video, about to be posted in a server, was put off because a
        start-up (of this process or another) is catching up the bans it missed while down:
        its member may be among them (`bot.moderation.bans`). Held until that is done, at most
        until its deadline; it is looked at again every second meanwhile."""
        if not _a_video_for_a_server(job):
            return False
        now = self._clock()
        until = await self._store.ban_catch_up_until(now)
        if until is None:
            return False
        retry_at = min(until, now + _BAN_CATCH_UP_RECHECK)
        await self._store.release(job, Stage.DELIVER, retry_at=retry_at)
        return True

    async def _show_last_status(self, job: Job, result: DeliveryResult) -> None:
        """The status's last edit, now that the job reads as told: a progress edit another
        process lands after it re-reads the job after its edit, finds it told and puts the last
        status back. (Made even when the claim was lost: the post went, and says so.)"""
        if result.last_status is None:
            return
        try:
            await result.last_status()
        except Exception:
            # The sweep of missed last edits makes it (`bot.status_sweep`).
            log.exception("Job %d: its last status edit failed unexpectedly", job.id)

    async def _withdrawn_as_withheld(self, job: Job, result: DeliveryResult) -> bool:
        """Whether this post of a video, whose upload was in flight when a block or a
        moderator's cancel stopped it (`JobStore.cancel`'s `unposted_too`), was deleted again.
        One that cannot be deleted stays, and is logged: its notice still follows it."""
        if job.cancelled or job.state is not JobState.COMPLETED:
            return False  # not the video: a notice
        current = await self._store.get(job.id)
        if current is None or not current.cancelled:
            return False
        if result.withdraw is not None and await result.withdraw():
            log.warning(
                "Job %d: its video was posted as a block or a moderator's cancel stopped it;"
                " the post was deleted",
                job.id,
            )
            return True
        log.error(
            "Job %d: its video was posted as a block or a moderator's cancel stopped it, and"
            " could not be deleted",
            job.id,
        )
        return False

    async def _withdrawn_as_a_second_post(self, job: Job, result: DeliveryResult) -> bool:
        """Whether this post, made after its claim was lost, was deleted because the process
        that took the job over had posted it already. (A process paused between its last claim
        check and its post, past the few minutes Discord remembers a nonce, posts it again on
        waking.)"""
        if result.withdraw is None:
            return False
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + _OTHER_POST_WAIT
        while True:
            # Who holds the job first, then the job: a post written down in between (which
            # lets go of the claim) is then still seen.
            held = await self._store.claimed_by_another(job.id)
            current = await self._store.get(job.id)
            if current is None:
                return False
            if current.delivered_at is not None:
                break
            # The process that took over may be part-way through its own post (not yet
            # written down): its outcome decides. Nobody at it: this post is the one.
            if not held or loop.time() >= give_up_at:
                return False
            await asyncio.sleep(_OTHER_POST_RECHECK)
        if current.delivery_message_id in (None, result.message_id):
            return False
        if not await result.withdraw():
            return False
        log.warning(
            "Job %d: posted again after its claim lapsed (the process was paused?); the second"
            " post was deleted",
            job.id,
        )
        return True
