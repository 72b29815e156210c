"""The engine's stages of work on a job: which jobs each stage is due for, and how long its
claims last and who holds them (`JobStore` claims by these)."""

from __future__ import annotations

import dataclasses
import enum
import os
import socket
import uuid
from dataclasses import dataclass

from bot.jobs.models import FINAL_VALUES, JobState

# States the poller asks APIMart about: running tasks, and timed-out ones followed quietly
# (only while their `next_poll_at` is set) because APIMart may still finish and bill them.
# The predicate of index `jobs_due_poll`, written out term for term: SQLite uses a partial
# index only for a query that repeats its condition so.
_POLLED = "state IN ('queued', 'processing', 'timed_out')"


class Stage(enum.StrEnum):
    """A kind of work on a job; each has its own "due" question and its own lease length."""

    SUBMIT = "submit"
    POLL = "poll"
    DELIVER = "deliver"


# Each stage's jobs, and the column that says when one is due.
STAGE_JOBS: dict[Stage, tuple[str, str]] = {
    Stage.SUBMIT: (f"state = '{JobState.RECORDED.value}'", "next_poll_at"),
    # Running tasks, and timed-out ones followed quietly while `next_poll_at` is set.
    Stage.POLL: (_POLLED, "next_poll_at"),
    # Finished jobs, and cancelled ones whose notice is due, not yet told.
    Stage.DELIVER: (
        f"(state IN ({', '.join(repr(state) for state in FINAL_VALUES)})"
        " OR cancelled_at IS NOT NULL) AND delivered_at IS NULL",
        "next_delivery_at",
    ),
}


# A job made through a member's own install, or in DMs: not one of a server the bot is a member
# of, which may have removed the bot while it was down (`JobStore.guilds_with_waiting_jobs`).
_NOT_A_SERVERS = "(guild_id IS NULL OR reply_route IS NOT NULL)"


def stage_jobs(stage: Stage, servers: bool) -> tuple[str, str]:
    """`stage`'s jobs and the column that says when one is due; without `servers`, none made
    in a server the bot is a member of."""
    jobs, column = STAGE_JOBS[stage]
    return (jobs if servers else f"{jobs} AND {_NOT_A_SERVERS}"), column


# How far apart two processes' clocks may be and still have each other's times taken as they
# are (each follows the database server's clock, `bot.engine.clock`). A due time or a claim
# further ahead than any this bot writes by more than this was written by a clock that ran
# ahead and was set back since: it is taken as due, or lapsed, now.
CLOCK_SLACK = 120.0
# How far ahead each stage makes a job due, at most, with the shipped settings (the engine
# passes its own, `Poller.reach`): a held submit's recheck or APIMart's pause (2 minutes), a
# timed-out render's follow-up (5), a failed delivery's longest backoff (10).
STAGE_REACH: dict[Stage, float] = {
    Stage.SUBMIT: 120.0,
    Stage.POLL: 300.0,
    Stage.DELIVER: 600.0,
}


@dataclass(frozen=True)
class LeaseTerms:
    """How long a claim lasts per stage, and who claims: one owner per process."""

    owner: str = dataclasses.field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    )
    # Longer than the slowest legitimate attempt; workers renew long ones (`renew`).
    submit: float = 180.0
    poll: float = 60.0
    deliver: float = 300.0

    @classmethod
    def lasting(cls, poll: float) -> LeaseTerms:
        """Terms whose poll claim lasts `poll` seconds, submits 3 and deliveries 5 times as long."""
        return cls(submit=3 * poll, poll=poll, deliver=5 * poll)

    def length(self, stage: Stage) -> float:
        """Seconds a claim of `stage` lasts."""
        return {Stage.SUBMIT: self.submit, Stage.POLL: self.poll, Stage.DELIVER: self.deliver}[
            stage
        ]

    @property
    def longest(self) -> float:
        """Seconds the longest claim of any stage lasts."""
        return max(self.submit, self.poll, self.deliver)


# LEASE_SECONDS at its most (`bot.settings`), and so the longest claim any process of this bot
# makes (a delivery's). Processes sharing a database may run with different LEASE_SECONDS (a
# rolling deploy raising it): a claim is taken for one written by a clock since set back only
# when it lasts longer than this, never because it lasts longer than this process's own.
LEASE_SECONDS_AT_MOST = 600.0
LONGEST_CLAIM = LeaseTerms.lasting(LEASE_SECONDS_AT_MOST).longest
