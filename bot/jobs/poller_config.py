"""The engine's timing and limits (`PollerConfig`)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bot.jobs.models import FOLLOW_UP_LIMIT
from bot.jobs.schedule import PollSchedule, ScheduleMode


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
