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
    # The member's own allowance ends (`override.expires_at`): what applies from then on.
    after: int | None = None


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
    budget_used: float  # credits APIMart reported this month
    paused: bool
    channels: frozenset[int]  # empty = every channel
    reserved_options: dict[str, frozenset[int]] = field(default_factory=dict)
    banned_patterns: tuple[str, ...] = ()
    # What the videos being made are expected to cost (`credits_held`): promised already.
    budget_held: float = 0.0
    # What the cheapest video is expected to cost: a budget with less left fits none.
    budget_floor: float = 0.0

    @property
    def left(self) -> int:
        """Videos the member may still start this period."""
        return max(self.allowance.limit - self.used, 0)

    @property
    def budget_committed(self) -> float:
        """Credits reported this month plus those held for videos being made."""
        return self.budget_used + self.budget_held

    @property
    def budget_spent(self) -> bool:
        """Whether the server's monthly credits are used up, or held for videos being made, or
        what is left would pay for no video."""
        return no_video_fits(self.policy.monthly_budget, self.budget_committed, self.budget_floor)

    @property
    def budget_left(self) -> float:
        """What a new video may still spend of the server's monthly budget."""
        return credits_left(self.policy.monthly_budget or 0.0, self.budget_committed)

    def budget_short(self, expected: float) -> float | None:
        """The credits left when a video expected to cost `expected` would pass the server's
        monthly budget; None when it fits (or there is none)."""
        return short_of(self.policy.monthly_budget, self.budget_committed, expected)


@dataclass(frozen=True)
class BudgetUse:
    """A monthly budget's month so far: credits reported, and held for videos being made."""

    spent: float
    held: float
    window: Window

    def left(self, budget: float) -> float:
        """What a new video may still spend of `budget`."""
        return credits_left(budget, self.spent + self.held)


# Credits are sums of tenths in binary floating point (15.8 + 2.1 + 2.1 is a hair over 20):
# a video costing exactly what is left fits.
CREDIT_TOLERANCE = 1e-6


def credits_left(budget: float, committed: float) -> float:
    """What a new video may still spend of `budget` with `committed` spent or held (never
    below 0)."""
    return max(budget - committed, 0.0)


def no_video_fits(budget: float | None, committed: float, floor: float) -> bool:
    """Whether a monthly budget is used up: nothing left, or less than the cheapest video."""
    if budget is None:
        return False
    left = budget - committed
    return left <= CREDIT_TOLERANCE or left < floor - CREDIT_TOLERANCE


def short_of(budget: float | None, committed: float, expected: float) -> float | None:
    """What is left of `budget` when `expected` more would pass it; None when it fits."""
    if budget is None or committed + expected <= budget + CREDIT_TOLERANCE:
        return None
    return max(budget - committed, 0.0)
