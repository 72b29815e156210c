"""What a cancel did: to a job's count against its member, and which jobs a block
cancelled (the jobs store reports these; the cogs tell members and moderators)."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from bot.jobs.models import Job


class CancelOutcome(enum.Enum):
    """What a cancel did to a job's count against its member."""

    REFUNDED = "refunded"  # never reached APIMart: cancelled, and it stops counting
    COUNTED = "counted"  # APIMart has it: never posted, but it still counts
    # Being sent: stopped before the request leaves (refunded), else never posted (counted).
    WHEN_SENT = "when_sent"
    # Made, but not posted yet (its post being fetched, uploaded, or tried again after Discord
    # failed): never posted, and it counts (only a block stops these).
    WITHHELD = "withheld"


# Tells the moderators of a job the member's saved ban stopped where the ban's own cancels
# missed it (before its submit, or before its video was posted), and how: its audit and mod-log
# line, as those cancels would have written it.
BanStopped = Callable[["Job", CancelOutcome], Awaitable[None]]


class CancelledJob(NamedTuple):
    """A job a block cancelled, what that did to its count, and its server (None: outside
    servers), whose moderators are told."""

    job_id: int
    outcome: CancelOutcome
    guild_id: int | None
