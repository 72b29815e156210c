"""What a submit is told and tells: its timing, its report, the keys of its holds, its hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.apimart import VideoRequest
from bot.i18n import Message, msg
from bot.jobs.models import Job, JobState
from bot.media_refresh import FETCH_MARGIN
from bot.observability.metrics import SubmitOutcome

Clock = Callable[[], float]
# Gives a job fresh media URLs (Discord's signed URLs expire); raises JobRefused if it cannot.
# The job's request with media URLs that work until the given moment (Unix seconds).
MediaRefresher = Callable[[Job, float], Awaitable[VideoRequest]]
# Told whether the API account can pay, after a submit: False on an HTTP 402; True when it was
# accepted, with when its request left (one sent before a 402 says nothing of a top-up).
BalanceHook = Callable[[bool, float | None], Awaitable[None]]
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
