"""The background engine: three stages that never wait on each other.

Submitting, polling and delivering each run as their own supervised loop over leased jobs with
their own bounded pool of workers (`bot.engine.pool`), so a submit waiting out a 429 or a slow
100 MB delivery holds one worker of its own stage and delays nobody else.

`Poller` is put together from its parts: the status checks (`bot.jobs.status_checks`), the
follow-ups of renders given up on (`bot.jobs.follow_ups`), the deliveries
(`bot.jobs.delivery_stage`) and the ban checks before a post (`bot.jobs.ban_withholding`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.apimart import APIMartClient
from bot.engine.clock import OFF_WARNING
from bot.engine.pool import SETTLE, StageLoop, Workers, settle_cancelled
from bot.engine.supervisor import supervise
from bot.jobs.ban_withholding import BanWithholding
from bot.jobs.budget import RequestBudget
from bot.jobs.callbacks import (
    Announcer,
    Deliver,
    DeliveryOutcome,
    DeliveryResult,
    GiveUp,
    ProgressListener,
)
from bot.jobs.cancels import BanStopped
from bot.jobs.delivery_stage import _CHANNEL_BUSY_RETRY, DeliveryStage
from bot.jobs.follow_ups import FollowUps
from bot.jobs.inflight import RoundTrip, checks_in_flight
from bot.jobs.models import Job, JobState
from bot.jobs.poller_config import PollerConfig
from bot.jobs.service import Clock, JobService
from bot.jobs.stages import Stage
from bot.jobs.status_checks import NOT_FOUND_ANSWERS, NOT_FOUND_RECHECK, StatusChecks
from bot.jobs.store import JobStore
from bot.observability.metrics import Metrics
from bot.observability.repeated import RepeatedFailures

# The engine's parts live in their own modules; these names are still imported from here.
__all__ = [
    "NOT_FOUND_ANSWERS",
    "NOT_FOUND_RECHECK",
    "Announcer",
    "Deliver",
    "DeliveryOutcome",
    "DeliveryResult",
    "GiveUp",
    "Poller",
    "PollerConfig",
    "ProgressListener",
]

log = logging.getLogger(__name__)


async def _ignore_progress(_job: Job) -> None:
    return None


# When a job leaves its server's line, the statuses of this many behind it show their new
# places at once (the rest at their next look at the line, every 30 s).
_PLACES_SHOWN = 10
# The poll stage claims once a quarter of its pool is free: one claim for several checks.
_POLL_CLAIM_SHARE = 0.25


class Poller(StatusChecks, FollowUps, DeliveryStage, BanWithholding):
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
