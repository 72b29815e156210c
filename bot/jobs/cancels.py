"""What a cancel did: to a job's count against its member, and which jobs a block
cancelled (the jobs store reports these; the cogs tell members and moderators)."""

from __future__ import annotations

import enum
from typing import NamedTuple


class CancelOutcome(enum.Enum):
    """What a cancel did to a job's count against its member."""

    REFUNDED = "refunded"  # never reached APIMart: cancelled, and it stops counting
    COUNTED = "counted"  # APIMart has it: never posted, but it still counts
    # Being sent: stopped before the request leaves (refunded), else never posted (counted).
    WHEN_SENT = "when_sent"
    # Made, but not posted yet (its post being fetched, uploaded, or tried again after Discord
    # failed): never posted, and it counts (only a block stops these).
    WITHHELD = "withheld"


class CancelledJob(NamedTuple):
    """A job a block cancelled, what that did to its count, and its server (None: outside
    servers), whose moderators are told."""

    job_id: int
    outcome: CancelOutcome
    guild_id: int | None
