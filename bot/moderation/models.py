"""What a server's moderation policy is, and the facts a quota decision is made from."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from bot.jobs.models import JobState

# Jobs in progress, for the limit on how many a member runs at once (a cancelled render,
# still running at APIMart but never to be posted, is not one of them).
UNFINISHED_STATES = frozenset(
    {JobState.RECORDED, JobState.SUBMITTING, JobState.QUEUED, JobState.PROCESSING}
)


class Period(enum.StrEnum):
    """How often a member's allowance starts again."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Policy:
    """One server's rules; a server that never changed anything gets these defaults."""

    guild_id: int
    period: Period = Period.DAY
    reset_hour: int = 0  # UTC
    reset_weekday: int = 0  # Monday; used by weekly periods
    default_limit: int = 5
    max_active: int = 2
    cooldown_seconds: int = 0
    max_rendering: int | None = None  # the server's videos rendering at once; None = no limit
    monthly_budget: float | None = None  # credits per calendar month (UTC); None = no budget
    modlog_channel_id: int | None = None
    moderator_role_id: int | None = None
    # Requests expected to cost more credits than this ask their member to confirm; None = never.
    confirm_above: float | None = None


@dataclass(frozen=True)
class MemberOverride:
    """A member's own allowance (0 = blocked), with why and until when."""

    user_id: int
    video_limit: int
    reason: str
    expires_at: float | None
    set_by: int


@dataclass(frozen=True)
class Window:
    """A stretch of time [start, end) in Unix seconds."""

    start: float
    end: float


@dataclass(frozen=True)
class Allowance:
    """How many videos a member may make per period, and which rule said so."""

    limit: int
    source: str  # "default", "role" or "member"
    override: MemberOverride | None = None


@dataclass(frozen=True)
class MemberFacts:
    """Everything the admission rules look at for one member at one moment."""

    policy: Policy
    allowance: Allowance
    window: Window
    used: int  # jobs that count in this window
    active: int  # unfinished jobs
    last_created_at: float | None
    budget_window: Window
    budget_used: float
    paused: bool
    channels: frozenset[int]  # empty = every channel
    reserved_options: dict[str, frozenset[int]] = field(default_factory=dict)
    banned_patterns: tuple[str, ...] = ()

    @property
    def left(self) -> int:
        """Videos the member may still start this period."""
        return max(self.allowance.limit - self.used, 0)

    @property
    def budget_spent(self) -> bool:
        """Whether the server's monthly credits are used up."""
        budget = self.policy.monthly_budget
        return budget is not None and self.budget_used >= budget
